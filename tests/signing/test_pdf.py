"""PAdES signatures on PDFs with real keys of the test PKI: round trips, the visible stamp, and
what verification says of altered files and of certificates that may not sign."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import qrcode
from asn1crypto import cms
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from pypdf.generic import DictionaryObject, StreamObject

from signing import pdf as signing_pdf
from signing import report
from signing.errors import CertificateNotUsable, UnreadableFile
from signing.keys import SigningKey, describe, load_pkcs12
from signing.pdf import Stamp, sign_pdf, verify_pdf
from signing.report import Indication
from signing.trust import Trust
from tests.signing.pki import PASSWORD, Issued, Pki
from tests.templates.conftest import KAZAKH_LETTERS, pdffonts, pdftotext

POSITION = "Басқарма басшысы"
URL = "https://kense.example.kz/verify/2025-ә-17"
WHEN = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def key_of(issued: Issued) -> SigningKey:
    """The key as the signer's PKCS#12 file gives it (Cyrillic password and all)."""
    return load_pkcs12(issued.pkcs12(), PASSWORD)


def blank_pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)  # A4
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def force_sign(pdf: bytes, issued: Issued) -> bytes:
    """Sign without signing.keys.check_usable: a signature the signer should not have made."""
    key = key_of(issued)
    return signing_pdf._sign(pdf, key, Stamp.for_key(key, POSITION, URL), WHEN)


@pytest.fixture(scope="module")
def document() -> bytes:
    return blank_pdf()


@pytest.fixture(scope="module")
def signed(document: bytes, pki: Pki) -> bytes:
    key = key_of(pki.director)
    return sign_pdf(document, key, Stamp.for_key(key, POSITION, URL), signing_time=WHEN)


def widen_first_page(signed: bytes) -> bytes:
    """``signed`` with its first /MediaBox 595 points wide changed to 596 (same length)."""
    at = signed.index(b"/MediaBox")
    return signed[:at] + signed[at:].replace(b"595", b"596", 1)


def byte_range(pdf: bytes) -> list[int]:
    found = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    return [int(v) for v in found[-1]]


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("signer", ["director", "director_ec"])
def test_a_signed_pdf_verifies_with_who_when_and_what(
    signer: str, document: bytes, pki: Pki, trust: Trust
) -> None:
    key = key_of(getattr(pki, signer))
    signed = sign_pdf(document, key, Stamp.for_key(key, POSITION, URL), signing_time=WHEN)

    assert signed.startswith(document)  # an incremental update: the original bytes stay
    result = verify_pdf(signed, trust)
    assert result.indication == Indication.TOTAL_PASSED, result.messages
    assert result.sub_indication is None
    assert result.format == "PAdES-B"
    assert result.signer == describe(key.certificate)
    assert result.signing_time is not None
    assert datetime.fromisoformat(result.signing_time) == WHEN
    assert result.covered == {
        "kind": "pdf",
        "whole_file": True,
        "sha256": hashlib.sha256(signed).hexdigest(),
        "pages": 2,
    }
    assert result.revocation == "checked against CRLs"
    assert result.messages == []


def test_the_signature_is_pades_with_sha256_and_the_chain(signed: bytes, pki: Pki) -> None:
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.md_algorithm == "sha256"
    embedded = {c.dump() for c in sig.signed_data["certificates"]}
    for cert in (pki.director.cert, pki.intermediate.cert):
        assert cert.public_bytes(Encoding.DER) in embedded
    attributes = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in attributes
    assert "signing_time" not in attributes  # PAdES: the time is the dictionary's /M


def test_a_second_signature_is_reported_on_and_counted(
    signed: bytes, pki: Pki, trust: Trust
) -> None:
    key = key_of(pki.director_ec)
    twice = sign_pdf(signed, key, Stamp.for_key(key, "Орынбасар", URL))

    assert twice.startswith(signed)
    result = verify_pdf(twice, trust)
    assert result.indication == Indication.TOTAL_PASSED, result.messages
    assert result.signer == describe(key.certificate)
    assert any("2 signatures" in m and "last" in m for m in result.messages)


