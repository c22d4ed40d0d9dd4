"""Issuing documents from templates: the workflow the CLI and the HTTP API both call.

validate the data → take what the template needs from the registry (an act as at a date, an
amendment's operations) → render DOCX → convert to PDF/A → add XMP metadata → record the draft.
Finalising renders again with the registration number and date, under the series lock (see
``registry.documents``). Nothing is recorded or numbered when any step fails.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from registry import documents as records
from registry.acts import ActView
from registry.errors import NotFound, NotHeld, NotInForce
from registry.model import Node
from registry.service import Registry
from templates import formulas, pdf
from templates.catalog import Catalog, Template
from templates.config import DocumentsConfig
from templates.convert import Converter
from templates.engine import render_docx, undeclared_variables
from templates.errors import (
    InvalidData,
    RejectedTemplate,
    RenderError,
    TemplateChanged,
    UnsupportedLanguage,
)
from templates.upload import check_template
from templates.validate import validate

log = logging.getLogger("kense.documents")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
LANGS = ("kk", "ru")


@dataclass
class Documents:
    registry: Registry
    catalog: Catalog
    converter: Converter
    config: DocumentsConfig

    def close(self) -> None:
        """Nothing to release: the converter is shared by the process (see routes)."""

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.config.timezone)).date()

    def template(self, template_id: str) -> Template:
        """The catalogue's template with the files administrators uploaded in place of its own
        (read from the registry each time, so every worker uses the newest at once)."""
        template = self.catalog.get(template_id)
        uploaded = self.registry.template_files(template_id)
        if not uploaded:
            return template
        return template.with_files({f"{lang}.docx": data for lang, data in uploaded.items()})

    def upload(self, template_id: str, lang: str, data: bytes, *, actor: str) -> dict[str, Any]:
        """Replace a template's DOCX in ``lang`` with an uploaded one, if it is safe (size, zip,
        macros, external links, split or broken tags), uses only the template's fields, and
        renders with the template's example data. Drafts made before cannot be finalised
        with it (``TemplateChanged``): they are drafted again."""
        template = self.catalog.get(template_id)
        if lang not in template.languages:
            raise UnsupportedLanguage(
                f"template {template_id} has no {lang!r} version; it has "
                + ", ".join(template.languages),
                fields={"lang": f"one of {', '.join(template.languages)}"},
            )
        check_template(data)
        known = set(template.schema.get("properties", {})) | template.context_names()
        unknown = sorted(undeclared_variables(data) - known)
        if unknown:
            raise RejectedTemplate(
                f"the file uses names template {template_id} does not have: " + ", ".join(unknown),
                fields={"file": "unknown names: " + ", ".join(unknown)},
            )
        example = self.check(template, {lang: template.example(lang)})[lang]
        doc = {"number": None, "date": None, "draft": True, "issuer": ""}
        try:
            render_docx(data, {**self._context(template, lang, example), "doc": doc}, lang)
        except RenderError as exc:
            raise RejectedTemplate(
                f"the file does not render with the template's example data: {exc.message}",
                fields={"file": exc.message},
            ) from exc
        stored = self.registry.upload_template_file(template_id, lang, data, actor)
        log.info("template uploaded", extra={"template": template_id, "lang": lang})
        return stored | {"version": self.template(template_id).version}

    def issuer(self, template_id: str) -> str:
        """The issuing body of the documents a template makes (roles are held per body)."""
        return _issuer_of(self.catalog.get(template_id))

    def templates(self) -> list[dict[str, Any]]:
        return [t.to_summary() for t in self.catalog.all()]

    def generate(
        self,
        template_id: str,
        data: object,
        *,
        actor: str,
        cites: Sequence[str] = (),
        corrects: str | None = None,
        final: bool = False,
    ) -> dict[str, Any]:
        """Draft (and with ``final`` also finalise) a document; ``data`` maps language → fields."""
        template = self.template(template_id)
        checked = self.check(template, data)
        cited = [*cites, *_cited(template, checked)]
        self.registry.check_document_references(cited, corrects)
        issuer = _issuer_of(template)
        public_id = records.new_public_id()
        contexts = {lang: self._context(template, lang, fields) for lang, fields in checked.items()}
        new = records.NewDocument(
            public_id=public_id,
            template_id=template.id,
            template_version=template.version,
            kind=template.kind,
            series=template.id,
            numbered=template.numbered,
            issuer=issuer,
            title=template.title.get("kk") or template.id,
            data=checked,
            cites=cited,
            corrects=corrects,
        )
        if final:

            def produce(number: str | None, day: date | None) -> list[records.GeneratedFile]:
                return self._files(template, public_id, issuer, contexts, number, day)

            done = self.registry.issue_document(new, produce, actor, self.today())
            log.info("document issued", extra={"document": public_id, "number": done["number"]})
            return done
        files = self._files(template, public_id, issuer, contexts, number=None, day=None)
        document = self.registry.create_document(replace(new, files=files), actor)
        log.info("document drafted", extra={"document": public_id, "template": template.id})
        return document

    def finalise(self, public_id: str, *, actor: str) -> dict[str, Any]:
        draft = self.registry.document(public_id)
        template = self.template(draft["template"])
        if template.version != draft["template_version"]:
            raise TemplateChanged(
                f"template {template.id} has changed since document {public_id} was drafted; "
                "draft it again (a correction of it) to finalise with the current template",
                fields={"template_version": draft["template_version"]},
            )
        contexts = {
            lang: self._context(template, lang, fields) for lang, fields in draft["data"].items()
        }

        def produce(number: str | None, day: date | None) -> list[records.GeneratedFile]:
            return self._files(template, public_id, draft["issuer"], contexts, number, day)

        done = self.registry.finalise_document(public_id, produce, actor, self.today())
        log.info("document finalised", extra={"document": public_id, "number": done["number"]})
        return done

    def preview(self, template_id: str, lang: str, fields: object) -> bytes:
        """The PDF a draft with these fields would have; nothing is recorded."""
        template = self.template(template_id)
        checked = self.check(template, {lang: fields})
        contexts = {lang: self._context(template, lang, checked[lang])}
        files = self._files(template, "preview", _issuer_of(template), contexts, None, None)
        return next(f.data for f in files if f.format == "pdf")

    # --- steps ---

    def check(self, template: Template, data: object) -> dict[str, dict[str, Any]]:
        """The data, validated per language against the template's schema."""
        if not isinstance(data, Mapping) or not data:
            raise InvalidData(
                "data must map a language (kk, ru) to the template's fields",
                fields={"data": 'an object such as {"kk": {…}}'},
            )
        checked: dict[str, dict[str, Any]] = {}
        problems: dict[str, str] = {}
        for lang, fields in data.items():
            if lang not in template.languages:
                raise UnsupportedLanguage(
                    f"template {template.id} has no {lang!r} version; it has "
                    + ", ".join(template.languages),
                    fields={"lang": f"one of {', '.join(template.languages)}"},
                )
            try:
                checked[lang] = validate(fields, template.schema)
            except InvalidData as exc:
                prefix = f"{lang}." if len(data) > 1 else ""
                problems.update({prefix + k: v for k, v in exc.fields.items()})
        if problems:
            raise InvalidData(
                "the data does not fit the template: "
                + "; ".join(f"{k}: {v}" for k, v in sorted(problems.items())),
                fields=problems,
            )
        return checked

    def _context(self, template: Template, lang: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        context = dict(fields)
        if template.source == "registry-act":
            context["act"] = self._act(template, lang, fields)
        elif template.source == "registry-amendment":
            context["amendment"] = self._amendment(lang, fields)
        return context

    def _act(self, template: Template, lang: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        uri, at = str(fields[ACT_FIELD]), date.fromisoformat(str(fields[AT_FIELD]))
        view = self._view(uri, lang, at)
        whole = template.kind == "consolidated"
        body = view.root if whole else _regulation(view.root)
        missing = [n.eid for n in body.walk() if not n.held]
        if missing:
            raise UnsupportedLanguage(
                f"the registry does not hold the wording of {', '.join(missing[:5])} of "
                f"{view.uri.work} in {lang} as at {at.isoformat()}; nothing is generated",
                fields={AT_FIELD: "wording not held on this date"},
            )
        return {
            "title": view.title,
            "number": view.uri.number,
            "date": view.uri.date.isoformat(),
            "as_at": at.isoformat(),
            "frbr_uri": view.uri.work,
            "blocks": blocks(body if whole else _without_stamp(body)),
        }

    def _view(self, uri: str, lang: str, at: date) -> ActView:
        try:
            return self.registry.act_at(uri, lang, at)
        except NotHeld as exc:
            raise UnsupportedLanguage(
                f"the registry holds no {'Russian' if lang == 'ru' else 'Kazakh'} text of "
                f"{uri}; a document in {lang} cannot be made from it",
                fields={"lang": "wording not held"},
            ) from exc
        except (NotFound, NotInForce) as exc:
            raise InvalidData(exc.message, fields={ACT_FIELD: exc.message}) from exc

    def _amendment(self, lang: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        uri = str(fields[AMENDING_FIELD])
        stored = self.registry.amendment_of(uri, self.today())
        target = self.registry.work_info(stored["target"])
        day_before = date.fromisoformat(stored["effective_before"])
        changes = []
        for op in stored["operations"]:
            node = self._node(stored["target"], lang, op["eid"], day_before)
            text = (op.get("text") or {}).get(lang)
            if op["op"] != "repeal" and not text:
                raise UnsupportedLanguage(
                    f"the amendment {uri} holds no {lang} wording for {op['eid']}; "
                    "a document in this language cannot be made from it",
                    fields={"lang": "wording not held"},
                )
            changes.append(
                formulas.Change(
                    op=op["op"],
                    kind=node.type,
                    num=node.num,
                    parent_num=_parent_num(op["eid"]),
                    new_num=op.get("num"),
                    text=text,
                )
            )
        return {
            "target": {
                "title": target["title"].get(lang) or "",
                "number": target["number"],
                "date": target["date"],
            },
            "points": formulas.sentences(changes, lang),
        }

    def _node(self, uri: str, lang: str, eid: str, at: date) -> Node:
        try:
            return self.registry.provision_at(uri, lang, eid, at)
        except NotFound as exc:
            raise UnsupportedLanguage(exc.message, fields={"lang": "wording not held"}) from exc

    def _files(
        self,
        template: Template,
        public_id: str,
        issuer: str,
        contexts: Mapping[str, Mapping[str, Any]],
        number: str | None,
        day: date | None,
    ) -> list[records.GeneratedFile]:
        made = []
        for lang, context in contexts.items():
            doc = {
                "number": number,
                "date": day.isoformat() if day else None,
                "draft": day is None,
                "issuer": records.ISSUING_BODIES[issuer][lang],
            }
            docx = render_docx(template.docx(lang), {**context, "doc": doc}, lang)
            converted = self.converter.to_pdf(docx)
            identifier = str(context["act"]["frbr_uri"]) if "act" in context else public_id
            stamped = pdf.add_metadata(
                converted,
                title=template.title.get(lang) or template.id,
                lang=lang,
                kind=template.kind,
                number=number,
                date=(day or self.today()).isoformat(),
                identifier=identifier,
                docx_sha256=hashlib.sha256(docx).hexdigest(),
            )
            made.append(records.GeneratedFile(lang, "docx", DOCX, docx))
            made.append(records.GeneratedFile(lang, "pdf", PDF, stamped))
        return made


#: Fields of the registry-sourced templates' schemas (see templates/files/*/schema.json).
ACT_FIELD = "act_uri"
AT_FIELD = "as_at"
AMENDING_FIELD = "amendment_uri"


def _issuer_of(template: Template) -> str:
    return "akimat" if template.kind == "resolution" else "department"


def _cited(template: Template, data: Mapping[str, Mapping[str, Any]]) -> list[str]:
    cited: list[str] = []
    for fields in data.values():
        for key in (ACT_FIELD, AMENDING_FIELD):
            if template.source and key in fields and str(fields[key]) not in cited:
                cited.append(str(fields[key]))
    return cited


def _parent_num(eid: str) -> str | None:
    parts = eid.split("__")
    if len(parts) < 2:
        return None
    parent = parts[-2]
    return parent.split("_", 1)[1] if parent.startswith("para_") else None


def _regulation(root: Node) -> Node:
    """What a resolution approves: its first attachment (the Regulation), else the act."""
    return next((c for c in root.children if c.type == "attachment"), root)


def _without_stamp(node: Node) -> Node:
    """The attachment without its approval stamp (the new resolution prints its own)."""
    return Node(node.type, node.eid, node.num, node.heading, None, node.children, node.state)


def blocks(node: Node) -> list[dict[str, Any]]:
    """The paragraphs of a provision tree in document order, for templates to lay out."""
    out: list[dict[str, Any]] = []
    for item in node.walk():
        if item.type == "act":
            continue
        if item.type in ("chapter", "attachment") or item.heading:
            if item.heading:
                kind = "chapter" if item.type == "chapter" else "heading"
                out.append({"kind": kind, "num": item.num, "text": item.heading})
            if item.text:
                out.append({"kind": "text", "num": None, "text": item.text})
            continue
        if not item.text:
            continue
        kind = item.type if item.type in ("paragraph", "point") else "text"
        out.append({"kind": kind, "num": item.num if kind != "text" else None, "text": item.text})
    return out


def example_data(template: Template, langs: Sequence[str]) -> dict[str, dict[str, Any]]:
    return {lang: template.example(lang) for lang in langs}


def parse_iso(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidData(f"{field}: not a date YYYY-MM-DD", fields={field: "YYYY-MM-DD"}) from exc
