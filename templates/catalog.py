"""The template catalogue: every template the service can fill, loaded and checked once.

A template is a directory ``files/<id>/`` (written by ``scripts/build_templates.py``; never edit
the DOCX by hand) holding:

- ``meta.json``: ``id``, ``kind`` (order | certificate | permit | resolution | consolidated),
  ``title`` {kk, ru}, ``languages``, ``source`` (null | "registry-act" | "registry-amendment"),
  ``numbered`` (finalising takes the next registration number of the department's series; akimat
  resolutions get theirs from the akimat on adoption), ``layout_checked``, ``layout_note``,
  ``official_form`` (the order and appendix approving the form, when known);
- ``schema.json``: JSON Schema (Draft 2020-12) of what a user fills in; objects are closed
  (``additionalProperties: false``), every property has a ``type``, strings a ``maxLength``;
- ``labels.json``: ``{path: {kk, ru}}`` for every property and array item, paths written
  ``a``, ``a.b``, ``points[]``, ``points[].text``;
- ``<lang>.docx`` and ``example.<lang>.json`` for each language.

Rendering context (the contract with ``templates.workflows``, which fills it):

- the validated data fields, at top level;
- ``doc`` = ``{"number": str | None, "date": "YYYY-MM-DD" | None, "draft": bool,
  "issuer": str}``: a draft has neither number nor date (the DOCX prints "№ ____" and a blank date
  line); ``issuer`` is the issuing body's name in the document's language (letterhead);
- for ``source == "registry-act"``: ``act`` = ``{"title", "number", "date", "as_at", "frbr_uri",
  "blocks": [{"kind": "chapter" | "paragraph" | "point" | "text" | "heading", "num": str | None,
  "text": str}]}``; ``text`` is without the number, which the template composes per kind and
  language ("1-тарау. …" / "Глава 1. …", "15. …", "1) …"); the schema names the act
  (``act_uri``) and the date (``as_at``);
- for ``source == "registry-amendment"``: ``amendment`` = ``{"target": {"title", "number",
  "date"}, "points": [str]}``, each point a full sentence in the official formulas
  ("1) 15-тармақ мынадай редакцияда жазылсын: «…»;"); the schema names it (``amendment_uri``).

Registry-provided objects (``doc``, ``act``, ``amendment``) are never part of a schema: users do
not type them. Dates are ISO strings; templates format them with the engine's filters
(``long_date``, ``date_phrase``, ``short_date``, ``number``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from templates.errors import RejectedTemplate, TemplateNotFound, UnsupportedLanguage
from templates.validate import check_schema

KINDS = ("order", "certificate", "permit", "resolution", "consolidated")
SOURCES = (None, "registry-act", "registry-amendment")
LANGUAGES = ("kk", "ru")
META_KEYS = frozenset(
    {
        "id",
        "kind",
        "title",
        "languages",
        "source",
        "numbered",
        "layout_checked",
        "layout_note",
        "official_form",
    }
)
#: Context names the workflow supplies besides the data fields, by ``source``.
CONTEXT_NAMES: Mapping[str | None, frozenset[str]] = MappingProxyType(
    {
        None: frozenset({"doc"}),
        "registry-act": frozenset({"doc", "act"}),
        "registry-amendment": frozenset({"doc", "amendment"}),
    }
)


@dataclass(frozen=True)
class Template:
    id: str
    kind: str
    title: Mapping[str, str]
    languages: tuple[str, ...]
    source: str | None
    numbered: bool
    layout_checked: bool
    layout_note: str | None
    official_form: str | None
    schema: dict[str, Any] = field(compare=False, repr=False)
    labels: dict[str, dict[str, str]] = field(compare=False, repr=False)
    #: SHA-256 (hex) over every file of the template, in sorted order: name, NUL, size, NUL, bytes.
    version: str = ""
    _files: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def docx(self, lang: str) -> bytes:
        return self._file(lang, f"{lang}.docx")

    def with_files(self, replacements: Mapping[str, bytes]) -> Template:
        """This template with some files replaced (an administrator's upload); the version is
        that of the new set of files, so drafts made with the old ones are told apart."""
        contents = {**self._files, **replacements}
        return replace(self, version=files_version(contents), _files=MappingProxyType(contents))

    def example(self, lang: str) -> dict[str, Any]:
        """A fresh copy of the example data in ``lang`` (valid against the schema)."""
        value: dict[str, Any] = json.loads(self._file(lang, f"example.{lang}.json"))
        return value

    def context_names(self) -> frozenset[str]:
        """Names the workflow adds to the data fields when rendering (see the module docs)."""
        return CONTEXT_NAMES[self.source]

    def to_summary(self) -> dict[str, Any]:
        """The item of ``kense templates --json``."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": dict(self.title),
            "languages": list(self.languages),
            "schema": json.loads(json.dumps(self.schema)),
        }

    def _file(self, lang: str, name: str) -> bytes:
        if lang not in self.languages:
            raise UnsupportedLanguage(
                f"template {self.id} has no {lang!r} version; it has {', '.join(self.languages)}",
                fields={"lang": f"one of {', '.join(self.languages)}"},
            )
        return self._files[name]


