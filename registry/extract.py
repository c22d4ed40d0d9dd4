"""Text of uploaded decisions (PDF, DOCX): pure functions, bytes in, text out.

Uploads are untrusted. The type is read from the bytes, never from the file name; a DOCX is a ZIP
whose sizes, entry count, entry names and compression ratios are checked before anything is
inflated, whose macros are refused, and whose XML is parsed with entities, DTDs and the network
off (a DOCTYPE is refused outright). PDF parsing relies on pypdf's own decompression limits, plus a
page limit here. Every refusal is :class:`registry.errors.Invalid` naming the field ``file``.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from io import BytesIO
from typing import Final

from lxml import etree

from registry.errors import Invalid

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES: Final = (PDF, DOCX)
EXTENSIONS: Final = {PDF: ".pdf", DOCX: ".docx"}

#: Largest upload accepted.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: DOCX (ZIP) limits: total inflated size, inflated/compressed ratio of an entry, entries.
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_DOCX_RATIO = 100
MAX_DOCX_ENTRIES = 1000
#: Entries smaller than this are not judged by their ratio (tiny parts compress unevenly).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_PDF_PAGES = 2000
#: Longest extracted text kept (characters).
MAX_TEXT_CHARS = 5_000_000

_DOCUMENT = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: Control characters other than tab and newline (PostgreSQL text refuses NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def refuse(message: str, reason: str) -> Invalid:
    return Invalid(message, fields={"file": reason})


def check_size(data: bytes) -> None:
    if not data:
        raise refuse("the file is empty: upload the decision as PDF or DOCX", "empty")
    if len(data) > MAX_FILE_BYTES:
        raise refuse(
            f"the file is {len(data)} bytes; at most {MAX_FILE_BYTES} bytes "
            f"({MAX_FILE_BYTES // (1024 * 1024)} MB) are accepted",
            f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
        )


def detect(data: bytes) -> str:
    """The media type of an upload from its first bytes: PDF or DOCX, anything else refused."""
    check_size(data)
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise refuse(f"the file is a damaged ZIP archive: {exc}", "damaged ZIP") from exc
        if _DOCUMENT in names:
            return DOCX
        raise refuse(
            "the file is a ZIP archive but not a Word document (no word/document.xml); "
            "upload the decision as PDF or DOCX",
            "not PDF or DOCX",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise refuse(
            "old Word (.doc) files are not supported: save the decision as DOCX or PDF",
            "not PDF or DOCX",
        )
    raise refuse(
        "the file is neither a PDF nor a DOCX document (judged by its content, not its name)",
        "not PDF or DOCX",
    )


def extract_text(data: bytes, media_type: str) -> str:
    """The plain text of a PDF or DOCX: lines of text, pages/paragraphs separated by newlines."""
    check_size(data)
    if media_type == PDF:
        text = _pdf_text(data)
    elif media_type == DOCX:
        text = _docx_text(data)
    else:
        raise refuse(f"unsupported media type {media_type!r}; PDF or DOCX", "not PDF or DOCX")
    text = _CONTROL.sub("", text).strip()
    if not text:
        raise refuse(
            "no text could be extracted; scanned PDFs are not supported "
            "(upload a PDF with a text layer, or the DOCX)",
            "no text",
        )
    if len(text) > MAX_TEXT_CHARS:
        raise refuse(
            f"the extracted text has {len(text)} characters; at most {MAX_TEXT_CHARS}",
            "text too long",
        )
    return text


# --- PDF ---------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise refuse(
                "encrypted (password-protected) PDFs are not supported: "
                "upload the decision without protection",
                "encrypted PDF",
            )
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise refuse(
                f"the PDF has {len(pages)} pages; at most {MAX_PDF_PAGES}", "too many pages"
            )
        return "\n".join(page.extract_text() or "" for page in pages)
    except Invalid:
        raise
    except RecursionError as exc:
        raise refuse("the PDF is nested too deeply to be read", "damaged PDF") from exc
    # pypdf reports damaged input through many exception types (PdfReadError, ValueError,
    # KeyError, zlib errors …); for an untrusted upload each means the same: unreadable.
    except Exception as exc:
        raise refuse(
            f"the PDF could not be read ({type(exc).__name__}: {exc}); "
            "upload an undamaged PDF or the DOCX",
            "damaged PDF",
        ) from exc


# --- DOCX --------------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_archive(infos)
            xml = _read_entry(archive, _DOCUMENT)
    # RuntimeError: an encrypted entry; zlib.error: corrupt deflate data.
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise refuse(f"the DOCX is a damaged ZIP archive: {exc}", "damaged DOCX") from exc
    except zlib.error as exc:
        raise refuse(f"the DOCX is a damaged ZIP archive: {exc}", "damaged DOCX") from exc
    return _document_text(xml)


def _check_archive(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_DOCX_ENTRIES:
        raise refuse(
            f"the DOCX holds {len(infos)} parts; at most {MAX_DOCX_ENTRIES}", "too many parts"
        )
    total = 0
    for info in infos:
        name = info.filename
        if not _safe_name(name):
            raise refuse(
                f"the DOCX holds a part with an unsafe path {name!r} "
                "(absolute, or leading outside the archive)",
                "unsafe path",
            )
        base = posixpath.basename(name.replace("\\", "/")).lower()
        if base in ("vbaproject.bin", "vbadata.xml"):
            raise refuse(
                "the DOCX contains macros (vbaProject.bin); macro-enabled documents are "
                "refused: save it as a plain DOCX",
                "macros",
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_DOCX_RATIO:
            raise refuse(
                f"the DOCX part {name!r} inflates {ratio:.0f} times (at most "
                f"{MAX_DOCX_RATIO}); refused as a possible ZIP bomb",
                "ZIP bomb",
            )
    if total > MAX_DOCX_UNCOMPRESSED:
        raise refuse(
            f"the DOCX inflates to {total} bytes; at most {MAX_DOCX_UNCOMPRESSED} "
            f"({MAX_DOCX_UNCOMPRESSED // (1024 * 1024)} MB); refused as a possible ZIP bomb",
            "ZIP bomb",
        )


def _safe_name(name: str) -> bool:
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return False
    return ".." not in path.split("/")


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    """One part, read with a hard bound whatever its header declares."""
    with archive.open(name) as part:
        data = part.read(MAX_DOCX_UNCOMPRESSED + 1)
    if len(data) > MAX_DOCX_UNCOMPRESSED:
        raise refuse(f"the DOCX part {name} is larger than declared", "ZIP bomb")
    return data


#: "<!DOCTYPE" in the encodings an XML part may use (checked before parsing, then again after).
_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))


def _doctype_refused() -> Invalid:
    return refuse(
        "word/document.xml declares a DOCTYPE; documents with DTDs or entities are refused "
        "(Word never writes one): save the document again as DOCX",
        "DOCTYPE",
    )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _document_text(xml: bytes) -> str:
    if any(marker in xml for marker in _DOCTYPE_MARKERS):
        raise _doctype_refused()
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise refuse(f"word/document.xml is not well-formed XML: {exc}", "damaged DOCX") from exc
    info = root.getroottree().docinfo
    doctype = getattr(info, "doctype", "")  # not in lxml-stubs
    if doctype or info.internalDTD is not None:
        raise _doctype_refused()
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise refuse("word/document.xml uses XML entities; refused", "DOCTYPE")
    lines: list[str] = []
    _walk(root, lines, [])
    return "\n".join(line.rstrip() for line in lines)


def _walk(element: etree._Element, lines: list[str], current: list[str]) -> None:
    """Paragraphs (w:p) become lines; w:t gives text, w:tab a tab, w:br/w:cr a newline.

    Deleted text (w:delText), field codes (w:instrText) and the fallback copies of
    mc:AlternateContent are skipped; a paragraph nested in a text box is a line of its own.
    """
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == f"{_W}p":
            words: list[str] = []
            _walk(child, lines, words)
            lines.append("".join(words))
        elif tag == f"{_W}t":
            current.append(child.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            current.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            current.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            current.append("-")
        elif tag == f"{_MC}AlternateContent":
            chosen = next(iter(child), None)
            if chosen is not None:
                _walk(chosen, lines, current)
        else:
            _walk(child, lines, current)
