"""One contract for both search backends, and the query plan they share.

Both backends receive the same analysed terms and letter trigrams (computed here, in Python), the
same filters, and return the same shapes; only the engine differs (SQLite FTS5 embedded,
Elasticsearch in production).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from search.analysis import analyze_query
from search.documents import IndexDoc
from search.grams import folded_words, word_grams
from search.query import SearchQuery

FACETS = ("type", "issuer", "status", "year")
#: Weight of a stem match against a trigram match: exact words first, typos after.
TERM_WEIGHT = 6.0
GRAM_WEIGHT = 1.0


@dataclass(frozen=True)
class Hit:
    id: str
    type: str
    frbr_uri: str
    lang: str
    eid: str | None
    num: str | None
    text: str
    score: float
    valid_from: str | None
    valid_to: str | None
    act_number: str
    act_date: str
    issuer: str | None
    status: str
    highlight: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "frbr_uri": self.frbr_uri,
            "lang": self.lang,
            "eid": self.eid,
            "num": self.num,
            "text": self.text,
            "highlight": self.highlight,
            "score": round(self.score, 4),
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "act_number": self.act_number,
            "act_date": self.act_date,
            "issuer": self.issuer,
            "status": self.status,
        }


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hits": [h.to_dict() for h in self.hits],
            "total": self.total,
            "facets": self.facets,
        }


#: A document matches a query word by typo tolerance when it shares a run of this many
#: consecutive trigrams with it (three: a five-letter run such as "_генд"). Two (four letters)
#: matched a third of a 100,000-document corpus on common runs like "_кан".
GRAM_RUN = 3


@dataclass(frozen=True)
class Plan:
    """What to match: any stem; for query words the index does not know (typos), their runs of
    consecutive trigrams, and their stems fuzzily (Elasticsearch, for the score only)."""

    terms: tuple[str, ...]
    gram_runs: tuple[tuple[str, ...], ...]
    fuzzy_terms: tuple[str, ...] = ()

    @property
    def grams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g for run in self.gram_runs for g in run))

    @property
    def empty(self) -> bool:
        return not self.terms and not self.gram_runs


@dataclass(frozen=True)
class _Word:
    terms: tuple[str, ...]
    runs: tuple[tuple[str, ...], ...]


def _words(query: SearchQuery) -> list[_Word]:
    words = []
    for raw in query.text.split():
        runs: list[tuple[str, ...]] = []
        for word in folded_words(raw, query.lang):
            grams = word_grams(word)
            width = min(GRAM_RUN, len(grams))
            runs.extend(tuple(grams[i : i + width]) for i in range(len(grams) - width + 1))
        words.append(_Word(tuple(analyze_query(raw, query.lang)), tuple(runs)))
    return words


def plan(query: SearchQuery, known: Callable[[tuple[str, ...]], set[str]] | None = None) -> Plan:
    """The plan of a query. ``known`` tells which stems the index holds: only words none of
    whose stems it knows are matched by trigrams (typos, unusual spellings). Without it every
    word is, which matches far more documents: a large index pays for that on every query."""
    words = _words(query)
    terms = tuple(dict.fromkeys(t for w in words for t in w.terms))
    held = known(terms) if known is not None and terms else set()
    # A word without terms is a stop word ("және", "и") or a single letter: its trigrams would
    # match nearly every document, so it is not matched at all.
    unknown = [w for w in words if w.terms and (known is None or not set(w.terms) & held)]
    runs = tuple(dict.fromkeys(r for w in unknown for r in w.runs))
    fuzzy = tuple(dict.fromkeys(t for w in unknown for t in w.terms))
    return Plan(terms, runs, fuzzy)


class SearchBackend(Protocol):
    name: str

    def ensure(self) -> None:
        """Create the index (template, alias, tables) if it does not exist."""

    def replace_work(self, frbr_uri: str, docs: list[IndexDoc]) -> None:
        """Make the index hold exactly ``docs`` for this work."""

    def search(self, query: SearchQuery, plan: Plan) -> SearchResult: ...

    def known_terms(self, terms: tuple[str, ...]) -> set[str]:
        """Which of these stems at least one document holds."""
        ...

    def rebuild(
        self, docs: Iterable[IndexDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        """Build a new index from ``docs`` and switch to it atomically; returns the count."""
        ...

    def digests(self) -> dict[str, str]:
        """Document id → digest of every document in the index."""
        ...

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