def test_an_empty_name_in_the_stamp_is_the_certificates_common_name(
    document: bytes, pki: Pki
) -> None:
    key = key_of(pki.director)
    signed = sign_pdf(document, key, Stamp("", POSITION, URL))
    assert "Серіков Ерлан Болатұлы" in pdftotext(signed)


# --- the stamp ---------------------------------------------------------------------------------


def test_the_stamp_prints_name_position_serial_time_and_url_in_kazakh(
    document: bytes, pki: Pki
) -> None:
    key = key_of(pki.director)
    position = f"Бөлім басшысы ({KAZAKH_LETTERS})"
    signed = sign_pdf(document, key, Stamp.for_key(key, position, URL), signing_time=WHEN)

    text = pdftotext(signed)
    local = WHEN.astimezone(signing_pdf.STAMP_ZONE)
    for expected in (
        "Серіков Ерлан Болатұлы",
        position,
        format(key.certificate.serial_number, "X"),
        f"{local:%Y-%m-%d %H:%M:%S}",
        URL,
        "қол қойылды",
    ):
        assert expected in text
    assert set(KAZAKH_LETTERS) <= set(text)
    first, last = text.split("\f")[:2]  # pdftotext ends each page with a form feed
    assert "Серіков" in last and "Серіков" not in first


def test_the_stamp_font_is_embedded_dejavu(signed: bytes) -> None:
    fonts = pdffonts(signed)
    assert len(fonts) == 1
    (font,) = fonts
    assert font["name"].endswith("+DejaVuSans")
    assert font["type"] == "CID TrueType"
    assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes")


def _form_xobjects(stream: StreamObject) -> list[StreamObject]:
    found = [stream]
    resources = stream.get("/Resources")
    if isinstance(resources, DictionaryObject) and "/XObject" in resources:
        for ref in resources["/XObject"].values():
            child = ref.get_object()
            if isinstance(child, StreamObject) and child.get("/Subtype") == "/Form":
                found += _form_xobjects(child)
    return found


def test_the_qr_code_draws_the_verification_url(signed: bytes) -> None:
    page = PdfReader(io.BytesIO(signed)).pages[-1]
    widget, link = [a.get_object() for a in page["/Annots"]]
    assert widget["/FT"] == "/Sig"
    assert link["/Subtype"] == "/Link"
    assert link["/A"]["/URI"] == quote(URL, safe=":/")
    assert quote(URL, safe=":/").encode() in signed  # not compressed: a plain search finds it
    appearance = widget["/AP"]["/N"].get_object()
    drawn: set[tuple[int, int]] = set()
    for form in _form_xobjects(appearance):
        cells = re.findall(rb"^(\d+) (\d+) 1 1 re$", form.get_data(), re.MULTILINE)
        if cells:
            drawn = {(int(row), int(col)) for col, row in cells}
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    expected.add_data(URL)
    expected.make()
    dark = {
        (r, c) for r, line in enumerate(expected.modules) for c, module in enumerate(line) if module
    }
    assert drawn == dark


# --- what verification says of altered files --------------------------------------------------


def test_an_incremental_update_after_signing_fails_and_says_what_it_added(
    signed: bytes, trust: Trust
) -> None:
    writer = PdfWriter(PdfReader(io.BytesIO(signed)), incremental=True)
    writer.add_annotation(0, FreeText(text="Күшін жойды", rect=(50, 700, 300, 750)))
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(signed)

    result = verify_pdf(updated, trust)
    assert result.indication == Indication.TOTAL_FAILED
    assert result.sub_indication == report.FORMAT_FAILURE
    assert "incremental update" in result.messages[0]
    assert "/FreeText" in result.messages[0]
    assert result.covered["whole_file"] is False
    _, length1, start2, length2 = byte_range(signed)
    ranges = signed[:length1] + signed[start2 : start2 + length2]
    assert result.covered["sha256"] == hashlib.sha256(ranges).hexdigest()
    assert result.signer is not None


