"""The Elasticsearch backend without Elasticsearch: mapping, request bodies, and the requests sent.

A recording transport stands in for the node (the real client serialises and parses through it),
so these tests need no server; the shared contract suite runs the backend against a real one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from elastic_transport import (
    ApiResponseMeta,
    ConnectionError,
    HttpHeaders,
    NodeConfig,
    Transport,
    TransportApiResponse,
)
from elasticsearch import Elasticsearch

from search.backend import GRAM_WEIGHT, TERM_WEIGHT, Plan
from search.documents import IndexDoc, to_index_doc
from search.elastic import ElasticBackend, from_config, search_body, swap_actions
from search.errors import SearchError, SearchUnavailable
from search.grams import word_grams
from search.mapping import (
    MAPPING,
    bootstrap_index_name,
    index_name,
    index_pattern,
    index_template,
)
from search.query import SearchQuery

NODE = NodeConfig("http", "127.0.0.1", 9200)


def sample_doc(**changes: Any) -> IndexDoc:
    doc = IndexDoc(
        id="d1",
        type="provision",
        frbr_uri="/akn/kz/act/law/2015/414",
        lang="ru",
        eid="art_1__para_1",
        num="1",
        node_type="paragraph",
        heading="Основные понятия",
        text="1. Трудовой договор заключается в письменной форме.",
        title="",
        act_type="law",
        act_number="414-V",
        act_date=date(2015, 11, 23),
        issuer="parliament",
        status="in_force",
        public=True,
        valid_from=date(2016, 1, 1),
        valid_to=None,
        terms="трудов договор заключа письмен форм",
        grams="_тр тру руд удо дов ово вой ой_",
    )
    return replace(doc, **changes)


PLAN = Plan(
    terms=("договор", "трудов"),
    gram_runs=(("_до", "дог"), ("дог", "ого")),
    fuzzy_terms=("договор", "трудов"),
)


# --- the mapping and the template ---


def test_mapping_is_strict_and_holds_exactly_the_stored_fields() -> None:
    assert MAPPING["dynamic"] == "strict"
    stored = to_index_doc(sample_doc())
    assert set(MAPPING["properties"]) == set(stored)
    # a document with every optional field empty stores the same keys
    empty = to_index_doc(sample_doc(eid=None, num=None, heading=None, issuer=None, valid_to=None))
    assert set(MAPPING["properties"]) == set(empty)


def test_field_types() -> None:
    props = MAPPING["properties"]
    keywords = {n for n, p in props.items() if p["type"] == "keyword"}
    assert keywords == {
        "id", "type", "frbr_uri", "lang", "eid", "num", "node_type", "act_type", "act_number",
        "issuer", "status", "digest",
    }  # fmt: skip
    assert props["public"] == {"type": "boolean"}
    assert props["year"] == {"type": "integer"}
    for name in ("act_date", "valid_from", "valid_to"):
        assert props[name] == {"type": "date", "format": "strict_date"}
    for name in ("text", "title", "heading"):
        assert props[name] == {"type": "text", "index": False}
    for name in ("terms", "grams"):
        assert props[name] == {
            "type": "text",
            "analyzer": "whitespace",
            "similarity": "BM25",
            "index_options": "freqs",
        }


def test_template_matches_the_versioned_indices_only() -> None:
    template = index_template("kense", replicas=2)
    assert template["index_patterns"] == ["kense-search-v*"]
    assert template["template"]["mappings"] is MAPPING
    assert template["template"]["settings"] == {
        "index": {"number_of_shards": 1, "number_of_replicas": 2, "max_result_window": 100_000}
    }
    assert index_template("kense")["template"]["settings"]["index"]["number_of_replicas"] == 0


def test_versioned_names_sort_in_time_and_the_bootstrap_index_first() -> None:
    early = index_name("kense", datetime(2024, 5, 1, 12, 30, 5, 123, tzinfo=UTC))
    late = index_name("kense", datetime(2024, 5, 1, 12, 30, 5, 124, tzinfo=UTC))
    assert early == "kense-search-v20240501123005000123"
    assert bootstrap_index_name("kense") < early < late < index_name("kense")
    assert all(n.startswith(index_pattern("kense")[:-1]) for n in (early, late))
    assert bootstrap_index_name("kense") == "kense-search-v19700101000000000000"


# --- the search request ---

CURRENT_PUBLIC = [
    {"term": {"lang": "ru"}},
    {"terms": {"type": ["provision", "note", "decision", "document"]}},
    {"term": {"public": True}},
    {"bool": {"must_not": [{"exists": {"field": "valid_to"}}]}},
]
MATCH = {
    "bool": {
        "should": [
            {"match": {"terms": {"query": "договор трудов", "operator": "or", "boost": 6.0}}},
            {
                "bool": {
                    "must": [{"term": {"grams": "_до"}}, {"term": {"grams": "дог"}}],
                    "boost": 1.0,
                }
            },
            {
                "bool": {
                    "must": [{"term": {"grams": "дог"}}, {"term": {"grams": "ого"}}],
                    "boost": 1.0,
                }
            },
        ],
        "minimum_should_match": 1,
    }
}


ORDER = [{"_count": "desc"}, {"_key": "asc"}]


def _fuzzy(word: str) -> dict[str, Any]:
    return {
        "fuzzy": {
            "terms": {
                "value": word,
                "fuzziness": "AUTO",
                "prefix_length": 1,
                "max_expansions": 20,
                "boost": 0.5,
            }
        }
    }


def test_search_body_for_current_public_documents() -> None:
    assert (TERM_WEIGHT, GRAM_WEIGHT) == (6.0, 1.0)
    query = SearchQuery(text="трудовой договор", lang="ru", page=3, size=20)
    assert search_body(query, PLAN) == {
        "query": {
            "bool": {
                "filter": CURRENT_PUBLIC,
                "must": [MATCH],
                "should": [_fuzzy("договор"), _fuzzy("трудов")],
            }
        },
        "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "from": 40,
        "size": 20,
        "track_total_hits": True,
        "_source": {
            "includes": [
                "id",
                "type",
                "frbr_uri",
                "lang",
                "eid",
                "num",
                "text",
                "valid_from",
                "valid_to",
                "act_number",
                "act_date",
                "issuer",
                "status",
            ]
        },
        "aggs": {
            "type": {"terms": {"field": "type", "size": 20, "order": ORDER}},
            "issuer": {"terms": {"field": "issuer", "size": 20, "order": ORDER}},
            "status": {"terms": {"field": "status", "size": 20, "order": ORDER}},
            "year": {"terms": {"field": "year", "size": 20, "order": ORDER}},
        },
    }


def test_filters_as_at_a_date() -> None:
    query = SearchQuery(text="x", lang="kk", at=date(2020, 3, 1), types=("act",))
    assert search_body(query, PLAN)["query"]["bool"]["filter"] == [
        {"term": {"lang": "kk"}},
        {"terms": {"type": ["act"]}},
        {"term": {"public": True}},
        {
            "bool": {
                "should": [
                    {"bool": {"must_not": [{"exists": {"field": "valid_from"}}]}},
                    {"range": {"valid_from": {"lte": "2020-03-01"}}},
                ],
                "minimum_should_match": 1,
            }
        },
        {
            "bool": {
                "should": [
                    {"bool": {"must_not": [{"exists": {"field": "valid_to"}}]}},
                    {"range": {"valid_to": {"gte": "2020-03-01"}}},
                ],
                "minimum_should_match": 1,
            }
        },
    ]


def test_filters_for_staff_status_issuer_and_years() -> None:
    query = SearchQuery(
        text="x", lang="ru", staff=True, status="draft", issuer="akimat", year_from=2010
    )
    assert search_body(query, PLAN)["query"]["bool"]["filter"] == [
        {"term": {"lang": "ru"}},
        {"terms": {"type": ["provision", "note", "decision", "document"]}},
        {"bool": {"must_not": [{"exists": {"field": "valid_to"}}]}},
        {"term": {"status": "draft"}},
        {"term": {"issuer": "akimat"}},
        {"range": {"year": {"gte": 2010}}},
    ]
    both = replace(query, year_from=2010, year_to=2020)
    assert {"range": {"year": {"gte": 2010, "lte": 2020}}} in search_body(both, PLAN)["query"][
        "bool"
    ]["filter"]


def test_grams_only_no_facets_and_no_fuzzy_for_numbers_or_short_stems() -> None:
    plan = Plan(terms=("414", "ак", "кодекс"), gram_runs=(), fuzzy_terms=("414", "ак", "кодекс"))
    body = search_body(SearchQuery(text="x", lang="ru", facets=False), plan)
    assert "aggs" not in body
    assert body["query"]["bool"]["should"] == [_fuzzy("кодекс")]
    grams_only = Plan(terms=(), gram_runs=(("_до", "дог"),))
    body = search_body(SearchQuery(text="x", lang="ru"), grams_only)
    assert "should" not in body["query"]["bool"]
    assert len(body["query"]["bool"]["must"][0]["bool"]["should"]) == 1


def test_known_stems_get_neither_trigrams_nor_fuzzy() -> None:
    from search.backend import plan as make_plan

    query = SearchQuery(text="гендерлік gendrlik", lang="kk")
    every = make_plan(query)
    assert every.gram_runs and every.fuzzy_terms == every.terms
    known = make_plan(query, lambda terms: {terms[0]})
    assert known.terms == every.terms
    assert known.fuzzy_terms == every.terms[1:]
    assert known.gram_runs and all(
        not set(run) <= set(word_grams("гендерлик")) or set(run) <= set(word_grams("гендрлик"))
        for run in known.gram_runs
    )
    nothing_new = make_plan(query, lambda terms: set(terms))
    assert nothing_new.gram_runs == () and nothing_new.fuzzy_terms == ()


def test_stop_words_and_single_letters_get_no_trigrams() -> None:
    from search.backend import plan as make_plan

    with_stop = make_plan(SearchQuery(text="бағдарламалар және", lang="kk"), lambda terms: set())
    alone = make_plan(SearchQuery(text="бағдарламалар", lang="kk"), lambda terms: set())
    assert with_stop == alone and alone.gram_runs
    assert make_plan(SearchQuery(text="и в о", lang="ru")).empty


def test_fuzzy_is_capped_for_long_queries() -> None:
    words = tuple(f"слово{chr(0x430 + i)}" for i in range(30))
    plan = Plan(terms=words, gram_runs=(), fuzzy_terms=words)
    assert len(search_body(SearchQuery(text="x"), plan)["query"]["bool"]["should"]) == 8


# --- the requests the backend sends, through a recording transport ---

Route = Callable[[str, str, Any], tuple[int, Any]]


class Recorder(Transport):
    """Answers each request with ``route(method, path, body)``; keeps every request."""

    def __init__(self, route: Route) -> None:
        super().__init__([NODE])
        self.route = route
        self.requests: list[tuple[str, str, dict[str, list[str]], Any]] = []

    def perform_request(self, method: str, target: str, **kwargs: Any) -> TransportApiResponse:
        url = urlsplit(target)
        body = kwargs.get("body")
        if isinstance(body, (bytes, list, tuple)):  # bulk: newline-delimited JSON
            lines = body if isinstance(body, (list, tuple)) else body.splitlines()
            body = [json.loads(line) for line in lines]
        self.requests.append((method, url.path, parse_qs(url.query), body))
        status, answer = self.route(method, url.path, body)
        headers = HttpHeaders({"x-elastic-product": "Elasticsearch"})
        return TransportApiResponse(ApiResponseMeta(status, "1.1", headers, 0.0, NODE), answer)


def backend_with(route: Route) -> tuple[ElasticBackend, Recorder]:
    transport = Recorder(route)
    return ElasticBackend(Elasticsearch(_transport=transport), prefix="kense"), transport


def bulk_answer(body: list[dict[str, Any]]) -> dict[str, Any]:
    """Every action line (not the document lines) succeeded; deletes found nothing."""
    items = []
    for line in body:
        if not line.keys() & {"index", "delete"}:
            continue
        ((op, meta),) = line.items()
        items.append({op: {"_id": meta["_id"], "status": 404 if op == "delete" else 201}})
    return {"errors": False, "items": items}


def test_rebuild_swaps_the_alias_in_one_aliases_call_then_drops_older_indices() -> None:
    def route(method: str, path: str, body: Any) -> tuple[int, Any]:
        if path.endswith("/_bulk"):
            return 200, bulk_answer(body)
        if path == "/kense-search-v*/_alias":
            return 200, {
                "kense-search-v19700101000000000000": {"aliases": {}},
                "kense-search-v99990101000000000000": {"aliases": {}},  # a newer rebuild's
                fresh(): {"aliases": {"kense-search": {}}},
            }
        return 200, {"acknowledged": True}

    backend, transport = backend_with(route)

    def fresh() -> str:
        return next(p[1:] for m, p, _, _ in transport.requests if m == "PUT" and "-v" in p)

    seen: list[int] = []
    docs = (sample_doc(id=f"d{i}") for i in range(1200))
    assert backend.rebuild(docs, seen.append) == 1200
    assert seen == [500, 1000, 1200]
    new = fresh()
    assert new.startswith("kense-search-v")
    aliases = [r for r in transport.requests if r[1] == "/_aliases"]
    assert len(aliases) == 1
    method, _, _, body = aliases[0]
    assert method == "POST"
    assert body == {"actions": swap_actions("kense", new)}
    assert body["actions"] == [
        {"remove": {"index": "kense-search-v*", "alias": "kense-search", "must_exist": False}},
        {"add": {"index": new, "alias": "kense-search"}},
    ]
    calls = [(m, p) for m, p, _, _ in transport.requests if not p.endswith("/_bulk")]
    assert calls == [
        ("PUT", "/_index_template/kense-search"),
        ("PUT", f"/{new}"),
        ("PUT", f"/{new}/_settings"),
        ("POST", f"/{new}/_refresh"),
        ("POST", "/_aliases"),
        ("GET", "/kense-search-v*/_alias"),
        ("DELETE", "/kense-search-v19700101000000000000"),
    ]
    bulks = [r for r in transport.requests if r[1].endswith("/_bulk")]
    assert [len(r[3]) // 2 for r in bulks] == [500, 500, 200]
    assert all(r[1] == f"/{new}/_bulk" for r in bulks)
    created = next(r[3] for r in transport.requests if r[1] == f"/{new}")
    assert created == {"settings": {"index": {"refresh_interval": "-1", "number_of_replicas": 0}}}


def test_a_failed_rebuild_leaves_the_alias_alone_and_deletes_its_index() -> None:
    def route(method: str, path: str, body: Any) -> tuple[int, Any]:
        if path.endswith("/_bulk"):
            error = {"type": "strict_dynamic_mapping_exception", "reason": "no"}
            item = {"index": {"_id": "d0", "status": 400, "error": error}}
            return 200, {"errors": True, "items": [item]}
        if method == "HEAD":
            return 404, None
        return 200, {"acknowledged": True}

    backend, transport = backend_with(route)
    with pytest.raises(SearchError, match="strict_dynamic_mapping_exception") as caught:
        backend.rebuild([sample_doc(id="d0")])
    assert not isinstance(caught.value, SearchUnavailable)
    paths = [(m, p) for m, p, _, _ in transport.requests]
    assert ("POST", "/_aliases") not in paths
    assert paths[-1][0] == "DELETE" and paths[-1][1].startswith("/kense-search-v")


def test_replace_work_deletes_the_stale_and_writes_only_what_changed() -> None:
    same, changed, new = sample_doc(id="a"), sample_doc(id="b"), sample_doc(id="c")
    held = {"a": same.digest, "b": "an older digest", "z": "gone from the work"}

    def route(method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/kense-search/_search":
            hits = [
                {"_id": i, "fields": {"digest": [d]}, "sort": [i]} for i, d in sorted(held.items())
            ]
            return 200, {"hits": {"hits": hits}}
        if path.endswith("/_bulk"):
            return 200, bulk_answer(body)
        if method == "HEAD":
            return 200, None
        return 200, {"acknowledged": True}

    backend, transport = backend_with(route)
    backend.replace_work(same.frbr_uri, [same, changed, new])
    searches = [r for r in transport.requests if r[1] == "/kense-search/_search"]
    assert searches[0][3]["query"] == {"bool": {"filter": [{"term": {"frbr_uri": same.frbr_uri}}]}}
    assert searches[0][3]["sort"] == [{"id": {"order": "asc"}}]
    ((_, path, params, body),) = [r for r in transport.requests if r[1].endswith("/_bulk")]
    assert path == "/kense-search/_bulk"
    assert params == {"refresh": ["true"], "require_alias": ["true"]}
    assert body == [
        {"delete": {"_id": "z"}},
        {"index": {"_id": "b"}},
        to_index_doc(changed),
        {"index": {"_id": "c"}},
        to_index_doc(new),
    ]


def test_search_builds_hits_and_facets_from_the_response() -> None:
    doc = to_index_doc(sample_doc())

    def route(method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/kense-search/_search":
            return 200, {
                "hits": {"total": {"value": 41}, "hits": [{"_score": 3.5, "_source": doc}]},
                "aggregations": {
                    "type": {"buckets": [{"key": "provision", "doc_count": 41}]},
                    "issuer": {"buckets": []},
                    "status": {"buckets": [{"key": "in_force", "doc_count": 41}]},
                    "year": {"buckets": [{"key": 2015, "doc_count": 40}]},
                },
            }
        return 200, {"acknowledged": True}

    backend, transport = backend_with(route)
    backend._ensured = True
    query = SearchQuery(text="трудовой договор", lang="ru")
    result = backend.search(query, PLAN)
    assert transport.requests[0][3] == search_body(query, PLAN)
    assert result.total == 41
    assert result.facets == {
        "type": [{"value": "provision", "count": 41}],
        "issuer": [],
        "status": [{"value": "in_force", "count": 41}],
        "year": [{"value": 2015, "count": 40}],
    }
    (hit,) = result.hits
    assert (hit.id, hit.score, hit.valid_from, hit.valid_to) == ("d1", 3.5, "2016-01-01", None)
    assert "<mark>" in hit.highlight


def test_an_empty_plan_asks_nothing() -> None:
    backend, transport = backend_with(lambda m, p, b: (500, None))
    result = backend.search(SearchQuery(text="?"), Plan((), ()))
    assert (result.hits, result.total) == ([], 0)
    assert result.facets == {"type": [], "issuer": [], "status": [], "year": []}
    assert transport.requests == []


# --- errors ---


def test_unreachable_is_search_unavailable_naming_the_url() -> None:
    def route(method: str, path: str, body: Any) -> tuple[int, Any]:
        raise ConnectionError("refused", errors=(OSError("[Errno 111] Connection refused"),))

    backend, _ = backend_with(route)
    with pytest.raises(SearchUnavailable, match=r"http://127\.0\.0\.1:9200 cannot be reached"):
        backend.ensure()
    health = backend.health()
    assert health["backend"] == "elasticsearch" and health["ok"] is False
    assert "Connection refused" in health["error"]


@pytest.mark.parametrize(("status", "kind"), [(503, SearchUnavailable), (429, SearchUnavailable)])
def test_overloaded_is_unavailable(status: int, kind: type[Exception]) -> None:
    backend, _ = backend_with(lambda m, p, b: (status, {"error": {"type": "x"}, "status": status}))
    backend._ensured = True
    with pytest.raises(kind, match="failed searching"):
        backend.search(SearchQuery(text="x"), PLAN)


def test_a_refused_request_is_a_search_error_not_unavailable() -> None:
    backend, _ = backend_with(lambda m, p, b: (400, {"error": {"type": "parsing_exception"}}))
    backend._ensured = True
    with pytest.raises(SearchError, match="parsing_exception") as caught:
        backend.search(SearchQuery(text="x"), PLAN)
    assert not isinstance(caught.value, SearchUnavailable)


def test_health_reports_the_cluster_and_the_count() -> None:
    def route(method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/_cluster/health":
            return 200, {"status": "yellow"}
        return 200, {"count": 12}

    backend, _ = backend_with(route)
    assert backend.health() == {
        "backend": "elasticsearch",
        "ok": True,
        "cluster": "yellow",
        "documents": 12,
    }


def test_from_config_connects_to_nothing_until_asked() -> None:
    backend = from_config(
        "http://127.0.0.1:1, http://127.0.0.2:1",
        username="kense",
        password="secret",
        prefix="t1",
        replicas=1,
        timeout=0.5,
    )
    try:
        assert set(backend.url.split(", ")) == {"http://127.0.0.1:1", "http://127.0.0.2:1"}
        assert (backend.alias, backend.replicas) == ("t1-search", 1)
        assert "secret" not in backend.url
    finally:
        backend.close()
    with pytest.raises(SearchError, match="not usable"):
        from_config("127.0.0.1")
