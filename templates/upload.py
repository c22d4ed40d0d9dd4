"""Checks an uploaded DOCX template must pass before it is stored or rendered."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO

from jinja2 import TemplateError as JinjaError
from jinja2 import TemplateSyntaxError, nodes
from lxml import etree

from templates.engine import W, environment, template_sources
from templates.errors import RejectedTemplate

MiB = 1024 * 1024
MAX_UNCOMPRESSED = 50 * MiB
MAX_RATIO = 100
MAX_MEMBERS = 1000

_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_TYPES = re.compile(r"macroEnabled|vbaProject|vbaData|activeX", re.IGNORECASE)
_STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER = re.compile(r"\{[{%#]")


def _reject(reason: str) -> RejectedTemplate:
    return RejectedTemplate(f"template rejected: {reason}", fields={"file": reason})


#: The largest template file accepted.
MAX_TEMPLATE_BYTES = 5 * MiB


def check_template(data: bytes, *, max_bytes: int = MAX_TEMPLATE_BYTES) -> None:
    """Raise ``RejectedTemplate`` unless ``data`` is a safe, well-formed DOCX template."""
    if len(data) > max_bytes:
        raise _reject(f"the file is larger than {max_bytes // MiB} MiB")
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _reject("not a DOCX file (not a zip archive); save it in Word as .docx") from None
    with zf:
        names = _check_archive(zf)
        _check_macros(zf, names)
        parts = _parse_xml_parts(zf, names)
    _check_word_document(parts, names)
    _check_external_relationships(parts)
    for name in sorted(n for n in parts if _STORY.fullmatch(n)):
        _check_split_tags(name, parts[name])
    _check_jinja(data)


def _check_archive(zf: zipfile.ZipFile) -> set[str]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _reject(f"the archive has more than {MAX_MEMBERS} members")
    names: set[str] = set()
    for info in infos:
        name = info.filename
        parts = re.split(r"[/\\]", name)
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
            raise _reject(f"unsafe member name {name!r} in the archive")
        if name in names:
            raise _reject(f"duplicate member {name!r} in the archive")
        names.add(name)
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise _reject(f"the archive unpacks to more than {MAX_UNCOMPRESSED // MiB} MiB")
    if total > MAX_RATIO * max(packed, 1):
        raise _reject(f"the archive is compressed more than {MAX_RATIO}:1 (a zip bomb?)")
    return names


def _check_macros(zf: zipfile.ZipFile, names: set[str]) -> None:
    for name in names:
        lower = name.lower()
        if lower.endswith("vbaproject.bin") or lower.endswith("vbadata.xml") or "activex/" in lower:
            raise _reject(
                f"the document contains macros or ActiveX controls ({name}); save as .docx"
            )
    if "[Content_Types].xml" in names and _MACRO_TYPES.search(
        _read(zf, "[Content_Types].xml").decode("utf-8", "replace")
    ):
        raise _reject("the document is macro-enabled (.docm); save it as a plain .docx")


def _read(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:
        raise _reject(f"member {name} is corrupt or encrypted: {exc}") from None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parse_xml_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, etree._Element]:
    parts: dict[str, etree._Element] = {}
    for name in sorted(names):
        if not name.lower().endswith((".xml", ".rels")):
            continue
        raw = _read(zf, name)
        try:
            tree = etree.parse(BytesIO(raw), _parser())
        except etree.XMLSyntaxError as exc:
            raise _reject(f"part {name} is not well-formed XML: {exc}") from None
        if tree.docinfo.internalDTD is not None or tree.docinfo.system_url:
            raise _reject(f"part {name} declares a DTD or entities, which Word never writes")
        parts[name] = tree.getroot()
    return parts


def _check_word_document(parts: dict[str, etree._Element], names: set[str]) -> None:
    types = parts.get("[Content_Types].xml")
    main = (
        []
        if types is None
        else [
            o.get("PartName", "")
            for o in types.iter(f"{{{_CT}}}Override")
            if o.get("ContentType") == MAIN_DOCUMENT
        ]
    )
    if "/word/document.xml" not in main or "word/document.xml" not in names:
        raise _reject("not a Word document (no word/document.xml main part); save it as .docx")


def _check_external_relationships(parts: dict[str, etree._Element]) -> None:
    """Refuse links Word or LibreOffice would fetch (remote templates, linked images)."""
    for name, root in parts.items():
        if not name.endswith(".rels"):
            continue
        for rel in root.iter(f"{{{_REL}}}Relationship"):
            if rel.get("TargetMode") == "External" and rel.get("Type") != _HYPERLINK:
                target = rel.get("Target", "")
                raise _reject(f"part {name} links to an external resource {target!r}")


def _paragraph_runs(story: etree._Element) -> Iterator[list[str]]:
    for p in story.iter(f"{{{W}}}p"):
        texts = [
            t.text or "" for t in p.iter(f"{{{W}}}t") if next(t.iterancestors(f"{{{W}}}p")) is p
        ]
        if texts:
            yield texts


def _check_split_tags(name: str, story: etree._Element) -> None:
    """Every ``{{ }}``/``{% %}``/``{# #}`` tag must sit inside one ``w:t`` of one run."""
    for texts in _paragraph_runs(story):
        joined = "".join(texts)
        ends = []
        offset = 0
        for text in texts:
            offset += len(text)
            ends.append(offset)
        pos = 0
        while match := _OPENER.search(joined, pos):
            start = match.start()
            close = joined.find(_OPENERS[match.group()], start + 2)
            if close < 0:
                raise _reject(f"{name}: tag {match.group()!r} is not closed in {_quote(joined)}")
            end = close + 2
            if _piece(ends, start) != _piece(ends, end - 1):
                raise _reject(
                    f"{name}: a tag is split across formatting runs in {_quote(joined)}; "
                    "retype the tag without changing its formatting halfway"
                )
            pos = end


def _piece(ends: list[int], index: int) -> int:
    return next(i for i, end in enumerate(ends) if index < end)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _check_jinja(data: bytes) -> None:
    env = environment("kk")
    try:
        sources = template_sources(data)
    except Exception as exc:  # docxtpl/python-docx raise many kinds on malformed packages
        raise _reject(f"python-docx cannot open the document: {exc}") from None
    for name, source in sources:
        try:
            tree = env.parse(source)
            env.compile(tree)
        except TemplateSyntaxError as exc:
            line = source.splitlines()[exc.lineno - 1] if exc.lineno else ""
            text = re.sub(r"<[^>]+>", "", line)
            raise _reject(
                f"{name}: template syntax error: {exc.message} in {_quote(text)}"
            ) from None
        except JinjaError as exc:
            raise _reject(f"{name}: template error: {exc}") from None
        if any(True for _ in tree.find_all(nodes.EvalContextModifier)):
            raise _reject(f"{name}: autoescape blocks are not allowed in templates")