def test_bytes_appended_after_signing_fail(signed: bytes, trust: Trust) -> None:
    result = verify_pdf(signed + b"\n% appended\n", trust)
    assert result.indication == Indication.TOTAL_FAILED
    assert result.sub_indication == report.FORMAT_FAILURE
    assert "12 bytes were appended" in result.messages[0]
    assert result.covered["whole_file"] is False


def test_a_byte_changed_inside_the_signed_range_is_a_hash_failure(
    signed: bytes, trust: Trust
) -> None:
    at = signed.index(b"/MediaBox")
    _, length1, _, _ = byte_range(signed)
    assert at < length1
    tampered = widen_first_page(signed)
    assert tampered != signed and len(tampered) == len(signed)

    result = verify_pdf(tampered, trust)
    assert result.indication == Indication.TOTAL_FAILED
    assert result.sub_indication == report.HASH_FAILURE


def test_a_changed_signature_value_is_a_crypto_failure(signed: bytes, trust: Trust) -> None:
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    value = sig.signer_info["signature"].native.hex().encode()
    at = signed.lower().index(value) + len(value) // 2
    flipped = b"0" if signed[at : at + 1] != b"0" else b"1"
    tampered = signed[:at] + flipped + signed[at + 1 :]

    result = verify_pdf(tampered, trust)
    assert result.indication == Indication.TOTAL_FAILED
    assert result.sub_indication == report.SIG_CRYPTO_FAILURE


def test_a_signature_without_the_signers_certificate_is_indeterminate(
    signed: bytes, trust: Trust
) -> None:
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    info = cms.ContentInfo.load(sig.pkcs7_content)
    signed_data = info["content"]
    signer_serial = sig.signer_cert.serial_number
    others = [c for c in signed_data["certificates"] if c.chosen.serial_number != signer_serial]
    signed_data["certificates"] = cms.CertificateSet(others)
    _, length1, start2, _ = byte_range(signed)
    contents = info.dump(force=True).hex().encode()
    hole = start2 - length1 - 2
    assert len(contents) < hole
    stripped = signed[: length1 + 1] + contents.ljust(hole, b"0") + signed[start2 - 1 :]

    result = verify_pdf(stripped, trust)
    assert (result.indication, result.sub_indication) == (
        Indication.INDETERMINATE,
        report.NO_SIGNING_CERTIFICATE_FOUND,
    )
    assert result.covered["whole_file"] is True


@pytest.mark.parametrize(
    ("signer", "indication", "sub"),
    [
        ("revoked", Indication.TOTAL_FAILED, report.REVOKED),
        ("expired", Indication.INDETERMINATE, report.OUT_OF_BOUNDS_NO_POE),
        ("untrusted", Indication.INDETERMINATE, report.NO_CERTIFICATE_CHAIN_FOUND),
        ("wrong_usage", Indication.TOTAL_FAILED, report.SIG_CONSTRAINTS_FAILURE),
    ],
)
def test_certificates_that_may_not_sign_do_not_pass(
    signer: str, indication: Indication, sub: str, document: bytes, pki: Pki, trust: Trust
) -> None:
    result = verify_pdf(force_sign(document, getattr(pki, signer)), trust)
    assert (result.indication, result.sub_indication) == (indication, sub), result.messages
    assert result.signer == describe(getattr(pki, signer).cert)
    assert result.covered["whole_file"] is True


@pytest.mark.parametrize("signer", ["wrong_usage", "expired"])
def test_sign_pdf_refuses_a_certificate_that_may_not_sign(
    signer: str, document: bytes, pki: Pki
) -> None:
    key = key_of(getattr(pki, signer))
    with pytest.raises(CertificateNotUsable):
        sign_pdf(document, key, Stamp.for_key(key, POSITION, URL))


