"""The search contract, run identically against SQLite FTS5 and Elasticsearch."""

from __future__ import annotations

import pytest

from search.query import parse_query
from search.service import Search
from tests.factories import amendment, substitute

SEED = "/akn/kz-kus/act/resolution/2021-11-12/514"


def top(search: Search, q: str, **args: str) -> list[str]:
    result = search.search(parse_query({"q": q, **args}))
    return [h.text for h in result.hits]


def test_finds_the_provision_that_says_who_issues_kandas_certificates(search: Search) -> None:
    result = search.search(parse_query({"q": "қандас куәлігі"}))
    assert result.total >= 1
    first = result.hits[0]
    assert "қандас куәлігін береді" in first.text
    assert (first.type, first.frbr_uri, first.eid) == (
        "provision",
        SEED,
        "chp_2__para_15__point_41",
    )
    assert first.num == "41"
    assert first.valid_from == "2023-10-17" and first.valid_to is None
    assert "<mark>" in first.highlight


def test_latin_and_russian_keyboard_queries_find_cyrillic_text(search: Search) -> None:
    assert any("Пешков" in t for t in top(search, "Peshkov")[:3])
    assert any("Қасымқанов көшесі" in t for t in top(search, "Касымканов")[:3])
    assert any("босқын куәлігін береді" in t for t in top(search, "bosqyn kuäligi")[:3])


def test_notes_and_numbers_are_findable(search: Search) -> None:
    result = search.search(parse_query({"q": "445 қаулы", "type": "note"}))
    assert result.hits and all(h.type == "note" for h in result.hits)
    assert "17.10.2023 № 445" in result.hits[0].text


def test_as_at_a_date_before_the_restatement(search: Search) -> None:
    now = top(search, "қандас куәлігі")
    assert now and "қандас куәлігін береді" in now[0]
    before = top(search, "қандас куәлігі", at="2022-06-01")
    assert not any("қандас куәлігін береді" in t for t in before)
    kept = search.search(parse_query({"q": "Қасымқанов", "at": "2022-06-01"})).hits
    assert kept and kept[0].valid_from == "2021-11-12"


def test_stop_words_do_not_widen_the_match(search: Search) -> None:
    alone = search.search(parse_query({"q": "Пешков"}))
    with_and = search.search(parse_query({"q": "Пешков және"}))
    assert alone.total >= 1
    assert [h.id for h in with_and.hits] == [h.id for h in alone.hits]
    assert with_and.total == alone.total


def test_whole_acts_only_when_asked(search: Search) -> None:
    assert all(h.type != "act" for h in search.search(parse_query({"q": "ереже"})).hits)
    acts = search.search(parse_query({"q": "ережені бекіту", "type": "act"})).hits
    assert acts and acts[0].frbr_uri == SEED and acts[0].type == "act"


def test_facets_and_paging(search: Search) -> None:
    first = search.search(parse_query({"q": "мүгедектігі бар адамдар", "size": "3"}))
    assert first.total > 3 and len(first.hits) == 3
    types = {f["value"]: f["count"] for f in first.facets["type"]}
    assert types.get("provision", 0) >= 3
    assert first.facets["year"][0]["value"] == 2021
    second = search.search(parse_query({"q": "мүгедектігі бар адамдар", "size": "3", "page": "2"}))
    assert {h.id for h in first.hits}.isdisjoint({h.id for h in second.hits})


def test_outbox_keeps_the_index_in_step_with_amendments(search: Search) -> None:
    search.registry.amend(
        SEED,
        amendment(
            substitute("chp_2__para_15__point_41", "қандас мәртебесін береді және ұзартады;"),
            number="900",
            effective="2025-01-01",
        ),
    )
    search.drain()
    now = top(search, "қандас мәртебесін ұзартады", at="2025-06-01")
    assert now and now[0] == "41) қандас мәртебесін береді және ұзартады;"
    before = search.search(parse_query({"q": "қандас куәлігі", "at": "2024-06-01"})).hits
    assert before[0].valid_to == "2024-12-31"
    assert search.check()["ok"]


def test_reindex_swaps_in_an_equal_index(search: Search) -> None:
    before = search.backend.digests()
    count = search.reindex()
    assert count == len(before)
    assert search.backend.digests() == before
    assert search.check()["ok"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "x", "lang": "en"}, "lang"),
        ({"q": "x", "at": "2022-13-01"}, "at"),
        ({"q": "x", "type": "poem"}, "type"),
        ({"q": "x", "page": "0"}, "page"),
        ({"q": "x", "size": "1000"}, "size"),
        ({"q": "x", "from": "year"}, "from"),
    ],
)
def test_invalid_queries_name_the_field(args: dict[str, str], field: str) -> None:
    from search.errors import InvalidQuery

    with pytest.raises(InvalidQuery) as caught:
        parse_query(args)
    assert field in caught.value.fields


def test_drafts_are_only_for_staff(search: Search) -> None:
    body = amendment(substitute("chp_2__para_9", "жоба мәтіні"), number="жоба-7")
    body["amending_act"]["status"] = "draft"
    search.registry.amend(SEED, body)
    search.drain()
    public = search.search(parse_query({"q": "жоба", "type": "act"}))
    staff = search.search(parse_query({"q": "жоба", "type": "act"}, staff=True))
    assert all(h.status != "draft" for h in public.hits)
    assert any(h.status == "draft" for h in staff.hits)
    assert any("Қасымқанов көшесі, 34" in t for t in top(search, "Қасымқанов"))
