"""Highlights: which words are marked, the snippet around the first match, escaping."""

from __future__ import annotations

from search.backend import plan
from search.highlight import BEFORE, SNIPPET, Highlighter
from search.query import SearchQuery


def mark(text: str, q: str, known: set[str] | None = None, lang: str = "kk") -> str:
    query = SearchQuery(text=q, lang=lang)
    return Highlighter(query, plan(query, None if known is None else (lambda t: known)))(text)


def test_inflected_forms_of_the_query_words_are_marked() -> None:
    text = "Басқарма босқын куәлігін береді және босқындарға көмектеседі."
    assert mark(text, "босқын куәлігі") == (
        "Басқарма <mark>босқын</mark> <mark>куәлігін</mark> береді және "
        "<mark>босқындарға</mark> көмектеседі."
    )


def test_a_mistyped_word_is_marked_only_when_it_was_matched_by_trigrams() -> None:
    text = "гендерлік саясатты іске асыру"
    query = SearchQuery(text="гендрлік", lang="kk")
    typo = Highlighter(query, plan(query, lambda terms: set()))(text)
    assert typo.startswith("<mark>гендерлік</mark>")
    known = Highlighter(query, plan(query, lambda terms: set(terms)))(text)
    assert "<mark>" not in known


def test_the_snippet_starts_shortly_before_the_first_match_and_is_bounded() -> None:
    text = "алғы сөз " * 200 + "босқын куәлігі " + "соңғы сөз " * 200
    shown = mark(text, "босқын")
    assert shown.startswith("…") and shown.endswith("…")
    plain = shown.replace("<mark>", "").replace("</mark>", "").strip("…")
    assert plain.index("босқын") <= BEFORE
    assert SNIPPET <= len(plain) <= SNIPPET + len("соңғы ")


def test_without_a_match_the_snippet_is_the_start_of_the_text() -> None:
    text = "бірінші сөйлем. " * 100
    shown = mark(text, "босқын")
    assert "<mark>" not in shown and not shown.startswith("…") and shown.endswith("…")
    assert text.startswith(shown.removesuffix("…"))
    assert mark("қысқа мәтін", "босқын") == "қысқа мәтін"


def test_text_is_escaped_and_marks_are_the_only_markup() -> None:
    shown = mark('<script>alert("x")</script> босқын & <b>', "босқын")
    assert "<script>" not in shown and "<b>" not in shown
    assert "&lt;script&gt;" in shown and "&amp;" in shown
    assert "<mark>босқын</mark>" in shown


def test_one_highlighter_serves_every_hit_of_a_search() -> None:
    query = SearchQuery(text="куәлік", lang="kk")
    highlighter = Highlighter(query, plan(query))
    first = highlighter("қандас куәлігін береді")
    second = highlighter("босқын куәлігін береді")
    assert first == "қандас <mark>куәлігін</mark> береді"
    assert second == "босқын <mark>куәлігін</mark> береді"
