"""PDF/A metadata on a document LibreOffice really converted; veraPDF checks the result."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from io import BytesIO
from pathlib import Path
from typing import cast

import pytest
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

from templates.pdf import (
    KENSE_NS,
    NS,
    PROPERTIES,
    add_metadata,
    pdfa_part,
    read_metadata,
    xmp_packet,
)
from tests.conftest import service_missing
from tests.templates.conftest import pdftotext

REPO = Path(__file__).resolve().parents[2]
WORK = "/akn/kz-kus/act/resolution/2021-11-12/514"
MODIFIED = dt.datetime(2025, 3, 1, 9, 30, 15, tzinfo=dt.UTC)


def metadata(sample_docx: bytes, number: str | None = "12-ә") -> dict[str, str | None]:
    return {
        "title": "Бұйрық № 12 — Приказ № 12",
        "lang": "kk",
        "kind": "order",
        "number": number,
        "date": "2025-02-01",
        "identifier": WORK,
        "docx_sha256": hashlib.sha256(sample_docx).hexdigest(),
    }


@pytest.fixture(scope="module")
def stamped(sample_pdf: bytes, sample_docx: bytes) -> bytes:
    return add_metadata(sample_pdf, **metadata(sample_docx), modified=MODIFIED)  # type: ignore[arg-type]


def packet(pdf: bytes) -> etree._Element:
    data = xmp_packet(pdf)
    assert data is not None
    return etree.fromstring(data)


def q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def test_metadata_round_trip(stamped: bytes, sample_docx: bytes) -> None:
    assert read_metadata(stamped) == metadata(sample_docx)


def test_a_document_without_number_leaves_it_out(sample_pdf: bytes, sample_docx: bytes) -> None:
    pdf = add_metadata(sample_pdf, **metadata(sample_docx, number=None))  # type: ignore[arg-type]
    found = read_metadata(pdf)
    assert "number" not in found
    assert found["identifier"] == WORK


def test_every_custom_property_is_declared_in_a_pdfa_extension_schema(stamped: bytes) -> None:
    root = packet(stamped)
    schemas = root.findall(f".//{q('pdfaExtension', 'schemas')}/{q('rdf', 'Bag')}/{q('rdf', 'li')}")
    ours = [s for s in schemas if s.findtext(q("pdfaSchema", "namespaceURI")) == KENSE_NS]
    assert len(ours) == 1
    schema = ours[0]
    assert schema.findtext(q("pdfaSchema", "prefix")) == "kense"
    assert schema.findtext(q("pdfaSchema", "schema"))
    declared = {
        prop.findtext(q("pdfaProperty", "name")): (
            prop.findtext(q("pdfaProperty", "valueType")),
            prop.findtext(q("pdfaProperty", "category")),
            prop.findtext(q("pdfaProperty", "description")),
        )
        for prop in schema.findall(
            f"{q('pdfaSchema', 'property')}/{q('rdf', 'Seq')}/{q('rdf', 'li')}"
        )
    }
    assert set(declared) == {p.name for p in PROPERTIES}
    for value_type, category, description in declared.values():
        assert value_type in ("Text", "Date")
        assert category in ("internal", "external")
        assert description
    used = {
        el.tag
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{KENSE_NS}}}")
    }
    assert used == {f"{{{KENSE_NS}}}{name}" for name in declared}


def test_pdfa_identification_output_intent_and_info_are_kept_consistent(
    sample_pdf: bytes, stamped: bytes
) -> None:
    assert pdfa_part(sample_pdf) == pdfa_part(stamped) == ("2", "B")
    before, after = PdfReader(BytesIO(sample_pdf)), PdfReader(BytesIO(stamped))
    assert after.pdf_header == before.pdf_header
    intents = [
        cast(DictionaryObject, i.get_object())
        for i in cast(ArrayObject, after.root_object["/OutputIntents"])
    ]
    assert [str(i["/S"]) for i in intents] == ["/GTS_PDFA1"]
    assert "/DestOutputProfile" in intents[0]
    assert str(after.root_object["/Lang"]) == "kk"
    assert stamped.count(b"%%EOF") == 1
    ids = [cast(ArrayObject, r.trailer["/ID"])[0] for r in (before, after)]
    assert ids[0] == ids[1]

    info = after.metadata
    assert info is not None
    root = packet(stamped)
    assert info.title == "Бұйрық № 12 — Приказ № 12"
    assert root.findtext(f".//{q('dc', 'title')}/{q('rdf', 'Alt')}/{q('rdf', 'li')}") == info.title
    assert root.findtext(f".//{q('dc', 'language')}/{q('rdf', 'Bag')}/{q('rdf', 'li')}") == "kk"
    assert root.findtext(f".//{q('pdf', 'Producer')}") == info.producer
    assert root.findtext(f".//{q('xmp', 'CreatorTool')}") == info.creator
    assert info.modification_date == MODIFIED
    assert root.findtext(f".//{q('xmp', 'ModifyDate')}") == "2025-03-01T09:30:15+00:00"
    assert root.findtext(f".//{q('xmp', 'CreateDate')}")

    objects = [after.get_object(i) for ids in after.xref.values() for i in ids]
    xmp_streams = [
        o for o in objects if isinstance(o, StreamObject) and o.get("/Subtype") == "/XML"
    ]
    assert len(xmp_streams) == 1
    assert "/Filter" not in xmp_streams[0]
    assert str(xmp_streams[0]["/Type"]) == "/Metadata"


def test_text_is_unchanged(sample_pdf: bytes, stamped: bytes) -> None:
    assert pdftotext(stamped) == pdftotext(sample_pdf)


def test_invalid_arguments_are_named(sample_pdf: bytes, sample_docx: bytes) -> None:
    bad = {**metadata(sample_docx), "lang": "Kazakh", "date": "01.02.2025", "docx_sha256": "x"}
    with pytest.raises(ValueError, match=r"lang .*date .*docx_sha256"):
        add_metadata(sample_pdf, **bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="title must not contain control characters"):
        add_metadata(sample_pdf, **{**metadata(sample_docx), "title": "a\x01b"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a readable PDF"):
        add_metadata(b"not a pdf", **metadata(sample_docx))  # type: ignore[arg-type]


def verapdf(*files: Path) -> dict[str, str]:
    """veraPDF's verdict (PASS/FAIL) per file, against PDF/A-2b."""
    script = REPO / "scripts" / "verapdf.sh"
    fetched = subprocess.run(["bash", script, "fetch"], capture_output=True, text=True)
    if fetched.returncode != 0:
        service_missing(f"veraPDF could not be fetched: {fetched.stderr.strip()[-500:]}")
    done = subprocess.run(
        ["bash", script, "run", "--flavour", "2b", "--format", "text", *map(str, files)],
        capture_output=True,
        text=True,
    )
    verdicts = {}
    for line in done.stdout.splitlines():
        verdict, _, rest = line.partition(" ")
        if verdict in ("PASS", "FAIL"):
            verdicts[Path(rest.rsplit(" ", 1)[0]).name] = verdict
    assert len(verdicts) == len(files), done.stdout + done.stderr
    return verdicts