class Catalog:
    """The templates of one directory, checked at load; ``Catalog()`` loads the bundled ones."""

    def __init__(self, root: Traversable | Path | None = None) -> None:
        base = root if root is not None else files("templates").joinpath("files")
        loaded = [load_template(entry) for entry in _template_dirs(base)]
        self._templates = {t.id: t for t in sorted(loaded, key=lambda t: t.id)}

    def all(self) -> list[Template]:
        return list(self._templates.values())

    def get(self, template_id: str) -> Template:
        try:
            return self._templates[template_id]
        except KeyError:
            known = ", ".join(self._templates) or "none"
            raise TemplateNotFound(
                f"no template {template_id!r}; known templates: {known}",
                fields={"template": f"one of {known}"},
            ) from None


def _template_dirs(base: Traversable) -> Iterator[Traversable]:
    if not base.is_dir():
        raise RejectedTemplate(f"template directory {base} does not exist")
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and not entry.name.startswith((".", "_")):
            yield entry


def load_template(folder: Traversable) -> Template:
    """Read and check one template directory; every defect raises ``RejectedTemplate``."""
    contents = {e.name: e.read_bytes() for e in folder.iterdir() if e.is_file()}
    meta = _json_object(folder.name, contents, "meta.json")
    _check_meta(folder.name, meta)
    schema = _json_object(folder.name, contents, "schema.json")
    _check_schema(folder.name, schema)
    labels = _json_object(folder.name, contents, "labels.json")
    _check_labels(folder.name, schema, labels)
    for lang in meta["languages"]:
        for name in (f"{lang}.docx", f"example.{lang}.json"):
            if name not in contents:
                raise _rejected(folder.name, f"{name} is missing for language {lang}")
        _json_object(folder.name, contents, f"example.{lang}.json")
    return Template(
        id=meta["id"],
        kind=meta["kind"],
        title=MappingProxyType(dict(meta["title"])),
        languages=tuple(meta["languages"]),
        source=meta["source"],
        numbered=meta["numbered"],
        layout_checked=meta["layout_checked"],
        layout_note=meta["layout_note"],
        official_form=meta["official_form"],
        schema=schema,
        labels=labels,
        version=files_version(contents),
        _files=MappingProxyType(contents),
    )


