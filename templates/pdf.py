"""PDF/A metadata of generated documents: Kense's properties in the XMP packet.

PDF/A admits a custom XMP property only when the packet itself declares it in a PDF/A
extension schema, and requires the Info dictionary and the XMP to say the same (title, author,
producer, dates). So the packet is rebuilt as a whole from the Info dictionary, the PDF/A
identification LibreOffice wrote, and the properties given here; the rest of the file is
cloned unchanged (a clean, single-revision rewrite).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from io import BytesIO

from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import DecodedStreamObject, NameObject, StreamObject, TextStringObject

KENSE_NS = "https://kense.kz/ns/document/1.0/"
KENSE_PREFIX = "kense"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML = "http://www.w3.org/XML/1998/namespace"
NS = {
    "x": "adobe:ns:meta/",
    "rdf": RDF,
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    KENSE_PREFIX: KENSE_NS,
}


@dataclass(frozen=True)
class Property:
    name: str
    value_type: str
    category: str
    description: str


PROPERTIES = (
    Property("kind", "Text", "external", "Kind of the document (the template it was made from)"),
    Property("number", "Text", "external", "Registration number of the document"),
    Property("date", "Date", "external", "Date of the document"),
    Property("identifier", "Text", "external", "FRBR URI or Kense identifier of the document"),
    Property("docx_sha256", "Text", "internal", "SHA-256 of the DOCX this PDF was made from"),
)
_PROPERTY_NAMES = {p.name for p in PROPERTIES}

_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PDF_DATE = re.compile(
    r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(?:([Zz])|([+-])(\d\d)'?(\d\d)?'?)?"
)
_PADDING = (b" " * 99 + b"\n") * 20
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def add_metadata(
    pdf: bytes,
    *,
    title: str,
    lang: str,
    kind: str,
    number: str | None,
    date: str,
    identifier: str,
    docx_sha256: str,
    modified: dt.datetime | None = None,
) -> bytes:
    """The PDF with its title, language (also the catalog's /Lang) and Kense's properties.

    ``modified`` (default: now) becomes /ModDate and xmp:ModifyDate. ValueError names the
    argument that is invalid, or says that ``pdf`` is not a readable PDF.
    """
    values = _validated(
        title=title,
        lang=lang,
        kind=kind,
        number=number,
        date=date,
        identifier=identifier,
        docx_sha256=docx_sha256,
    )
    reader = _reader(pdf)
    old = _parse(_packet(reader))
    when = (modified or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)

    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    writer.add_metadata({"/Title": title, "/ModDate": when.strftime("D:%Y%m%d%H%M%S+00'00'")})
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    info = {str(k): str(v.get_object()) for k, v in (writer.metadata or {}).items()}
    create_date = _first(old, "xmp", "CreateDate") or _xmp_date(info.get("/CreationDate"))
    part = _pdfa_part(old)
    packet = _build(info, values, lang=lang, part=part, created=create_date, modified=_iso(when))
    _set_packet(writer, packet)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def read_metadata(pdf: bytes) -> dict[str, str]:
    """Title, language and Kense's properties as ``add_metadata`` wrote them (missing ones
    left out)."""
    root = _parse(_packet(_reader(pdf)))
    result: dict[str, str] = {}
    if root is None:
        return result
    titles = _lis(root, "dc", "title")
    default = [t for lang, t in titles if lang == "x-default"]
    if titles:
        result["title"] = default[0] if default else titles[0][1]
    languages = _values(root, "dc", "language")
    if languages:
        result["lang"] = languages[0]
    for prop in PROPERTIES:
        value = _first(root, KENSE_PREFIX, prop.name)
        if value is not None:
            result[prop.name] = value
    return result


def pdfa_part(pdf: bytes) -> tuple[str, str] | None:
    """The PDF/A part and conformance the XMP claims, e.g. ``("2", "B")``; None if none."""
    return _pdfa_part(_parse(_packet(_reader(pdf))))


def xmp_packet(pdf: bytes) -> bytes | None:
    """The raw XMP packet of the document catalog, if any."""
    return _packet(_reader(pdf))


def _validated(**values: str | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name in ("title", "kind", "identifier"):
        if not (values[name] or "").strip():
            problems[name] = "must not be empty"
    if not _LANG.fullmatch(values["lang"] or ""):
        problems["lang"] = "must be a language tag such as kk or ru"
    try:
        dt.date.fromisoformat(values["date"] or "")
    except ValueError:
        problems["date"] = "must be an ISO date (YYYY-MM-DD)"
    if not _SHA256.fullmatch(values["docx_sha256"] or ""):
        problems["docx_sha256"] = "must be 64 lowercase hexadecimal digits"
    number = values["number"]
    if number is not None and not number.strip():
        problems["number"] = "must be None or not empty"
    for name, value in values.items():
        if value and _CONTROL.search(value):
            problems[name] = "must not contain control characters"
    if problems:
        raise ValueError("; ".join(f"{k} {v}" for k, v in problems.items()))
    return {k: v for k, v in values.items() if v is not None and k in _PROPERTY_NAMES}


def _reader(pdf: bytes) -> PdfReader:
    try:
        reader = PdfReader(BytesIO(pdf), strict=False)
        reader.root_object.get("/Metadata")
    except (PdfReadError, ValueError, OSError) as exc:
        raise ValueError(f"not a readable PDF: {exc}") from exc
    return reader


def _packet(reader: PdfReader) -> bytes | None:
    stream = reader.root_object.get("/Metadata")
    if stream is None:
        return None
    obj = stream.get_object()
    return obj.get_data() if isinstance(obj, StreamObject) else None


def _parse(packet: bytes | None) -> etree._Element | None:
    if not packet:
        return None
    try:
        return etree.fromstring(packet.strip(b"\x00 \r\n\t"), _PARSER)
    except etree.XMLSyntaxError:
        return None


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _lis(root: etree._Element, prefix: str, name: str) -> list[tuple[str | None, str]]:
    """(xml:lang, text) of every value of a property, simple or in an Alt/Bag/Seq."""
    tag = _q(prefix, name)
    found: list[tuple[str | None, str]] = []
    for desc in root.iter(_q("rdf", "Description")):
        attr = desc.get(tag)
        if attr is not None:
            found.append((None, attr))
        for el in desc.findall(tag):
            items = el.findall(f"{{{RDF}}}*/{{{RDF}}}li")
            if items:
                found.extend((li.get(f"{{{XML}}}lang"), li.text or "") for li in items)
            else:
                found.append((el.get(f"{{{XML}}}lang"), el.text or ""))
    return found


def _values(root: etree._Element, prefix: str, name: str) -> list[str]:
    return [text for _, text in _lis(root, prefix, name)]


def _first(root: etree._Element | None, prefix: str, name: str) -> str | None:
    if root is None:
        return None
    values = _values(root, prefix, name)
    return values[0].strip() if values else None


def _pdfa_part(root: etree._Element | None) -> tuple[str, str] | None:
    part = _first(root, "pdfaid", "part")
    if not part:
        return None
    return part, (_first(root, "pdfaid", "conformance") or "")


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _xmp_date(value: str | None) -> str | None:
    """A PDF date string (``D:YYYYMMDDHHmmSS+HH'mm'``) as an XMP date."""
    match = _PDF_DATE.match(value or "")
    if match is None:
        return None
    year, month, day, hour, minute, second, zulu, sign, tz_hour, tz_minute = match.groups()
    text = "-".join(p for p in (year, month, day) if p)
    if not (month and day and hour and minute):
        return text
    text += f"T{hour}:{minute}:{second or '00'}"
    if zulu:
        return text + "Z"
    if sign:
        return text + f"{sign}{tz_hour}:{tz_minute or '00'}"
    return text


def _build(
    info: dict[str, str],
    values: dict[str, str],
    *,
    lang: str,
    part: tuple[str, str] | None,
    created: str | None,
    modified: str,
) -> bytes:
    root = etree.Element(_q("x", "xmpmeta"), nsmap={"x": NS["x"]})
    rdf = etree.SubElement(root, _q("rdf", "RDF"), nsmap={"rdf": RDF})

    def description(prefix: str, *more: str) -> etree._Element:
        nsmap = {p: NS[p] for p in (prefix, *more)}
        return etree.SubElement(rdf, _q("rdf", "Description"), {_q("rdf", "about"): ""}, nsmap)

    def simple(parent: etree._Element, prefix: str, name: str, text: str) -> None:
        etree.SubElement(parent, _q(prefix, name)).text = text

    def array(parent: etree._Element, prefix: str, name: str, kind: str, text: str) -> None:
        container = etree.SubElement(etree.SubElement(parent, _q(prefix, name)), _q("rdf", kind))
        li = etree.SubElement(container, _q("rdf", "li"))
        if kind == "Alt":
            li.set(f"{{{XML}}}lang", "x-default")
        li.text = text

    if part is not None:
        pdfaid = description("pdfaid")
        simple(pdfaid, "pdfaid", "part", part[0])
        simple(pdfaid, "pdfaid", "conformance", part[1])

    dc = description("dc")
    simple(dc, "dc", "format", "application/pdf")
    array(dc, "dc", "title", "Alt", info["/Title"])
    array(dc, "dc", "language", "Bag", lang)
    if "/Author" in info:
        array(dc, "dc", "creator", "Seq", info["/Author"])
    if "/Subject" in info:
        array(dc, "dc", "description", "Alt", info["/Subject"])

    xmp = description("xmp")
    if "/Creator" in info:
        simple(xmp, "xmp", "CreatorTool", info["/Creator"])
    if created:
        simple(xmp, "xmp", "CreateDate", created)
    simple(xmp, "xmp", "ModifyDate", modified)
    simple(xmp, "xmp", "MetadataDate", modified)

    if "/Producer" in info or "/Keywords" in info:
        pdf = description("pdf")
        if "/Producer" in info:
            simple(pdf, "pdf", "Producer", info["/Producer"])
        if "/Keywords" in info:
            simple(pdf, "pdf", "Keywords", info["/Keywords"])

    _extension_schema(description("pdfaExtension", "pdfaSchema", "pdfaProperty"))

    kense = description(KENSE_PREFIX)
    for prop in PROPERTIES:
        if prop.name in values:
            simple(kense, KENSE_PREFIX, prop.name, values[prop.name])

    body = etree.tostring(root, encoding="utf-8", pretty_print=True)
    return (
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        + body
        + _PADDING
        + b'<?xpacket end="w"?>'
    )


def _extension_schema(parent: etree._Element) -> None:
    """Declare Kense's namespace and properties, as PDF/A requires of custom XMP properties."""

    def resource(container: etree._Element) -> etree._Element:
        return etree.SubElement(container, _q("rdf", "li"), {_q("rdf", "parseType"): "Resource"})

    def text(el: etree._Element, prefix: str, name: str, value: str) -> None:
        etree.SubElement(el, _q(prefix, name)).text = value

    schemas = etree.SubElement(
        etree.SubElement(parent, _q("pdfaExtension", "schemas")), _q("rdf", "Bag")
    )
    schema = resource(schemas)
    text(schema, "pdfaSchema", "schema", "Kense document properties")
    text(schema, "pdfaSchema", "namespaceURI", KENSE_NS)
    text(schema, "pdfaSchema", "prefix", KENSE_PREFIX)
    props = etree.SubElement(
        etree.SubElement(schema, _q("pdfaSchema", "property")), _q("rdf", "Seq")
    )
    for prop in PROPERTIES:
        item = resource(props)
        text(item, "pdfaProperty", "name", prop.name)
        text(item, "pdfaProperty", "valueType", prop.value_type)
        text(item, "pdfaProperty", "category", prop.category)
        text(item, "pdfaProperty", "description", prop.description)


def _set_packet(writer: PdfWriter, packet: bytes) -> None:
    """Replace the catalog's metadata stream, unfiltered (PDF/A), leaving no orphan behind."""
    current = writer.root_object.get("/Metadata")
    in_place = current is not None and isinstance(current.get_object(), DecodedStreamObject)
    if not in_place:
        writer.xmp_metadata = None
    writer.xmp_metadata = packet
    stream = writer.root_object["/Metadata"].get_object()
    assert isinstance(stream, StreamObject)
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    if not in_place and current is not None:
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
