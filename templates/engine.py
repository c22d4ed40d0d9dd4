"""Render DOCX templates with docxtpl in a sandboxed, autoescaping, strict Jinja environment."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from io import BytesIO
from typing import Any

from docx.opc.exceptions import OpcError
from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2 import TemplateError as JinjaError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from templates import formats
from templates.errors import RenderError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# Filters that turn text into markup: with them data could inject WordprocessingML.
_MARKUP_FILTERS = ("safe", "urlize", "xmlattr")
# Characters XML 1.0 forbids; \a and \f would also become paragraph/page breaks in docxtpl.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# docxtpl turns "{_{", "}_}", "{_%", "%_}" of the rendered XML into "{{", "}}", "{%", "%}".
_DOCXTPL_UNESCAPE = re.compile(r"(?<=[{}%])_|_(?=[{}%])")
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
MAX_PRODUCT = 100_000


class Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, which also refuses ``'x' * 10**9`` or ``9**999999`` (memory)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        power = operator == "**" and isinstance(left, int) and isinstance(right, int)
        if power and left.bit_length() * right > MAX_PRODUCT:
            raise SecurityError("the power is larger than the sandbox allows")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sequence = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sequence and len(seq) * times > MAX_PRODUCT:
                    raise SecurityError("repeated sequence is larger than the sandbox allows")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Refuse string methods whose result a template could make huge."""
        method = getattr(__obj, "__wrapped__", __obj)  # Jinja wraps str.format itself
        target = getattr(method, "__self__", None)
        if isinstance(target, str):
            _check_str_call(target, getattr(method, "__name__", ""), args)
        return super().call(__context, __obj, *args, **kwargs)

    def from_string(
        self,
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        """Compiled once per distinct XML part: docxtpl compiles every part on every render."""
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return _compiled(self, source)


#: Filters that pad or wrap text to a width a template chooses.
_SIZING_FILTERS = ("center", "indent", "wordwrap", "format")
_PADDING_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def _check_str_call(text: str, name: str, args: tuple[Any, ...]) -> None:
    if name in ("format", "format_map"):
        raise SecurityError("str.format is not available in templates")
    if name in _PADDING_METHODS and args and isinstance(args[0], int) and args[0] > MAX_PRODUCT:
        raise SecurityError(f"str.{name} wider than the sandbox allows")
    if name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        old, new = args[0], args[1]
        times = text.count(old) if old else len(text) + 1
        if len(text) + times * max(0, len(new) - len(old)) > MAX_PRODUCT:
            raise SecurityError("str.replace result larger than the sandbox allows")


@lru_cache(maxsize=256)
def _compiled(env: Sandbox, source: str) -> Template:
    return ImmutableSandboxedEnvironment.from_string(env, source)


def _finalize(value: Any) -> Any:
    """Escape every printed value for XML, whatever the template's autoescape blocks say.

    ``None`` prints as nothing (optional fields), not "None".
    """
    if isinstance(value, Undefined):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        text = str(value)
    else:
        plain = str(value).replace("\r\n", "\n").replace("\r", "\n")
        text = str(escape(_NOT_XML.sub("", plain)))
    return Markup(_DOCXTPL_UNESCAPE.sub("&#95;", text))


def _date_filter(fn: Callable[[date, str], str], lang: str) -> Callable[[Any], str]:
    def apply(value: Any) -> str:
        return fn(formats.as_date(value), lang)

    return apply


@cache
def environment(lang: str) -> Sandbox:
    """The one Jinja environment for rendering and checking templates in ``lang``."""
    code = formats.check_lang(lang)
    env = Sandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    for name in (*_MARKUP_FILTERS, *_SIZING_FILTERS):
        env.filters.pop(name, None)

    def number(value: int | float | Decimal | str, digits: int | None = None) -> str:
        return formats.number(value, code, digits)

    def act_reference(kind: str, num: int | str, when: Any, possessive: bool = True) -> str:
        return formats.act_reference(kind, num, formats.as_date(when), code, possessive=possessive)

    env.filters["long_date"] = _date_filter(formats.long_date, code)
    env.filters["date_phrase"] = _date_filter(formats.date_phrase, code)
    env.filters["short_date"] = lambda value: formats.short_date(formats.as_date(value))
    env.filters["number"] = number
    env.globals["act_reference"] = act_reference
    return env


def render_docx(template: bytes, data: Mapping[str, Any], lang: str) -> bytes:
    """Render ``template`` with ``data``; every defect of the template becomes ``RenderError``."""
    env = environment(lang)
    try:
        doc = DocxTemplate(BytesIO(template))
        doc.render(dict(data), env, autoescape=True)
        out = BytesIO()
        doc.save(out)
    except UndefinedError as exc:
        raise _undefined(exc) from exc
    except SecurityError as exc:
        raise RenderError(f"the template does something the sandbox forbids: {exc}") from exc
    except TemplateSyntaxError as exc:
        raise RenderError(f"template syntax error: {_describe_syntax(exc)}") from exc
    except JinjaError as exc:
        raise RenderError(f"the template could not be rendered: {exc}") from exc
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise RenderError(f"the template could not be rendered: {exc}") from exc
    except (zipfile.BadZipFile, OpcError, KeyError) as exc:
        raise RenderError(f"the template is not a readable DOCX file: {exc}") from exc
    except etree.LxmlError as exc:
        raise RenderError(
            "the rendered document is not well-formed XML; a tag probably spans paragraphs "
            f"or table cells in a way docxtpl cannot handle: {exc}"
        ) from exc
    return out.getvalue()


def _undefined(exc: UndefinedError) -> RenderError:
    message = exc.message or str(exc)
    match = re.fullmatch(r"'(.+)' is undefined", message) or re.search(
        r"has no attribute '(.+)'", message
    )
    if match is None:
        return RenderError(f"the template uses an undefined value: {message}")
    name = match.group(1)
    return RenderError(
        f"the template uses {name!r}, which the data does not have: "
        "add it to the template's schema or guard it with 'is defined'",
        fields={name: "undefined"},
    )


def _describe_syntax(exc: TemplateSyntaxError) -> str:
    context = [line.strip() for line in getattr(exc, "docx_context", []) if line.strip()]
    near = f" near {' / '.join(context)[:200]!r}" if context else ""
    return f"{exc.message}{near}"


def template_sources(template: bytes) -> list[tuple[str, str]]:
    """(part name, Jinja source) of the body, headers and footers, as docxtpl renders them.

    One paragraph per line, so a ``TemplateSyntaxError.lineno`` points at a paragraph.
    """
    doc = DocxTemplate(BytesIO(template))
    doc.init_docx()
    sources = [("word/document.xml", doc.patch_xml(doc.get_xml()))]
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for _, part in doc.get_headers_footers(uri):
            sources.append((str(part.partname).lstrip("/"), doc.patch_xml(doc.get_part_xml(part))))
    return [(name, _PARAGRAPH_START.sub(r"\n<w:p\1", src)) for name, src in sources]


def undeclared_variables(template: bytes) -> set[str]:
    """Top-level names the template reads (docxtpl's ``get_undeclared_template_variables``)."""
    try:
        doc = DocxTemplate(BytesIO(template))
        names: set[str] = doc.get_undeclared_template_variables(environment("kk"))
    except TemplateSyntaxError as exc:
        raise RenderError(f"template syntax error: {_describe_syntax(exc)}") from exc
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError) as exc:
        raise RenderError(f"the template is not a readable DOCX file: {exc}") from exc
    return names - set(environment("kk").globals)


