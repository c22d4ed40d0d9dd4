"""Trust settings and revocation modes: what a report says about the signer's certificate."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from signing.keys import load_pkcs12
from signing.report import Indication
from signing.trust import Trust, check_chain, load_trust
from tests.signing.pki import PASSWORD, UNREACHABLE_CRL, Pki, build

SIGNERS = ("director", "director_ec", "revoked", "expired", "wrong_usage", "untrusted")
EXPECTED = {
    "director": ("TOTAL-PASSED", None),
    "director_ec": ("TOTAL-PASSED", None),
    "revoked": ("TOTAL-FAILED", "REVOKED"),
    "expired": ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE"),
    "wrong_usage": ("TOTAL-FAILED", "SIG_CONSTRAINTS_FAILURE"),
    "untrusted": ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND"),
}


def both_crls(files: dict[str, Path]) -> Trust:
    return load_trust([str(files["root"])], [str(files["crl"]), str(files["root_crl"])], "require")


def verdict(pki_files: dict[str, Path], name: str, trust: Trust) -> tuple[str, str | None]:
    key = load_pkcs12(pki_files[name].read_bytes(), PASSWORD)
    found = check_chain(key.certificate, key.chain, trust)
    return found.indication.value, found.sub_indication


@pytest.mark.parametrize("name", SIGNERS)
def test_required_revocation_with_both_crls(pki_files: dict[str, Path], name: str) -> None:
    trust = load_trust(
        [str(pki_files["root"])], [str(pki_files["crl"]), str(pki_files["root_crl"])], "require"
    )
    assert verdict(pki_files, name, trust) == EXPECTED[name]


def test_required_revocation_without_the_roots_crl_is_indeterminate(
    pki_files: dict[str, Path],
) -> None:
    """The intermediate's own revocation cannot be checked: try later, never passed."""
    trust = load_trust([str(pki_files["root"])], [str(pki_files["crl"])], "require")
    assert verdict(pki_files, "director", trust) == ("INDETERMINATE", "TRY_LATER")


def test_a_crl_named_in_the_certificate_that_cannot_be_read_is_indeterminate(
    pki_files: dict[str, Path],
) -> None:
    trust = load_trust([str(pki_files["root"])], [], "if-available")
    key = load_pkcs12(pki_files["director"].read_bytes(), PASSWORD)
    found = check_chain(key.certificate, key.chain, trust)
    assert (found.indication, found.sub_indication) == (Indication.INDETERMINATE, "TRY_LATER")
    assert UNREACHABLE_CRL in found.revocation


def test_a_configured_crl_url_that_cannot_be_read_is_indeterminate(
    pki_files: dict[str, Path],
) -> None:
    trust = load_trust([str(pki_files["root"])], [UNREACHABLE_CRL], "if-available")
    assert trust.unavailable
    assert verdict(pki_files, "director", trust) == ("INDETERMINATE", "TRY_LATER")


def test_without_any_crl_if_available_says_revocation_was_not_checked(tmp_path: Path) -> None:
    files = build(crl_url=None).write(tmp_path)
    trust = load_trust([str(files["root"])], [], "if-available")
    key = load_pkcs12(files["director"].read_bytes(), PASSWORD)
    found = check_chain(key.certificate, key.chain, trust)
    assert found.indication == Indication.TOTAL_PASSED
    assert found.revocation.startswith("not checked")
    required = load_trust([str(files["root"])], [], "require")
    assert check_chain(key.certificate, key.chain, required).sub_indication == "TRY_LATER"


def test_no_trust_anchor_means_no_chain(pki_files: dict[str, Path]) -> None:
    assert verdict(pki_files, "director", load_trust([], [])) == (
        "INDETERMINATE",
        "NO_CERTIFICATE_CHAIN_FOUND",
    )


@pytest.fixture
def crl_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """An HTTP server answering the paths of ``served`` with their bytes."""
    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", served
    finally:
        server.shutdown()
        server.server_close()


def test_crls_named_in_the_certificates_are_fetched_and_used(
    crl_server: tuple[str, dict[str, bytes]], tmp_path: Path
) -> None:
    base, served = crl_server
    pki: Pki = build(crl_url=f"{base}/intermediate.crl", root_crl_url=f"{base}/root.crl")
    served["/intermediate.crl"] = pki.crl.public_bytes(Encoding.DER)
    served["/root.crl"] = pki.root_crl.public_bytes(Encoding.DER)
    files = pki.write(tmp_path)
    trust = load_trust([str(files["root"])], [], "if-available")
    assert verdict(files, "director", trust) == ("TOTAL-PASSED", None)
    assert verdict(files, "revoked", trust) == ("TOTAL-FAILED", "REVOKED")


def test_a_recent_verdict_is_reused(pki_files: dict[str, Path]) -> None:
    trust = load_trust(
        [str(pki_files["root"])], [str(pki_files["crl"]), str(pki_files["root_crl"])], "require"
    )
    key = load_pkcs12(pki_files["revoked"].read_bytes(), PASSWORD)
    first = check_chain(key.certificate, key.chain, trust)
    assert len(trust.verdicts) == 1
    again = check_chain(key.certificate, key.chain, trust)
    assert (again.indication, again.sub_indication) == (first.indication, first.sub_indication)
    again.messages.append("changed by a caller")
    assert "changed by a caller" not in check_chain(key.certificate, key.chain, trust).messages


def test_nothing_is_fetched_for_a_certificate_no_anchor_vouches_for(
    crl_server: tuple[str, dict[str, bytes]], pki_files: dict[str, Path], tmp_path: Path
) -> None:
    """An attacker's certificate may name any URL: the server must not request it."""
    base, served = crl_server
    stranger = build(crl_url=f"{base}/internal", root_crl_url=f"{base}/internal-root")
    files = stranger.write(tmp_path)
    # another PKI's root, of the same name: the path is built, its signatures do not verify
    trust = load_trust([str(pki_files["root"])], [], "if-available")
    assert verdict(files, "director", trust) == (
        "INDETERMINATE",
        "CERTIFICATE_CHAIN_GENERAL_FAILURE",
    )
    assert "requested" not in served


def test_certificates_off_the_path_name_no_url_that_is_fetched(
    crl_server: tuple[str, dict[str, bytes]], pki_files: dict[str, Path], tmp_path: Path
) -> None:
    """A signature may carry any extra certificate (the set is not signed): only the validated
    path's certificates have their CRLs read."""
    base, served = crl_server
    planted = build(crl_url=f"{base}/internal").director.cert
    key = load_pkcs12(pki_files["director"].read_bytes(), PASSWORD)
    trust = both_crls(pki_files)
    found = check_chain(key.certificate, [*key.chain, planted], trust)
    assert found.indication == Indication.TOTAL_PASSED
    assert "requested" not in served


def test_a_slow_crl_server_cannot_hold_a_verification(
    pki_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from signing import trust as trust_module

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            for _ in range(100):  # a byte every 0.1 s: each read is quick, the whole is not
                self.wfile.write(b"0")
                self.wfile.flush()
                time.sleep(0.1)

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(trust_module, "FETCH_TIMEOUT", 0.5)
    try:
        files = build(crl_url=f"http://127.0.0.1:{server.server_port}/slow").write(tmp_path)
        trust = load_trust([str(files["root"])], [], "if-available")
        started = time.monotonic()
        assert verdict(files, "director", trust) == ("INDETERMINATE", "TRY_LATER")
        assert time.monotonic() - started < 3
    finally:
        server.shutdown()
        server.server_close()
