"""Highlights computed in Python from the same analysis, so both backends mark the same words."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

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
    terms = frozenset(plan.terms)
    query_grams = _query_grams(query.text, query.lang)
    tokens = _TOKEN.findall(text)
    decided: dict[str, bool] = {}
    marked = []
    for token in tokens:
        if not token[0].isalnum():
            marked.append(False)
            continue
        if token not in decided:
            decided[token] = _matches(token, query.lang, terms, query_grams)
        marked.append(decided[token])
    first = marked.index(True) if True in marked else 0
    start, before = first, 0
    while start > 0 and before + len(tokens[start - 1]) <= BEFORE:
        start -= 1
        before += len(tokens[start])
    pieces, length, end = [], 0, start
    while end < len(tokens) and length < SNIPPET:
        token = escape(tokens[end])
        pieces.append(f"<mark>{token}</mark>" if marked[end] else token)
        length += len(tokens[end])
        end += 1
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(tokens) else "")


@lru_cache(maxsize=4096)
def _query_grams(text: str, lang: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(word_grams(w)) for w in folded_words(text, lang))


def _matches(
    word: str, lang: str, terms: frozenset[str], query_grams: tuple[frozenset[str], ...]
) -> bool:
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
