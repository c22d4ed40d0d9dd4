"""Highlights computed in Python from the same analysis, so both backends mark the same words."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from search.analysis import analyze_query
from search.backend import Plan
from search.grams import folded_words, word_grams
from search.query import SearchQuery

_WORD = re.compile(r"\w+")
_BOUNDARY = re.compile(r"\b")
#: Characters of context shown before the first match, and at most in a snippet.
BEFORE = 80
SNIPPET = 320


class Highlighter:
    """Marks the words of hit texts that match one search.

    Made once per search: the hits of a page repeat most of their words, so each distinct word
    is decided once for all of them.
    """

    def __init__(self, query: SearchQuery, plan: Plan) -> None:
        self._lang = query.lang
        self._terms = frozenset(plan.terms)
        self._runs = [frozenset(run) for run in plan.gram_runs]
        self._decided: dict[str, bool] = {}

    def __call__(self, text: str) -> str:
        """Escaped HTML of the text around its first match, with <mark> on the matching words.

        The snippet starts at the word boundary at most ``BEFORE`` characters before the first
        match and ends at the first boundary ``SNIPPET`` characters later. The text is read only
        up to its first match: a whole act is tens of kilobytes.
        """
        first = 0
        decided = self._decided
        for match in _WORD.finditer(text):
            word = match.group()
            if decided[word] if word in decided else self._decide(word):
                first = match.start()
                break
        start = _boundary(text, first - BEFORE) if first > BEFORE else 0
        end = _boundary(text, start + SNIPPET)
        pieces: list[str] = []
        done = start
        for match in _WORD.finditer(text, start, end):
            word = match.group()
            if decided[word] if word in decided else self._decide(word):
                pieces.append(escape(text[done : match.start()]))
                pieces.append(f"<mark>{escape(word)}</mark>")
                done = match.end()
        pieces.append(escape(text[done:end]))
        return ("…" if start else "") + "".join(pieces) + ("…" if end < len(text) else "")

    def _decide(self, word: str) -> bool:
        decided = self._matches(word)
        self._decided[word] = decided
        return decided

    def _matches(self, word: str) -> bool:
        """A stem of the query, or (as the index matches typos) a whole run of its trigrams."""
        if not self._terms.isdisjoint(_word_terms(word, self._lang)):
            return True
        if not self._runs:
            return False
        grams = _word_trigrams(word, self._lang)
        return any(run <= grams for run in self._runs)


def _boundary(text: str, at: int) -> int:
    """The first word boundary at or after ``at`` (the end of the text if none)."""
    if at >= len(text):
        return len(text)
    found = _BOUNDARY.search(text, at)
    return found.start() if found else len(text)


@lru_cache(maxsize=65536)
def _word_terms(word: str, lang: str) -> frozenset[str]:
    """A word's analysed terms; cached, since hit texts repeat the same words all the time."""
    return frozenset(analyze_query(word, lang))


@lru_cache(maxsize=65536)
def _word_trigrams(word: str, lang: str) -> frozenset[str]:
    return frozenset(g for w in folded_words(word, lang) for g in word_grams(w))
