"""Shared fixtures of the signing tests: one test PKI per session, its files, and trust settings
that anchor at its root and require the CRLs it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing.trust import Trust, load_trust
from tests.signing import pki as test_pki


@pytest.fixture(scope="session")
def pki() -> test_pki.Pki:
    return test_pki.build()


@pytest.fixture(scope="session")
def pki_files(pki: test_pki.Pki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """root.pem, intermediate.crl, root.crl and <signer>.p12 (password ``pki.PASSWORD``)."""
    return pki.write(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def trust(pki_files: dict[str, Path]) -> Trust:
    return load_trust(
        [str(pki_files["root"])],
        [str(pki_files["crl"]), str(pki_files["root_crl"])],
        "require",
    )
