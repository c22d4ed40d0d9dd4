"""Highlights computed in Python from the same analysis, so both backends mark the same words."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from search.analysis import analyze_query
from search.backend import Plan
from search.grams import folded_words, word_grams
from search.query import SearchQuery

_TOKEN = re.compile(r"\w+|\W+")
#: Characters of context shown before the first match, and at most in a snippet.
BEFORE = 80
SNIPPET = 320


def highlight(text: str, query: SearchQuery, plan: Plan) -> str:
    """Escaped HTML of the text around its first match, with <mark> on the matching words."""
    terms = set(plan.terms)
    query_grams = [set(word_grams(w)) for w in folded_words(query.text, query.lang)]
    tokens = _TOKEN.findall(text)
    marked = [bool(t[0].isalnum()) and _matches(t, query.lang, terms, query_grams) for t in tokens]
    first = marked.index(True) if True in marked else 0
    start = first
    while start > 0 and sum(len(t) for t in tokens[start - 1 : first]) <= BEFORE:
        start -= 1
    pieces, length, end = [], 0, start
    while end < len(tokens) and length < SNIPPET:
        token = tokens[end]
        pieces.append(Markup("<mark>{}</mark>").format(token) if marked[end] else escape(token))
        length += len(token)
        end += 1
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(tokens) else "")


def _matches(word: str, lang: str, terms: set[str], query_grams: list[set[str]]) -> bool:
    if any(t in terms for t in _word_terms(word, lang)):
        return True
    grams = _word_trigrams(word, lang)
    return any(q and len(grams & q) / len(q) >= 0.6 for q in query_grams)


@lru_cache(maxsize=65536)
def _word_terms(word: str, lang: str) -> tuple[str, ...]:
    """A word's analysed terms; cached, since hit texts repeat the same words all the time."""
    return tuple(analyze_query(word, lang))


@lru_cache(maxsize=65536)
def _word_trigrams(word: str, lang: str) -> frozenset[str]:
    return frozenset(g for w in folded_words(word, lang) for g in word_grams(w))
