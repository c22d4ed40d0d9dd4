"""What is indexed: one pure function from registry data to index documents.

Every provision of every version of an act becomes a document with its validity interval
(``valid_from``..``valid_to``, inclusive; ``valid_to`` None while in force), so a query can be
asked "as at" a date; consecutive versions with the same text are one document. Notes are
documents of their own; a whole act is a document of type ``act``. Matching uses the provision's
own words (``terms``: analysed stems; ``grams``: letter trigrams for typos); ``text`` is the full
plain text shown in a hit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Protocol

from registry.acts import ActView
from registry.documents import ISSUING_BODIES
from registry.model import Node
from registry.render import provision_text
from search.analysis import normalised_text
from search.grams import grams_text

#: Node types whose own words are searchable provisions.
PROVISION_TYPES = frozenset(
    {"paragraph", "point", "indent", "wrapUp", "chapter", "preamble", "conclusions", "attachment"}
)
_IIN = re.compile(r"(?<!\d)\d{12}(?!\d)")
#: ИИН/БИН written in groups ("900315 400017", "900 315 400 017"); masked only when the digits
#: read as one (a date of birth or registration), so that sums like "100 000 000 000" stay.
_GROUPED_IIN = re.compile(
    r"(?<!\d)(?<!\d[ \u00a0])(?:\d{6}[ \u00a0]\d{6}|\d{3}(?:[ \u00a0]\d{3}){3})(?![ \u00a0]?\d)"
)


@dataclass(frozen=True)
class IndexDoc:
    id: str
    type: str  # provision | note | act | decision
    frbr_uri: str
    lang: str
    eid: str | None
    num: str | None
    node_type: str | None
    heading: str | None
    text: str
    title: str
    act_type: str
    act_number: str
    act_date: date
    issuer: str | None
    status: str
    public: bool
    valid_from: date | None
    valid_to: date | None
    terms: str
    grams: str

    @property
    def year(self) -> int:
        return self.act_date.year

    @property
    def digest(self) -> str:
        """What search-check compares: everything the index holds of this document."""
        body = repr(sorted(to_index_doc(self, with_digest=False).items()))
        return hashlib.sha256(body.encode()).hexdigest()


def to_index_doc(doc: IndexDoc, *, with_digest: bool = True) -> dict[str, Any]:
    """The document as both backends store it (dates as ISO strings)."""
    data = asdict(doc)
    for key in ("act_date", "valid_from", "valid_to"):
        value = data[key]
        data[key] = value.isoformat() if value else None
    data["year"] = doc.year
    if with_digest:
        data["digest"] = doc.digest
    return data


def mask_personal_data(text: str) -> str:
    """ИИН (12 digits, grouped or not) never enters the index."""
    return _GROUPED_IIN.sub(_mask_grouped, _IIN.sub("************", text))


def _mask_grouped(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    month, day = int(digits[2:4]), int(digits[4:6])
    iin = 1 <= month <= 12 and 1 <= day <= 31 and digits[6] in "123456"
    bin_ = 1 <= month <= 12 and digits[4] in "456"
    return "************" if iin or bin_ else match.group()


class WorkSource(Protocol):
    """What documents need to know of a work: implemented by registry.service.Registry."""

    def work_info(self, uri: str) -> dict[str, Any]: ...
    def all_versions(self, uri: str, lang: str) -> list[ActView]: ...
    def files_of(self, uri: str) -> list[dict[str, Any]]: ...


def work_documents(source: WorkSource, uri: str) -> list[IndexDoc]:
    """Every document of one work, in all its languages and versions."""
    info = source.work_info(uri)
    status = _status(info)
    meta = _Meta(
        frbr_uri=info["frbr_uri"],
        act_type=info["type"],
        act_number=info["number"],
        act_date=date.fromisoformat(info["date"]),
        issuer=info["issuer"],
        status=status,
        public=status != "draft",
    )
    decisions = _decision_docs(meta, info, source.files_of(uri)) if info.get("files") else []
    if not info["text_held"]:
        cited = [_citation_doc(meta, lang, title) for lang, title in sorted(info["title"].items())]
        return cited + decisions
    docs: list[IndexDoc] = []
    for lang in info["languages"]:
        views = source.all_versions(uri, lang)
        docs.extend(_merge(meta, lang, views))
        if views:
            docs.append(_act_doc(meta, lang, views[0], views[-1]))
    return docs + decisions


@dataclass(frozen=True)
class _Meta:
    """What every document of one work carries (its fields are IndexDoc's own)."""

    frbr_uri: str
    act_type: str
    act_number: str
    act_date: date
    issuer: str | None
    status: str
    public: bool


def _status(info: dict[str, Any]) -> str:
    kinds = {e["event"] for e in info["lifecycle"]}
    if "repealed" in kinds:
        return "repealed"
    if "draft" in kinds and "adopted" not in kinds:
        return "draft"
    return "in_force"


def _pieces(view: ActView) -> Iterator[tuple[str, Node | None, str, str]]:
    """(key, node, own words, full text) of every searchable provision and note of a version."""
    lang = view.lang
    for node in view.root.walk():
        if node.type not in PROVISION_TYPES or node.state != "in_force":
            continue
        own = " ".join(p for p in (node.heading, node.text) if p)
        if not own.strip():
            continue
        yield f"p:{node.eid}", node, own, provision_text(node, lang)
    for i, note in enumerate(view.notes):
        yield f"n:{note.eid}:{i}:{note.text}", None, note.text, note.text


def _merge(meta: _Meta, lang: str, views: list[ActView]) -> list[IndexDoc]:
    """Documents with validity intervals: a provision unchanged across versions is one document."""
    open_docs: dict[str, IndexDoc] = {}
    closed: list[IndexDoc] = []
    for view in views:
        end = view.valid_to
        seen = set()
        for key, node, own, full in _pieces(view):
            seen.add(key)
            current = open_docs.get(key)
            if current is not None and current.text == mask_personal_data(full):
                open_docs[key] = replace(current, valid_to=end)
                continue
            if current is not None:
                closed.append(current)
            open_docs[key] = _doc(meta, lang, key, node, own, full, view.valid_from, end)
        for key in [k for k in open_docs if k not in seen]:
            closed.append(open_docs.pop(key))
    return closed + list(open_docs.values())


def _doc(
    meta: _Meta,
    lang: str,
    key: str,
    node: Node | None,
    own: str,
    full: str,
    valid_from: date,
    valid_to: date | None,
) -> IndexDoc:
    is_note = node is None
    own = mask_personal_data(own)
    return IndexDoc(
        **asdict(meta),
        id=_doc_id(meta.frbr_uri, lang, key, valid_from),
        type="note" if is_note else "provision",
        lang=lang,
        eid=key.split(":")[1] if is_note else node.eid if node else None,
        num=None if node is None else node.num,
        node_type=None if node is None else node.type,
        heading=None if node is None else node.heading,
        text=mask_personal_data(full),
        title="",
        valid_from=valid_from,
        valid_to=valid_to,
        terms=normalised_text(own, lang),
        grams=grams_text(own, lang),
    )


def _act_doc(meta: _Meta, lang: str, first: ActView, last: ActView) -> IndexDoc:
    """The whole act: its title weighs double beside the words of its current text."""
    body = " ".join(n.text or "" for n in last.root.walk() if n.text)
    matched = f"{last.title} {last.title} {mask_personal_data(body)}"
    return _whole_act(meta, lang, last.title, first.valid_from, matched)


def _citation_doc(meta: _Meta, lang: str, title: str) -> IndexDoc:
    """An act known only from citations (its text is not held): findable by title and number."""
    return _whole_act(meta, lang, title, meta.act_date, f"{title} {meta.act_number}")


def _whole_act(meta: _Meta, lang: str, title: str, valid_from: date, matched: str) -> IndexDoc:
    return IndexDoc(
        **asdict(meta),
        id=_doc_id(meta.frbr_uri, lang, "act", valid_from),
        type="act",
        lang=lang,
        eid=None,
        num=meta.act_number,
        node_type="act",
        heading=None,
        text=title,
        title=title,
        valid_from=valid_from,
        valid_to=None,
        terms=normalised_text(matched, lang),
        grams=grams_text(title, lang),
    )


def _decision_docs(
    meta: _Meta, info: dict[str, Any], files: list[dict[str, Any]]
) -> list[IndexDoc]:
    """One document per uploaded file of a decision: its extracted text, personal data masked."""
    docs = []
    for file in files:
        lang = file["lang"]
        titles: dict[str, str] = info["title"]
        title = mask_personal_data(titles.get(lang) or next(iter(titles.values()), ""))
        text = mask_personal_data(file["text"])
        words = f"{title}\n{text}"
        docs.append(
            IndexDoc(
                **asdict(meta),
                id=_doc_id(meta.frbr_uri, lang, f"file:{file['sha256']}", meta.act_date),
                type="decision",
                lang=lang,
                eid=None,
                num=meta.act_number,
                node_type=None,
                heading=None,
                text=text,
                title=title,
                valid_from=meta.act_date,
                valid_to=None,
                terms=normalised_text(words, lang),
                grams=grams_text(words, lang),
            )
        )
    return docs


def _doc_id(uri: str, lang: str, key: str, valid_from: date | None) -> str:
    raw = f"{uri}|{lang}|{key}|{valid_from.isoformat() if valid_from else ''}"
    return hashlib.sha1(raw.encode()).hexdigest()


def all_documents(source: WorkSource, uris: Iterable[str]) -> Iterator[IndexDoc]:
    for uri in uris:
        yield from work_documents(source, uri)


#: Issued documents are held in the index under this key instead of a work URI (a draft has
#: none; an adopted resolution gets its work only when it is registered as an act).
DOCUMENT_KEY = "/kense/documents/"


class DocumentSource(Protocol):
    """What indexing an issued document needs: implemented by registry.service.Registry."""

    def document_ids(self) -> list[str]: ...
    def document_search_view(self, public_id: str) -> dict[str, Any] | None: ...


def document_key(public_id: str) -> str:
    return DOCUMENT_KEY + public_id


def issued_documents(source: DocumentSource, public_id: str) -> list[IndexDoc]:
    """An issued order or resolution, one document per language: its text as generated (ИИН
    masked), once it is public (numbered here, or adopted). Drafts are absent: roles to read
    them are held per issuing body, which the index does not know; staff find them in the
    documents list. Certificates, permits and voided documents are absent too."""
    view = source.document_search_view(public_id)
    if view is None:
        return []
    key = document_key(public_id)
    day = date.fromisoformat(view["date"] or view["created"])
    status = view["status"]
    # A resolution finalised here is still the akimat's draft until it is adopted.
    public = status == "adopted" or (status in ("final", "signed") and view["numbered"])
    if not public:
        return []
    docs = []
    for lang, raw in sorted(view["texts"].items()):
        text = mask_personal_data(raw)
        title = mask_personal_data(text.strip().splitlines()[0] if text.strip() else "")
        docs.append(
            IndexDoc(
                id=_doc_id(key, lang, "document", None),
                type="document",
                frbr_uri=key,
                lang=lang,
                eid=None,
                num=view["number"],
                node_type=view["template"],
                heading=None,
                text=text,
                title=title,
                act_type=view["kind"],
                act_number=view["number"] or "",
                act_date=day,
                issuer=ISSUING_BODIES.get(view["issuer"], {}).get(lang, view["issuer"]),
                status=status,
                public=public,
                valid_from=day,
                valid_to=None,
                terms=normalised_text(text, lang),
                grams=grams_text(text, lang),
            )
        )
    return docs


def every_issued_document(source: DocumentSource) -> Iterator[IndexDoc]:
    for public_id in source.document_ids():
        yield from issued_documents(source, public_id)
