"""Interoperability with Debian's xmlsec1 (libxmlsec1, OpenSSL): it accepts our signatures, and
we accept its own. xmlsec1 needs only ``--trusted-pem ROOT``: our X509Data carries the
intermediate, so ``--untrusted-pem`` is not needed (it does no harm)."""

from __future__ import annotations

import shutil
import subprocess
from base64 import b64decode
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from signing.keys import SigningKey, load_pkcs12
from signing.report import Indication
from signing.trust import Trust
from signing.xml import sign_detached, sign_enveloped, verify_xml
from tests.conftest import service_missing
from tests.signing import pki as test_pki

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:kense:document:1"><title>Бұйрық №17</title><number>КЕ-17</number></document>
""".encode()

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:kense:document:1"><title>Бұйрық №17</title><number>КЕ-17</number>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
  <SignedInfo>
    <CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>
    <SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#{method}"/>
    <Reference URI="">
      <Transforms>
        <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
      </Transforms>
      <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
      <DigestValue/>
    </Reference>
  </SignedInfo>
  <SignatureValue/>
  <KeyInfo><X509Data/></KeyInfo>
</Signature>
</document>
"""


@pytest.fixture(scope="module")
def xmlsec1() -> str:
    path = shutil.which("xmlsec1")
    if path is None:
        service_missing("xmlsec1 is not installed (apt-get install xmlsec1)")
    assert path is not None
    return path


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=60, cwd=cwd, check=False
    )


def _verify(xmlsec1: str, pki_files: dict[str, Path], path: Path) -> int:
    result = _run(xmlsec1, "--verify", "--trusted-pem", pki_files["root"], path, cwd=path.parent)
    return result.returncode


def _key(pki_files: dict[str, Path], name: str) -> SigningKey:
    return load_pkcs12(pki_files[name].read_bytes(), test_pki.PASSWORD)


@pytest.mark.parametrize("name", ["director", "director_ec"])
def test_xmlsec1_accepts_our_enveloped_signature(
    xmlsec1: str, pki_files: dict[str, Path], tmp_path: Path, name: str
) -> None:
    path = tmp_path / "signed.xml"
    path.write_bytes(sign_enveloped(DOC, _key(pki_files, name)))
    assert _verify(xmlsec1, pki_files, path) == 0


@pytest.mark.parametrize("name", ["director", "director_ec"])
def test_xmlsec1_accepts_our_detached_signature(
    xmlsec1: str, pki_files: dict[str, Path], tmp_path: Path, name: str
) -> None:
    data = b"%PDF-1.7\n%%EOF\n"
    (tmp_path / "decision.pdf").write_bytes(data)
    path = tmp_path / "decision.pdf.xml"
    path.write_bytes(sign_detached(data, _key(pki_files, name), uri="decision.pdf"))
    assert _verify(xmlsec1, pki_files, path) == 0
    (tmp_path / "decision.pdf").write_bytes(data + b" ")
    assert _verify(xmlsec1, pki_files, path) != 0


def test_xmlsec1_rejects_a_tampered_signature(
    xmlsec1: str, pki_files: dict[str, Path], tmp_path: Path
) -> None:
    signed = sign_enveloped(DOC, _key(pki_files, "director"))
    path = tmp_path / "tampered.xml"
    path.write_bytes(signed.replace("КЕ-17".encode(), "КЕ-18".encode()))
    assert _verify(xmlsec1, pki_files, path) != 0


def test_xmlsec1_checks_the_chain_of_our_signature(
    xmlsec1: str, pki: test_pki.Pki, pki_files: dict[str, Path], tmp_path: Path
) -> None:
    """Not a vacuous accept: with another root as the anchor, xmlsec1 refuses."""
    path = tmp_path / "signed.xml"
    path.write_bytes(sign_enveloped(DOC, _key(pki_files, "director")))
    other_root = tmp_path / "other-root.pem"
    other_root.write_bytes(pki.untrusted.chain[0].public_bytes(Encoding.PEM))
    assert _run(xmlsec1, "--verify", "--trusted-pem", other_root, path).returncode != 0


@pytest.mark.parametrize(
    ("name", "method"), [("director", "rsa-sha256"), ("director_ec", "ecdsa-sha256")]
)
def test_we_accept_a_signature_made_by_xmlsec1(
    xmlsec1: str,
    pki_files: dict[str, Path],
    trust: Trust,
    tmp_path: Path,
    name: str,
    method: str,
) -> None:
    template = tmp_path / "template.xml"
    template.write_text(TEMPLATE.format(method=method), encoding="utf-8")
    out = tmp_path / "signed.xml"
    made = _run(
        xmlsec1,
        "--sign",
        "--pkcs12",
        pki_files[name],
        "--pwd",
        test_pki.PASSWORD,
        "--output",
        out,
        template,
    )
    assert made.returncode == 0, made.stderr
    signed = out.read_bytes()
    # xmlsec1 lists the CA certificates before the signer's: we must not take the first.
    key = _key(pki_files, name)
    first = etree.fromstring(signed).findtext(
        ".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate"
    )
    assert x509.load_der_x509_certificate(b64decode(first or "")) != key.certificate

    result = verify_xml(signed, trust)
    assert (result.indication, result.sub_indication) == (Indication.TOTAL_PASSED, None), (
        result.messages
    )
    assert result.format == "XMLDSig"
    assert result.signing_time is None
    assert result.signer is not None and "Серіков" in result.signer["name"]
    assert result.covered["kind"] == "enveloped"
    assert "КЕ-17" in result.covered["xml"] and "Signature" not in result.covered["xml"]

    tampered = verify_xml(signed.replace("КЕ-17".encode(), "КЕ-18".encode()), trust)
    assert (tampered.indication, tampered.sub_indication) == (
        Indication.TOTAL_FAILED,
        "HASH_FAILURE",
    )
