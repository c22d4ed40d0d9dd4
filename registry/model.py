"""Plain data types of the registry, shared by the parser, storage, rendering and exports.

An act is a tree of :class:`Node`. Node types are Akoma Ntoso element names. ``num`` is the bare
number as printed without its punctuation ("15", "41", "9-1"): the renderer adds "." for paragraphs,
")" for points and "-тарау"/"Глава" for chapters. ``text`` holds the node's own words (for a
container, its lead-in sentence); separate printed paragraphs inside one provision are separated by
"\\n". A node whose wording the registry does not hold has ``held=False`` and no text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeGuard

Lang = Literal["kk", "ru"]
LANGS: tuple[Lang, ...] = ("kk", "ru")


def is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGS


AKN_LANG: dict[str, str] = {"kk": "kaz", "ru": "rus"}

#: Node types, in the vocabulary of Akoma Ntoso.
NODE_TYPES = frozenset(
    {
        "act",  # the root: heading is the act's title
        "preface",  # the line under the title naming issuer, date and number
        "preamble",  # the enacting words ending with ҚАУЛЫ ЕТЕДІ / ПОСТАНОВЛЯЕТ / …
        "chapter",
        "paragraph",
        "point",  # numbered subparagraph "N)"
        "indent",  # unnumbered indent inside a paragraph or point
        "wrapUp",  # words after the numbered subparagraphs of a paragraph
        "conclusions",  # the signature block
        "attachment",  # an approved document or appendix; ``text`` is its approval stamp
    }
)

NodeState = Literal["in_force", "repealed", "not_held"]


@dataclass
class Node:
    type: str
    eid: str
    num: str | None = None
    heading: str | None = None
    text: str | None = None
    children: list[Node] = field(default_factory=list)
    state: NodeState = "in_force"

    @property
    def held(self) -> bool:
        return self.state != "not_held"

    def walk(self) -> Iterator[Node]:
        """Depth-first, document order, self first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, eid: str) -> Node | None:
        return next((n for n in self.walk() if n.eid == eid), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "eid": self.eid,
            "num": self.num,
            "heading": self.heading,
            "text": self.text,
            "state": self.state,
            "children": [c.to_dict() for c in self.children],
        }


NotePlacement = Literal["after_heading", "after"]


@dataclass(frozen=True)
class Note:
    """An editorial note ("Ескерту. …", "Сноска. …") attached to a provision.

    ``placement`` says where the official text prints it: right after the provision's heading
    (notes on titles and appendices) or after the whole provision.
    """

    eid: str
    text: str
    placement: NotePlacement = "after"


EffectRule = Literal["fixed", "publication", "publication+N"]
OpKind = Literal["substitute", "insert_after", "repeal", "changed", "inserted"]


@dataclass(frozen=True)
class ActRef:
    """An act identified by the words of its citation (type, issuer, date, number)."""

    type: str  # resolution, decision, order, law, …
    number: str | None
    date: date | None
    issuer: str | None = None


@dataclass(frozen=True)
class NotedAmendment:
    """What a note in an imported official text says about the history of a provision.

    ``kind`` is ``substitute`` (жаңа редакцияда / в редакции), ``changed`` (өзгерістер енгізілді /
    внесены изменения), ``inserted`` (толықтырылды / дополнен) or ``repeal`` (алып тасталды /
    исключен). ``days_after_publication`` is None for a fixed date, 0 for "from the day of first
    official publication", N for "N calendar days after".
    """

    eid: str
    kind: OpKind
    act: ActRef
    note_text: str
    days_after_publication: int | None = 0
    #: The fixed date the change took effect, when the note names one instead of publication.
    in_force_on: date | None = None


@dataclass
class ParsedAct:
    """The result of parsing one language expression of an act in the official text format."""

    lang: Lang
    act: ActRef
    title: str
    root: Node
    notes: list[Note] = field(default_factory=list)
    history: list[NotedAmendment] = field(default_factory=list)
    status_words: list[str] = field(default_factory=list)
    #: None when the act enters into force on a fixed date, else days after first publication.
    days_after_publication: int | None = 0
    #: The fixed date of entry into force, when the act names one.
    in_force_on: date | None = None
    #: Region named in the citation, as ISO 3166-2 code ("kz-kus"); "kz" for acts of the republic.
    place: str | None = None
    #: State registration with the justice body, when the citation line names it.
    registration_number: str | None = None
    registration_date: date | None = None
