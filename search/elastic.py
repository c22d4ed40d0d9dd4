"""The production search backend: Elasticsearch 8, with the FTS5 backend's semantics exactly.

Everything goes through the alias ``<prefix>-search`` (see search.mapping); a rebuild loads a
fresh versioned index and moves the alias with one atomic ``_aliases`` call. Only the server
core is needed: no analysis plugins, no scripts, no _reindex/_delete_by_query/_update_by_query.

Matching is the FTS backend's: any analysed stem in ``terms``, or, for a query word, two
consecutive letter trigrams both in ``grams``; that decides the hits, the total and the facets.
Fuzzy queries on ``terms`` (typo tolerance the FTS backend has not) only add to the score of
documents already matched, so both backends return the same set of documents.

Errors: the node unreachable, timing out or overloaded (429, 5xx) is SearchUnavailable, with
the URL and what was being done; anything else Elasticsearch refuses is a SearchError.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers

from search.backend import FACETS, GRAM_WEIGHT, TERM_WEIGHT, Hit, Plan, SearchResult
from search.documents import IndexDoc, to_index_doc
from search.errors import SearchError, SearchUnavailable
from search.highlight import Highlighter
from search.mapping import (
    alias_name,
    bootstrap_index_name,
    index_name,
    index_pattern,
    index_template,
    template_name,
)
from search.query import SearchQuery

log = logging.getLogger("kense.search")

#: Score of a typo-tolerant (fuzzy) stem match, below an exact stem or a trigram pair.
FUZZY_WEIGHT = 0.5
#: Fuzzy clauses only for the first stems of a query, each expanding to few index terms, so a
#: long query stays far below the cluster's limit on clauses.
MAX_FUZZY_TERMS = 8
FUZZY_EXPANSIONS = 20
FACET_SIZE = 20
#: Most frequent first; equal counts by value, so the top 20 is the same on every run.
FACET_ORDER = [{"_count": "desc"}, {"_key": "asc"}]
#: Documents per bulk request, and ids per page when listing the index.
CHUNK = 500
PAGE = 5000
#: What a hit needs from _source (terms and grams are never sent back).
HIT_FIELDS = (
    "id", "type", "frbr_uri", "lang", "eid", "num", "text", "valid_from", "valid_to",
    "act_number", "act_date", "issuer", "status",
)  # fmt: skip


# --- the request bodies, pure (tested as dicts in tests/search/test_elastic_unit.py) ---


def filters(query: SearchQuery) -> list[dict[str, Any]]:
    """The FTS backend's WHERE clause: language, types, public, validity, status, issuer, year."""
    clauses: list[dict[str, Any]] = [
        {"term": {"lang": query.lang}},
        {"terms": {"type": list(query.types)}},
    ]
    if not query.staff:
        clauses.append({"term": {"public": True}})
    if query.at is not None:
        day = query.at.isoformat()
        clauses.append(_missing_or("valid_from", {"lte": day}))
        clauses.append(_missing_or("valid_to", {"gte": day}))
    else:
        clauses.append(_missing("valid_to"))
    if query.status:
        clauses.append({"term": {"status": query.status}})
    if query.issuer:
        clauses.append({"term": {"issuer": query.issuer}})
    years: dict[str, int] = {}
    if query.year_from is not None:
        years["gte"] = query.year_from
    if query.year_to is not None:
        years["lte"] = query.year_to
    if years:
        clauses.append({"range": {"year": years}})
    return clauses


def _missing(field: str) -> dict[str, Any]:
    return {"bool": {"must_not": [{"exists": {"field": field}}]}}


def _missing_or(field: str, bounds: dict[str, str]) -> dict[str, Any]:
    """A null bound is open: the field is absent, or within ``bounds``."""
    return {
        "bool": {
            "should": [_missing(field), {"range": {field: bounds}}],
            "minimum_should_match": 1,
        }
    }


def matching(plan: Plan) -> dict[str, Any]:
    """Any stem, or every trigram of a consecutive run (the FTS backend's MATCH expression)."""
    should: list[dict[str, Any]] = []
    if plan.terms:
        should.append(
            {
                "match": {
                    "terms": {
                        "query": " ".join(plan.terms),
                        "operator": "or",
                        "boost": TERM_WEIGHT,
                    }
                }
            }
        )
    for run in plan.gram_runs:
        should.append(
            {
                "bool": {
                    "must": [{"term": {"grams": gram}} for gram in run],
                    "boost": GRAM_WEIGHT,
                }
            }
        )
    return {"bool": {"should": should, "minimum_should_match": 1}}


