"""PAdES signatures on PDF documents: sign with a visible stamp, verify into a Report.

Signing (:func:`sign_pdf`) adds one incremental update to the PDF (the original bytes are kept
as they are, so a PDF/A stays PDF/A): a signature field on the last page whose appearance is
the stamp — a QR code of the verification URL beside the signer's name, position, certificate
serial, signing time and the URL — a link annotation to the URL over the QR code, and a PAdES
baseline B signature (``ETSI.CAdES.detached``, SHA-256, the signer's certificate and chain in
the CMS, a signing-certificate-v2 attribute). As PAdES requires, the CMS has no signing-time
attribute: the claimed time is the signature dictionary's ``/M``, inside the signed bytes.

The stamp's text is set in DejaVu Sans (Debian's fonts-dejavu-core, a required system package):
the standard PDF fonts have no Kazakh letters (ә ғ қ ң ө ұ ү һ і). pyHanko embeds it with its
OpenType support (fontTools and uharfbuzz): a Type0/CIDFontType2 font, Identity-H, glyph ids as
CIDs, a subset of the glyphs used (fontTools keeps the glyph ids) and a ToUnicode map, so the
text can be searched and copied. :class:`_Font` puts pyHanko's widths and metrics in PDF units
(DejaVu Sans is not a font of 1000 units per em), and a character the font has no glyph for is
drawn as "?" (PDF/A forbids drawing .notdef).

Verification (:func:`verify_pdf`) never raises for a PDF, however broken or hostile: it
returns a :class:`~signing.report.Report` in format ``PAdES-B``. Only input that is not a PDF at
all (no ``%PDF-`` header in its first kilobyte) raises :class:`~signing.errors.UnreadableFile`,
so that a caller that does not know what it was sent can tell "not a PDF" from "a PDF whose
signature fails". A PDF that cannot be parsed or carries no signature is TOTAL-FAILED with
FORMAT_FAILURE, and so is one whose (last) signature does not cover the whole file: the byte
range must start at 0, end at the end of the file, and leave out exactly the ``/Contents``
string; anything appended — bytes, or an incremental update, which the message describes — is
outside what was signed. ``covered["sha256"]`` is the SHA-256 of the whole file when the
signature covers it (what the registry keeps of the files it issued), otherwise of the signed
byte ranges. Then the CMS: a digest mismatch is HASH_FAILURE, a signature value that does not
verify SIG_CRYPTO_FAILURE; last, the signer's certificate and the others in the CMS go through
:func:`signing.trust.check_chain`, as for XML signatures.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import quote

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from signing import aio, report
from signing.errors import UnreadableFile
from signing.keys import SigningKey, check_usable, common_name, describe
from signing.report import Indication, Report
from signing.trust import Trust, check_chain

FORMAT = "PAdES-B"
#: The stamp's typeface (fonts-dejavu-core); it has every Kazakh and Russian letter.
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: Kazakhstan keeps one time zone, UTC+5, since 2024-03-01: the stamp prints that time.
STAMP_ZONE = timezone(timedelta(hours=5))
#: Stamp size and its distance from the bottom-left corner of the last page, in points (about
#: 2 cm from the left edge, in the bottom margin of a page with LibreOffice's 2 cm margins; the
#: stamp of a second signature goes STAMP_GAP above the first).
STAMP_WIDTH, STAMP_HEIGHT = 300, 72
STAMP_MARGIN_X, STAMP_MARGIN_Y, STAMP_GAP = 56, 16, 4
STAMP_FONT_SIZE, STAMP_LEADING = 7, 9
#: Digest algorithms a signature may use (the CMS signer info's digest algorithm).
ACCEPTED_DIGESTS = ("sha256", "sha384", "sha512")
MAX_PDF_HEADER_OFFSET = 1024
#: What ``urllib.parse.quote`` leaves of a URL (RFC 3986 reserved characters and %).
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"

# fontTools logs some forty lines for each subset it makes (and a warning for the FFTM table of
# DejaVu Sans, which it drops): not worth a place in Kense's log
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Stamp:
    """What the visible stamp says besides the certificate serial and the signing time."""

    #: The signer's name (:meth:`for_key` takes the certificate's CN); an empty name is
    #: replaced by the CN when signing.
    name: str
    #: The signer's position, e.g. "Басқарма басшысы", given by the caller.
    position: str
    #: Where the document can be verified: in the QR code and printed.
    verify_url: str

    @classmethod
    def for_key(cls, key: SigningKey, position: str, verify_url: str) -> Stamp:
        return cls(common_name(key.certificate), position, verify_url)


# --- signing ----------------------------------------------------------------------------------


def sign_pdf(
    pdf: bytes, key: SigningKey, stamp: Stamp, *, signing_time: datetime | None = None
) -> bytes:
    """Sign ``pdf`` (PAdES baseline B, SHA-256) with a visible stamp on its last page.

    ``signing_time`` (timezone-aware; now by default) is the time the signature claims (its
    /M) and the stamp prints. Raises CertificateNotUsable (signing.keys.check_usable) for a
    certificate that may not sign now or at ``signing_time``, UnreadableFile for bytes that
    are not a PDF pyHanko can update, and OSError when the stamp font is missing.
    """
    now = datetime.now(UTC)
    moment = signing_time or now
    if moment.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    check_usable(key, now)  # a claimed time in the past must not let an expired key sign
    if moment != now:
        check_usable(key, moment)
    return _sign(pdf, key, stamp, moment)


def _sign(pdf: bytes, key: SigningKey, stamp: Stamp, moment: datetime) -> bytes:
    """Sign without checking that the certificate may sign (tests use it to make signatures
    with revoked, expired and wrong-usage certificates)."""
    _font_characters(FONT_PATH)  # OSError now if the font is missing
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        taken = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
        x0, y0 = _page_origin(writer, -1)
    except Exception as exc:  # pyHanko raises many kinds for a broken file
        raise UnreadableFile(f"the document is not a PDF that can be signed: {exc}") from exc
    field_name = next(
        f"Signature{n}" for n in range(1, len(taken) + 2) if f"Signature{n}" not in taken
    )
    name = _one_line(stamp.name) or common_name(key.certificate)
    # a later signature's stamp goes above the earlier ones
    left = round(x0 + STAMP_MARGIN_X)
    bottom = round(y0 + STAMP_MARGIN_Y + len(taken) * (STAMP_HEIGHT + STAMP_GAP))
    box = (left, bottom, left + STAMP_WIDTH, bottom + STAMP_HEIGHT)
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            name=name,
        ),
        _pyhanko_signer(key),
        stamp_style=QRStampStyle(
            border_width=1,
            stamp_text="%(stamp)s",
            innsep=4,
            text_box_style=TextBoxStyle(
                font=_FontFactory(),
                font_size=STAMP_FONT_SIZE,
                leading=STAMP_LEADING,
            ),
        ),
        new_field_spec=SigFieldSpec(sig_field_name=field_name, on_page=-1, box=box),
    )
    text = stamp_text(name, _one_line(stamp.position), key.certificate, moment, stamp.verify_url)
    params = {"stamp": _drawable(text), "url": stamp.verify_url}
    qr_area = (left, bottom, left + STAMP_HEIGHT, bottom + STAMP_HEIGHT)
    link = _link(qr_area, stamp.verify_url)
    out = aio.run(_sign_at(pdf_signer, writer, moment, params, link))
    return out.getvalue()


async def _sign_at(
    pdf_signer: signers.PdfSigner,
    writer: IncrementalPdfFileWriter,
    moment: datetime,
    params: dict[str, str],
    link: generic.DictionaryObject,
) -> BytesIO:
    """pyHanko's ``async_sign_pdf`` with the signing time set (it otherwise takes now), and
    the link over the QR code added after the signature field (so it lies on top of it)."""
    session = pdf_signer.init_signing_session(writer)
    session.system_time = moment
    page_ref = writer.find_page_for_modification(-1)[0]  # type: ignore[no-untyped-call]
    writer.register_annotation(page_ref, writer.add_object(link))  # type: ignore[no-untyped-call]
    bytes_reserved = await session.estimate_signature_container_size(None, tight=False)
    tbs = session.prepare_tbs_document(
        validation_info=None, bytes_reserved=bytes_reserved, appearance_text_params=params
    )
    output = BytesIO()
    prepared, res_output = tbs.digest_tbs_document(output=output, in_place=False)
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=moment),
    )
    await post.post_signature_processing(res_output)
    assert isinstance(res_output, BytesIO)
    return res_output


def _link(rect: tuple[int, int, int, int], url: str) -> generic.DictionaryObject:
    """A link annotation to ``url`` (percent-encoded: a URI is ASCII) over ``rect``; printable
    and without a border, as PDF/A wants."""
    uri = quote(url, safe=URL_SAFE)
    action = _dict({"/S": _name("URI"), "/URI": _LiteralString(uri.encode("ascii"))})
    return _dict(
        {
            "/Type": _name("Annot"),
            "/Subtype": _name("Link"),
            "/Rect": generic.ArrayObject([_num(v) for v in rect]),
            "/F": _num(4),  # print
            "/Border": generic.ArrayObject([_num(0), _num(0), _num(0)]),
            "/A": action,
        }
    )


class _LiteralString(generic.ByteStringObject):
    """An ASCII string written as a literal, ``(https://…)``, so that a plain search of the file
    finds it (pyHanko writes byte strings in hex and escapes text strings in octal)."""

    def write_to_stream(self, stream: Any, handler: Any = None, container_ref: Any = None) -> None:
        escaped = bytes(self).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        stream.write(b"(" + escaped + b")")


def stamp_text(
    name: str, position: str, cert: x509.Certificate, moment: datetime, verify_url: str
) -> str:
    """The stamp's lines (Kazakh, then Russian where a label is needed)."""
    local = moment.astimezone(STAMP_ZONE)
    lines = [
        "Электрондық цифрлық қолтаңбамен қол қойылды / Подписано ЭЦП",
        name,
        position,
        f"Сертификат №: {format(cert.serial_number, 'X')}",
        f"Қол қойылған уақыты / Время: {local:%Y-%m-%d %H:%M:%S} (UTC+05:00)",
        f"Тексеру / Проверка: {_one_line(verify_url)}",
    ]
    return "\n".join(line for line in lines if line)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _KeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, signing with the key already opened from the PKCS#12 file:
    the stock one parses the private key again for every signature value (and once more for
    the dry run that sizes the signature), ~35 ms each for RSA-2048."""

    def __init__(self, key: SigningKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key.private_key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:  # only the length matters
            if isinstance(self._key, rsa.RSAPrivateKey):
                return bytes(self._key.key_size // 8)
            return bytes(2 * ((self._key.curve.key_size + 7) // 8) + 9)  # DER upper bound
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), hash_algo)
        return self._key.sign(data, ECDSA(hash_algo))


def _pyhanko_signer(key: SigningKey) -> signers.SimpleSigner:
    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))

    private = asn1_keys.PrivateKeyInfo.load(
        key.private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    )
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple([asn1(c) for c in key.chain])
    return _KeySigner(
        key, signing_cert=asn1(key.certificate), signing_key=private, cert_registry=store
    )


def _page_origin(writer: IncrementalPdfFileWriter, index: int) -> tuple[float, float]:
    """The lower-left corner of the page's visible area (CropBox, else MediaBox)."""
    page_ref = writer.find_page_for_modification(index)[0]  # type: ignore[no-untyped-call]
    node: Any = page_ref.get_object()
    while node is not None:
        for box_key in ("/CropBox", "/MediaBox"):
            if box_key in node:
                box = [float(v) for v in node[box_key]]
                return min(box[0], box[2]), min(box[1], box[3])
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return 0.0, 0.0


# --- the stamp font ---------------------------------------------------------------------------


#: The characters a stamp may draw: Latin, Cyrillic with every Kazakh letter, punctuation, №.
REPERTOIRE = frozenset(
    chain(
        range(0x20, 0x7F), range(0xA0, 0x180), range(0x400, 0x530), range(0x2010, 0x2060), [0x2116]
    )
)


@cache
def _font_file(path: Path) -> bytes:
    """The font cut down once per process to ``REPERTOIRE`` (a few hundred of DejaVu Sans's
    six thousand glyphs, no layout tables): pyHanko parses and subsets the font on every
    signature, which on the whole font took most of the signing time."""
    font = TTFont(BytesIO(path.read_bytes()))
    options = subset.Options()
    options.layout_features = []  # a stamp needs no kerning or ligatures: no GPOS/GSUB to parse
    options.drop_tables += ["GPOS", "GSUB", "GDEF"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=REPERTOIRE)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@cache
def _font_characters(path: Path) -> frozenset[int]:
    """The code points ``path``'s cmap maps to a glyph."""
    return frozenset(TTFont(BytesIO(_font_file(path))).getBestCmap())


def _drawable(text: str) -> str:
    """``text`` with "?" for each character the stamp font has no glyph for: PDF/A forbids
    drawing .notdef."""
    have = _font_characters(FONT_PATH)
    return "".join(c if c == "\n" or ord(c) in have else "?" for c in text)


class _Font(GlyphAccumulator):
    """pyHanko's OpenType font engine, measuring in thousandths of an em as PDF does. pyHanko
    takes glyph widths (the /W array), HarfBuzz positions and the descriptor's metrics in font
    units: right for a font of 1000 units per em, but DejaVu Sans has 2048, so the glyphs
    would be drawn twice as far apart as they are wide (and veraPDF fails rule 6.2.11.5)."""

    def __init__(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> None:
        font = BytesIO(_font_file(FONT_PATH))  # pyHanko's factory leaves its file open
        super().__init__(writer, font, STAMP_FONT_SIZE, obj_stream=obj_stream)
        scale = 1000 / self.units_per_em
        self.units_per_em = 1000
        self.hb_font.scale = (1000, 1000)
        descriptor = self.cidfont_obj._font_descriptor
        metrics = ["/Ascent", "/Descent"]
        if hasattr(self.tt["OS/2"], "sCapHeight"):  # else pyHanko's default, 750
            metrics.append("/CapHeight")
        for key in metrics:
            descriptor[key] = _num(round(descriptor[key] * scale))
        bbox = [_num(round(v * scale)) for v in descriptor["/FontBBox"]]
        descriptor["/FontBBox"] = generic.ArrayObject(bbox)
        descriptor["/Flags"] = _num(4)  # symbolic; pyHanko also says serif

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:  # TrueType: CIDs are glyph ids
            self._glyphs[glyph_id] = glyph_id, self.hb_font.get_glyph_h_advance(glyph_id)
        return self._glyphs[glyph_id]

    def prepare_write(self) -> None:
        super().prepare_write()  # type: ignore[no-untyped-call]
        # over a Type 2 CIDFont, the Type0 font has its name (ISO 32000-1, 9.7.6.1), which
        # pdffonts shows; pyHanko appends "-Identity-H"
        type0 = self._font_ref.get_object()  # type: ignore[no-untyped-call]
        type0["/BaseFont"] = self.cidfont_obj["/BaseFont"]


class _FontFactory(FontEngineFactory):
    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> FontEngine:
        return _Font(writer, obj_stream)


def _name(name: str) -> generic.NameObject:
    return generic.NameObject("/" + name)


def _num(value: int) -> generic.NumberObject:
    return generic.NumberObject(value)  # type: ignore[no-untyped-call]


def _dict(entries: dict[str, generic.PdfObject]) -> generic.DictionaryObject:
    named = {generic.NameObject(k): v for k, v in entries.items()}
    return generic.DictionaryObject(named)  # type: ignore[no-untyped-call]


# --- verification -----------------------------------------------------------------------------


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:MAX_PDF_HEADER_OFFSET]


def verify_pdf(signed: bytes, trust: Trust) -> Report:
    """Verify the last signature of a PDF (see the module's docstring for what raises)."""
    if not is_pdf(signed):
        raise UnreadableFile("the file is not a PDF (it has no %PDF- header)")
    try:
        reader = PdfFileReader(BytesIO(signed), strict=False)
        signatures = list(reader.embedded_regular_signatures)
        pages = int(reader.root["/Pages"]["/Count"])
    except Exception as exc:  # hostile input: pyHanko raises many kinds on a broken file
        return report.failed(
            FORMAT, report.FORMAT_FAILURE, f"the PDF cannot be read: {_short(exc)}"
        )
    if not signatures:
        return report.failed(FORMAT, report.FORMAT_FAILURE, "the PDF carries no signature")
    try:
        return _verify_signature(signed, reader, signatures[-1], len(signatures), pages, trust)
    except Exception as exc:  # a malformed signature dictionary or CMS
        return report.failed(
            FORMAT, report.FORMAT_FAILURE, f"the signature cannot be read: {_short(exc)}"
        )


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _covered(whole: bool, sha256: str, pages: int) -> dict[str, Any]:
    return {"kind": "pdf", "whole_file": whole, "sha256": sha256, "pages": pages}


def _verify_signature(
    data: bytes,
    reader: PdfFileReader,
    sig: EmbeddedPdfSignature,
    count: int,
    pages: int,
    trust: Trust,
) -> Report:
    messages = []
    if count > 1:
        messages.append(
            f"the PDF carries {count} signatures; this report is on the last one "
            f"({sig.field_name}); the earlier ones were not checked"
        )
    subfilter = str(sig.sig_object.get("/SubFilter", ""))
    if subfilter != "/ETSI.CAdES.detached":
        messages.append(f"the signature is {subfilter or 'of no sub-filter'}, not PAdES")

    ranges = [int(v) for v in sig.byte_range]
    signed_ranges = b""
    whole = False
    if len(ranges) == 4 and ranges[0] == 0 and all(v >= 0 for v in ranges):
        signed_ranges = data[: ranges[1]] + data[ranges[2] : ranges[2] + ranges[3]]
        hole = data[ranges[1] : ranges[2]]
        whole = ranges[2] + ranges[3] == len(data) and _is_contents(hole, sig.pkcs7_content)
    sha256 = hashlib.sha256(data if whole else signed_ranges).hexdigest()
    covered = _covered(whole, sha256, pages)
    claimed = sig.self_reported_timestamp
    more: dict[str, Any] = {
        "covered": covered,
        "signing_time": claimed.isoformat() if claimed else None,
    }
    try:
        signer = sig.signer_cert
        signer_cert = x509.load_der_x509_certificate(signer.dump())
    except Exception as exc:  # the CMS does not carry the certificate its signer info names
        return Report(
            Indication.INDETERMINATE,
            report.NO_SIGNING_CERTIFICATE_FOUND,
            FORMAT,
            messages=[f"the signer's certificate is not in the signature: {_short(exc)}"],
            **more,
        )
    more["signer"] = describe(signer_cert)

    def fail(sub: str, message: str) -> Report:
        return Report(Indication.TOTAL_FAILED, sub, FORMAT, messages=[message, *messages], **more)

    if not whole:
        return fail(report.FORMAT_FAILURE, _what_was_added(data, reader, sig, ranges))

    digest_algorithm = sig.md_algorithm
    if digest_algorithm not in ACCEPTED_DIGESTS:
        return Report(
            Indication.INDETERMINATE,
            report.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
            FORMAT,
            messages=[f"the digest algorithm {digest_algorithm} is not accepted", *messages],
            **more,
        )
    try:
        intact, valid = validate_sig_integrity(
            sig.signer_info, signer, "data", sig.compute_digest()
        )
    except SignatureValidationError as exc:
        return fail(report.FORMAT_FAILURE, f"the signature is malformed: {_short(exc)}")
    except Exception as exc:  # an algorithm pyHanko does not know, a broken key
        return fail(report.SIG_CRYPTO_FAILURE, f"the signature cannot be checked: {_short(exc)}")
    if not intact:
        return fail(
            report.HASH_FAILURE,
            "the document was changed after signing: its digest does not match the signed one",
        )
    if not valid:
        return fail(report.SIG_CRYPTO_FAILURE, "the signature value does not verify")

    others = [x509.load_der_x509_certificate(c.dump()) for c in sig.other_embedded_certs]
    verdict = check_chain(signer_cert, others, trust)
    return Report(
        verdict.indication,
        verdict.sub_indication,
        FORMAT,
        revocation=verdict.revocation,
        messages=[*verdict.messages, *messages],
        **more,
    )


def _is_contents(hole: bytes, contents: bytes) -> bool:
    """Whether the gap in the byte range is exactly the hex string of /Contents."""
    if len(hole) != 2 * len(contents) + 2 or not (hole[:1] == b"<" and hole[-1:] == b">"):
        return False
    try:
        return bytes.fromhex(hole[1:-1].decode("ascii")) == contents
    except ValueError:
        return False


def _what_was_added(
    data: bytes, reader: PdfFileReader, sig: EmbeddedPdfSignature, ranges: list[int]
) -> str:
    """Why the signature does not cover the whole file, in words."""
    if len(ranges) != 4 or ranges[0] != 0 or ranges[2] < ranges[1]:
        return f"the signature's byte range {ranges} is not the standard [0 a b c]"
    end = ranges[2] + ranges[3]
    if end > len(data):
        return "the signature's byte range goes beyond the end of the file"
    if not _is_contents(data[ranges[1] : ranges[2]], sig.pkcs7_content):
        return "the gap in the signature's byte range is not just the signature"
    added = len(data) - end
    later = reader.xrefs.total_revisions - 1 - sig.signed_revision
    if later <= 0 and not data[:end].rstrip(b"\r\n").endswith(b"%%EOF"):
        return f"the signed byte range stops {added} bytes short of the end of the file"
    if later <= 0:
        return (
            f"{added} bytes were appended after the signed part of the file; the signature "
            "covers only what precedes them"
        )
    changed: list[str] = []
    for revision in range(sig.signed_revision + 1, reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            changed.append(_describe_object(reader, ref))
    kinds = ", ".join(sorted(set(changed))[:10])
    return (
        f"{later} incremental update(s) ({added} bytes) were added after signing; they add or "
        f"change {len(changed)} object(s): {kinds}; the signature covers only the document "
        "before them"
    )


def _describe_object(reader: PdfFileReader, ref: generic.Reference) -> str:
    try:
        obj = reader.get_object(ref)  # type: ignore[no-untyped-call]
    except Exception:
        return "an unreadable object"
    if not isinstance(obj, generic.DictionaryObject):  # streams are dictionaries too
        return type(obj).__name__
    named = [str(obj[k]) for k in ("/Type", "/Subtype") if k in obj]
    if named:
        return " ".join(named)
    if "/FT" in obj:
        return f"form field {obj['/FT']}"
    return "a stream" if isinstance(obj, generic.StreamObject) else "a dictionary"