def files_version(contents: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(contents):
        digest.update(name.encode() + b"\0" + str(len(contents[name])).encode() + b"\0")
        digest.update(contents[name])
    return digest.hexdigest()


def _rejected(template_id: str, reason: str) -> RejectedTemplate:
    return RejectedTemplate(f"template {template_id}: {reason}", fields={"template": reason})


def _json_object(template_id: str, contents: Mapping[str, bytes], name: str) -> dict[str, Any]:
    if name not in contents:
        raise _rejected(template_id, f"{name} is missing")
    try:
        value = json.loads(contents[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _rejected(template_id, f"{name} is not UTF-8 JSON: {exc}") from None
    if not isinstance(value, dict):
        raise _rejected(template_id, f"{name} must hold a JSON object")
    return value


def _check_meta(folder: str, meta: dict[str, Any]) -> None:
    keys = set(meta)
    if keys != META_KEYS:
        missing, extra = sorted(META_KEYS - keys), sorted(keys - META_KEYS)
        raise _rejected(folder, f"meta.json keys: missing {missing}, unknown {extra}")
    if meta["id"] != folder:
        raise _rejected(folder, f"meta.json id {meta['id']!r} differs from the directory name")
    if meta["kind"] not in KINDS:
        raise _rejected(folder, f"kind {meta['kind']!r} is not one of {', '.join(KINDS)}")
    if meta["source"] not in SOURCES:
        raise _rejected(folder, f"source {meta['source']!r} is not null or a registry source")
    languages = meta["languages"]
    if (
        not isinstance(languages, list)
        or not languages
        or len(set(languages)) != len(languages)
        or any(lang not in LANGUAGES for lang in languages)
    ):
        raise _rejected(folder, f"languages must be a non-empty list of {', '.join(LANGUAGES)}")
    title = meta["title"]
    if not isinstance(title, dict) or any(
        not isinstance(title.get(lang), str) or not title[lang] for lang in languages
    ):
        raise _rejected(folder, "title must give a non-empty string for every language")
    for flag in ("numbered", "layout_checked"):
        if not isinstance(meta[flag], bool):
            raise _rejected(folder, f"{flag} must be true or false")
    for text in ("layout_note", "official_form"):
        if meta[text] is not None and not isinstance(meta[text], str):
            raise _rejected(folder, f"{text} must be a string or null")
    if not meta["layout_checked"] and not meta["layout_note"]:
        raise _rejected(folder, "a template whose layout is not checked needs a layout_note")


def _check_schema(folder: str, schema: dict[str, Any]) -> None:
    try:
        check_schema(schema)
    except RejectedTemplate as exc:
        raise _rejected(folder, f"schema.json: {exc.message}") from None
    if schema.get("type") != "object":
        raise _rejected(folder, "schema.json must describe an object")
    names = set(schema.get("properties", {}))
    for reserved in ("doc", "act", "amendment"):
        if reserved in names:
            raise _rejected(folder, f"{reserved!r} is supplied by the workflow, not the schema")
    for path, node in _nodes(schema, ""):
        where = path or "(root)"
        if "type" not in node:
            raise _rejected(folder, f"schema {where} has no type")
        if node["type"] == "string" and "maxLength" not in node:
            raise _rejected(folder, f"schema {where} is a string without maxLength")
        if node["type"] == "object" and node.get("additionalProperties") is not False:
            raise _rejected(folder, f"schema {where} must set additionalProperties: false")


def _nodes(schema: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each schema node with its label path ("", "a", "a.b", "points[]", "points[].text")."""
    yield path, schema
    for name, sub in schema.get("properties", {}).items():
        yield from _nodes(sub, f"{path}.{name}" if path else name)
    if isinstance(schema.get("items"), dict):
        yield from _nodes(schema["items"], f"{path}[]")


def label_paths(schema: dict[str, Any]) -> set[str]:
    """The paths ``labels.json`` must cover: every property and array item of ``schema``."""
    return {path for path, _ in _nodes(schema, "") if path}


def _check_labels(folder: str, schema: dict[str, Any], labels: dict[str, Any]) -> None:
    wanted = label_paths(schema)
    if set(labels) != wanted:
        missing, extra = sorted(wanted - set(labels)), sorted(set(labels) - wanted)
        raise _rejected(folder, f"labels.json: missing {missing}, unknown {extra}")
    for path, label in labels.items():
        if not isinstance(label, dict) or any(
            not isinstance(label.get(lang), str) or not label[lang] for lang in LANGUAGES
        ):
            raise _rejected(folder, f"labels.json {path!r} needs a kk and a ru label")