def test_verapdf_accepts_the_document_and_catches_an_undeclared_property(
    stamped: bytes, sample_pdf: bytes, tmp_path: Path
) -> None:
    (tmp_path / "converted.pdf").write_bytes(sample_pdf)
    (tmp_path / "stamped.pdf").write_bytes(stamped)
    reader = PdfReader(BytesIO(stamped))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    data = xmp_packet(stamped)
    assert data is not None
    writer.xmp_metadata = data.replace(
        b"<pdfaProperty:name>docx_sha256<", b"<pdfaProperty:name>undeclared<"
    )
    writer.write(tmp_path / "undeclared.pdf")

    verdicts = verapdf(*(tmp_path / n for n in ("converted.pdf", "stamped.pdf", "undeclared.pdf")))
    assert verdicts == {"converted.pdf": "PASS", "stamped.pdf": "PASS", "undeclared.pdf": "FAIL"}


def test_a_compressed_packet_is_replaced_and_no_pdfa_claim_is_invented(sample_docx: bytes) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.xmp_metadata = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
    stream = cast(StreamObject, writer.root_object["/Metadata"].get_object()).flate_encode()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = BytesIO()
    writer.write(out)
    plain = out.getvalue()
    packet_stream = PdfReader(BytesIO(plain)).root_object["/Metadata"].get_object()
    assert "/Filter" in cast(StreamObject, packet_stream)

    pdf = add_metadata(plain, **metadata(sample_docx))  # type: ignore[arg-type]
    assert read_metadata(pdf) == metadata(sample_docx)
    assert pdfa_part(pdf) is None
    reader = PdfReader(BytesIO(pdf))
    objects = [reader.get_object(i) for ids in reader.xref.values() for i in ids]
    xmp = [o for o in objects if isinstance(o, StreamObject) and o.get("/Subtype") == "/XML"]
    assert len(xmp) == 1
    assert "/Filter" not in xmp[0]