def fuzzy(plan: Plan) -> list[dict[str, Any]]:
    """Typo-tolerant stems, for the score only (numbers are not typos: 123 is not 124)."""
    words = [t for t in plan.fuzzy_terms if len(t) >= 3 and not any(c.isdigit() for c in t)]
    return [
        {
            "fuzzy": {
                "terms": {
                    "value": word,
                    "fuzziness": "AUTO",
                    "prefix_length": 1,
                    "max_expansions": FUZZY_EXPANSIONS,
                    "boost": FUZZY_WEIGHT,
                }
            }
        }
        for word in words[:MAX_FUZZY_TERMS]
    ]


def search_body(query: SearchQuery, plan: Plan) -> dict[str, Any]:
    """The whole ``_search`` request body (the plan must not be empty)."""
    boolean: dict[str, Any] = {"filter": filters(query), "must": [matching(plan)]}
    extra = fuzzy(plan)
    if extra:
        boolean["should"] = extra
    body: dict[str, Any] = {
        "query": {"bool": boolean},
        "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "from": query.offset,
        "size": query.size,
        "track_total_hits": True,
        "_source": {"includes": list(HIT_FIELDS)},
    }
    if query.facets:
        body["aggs"] = {
            name: {"terms": {"field": name, "size": FACET_SIZE, "order": FACET_ORDER}}
            for name in FACETS
        }
    return body


def swap_actions(prefix: str, index: str) -> list[dict[str, Any]]:
    """One atomic ``_aliases`` call: the alias leaves every versioned index and lands on ``index``.

    Removing by pattern (``must_exist`` false) rather than by the names seen a moment earlier
    leaves the alias on exactly one index even when two rebuilds swap at the same time.
    """
    alias = alias_name(prefix)
    return [
        {"remove": {"index": index_pattern(prefix), "alias": alias, "must_exist": False}},
        {"add": {"index": index, "alias": alias}},
    ]


# --- the backend ---


