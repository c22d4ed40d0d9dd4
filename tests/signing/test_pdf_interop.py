"""Our PDF signatures as other implementations see them: Debian's pdfsig (poppler + NSS),
pyHanko's own validator, and veraPDF for the PDF/A conformance of a signed LibreOffice PDF/A.

pdfsig does not know the test root, so its certificate line says the issuer is not trusted;
only its signature (digest and value) and coverage lines are asserted.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing import aio
from signing.keys import SigningKey, common_name, load_pkcs12
from signing.pdf import Stamp, sign_pdf, verify_pdf
from signing.report import Indication
from signing.trust import Trust
from templates import pdf as template_pdf
from templates.convert import DEFAULT_PYTHON, UnoPool
from templates.errors import ConverterUnavailable
from tests.conftest import service_missing
from tests.signing.pki import PASSWORD, Pki
from tests.signing.test_pdf import blank_pdf, widen_first_page
from tests.templates.conftest import (
    KAZAKH_TEXT,
    RUSSIAN_TEXT,
    make_docx,
    pdffonts,
    require_libreoffice,
)
from tests.templates.test_pdf import verapdf

URL = "https://kense.example.kz/verify/17"


def director(pki: Pki, ec: bool = False) -> SigningKey:
    return load_pkcs12((pki.director_ec if ec else pki.director).pkcs12(), PASSWORD)


def sign(pdf: bytes, key: SigningKey) -> bytes:
    return sign_pdf(pdf, key, Stamp.for_key(key, "Басқарма басшысы", URL))


def pdfsig(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """pdfsig's "  - Key: value" lines of the (only) signature. Its exit status is 0 whatever
    it finds, so the verdict is read from what it prints."""
    if shutil.which("pdfsig") is None:
        service_missing("pdfsig is not installed (apt-get install poppler-utils)")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdfsig", "-no-ocsp", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.count("Signature #") == 1, done.stdout + done.stderr
    lines: dict[str, str] = {}
    for line in done.stdout.splitlines():
        if line.startswith("  - "):
            key, sep, value = line[4:].partition(": ")
            lines[key] = value if sep else ""
    return lines


@pytest.mark.parametrize("ec", [False, True], ids=["rsa", "ec"])
def test_pdfsig_finds_our_signature_valid_and_covering_the_document(
    ec: bool, pki: Pki, tmp_path: Path
) -> None:
    key = director(pki, ec)
    found = pdfsig(sign(blank_pdf(), key), tmp_path)
    assert found["Signature Validation"] == "Signature is Valid."
    assert "Total document signed" in found
    assert found["Signature Type"] == "ETSI.CAdES.detached"
    assert found["Signing Hash Algorithm"] == "SHA-256"
    assert found["Signer Certificate Common Name"] == common_name(key.certificate)
    assert "Certificate Validation" in found  # untrusted root for NSS: not asserted


def test_pdfsig_finds_a_tampered_signed_pdf_invalid(pki: Pki, tmp_path: Path) -> None:
    signed = sign(blank_pdf(), director(pki))
    tampered = widen_first_page(signed)
    found = pdfsig(tampered, tmp_path)
    assert found["Signature Validation"] == "Digest Mismatch."
    appended = pdfsig(signed + b"\n% appended\n", tmp_path)
    assert "Not total document signed" in appended


@pytest.fixture(scope="module")
def root_context(pki: Pki) -> ValidationContext:
    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))

    return ValidationContext(
        trust_roots=[asn1(pki.root.cert)],
        crls=[pki.crl.public_bytes(Encoding.DER), pki.root_crl.public_bytes(Encoding.DER)],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )


@pytest.mark.parametrize("ec", [False, True], ids=["rsa", "ec"])
def test_pyhanko_validates_our_signature_intact_valid_and_trusted(
    ec: bool, pki: Pki, root_context: ValidationContext
) -> None:
    signed = sign(blank_pdf(), director(pki, ec))
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    status = aio.run(async_validate_pdf_signature(embedded, root_context))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.bottom_line


def test_pyhanko_finds_a_tampered_signed_pdf_not_intact(
    pki: Pki, root_context: ValidationContext
) -> None:
    signed = widen_first_page(sign(blank_pdf(), director(pki)))
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    status = aio.run(async_validate_pdf_signature(embedded, root_context))
    assert not status.intact
    assert not status.bottom_line


# --- PDF/A: a LibreOffice PDF/A-2b stays PDF/A-2b once signed --------------------------------


@pytest.fixture(scope="module")
def pdfa() -> Iterator[bytes]:
    """A Kazakh/Russian document converted by real LibreOffice, with Kense's PDF/A metadata."""
    require_libreoffice()
    if not DEFAULT_PYTHON.exists():
        service_missing(f"{DEFAULT_PYTHON} is missing (run scripts/unoserver-venv.sh)")
    docx = make_docx(KAZAKH_TEXT, RUSSIAN_TEXT)
    converter = UnoPool(size=1, timeout=60.0)
    try:
        converter.start()
        converted = converter.to_pdf(docx)
    except ConverterUnavailable as exc:
        service_missing(f"LibreOffice did not convert: {exc}")
    finally:
        converter.close()
    yield template_pdf.add_metadata(
        converted,
        title="Бұйрық № 17",
        lang="kk",
        kind="order",
        number="17",
        date="2025-02-01",
        identifier="/akn/kz-kus/act/order/2025-02-01/17",
        docx_sha256=hashlib.sha256(docx).hexdigest(),
    )


def test_a_signed_pdfa_is_still_pdfa_2b_with_its_metadata(
    pdfa: bytes, pki: Pki, trust: Trust, tmp_path: Path
) -> None:
    signed = sign(pdfa, director(pki))

    assert verify_pdf(signed, trust).indication == Indication.TOTAL_PASSED
    assert template_pdf.pdfa_part(signed) == ("2", "B")
    assert template_pdf.read_metadata(signed) == template_pdf.read_metadata(pdfa)
    assert all(font["emb"] == "yes" for font in pdffonts(signed))
    (tmp_path / "original.pdf").write_bytes(pdfa)
    (tmp_path / "signed.pdf").write_bytes(signed)
    twice = sign(signed, director(pki, ec=True))
    (tmp_path / "twice.pdf").write_bytes(twice)
    verdicts = verapdf(tmp_path / "original.pdf", tmp_path / "signed.pdf", tmp_path / "twice.pdf")
    assert verdicts == {"original.pdf": "PASS", "signed.pdf": "PASS", "twice.pdf": "PASS"}