def document_text(docx: bytes) -> str:
    """Normalised plain text: headers, body (with tables), footers; one paragraph per line.

    All whitespace runs, no-break spaces included, become one space; empty paragraphs are
    dropped, so the text is stable across Word's and docxtpl's layout choices.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(BytesIO(docx)) as zf:
        body = etree.fromstring(zf.read("word/document.xml"), parser)
        rels = _relationships(zf, "word/_rels/document.xml.rels", parser)
        stories: list[etree._Element] = []
        for kind in ("header", "footer"):
            for rid in _references(body, kind):
                if rid in rels and rels[rid] in zf.namelist():
                    stories.append(etree.fromstring(zf.read(rels[rid]), parser))
            if kind == "header":
                stories.append(body)
    lines = (_paragraph_text(p) for story in stories for p in _paragraphs(story))
    return "\n".join(line for line in lines if line)


def _relationships(zf: zipfile.ZipFile, name: str, parser: etree.XMLParser) -> dict[str, str]:
    if name not in zf.namelist():
        return {}
    root = etree.fromstring(zf.read(name), parser)
    rels = {}
    for rel in root.iter(f"{{{_REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            rels[rel.get("Id", "")] = (
                target.lstrip("/") if target.startswith("/") else (f"word/{target}")
            )
    return rels


def _references(body: etree._Element, kind: str) -> list[str]:
    order = {"first": 0, "default": 1, "even": 2}
    seen: list[str] = []
    for sect in body.iter(f"{{{W}}}sectPr"):
        refs = sorted(
            sect.iter(f"{{{W}}}{kind}Reference"),
            key=lambda ref: order.get(ref.get(f"{{{W}}}type", "default"), 3),
        )
        for ref in refs:
            rid = ref.get(f"{{{R}}}id", "")
            if rid not in seen:
                seen.append(rid)
    return seen


def _paragraphs(story: etree._Element) -> Iterator[etree._Element]:
    for p in story.iter(f"{{{W}}}p"):
        if not any(a.tag == f"{{{MC}}}Fallback" for a in p.iterancestors()):
            yield p


def _paragraph_text(p: etree._Element) -> str:
    pieces: list[str] = []
    for el in p.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"):
        if _owner(el) is not p:
            continue
        pieces.append((el.text or "") if el.tag == f"{{{W}}}t" else " ")
    return " ".join("".join(pieces).split())


def _owner(el: etree._Element) -> etree._Element | None:
    for ancestor in el.iterancestors(f"{{{W}}}p"):
        return ancestor
    return None