class ElasticBackend:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, prefix: str = "kense", replicas: int = 0) -> None:
        self.client = client
        self.prefix = prefix
        self.replicas = replicas
        self.alias = alias_name(prefix)
        self.url = _nodes(client)
        self._ensured = False

    # --- errors ---

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Elasticsearch's exceptions as ours, naming the URL and what was being done."""
        try:
            yield
        except TransportError as exc:  # refused, timed out, TLS, DNS …
            raise SearchUnavailable(
                f"Elasticsearch at {self.url} cannot be reached while {doing}: {exc}"
            ) from exc
        except ApiError as exc:
            if exc.error == "index_not_found_exception":
                self._ensured = False  # recreated by the next call
                raise SearchUnavailable(
                    f"Elasticsearch at {self.url}: the index alias {self.alias} does not exist "
                    f"while {doing}; it is recreated empty on the next call, `kense reindex` "
                    f"refills it: {exc}"
                ) from exc
            message = f"Elasticsearch at {self.url} failed {doing}: {exc}"
            raise _status_error(exc.meta.status, message) from exc

    # --- writing ---

    def ensure(self) -> None:
        """Put the index template; create the first index behind the alias if there is none.

        Safe when several processes start at once: the first index has a fixed name, so all
        but one get resource_already_exists, which means the work is done.
        """
        with self._guard(f"creating the index template and alias {self.alias}"):
            self._put_template()
            if not self.client.indices.exists_alias(name=self.alias):
                first = bootstrap_index_name(self.prefix)
                try:
                    self.client.indices.create(index=first, aliases={self.alias: {}})
                except ApiError as exc:
                    if exc.error != "resource_already_exists_exception":
                        raise
                    if not self.client.indices.exists_alias(name=self.alias):
                        self.client.indices.put_alias(index=first, name=self.alias)
        self._ensured = True

    def _ensure_once(self) -> None:
        if not self._ensured:
            self.ensure()

    def _put_template(self) -> None:
        self.client.indices.put_index_template(
            name=template_name(self.prefix), body=index_template(self.prefix, self.replicas)
        )

    def replace_work(self, frbr_uri: str, docs: list[IndexDoc]) -> None:
        """Delete what the work no longer has, (re)index what changed, refresh.

        The index's digests of the work are compared with the new documents', so an edit of
        one provision writes one document, not the whole work.
        """
        self._ensure_once()
        with self._guard(f"replacing the documents of {frbr_uri}"):
            held = dict(self._listing({"term": {"frbr_uri": frbr_uri}}))
            wanted = {doc.id: to_index_doc(doc) for doc in docs}
            actions: list[dict[str, Any]] = [
                {"_op_type": "delete", "_id": i} for i in sorted(held.keys() - wanted.keys())
            ]
            actions += [
                {"_op_type": "index", "_id": i, "_source": body}
                for i, body in wanted.items()
                if held.get(i) != body["digest"]
            ]
            if actions:
                # refresh=true: visible at once (what the next replace_work lists, what a search
                # right after sees) without waiting up to a refresh interval per work.
                self._bulk(actions, self.alias, refresh=True, require_alias=True)

    def rebuild(
        self, docs: Iterable[IndexDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        """Load a new versioned index, move the alias to it atomically, drop the older ones."""
        fresh = index_name(self.prefix)
        with self._guard(f"rebuilding the index into {fresh}"):
            self._put_template()
            # Loading: no refresh, no replicas; both are restored before the swap.
            self.client.indices.create(
                index=fresh,
                settings={"index": {"refresh_interval": "-1", "number_of_replicas": 0}},
            )
            swapped = False
            try:
                actions = ({"_id": d.id, "_source": to_index_doc(d)} for d in docs)
                count = self._bulk(actions, fresh, progress=progress)
                self.client.indices.put_settings(
                    index=fresh,
                    settings={
                        "index": {"refresh_interval": None, "number_of_replicas": self.replicas}
                    },
                )
                self.client.indices.refresh(index=fresh)
                self.client.indices.update_aliases(actions=swap_actions(self.prefix, fresh))
                swapped = True
            finally:
                if not swapped:
                    self._abandon(fresh)
        self._ensured = True
        self._drop_older(fresh)
        if progress:
            progress(count)
        log.info("search index rebuilt", extra={"index": fresh, "documents": count})
        return count

    def _bulk(
        self,
        actions: Iterable[dict[str, Any]],
        index: str,
        *,
        progress: Callable[[int], None] | None = None,
        **params: Any,
    ) -> int:
        """Send ``actions`` in chunks; stop at the first document Elasticsearch refuses."""
        count = 0
        for ok, item in helpers.streaming_bulk(
            self.client,
            actions,
            index=index,
            chunk_size=CHUNK,
            raise_on_error=False,
            max_retries=2,
            initial_backoff=0.5,
            **params,
        ):
            ((op, result),) = item.items()
            if not ok and not (op == "delete" and result.get("status") == 404):
                raise _status_error(
                    int(result.get("status", 500)),
                    f"Elasticsearch at {self.url} refused to {op} document {result.get('_id')} "
                    f"in {index}: {result.get('error')}",
                )
            count += 1
            if progress and count % CHUNK == 0:
                progress(count)
        return count

    def _abandon(self, fresh: str) -> None:
        """Delete a rebuild's index after a failure, unless the alias moved to it after all."""
        try:
            if not self.client.indices.exists_alias(name=self.alias, index=fresh):
                self.client.indices.delete(index=fresh, ignore_unavailable=True)
        except (ApiError, TransportError) as exc:  # a leftover only costs disk
            log.warning("could not delete %s: %s", fresh, exc)

    def _drop_older(self, current: str) -> None:
        """Delete the versioned indices older than ``current`` that the alias is not on.

        A newer index is never touched: it belongs to a rebuild still running elsewhere. Never
        raises: the swap is done, and leftovers only cost disk (the next rebuild retries).
        """
        try:
            indices = self.client.indices.get_alias(index=index_pattern(self.prefix)).body
            old = sorted(
                name
                for name, info in indices.items()
                if name < current and self.alias not in info.get("aliases", {})
            )
            if old:
                self.client.indices.delete(index=",".join(old), ignore_unavailable=True)
        except (ApiError, TransportError) as exc:
            log.warning("could not delete the old search indices: %s", exc)

    # --- reading ---

    def search(self, query: SearchQuery, plan: Plan) -> SearchResult:
        if plan.empty:
            return SearchResult([], 0, {f: [] for f in FACETS} if query.facets else {})
        self._ensure_once()
        with self._guard("searching"):
            response = self.client.search(index=self.alias, body=search_body(query, plan))
        found = response.body["hits"]
        mark = Highlighter(query, plan)
        hits = [_hit(h["_source"], h.get("_score"), mark) for h in found["hits"]]
        facets: dict[str, list[dict[str, Any]]] = {}
        if query.facets:
            aggs = response.body["aggregations"]
            facets = {
                name: [{"value": b["key"], "count": b["doc_count"]} for b in aggs[name]["buckets"]]
                for name in FACETS
            }
        return SearchResult(hits, int(found["total"]["value"]), facets)

    def known_terms(self, terms: tuple[str, ...]) -> set[str]:
        """One request: a count per stem, as ``filters`` aggregation buckets."""
        if not terms:
            return set()
        self._ensure_once()
        buckets = {str(i): {"term": {"terms": t}} for i, t in enumerate(terms)}
        with self._guard("looking up query stems"):
            response = self.client.search(
                index=self.alias,
                size=0,
                track_total_hits=False,
                aggs={"known": {"filters": {"filters": buckets}}},
            )
        counts = response.body["aggregations"]["known"]["buckets"]
        return {t for i, t in enumerate(terms) if counts[str(i)]["doc_count"] > 0}

    def _listing(
        self, query: dict[str, Any] | None = None, pit: str | None = None
    ) -> Iterator[tuple[str, str]]:
        """(id, digest) of the matching documents, in id order, page by page (search_after)."""
        body: dict[str, Any] = {
            "sort": [{"id": {"order": "asc"}}],
            "size": PAGE,
            "_source": False,
            "docvalue_fields": ["digest"],
            "track_total_hits": False,
        }
        if query is not None:
            body["query"] = {"bool": {"filter": [query]}}
        while True:
            if pit is not None:
                body["pit"] = {"id": pit, "keep_alive": "1m"}
                response = self.client.search(body=body)
                pit = response.body.get("pit_id", pit)
            else:
                response = self.client.search(index=self.alias, body=body)
            hits = response.body["hits"]["hits"]
            for h in hits:
                yield h["_id"], h.get("fields", {}).get("digest", [""])[0]
            if len(hits) < PAGE:
                return
            body["search_after"] = hits[-1]["sort"]

    def digests(self) -> dict[str, str]:
        """Every id → digest, read from one point in time (a swap midway changes nothing)."""
        self._ensure_once()
        with self._guard("listing the digests"):
            pit = self.client.open_point_in_time(index=self.alias, keep_alive="1m").body["id"]
            try:
                return dict(self._listing(pit=pit))
            finally:
                # It expires by itself within a minute if this fails.
                with suppress(ApiError, TransportError):
                    self.client.close_point_in_time(id=pit)

    def health(self) -> dict[str, Any]:
        """Never raises: ok means the cluster is green/yellow and the alias answers."""
        report: dict[str, Any] = {"backend": self.name, "ok": False, "cluster": None}
        try:
            with self._guard("checking health"):
                report["cluster"] = self.client.cluster.health().body["status"]
                report["documents"] = int(self.client.count(index=self.alias).body["count"])
        except SearchError as exc:
            report["error"] = exc.message
            return report
        except Exception as exc:  # a health check must answer, whatever happened
            report["error"] = f"Elasticsearch at {self.url}: {exc!r}"
            return report
        report["ok"] = report["cluster"] in ("green", "yellow")
        return report

    def close(self) -> None:
        self.client.close()


def _hit(source: dict[str, Any], score: Any, mark: Highlighter) -> Hit:
    return Hit(
        id=source["id"],
        type=source["type"],
        frbr_uri=source["frbr_uri"],
        lang=source["lang"],
        eid=source.get("eid"),
        num=source.get("num"),
        text=source["text"],
        score=float(score or 0.0),
        valid_from=source.get("valid_from"),
        valid_to=source.get("valid_to"),
        act_number=source["act_number"],
        act_date=source["act_date"],
        issuer=source.get("issuer"),
        status=source["status"],
        highlight=mark(source["text"]),
    )


def _status_error(status: int, message: str) -> SearchError:
    """429 and 5xx are the cluster being unavailable; the rest is a request it refused."""
    if status == 429 or status >= 500:
        return SearchUnavailable(message)
    return SearchError(message)


def _nodes(client: Elasticsearch) -> str:
    """The nodes' URLs, for messages (never credentials: they are not part of base_url)."""
    return ", ".join(node.base_url for node in client.transport.node_pool.all()) or "?"


def from_config(
    url: str,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    ca_certs: str | None = None,
    prefix: str = "kense",
    replicas: int = 0,
    timeout: float = 5.0,
) -> ElasticBackend:
    """The backend for KENSE_SEARCH_*; nothing connects until the first request.

    ``url`` may list several nodes separated by commas.
    """
    options: dict[str, Any] = {}
    if api_key:
        options["api_key"] = api_key
    if username:
        options["basic_auth"] = (username, password or "")
    if ca_certs:
        options["ca_certs"] = ca_certs
    hosts = [u.strip() for u in url.split(",") if u.strip()]
    try:
        client = Elasticsearch(
            hosts,
            request_timeout=timeout,
            max_retries=1,
            retry_on_timeout=True,
            **options,
        )
    except ValueError as exc:
        raise SearchError(f"the Elasticsearch URL {url!r} is not usable: {exc}") from exc
    return ElasticBackend(client, prefix=prefix, replicas=replicas)
