"""Decisions uploaded as PDF or DOCX: detection, extraction, refusals of hostile files, storage.

The files are built here, byte by byte: a minimal PDF with a Helvetica text stream, and DOCX
archives written with zipfile (the smallest package Word opens: content types, relations, body).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from registry import changes, decisions, extract
from registry.config import RegistryConfig
from registry.errors import Conflict, Invalid, NotFound
from registry.model import ActRef
from registry.service import Registry
from registry.store import files, reading, writing

KK_TITLE = "Босқын мәртебесін беру туралы"
KK_LINES = ["Қостанай облысы әкімдігінің шешімі", "босқын мәртебесін беру туралы шешім"]
DECISION = ActRef("decision", "12", date(2024, 3, 15), "Қостанай облысы әкімдігі")
URI = "/akn/kz-kus/act/decision/2024-03-15/12"

# --- builders --------------------------------------------------------------------------------


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 whose content stream shows ``lines`` (ASCII) in Helvetica."""

    def literal(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    shown = " ".join(f"({literal(line)}) Tj T*" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def document_xml(paragraphs: list[str], prolog: str = "") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'{prolog}<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    ).encode()


def make_docx(
    paragraphs: list[str] | None = None,
    *,
    document: bytes | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document or document_xml(paragraphs or []))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def kk_docx(*extra_lines: str) -> bytes:
    return make_docx([*KK_LINES, *extra_lines])


def refused(data: bytes, reason: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        extract.extract_text(data, extract.detect(data))
    assert caught.value.fields == {"file": reason}, caught.value.message
    return caught.value


# --- detection and extraction ----------------------------------------------------------------


def test_type_is_read_from_the_bytes() -> None:
    assert extract.detect(make_pdf(["x"])) == extract.PDF
    assert extract.detect(kk_docx()) == extract.DOCX
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for data in (png, b"plain text", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64):
        with pytest.raises(Invalid) as caught:
            extract.detect(data)
        assert caught.value.fields == {"file": "not PDF or DOCX"}
    spreadsheet = io.BytesIO()
    with zipfile.ZipFile(spreadsheet, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(Invalid, match="not a Word document"):
        extract.detect(spreadsheet.getvalue())


def test_text_of_a_pdf() -> None:
    pdf = make_pdf(["Decision No. 12 of 15 March 2024", "On granting refugee status"])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    found = extract.extract_text(pdf, extract.PDF)
    assert "Decision No. 12 of 15 March 2024" in found
    assert "On granting refugee status" in found


def test_text_of_a_docx_in_kazakh_with_tabs_breaks_tables_and_revisions() -> None:
    body = (
        f'<w:document xmlns:w="{W_NS}"><w:body>'
        "<w:p><w:r><w:t>Қостанай облысы</w:t><w:tab/><w:t>әкімдігі</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>бірінші жол</w:t><w:br/><w:t>екінші жол</w:t></w:r></w:p>"
        "<w:p><w:del><w:r><w:delText>өшірілген</w:delText></w:r></w:del>"
        '<w:r><w:t xml:space="preserve">қалған </w:t></w:r><w:r><w:t>мәтін</w:t></w:r></w:p>'
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>кесте ұяшығы</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:sectPr/></w:body></w:document>"
    ).encode()
    found = extract.extract_text(make_docx(document=body), extract.DOCX)
    assert found.split("\n") == [
        "Қостанай облысы\tәкімдігі",
        "бірінші жол",
        "екінші жол",
        "қалған мәтін",
        "кесте ұяшығы",
    ]


# --- refusals --------------------------------------------------------------------------------


def test_refuses_an_empty_or_oversized_file() -> None:
    with pytest.raises(Invalid) as caught:
        extract.detect(b"")
    assert caught.value.fields == {"file": "empty"}
    big = b"%PDF-1.4\n" + b"0" * extract.MAX_FILE_BYTES
    with pytest.raises(Invalid) as caught:
        extract.detect(big)
    assert caught.value.fields == {"file": "larger than 10 MB"}
    assert "10 MB" in caught.value.message


def test_refuses_a_zip_bomb() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b" " * (60 * 1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < extract.MAX_FILE_BYTES
    error = refused(bomb, "ZIP bomb")
    assert "ZIP bomb" in error.message


def test_refuses_a_part_that_inflates_more_than_a_hundred_times() -> None:
    padded = document_xml(["мәтін"]).replace(b"<w:body>", b"<w:body>" + b" " * 5_000_000)
    error = refused(make_docx(document=padded), "ZIP bomb")
    assert "inflates" in error.message


def test_refuses_too_many_parts_and_unsafe_paths() -> None:
    many = {f"word/media/p{i}.xml": b"<x/>" for i in range(extract.MAX_DOCX_ENTRIES)}
    refused(make_docx(["мәтін"], extra=many), "too many parts")
    for name in ("../evil.xml", "/etc/evil.xml", "word/../../evil.xml", "C:/evil.xml"):
        refused(make_docx(["мәтін"], extra={name: b"<x/>"}), "unsafe path")


def test_refuses_macros() -> None:
    error = refused(make_docx(["мәтін"], extra={"word/vbaProject.bin": b"\x00" * 100}), "macros")
    assert "vbaProject.bin" in error.message


def test_refuses_a_doctype_external_entity_and_billion_laughs(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xxe = document_xml(
        ["&xxe;"], f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    ).replace(b"&amp;xxe;", b"&xxe;")
    error = refused(make_docx(document=xxe), "DOCTYPE")
    assert "TOP-SECRET" not in error.message
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "ha"}">' for i in range(10))
    bomb = document_xml(["&l9;"], f"<!DOCTYPE w:document [{laughs}]>").replace(b"&amp;l9;", b"&l9;")
    refused(make_docx(document=bomb), "DOCTYPE")
    plain = document_xml(["мәтін"], "<!DOCTYPE w:document>")
    refused(make_docx(document=plain), "DOCTYPE")


def test_refuses_damaged_and_encrypted_pdfs() -> None:
    refused(b"%PDF-1.7\n" + b"\x00garbage" * 100, "damaged PDF")
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(["secret decision"])))
    writer.encrypt("user-password", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    error = refused(buffer.getvalue(), "encrypted PDF")
    assert "password" in error.message


def test_refuses_files_without_text() -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    error = refused(buffer.getvalue(), "no text")
    assert error.message.startswith("no text could be extracted; scanned PDFs are not supported")
    refused(make_docx(["", "   "]), "no text")


def test_refuses_a_damaged_docx() -> None:
    refused(make_docx(document=b"<w:document><unclosed>"), "damaged DOCX")


# --- metadata --------------------------------------------------------------------------------


def test_metadata_problems_are_named_by_field() -> None:
    good = {
        "issuer": "Қостанай облысы әкімдігі",
        "number": "12",
        "date": "2024-03-15",
        "title": KK_TITLE,
    }
    act, title, lang = decisions.parse_metadata(good)
    assert (act, title, lang) == (DECISION, KK_TITLE, "kk")
    cases = {
        "number": {"number": "  "},
        "date": {"date": "15.03.2024"},
        "issuer": {"issuer": "x" * 501},
        "title": {"title": "x" * 2001},
        "lang": {"lang": "en"},
        "type": {"type": "memo"},
    }
    for field, change in cases.items():
        with pytest.raises(Invalid) as caught:
            decisions.parse_metadata(good | change)
        assert set(caught.value.fields) == {field}, field
        assert field in caught.value.message
    with pytest.raises(Invalid) as caught:
        decisions.parse_metadata({})
    assert set(caught.value.fields) == {"issuer", "number", "date", "title"}
    assert decisions.parse_metadata(good | {"number": "n" * 60})[0].number == "n" * 60


def test_file_names_are_made_safe() -> None:
    assert decisions.safe_filename("../../etc/шешім.pdf", extract.PDF) == "шешім.pdf"
    assert decisions.safe_filename("C:\\docs\\a\x00b.docx", extract.DOCX) == "a_b.docx"
    assert decisions.safe_filename("", extract.PDF) == "decision.pdf"
    assert decisions.safe_filename("report.exe", extract.PDF) == "report.exe.pdf"


# --- the registry ----------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def reg(db_url: str, data_dir: Path) -> Iterator[Registry]:
    """An empty, migrated registry (SQLite and PostgreSQL) keeping files under ``data_dir``."""
    registry = Registry.open(RegistryConfig(database_url=db_url, data_dir=data_dir))
    registry.migrate()
    yield registry
    registry.close()


def add(registry: Registry, data: bytes, **kwargs: object) -> dict[str, object]:
    args: dict[str, object] = {"lang": "kk", "act": DECISION, "title": KK_TITLE}
    args.update(kwargs)
    filename = str(args.pop("filename", "шешім.docx"))
    return registry.add_decision(data, filename, **args)  # type: ignore[arg-type]


def test_a_decision_becomes_a_work_with_its_file(reg: Registry, data_dir: Path) -> None:
    docx = kk_docx("ИИН 880101300123")
    result = add(reg, docx)
    sha = hashlib.sha256(docx).hexdigest()
    assert result == {
        "frbr_uri": URI,
        "sha256": sha,
        "media_type": extract.DOCX,
        "size": len(docx),
        "filename": "шешім.docx",
        "lang": "kk",
        "created": True,
    }
    stored = data_dir / "files" / sha[:2] / sha
    assert stored.read_bytes() == docx
    assert not [p for p in stored.parent.iterdir() if p.name != sha]  # no temp files left
    info = reg.work_info(URI)
    assert (info["type"], info["number"], info["date"]) == ("decision", "12", "2024-03-15")
    assert info["issuer"] == "Қостанай облысы әкімдігі"
    assert info["title"] == {"kk": KK_TITLE}
    assert info["text_held"] is False
    assert [e["event"] for e in info["lifecycle"]] == ["adopted"]
    assert [f["sha256"] for f in info["files"]] == [sha]
    assert "text" not in info["files"][0]
    (listed,) = reg.files_of(URI)
    assert "босқын мәртебесін беру туралы шешім" in listed["text"]
    assert "880101300123" in listed["text"]  # the registry keeps the record; the index masks it
    assert reg.file_content(URI, sha) == (docx, extract.DOCX, "шешім.docx")


def test_the_change_feed_gets_the_work(reg: Registry) -> None:
    add(reg, kk_docx())
    with reading(reg.engine) as conn:
        feed = changes.pending(conn, "search")
    assert [(c.frbr_uri, c.kind) for c in feed] == [(URI, "file")]


def test_a_duplicate_upload_is_a_conflict(reg: Registry) -> None:
    docx = kk_docx()
    add(reg, docx)
    with pytest.raises(Conflict) as caught:
        add(reg, docx, filename="again.docx")
    assert caught.value.fields == {"file": "already uploaded"}
    assert len(reg.files_of(URI)) == 1


def test_another_language_and_another_act_share_storage(reg: Registry, data_dir: Path) -> None:
    add(reg, kk_docx())
    pdf = make_pdf(["Resolution on granting refugee status"])
    ru = add(reg, pdf, lang="ru", title="О предоставлении статуса беженца", filename="r.pdf")
    assert ru["created"] is False and ru["frbr_uri"] == URI
    assert reg.work_info(URI)["title"] == {
        "kk": KK_TITLE,
        "ru": "О предоставлении статуса беженца",
    }
    other = add(reg, pdf, act=replace(DECISION, number="13"), filename="r.pdf")
    assert other["frbr_uri"] == "/akn/kz-kus/act/decision/2024-03-15/13"
    assert len(list((data_dir / "files").rglob("*"))) == 4  # two directories, two files
    assert [e["event"] for e in reg.work_info(URI)["lifecycle"]] == ["adopted"]


def test_a_number_that_maps_to_an_existing_uri_is_a_conflict(reg: Registry) -> None:
    add(reg, kk_docx(), act=replace(DECISION, number="12-н"))
    with pytest.raises(Conflict) as caught:
        add(reg, make_pdf(["other"]), act=DECISION)
    assert set(caught.value.fields) == {"number"}


def test_invalid_uploads_write_nothing(reg: Registry, data_dir: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(Invalid) as caught:
        add(reg, png)
    assert caught.value.fields == {"file": "not PDF or DOCX"}
    with pytest.raises(Invalid) as caught:
        add(reg, kk_docx(), lang="en")
    assert caught.value.fields == {"lang": "kk or ru"}
    assert reg.list_works() == []
    assert not data_dir.exists()


def test_a_failed_transaction_leaves_no_row_and_no_temp_file(
    reg: Registry, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(changes, "record", broken)
    with pytest.raises(RuntimeError):
        add(reg, kk_docx())
    assert reg.list_works() == []
    assert not [p for p in data_dir.rglob("*.tmp")]


def test_reading_files_checks_the_hash(reg: Registry, data_dir: Path) -> None:
    docx = kk_docx()
    sha = add(reg, docx)["sha256"]
    assert isinstance(sha, str)
    with pytest.raises(Invalid) as bad:
        reg.file_content(URI, "not-a-hash")
    assert bad.value.fields == {"sha256": "64 lowercase hex digits"}
    with pytest.raises(NotFound):
        reg.file_content(URI, "0" * 64)
    with pytest.raises(NotFound):
        reg.files_of("/akn/kz-kus/act/decision/2024-03-15/999")
    (data_dir / "files" / sha[:2] / sha).write_bytes(b"tampered")
    with pytest.raises(RuntimeError, match="does not match its sha256"):
        reg.file_content(URI, sha)


def test_files_are_append_only(reg: Registry) -> None:
    add(reg, kk_docx())
    with pytest.raises(DBAPIError, match="append-only"), writing(reg.engine) as conn:
        conn.execute(update(files).values(filename="renamed.docx"))
    with pytest.raises(DBAPIError, match="append-only"), writing(reg.engine) as conn:
        conn.execute(text("DELETE FROM files"))