def test_a_claimed_signing_time_in_the_past_does_not_let_an_expired_key_sign(
    document: bytes, pki: Pki
) -> None:
    key = key_of(pki.expired)
    while_valid = key.certificate.not_valid_after_utc - timedelta(days=1)
    with pytest.raises(CertificateNotUsable):
        sign_pdf(document, key, Stamp.for_key(key, POSITION, URL), signing_time=while_valid)


def test_sign_pdf_refuses_what_is_not_a_pdf(pki: Pki) -> None:
    key = key_of(pki.director)
    with pytest.raises(UnreadableFile):
        sign_pdf(b"<xml/>", key, Stamp.for_key(key, POSITION, URL))


# --- hostile input -----------------------------------------------------------------------------


def test_what_is_not_a_pdf_at_all_raises_unreadable(trust: Trust) -> None:
    with pytest.raises(UnreadableFile):
        verify_pdf(b"<?xml version='1.0'?><doc/>", trust)
    with pytest.raises(UnreadableFile):
        verify_pdf(b"", trust)


def test_an_unsigned_pdf_is_a_format_failure(document: bytes, trust: Trust) -> None:
    result = verify_pdf(document, trust)
    assert (result.indication, result.sub_indication) == (
        Indication.TOTAL_FAILED,
        report.FORMAT_FAILURE,
    )
    assert "no signature" in result.messages[0]


def with_byte_range(signed: bytes, new: list[int]) -> bytes:
    """``signed`` whose /ByteRange array says ``new`` (padded to the same length)."""
    match = list(re.finditer(rb"/ByteRange\s*\[[^\]]*\]", signed))[-1]
    text = b"/ByteRange [" + b" ".join(b"%d" % v for v in new) + b"]"
    assert len(text) <= len(match[0])
    text = text[:-1] + b" " * (len(match[0]) - len(text)) + b"]"
    return signed[: match.start()] + text + signed[match.end() :]


def test_a_byte_range_that_stops_short_fails(signed: bytes, trust: Trust) -> None:
    start, length1, start2, length2 = byte_range(signed)
    shortened = with_byte_range(signed, [start, length1, start2, length2 - 10])

    result = verify_pdf(shortened, trust)
    assert (result.indication, result.sub_indication) == (
        Indication.TOTAL_FAILED,
        report.FORMAT_FAILURE,
    )
    assert result.messages[0] == "the signed byte range stops 10 bytes short of the end of the file"


def test_a_byte_range_with_more_than_the_signature_in_its_gap_fails(
    signed: bytes, trust: Trust
) -> None:
    start, length1, start2, length2 = byte_range(signed)
    widened = with_byte_range(signed, [start, length1 - 20, start2, length2])

    result = verify_pdf(widened, trust)
    assert (result.indication, result.sub_indication) == (
        Indication.TOTAL_FAILED,
        report.FORMAT_FAILURE,
    )
    assert "not just the signature" in result.messages[0]


def test_broken_pdfs_give_a_report_never_an_exception(signed: bytes, trust: Trust) -> None:
    _, length1, _, _ = byte_range(signed)
    broken = (
        [
            b"%PDF-1.7\n" + b"\x00garbage" * 100,
            b"%PDF-1.7\n%%EOF\n",
            signed.replace(b"/ByteRange", b"/ByteRangX"),
            signed.replace(b"/Contents <", b"/Contents (", 1),
            signed[: length1 + 10] + b"Z" + signed[length1 + 11 :],  # inside the hex string
            with_byte_range(signed, [0, 10**9, 1, 2]),
            with_byte_range(signed, [5, 1, 2]),
        ]
        + [signed[:cut] for cut in range(100, len(signed), len(signed) // 37)]
    )
    for data in broken:
        result = verify_pdf(data, trust)
        assert result.indication != Indication.TOTAL_PASSED
        assert result.format == "PAdES-B"
        assert result.messages
