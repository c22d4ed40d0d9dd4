"""Benchmarks of search: bulk indexing, query latency against the raw client, and scale.

    python -m bench.search          (--help lists the options)

Needs Elasticsearch (KENSE_TEST_SEARCH_URL, default http://127.0.0.1:9200; exits 2 if it does not
answer). Every index and template it makes is named ``bench-<random>-...`` and deleted at the end.

The corpus is synthetic: provisions made by recombining the lines of the bundled seed (the
Kostanay Regulation) with fresh numbers and dates, grouped into acts of varied issuers, types,
dates and statuses, some provisions with an older version; ``terms`` by the real analysis of
every document, ``grams`` by the real analysis of every seed line (grams hold letters only, so
they do not change with the numbers; checked on a sample at each run).

1. Bulk indexing: ``ElasticBackend.rebuild(docs)`` against the floor, ``helpers.streaming_bulk``
   into an index created with the same mapping and settings, from the same IndexDocs (both run
   ``to_index_doc``), and from prepared dicts. Goal: ours >= 0.8x the raw throughput.
2. Query latency: ``ElasticBackend.search(query, plan)`` against ``client.search`` of the very
   body it sends (``search.elastic.search_body``), same index, interleaved. Goal: p50 <= 1.2x.
3. Scale: the same mix on 100,000 provisions and on 1,000. Goal: p95(100k) <= 2x p95(1k).
4. For information: the same on the SQLite FTS5 backend.

The table goes to stdout, progress to stderr, every figure to bench/results/search.json.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from bench.registry import environment, no_gc, progress, summary, write_results
from search import elastic as elastic_module
from search.analysis import normalised_text
from search.backend import Plan, SearchBackend, plan
from search.documents import IndexDoc, to_index_doc
from search.fts import FtsBackend
from search.grams import grams_text
from search.highlight import Highlighter
from search.known import KnownTerms
from search.mapping import MAPPING, settings, template_name
from search.quality import load_queries
from search.query import SearchQuery, parse_query

SEED = 20211112
SEED_TEXT = "kostanay-514-2021-ereje.kk.md"
DEV_QUERIES = Path(__file__).resolve().parent.parent / "tests" / "search" / "search-dev.json"
RESULTS = Path(__file__).resolve().parent / "results" / "search.json"
DEFAULT_URL = "http://127.0.0.1:9200"

SMALL, LARGE = 1_000, 100_000
THROUGHPUT_DOCS, THROUGHPUT_RUNS = 20_000, 3
ROUNDS, WARMUP_ROUNDS = 4, 1
#: FTS5 answers in tenths of a second at 100k: one pass over every other query of the mix.
FTS_ROUNDS, FTS_EVERY = 1, 2
#: Passes of the request-body variants (where the server's time goes).
VARIANT_ROUNDS = 2
#: Goals (see the module docstring).
GOAL_THROUGHPUT, GOAL_P50, GOAL_SCALE = 0.8, 1.2, 2.0

ISSUERS = (
    ("Қостанай облысы әкімдігі", "kz-kus"),
    ("Қостанай облыстық мәслихаты", "kz-kus"),
    ("Ақмола облысы әкімдігі", "kz-akm"),
    ("Қарағанды облысы әкімдігі", "kz-kar"),
    ("Павлодар облысы әкімдігі", "kz-pav"),
    ("Түркістан облысы әкімдігі", "kz-tur"),
    ("Алматы қаласы әкімдігі", "kz-ala"),
    ("Астана қаласы мәслихаты", "kz-ast"),
)
ACT_TYPES = ("resolution", "resolution", "decision", "order")

Json = dict[str, Any]


# --- the synthetic corpus -------------------------------------------------------------------------

_MARKUP = re.compile(r"[*#]+")
_NUMBERING = re.compile(r"^(?:-\s*)?\d+(?:-\d+)?[.)]\s+")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_WORDS = re.compile(r"[^\W\d_]{3,}")


def seed_lines() -> list[str]:
    """The seed's non-empty lines of some length, markdown and leading numbering removed."""
    source = resources.files("registry").joinpath("seed", SEED_TEXT).read_text("utf-8")
    lines = []
    for raw in source.splitlines():
        line = _NUMBERING.sub("", _MARKUP.sub("", raw).strip()).strip()
        if len(line) >= 20:
            lines.append(line)
    return lines


class Corpus:
    """Provisions recombined from the seed's lines, with fresh numbers and dates."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines = seed_lines()
        # grams hold letters only: a line's grams do not change when its numbers do.
        self.grams = [grams_text(line, "kk") for line in self.lines]
        self.checked: list[tuple[str, str]] = []  # (own text, grams used), to verify a sample
        self.serial = 0

    def _number(self, match: re.Match[str]) -> str:
        rng = self.rng
        token = match.group(0)
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", token):
            day = date(2000, 1, 1) + timedelta(days=rng.randint(0, 9000))
            return f"{day:%d.%m.%Y}"
        if re.fullmatch(r"(19|20)\d\d", token):
            return str(rng.randint(1995, 2024))
        if "." in token:
            return ".".join(str(rng.randint(1, 30)) for _ in token.split("."))
        digits = len(token)
        return str(rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10**digits - 1))

    def own_words(self) -> tuple[str, str]:
        """One to three seed lines with new numbers, and their grams."""
        count = self.rng.choices((1, 2, 3), weights=(14, 5, 1))[0]
        picked = self.rng.sample(range(len(self.lines)), count)
        text = " ".join(_NUMBER.sub(self._number, self.lines[i]) for i in picked)
        grams = " ".join(self.grams[i] for i in picked)
        if len(self.checked) < 300:
            self.checked.append((text, grams))
        return text, grams

    def title(self) -> str:
        words = _WORDS.findall(self.lines[self.rng.randrange(len(self.lines))])
        start = self.rng.randrange(max(1, len(words) - 6))
        return " ".join(words[start : start + self.rng.randint(4, 8)]).capitalize() + " туралы"

    def documents(self, count: int) -> list[IndexDoc]:
        """``count`` documents: acts of 40-160 provisions (and their act document, notes)."""
        docs: list[IndexDoc] = []
        while len(docs) < count:
            docs.extend(self._act(self.rng.randint(40, 160)))
        return docs[:count]

    def _act(self, size: int) -> list[IndexDoc]:
        rng = self.rng
        self.serial += 1
        issuer, place = rng.choice(ISSUERS)
        act_type = rng.choice(ACT_TYPES)
        act_date = date(2005, 1, 1) + timedelta(days=rng.randint(0, 7000))
        number = str(rng.randint(1, 999))
        uri = f"/akn/{place}/act/{act_type}/{act_date.isoformat()}/{number}-{self.serial}"
        roll = rng.random()
        status = "in_force" if roll < 0.85 else "repealed" if roll < 0.97 else "draft"
        title = self.title()
        common: Json = {
            "frbr_uri": uri,
            "lang": "kk",
            "title": "",
            "act_type": act_type,
            "act_number": number,
            "act_date": act_date,
            "issuer": issuer,
            "status": status,
            "public": status != "draft",
        }
        body: list[str] = []
        docs: list[IndexDoc] = []
        chapter = 1
        for paragraph in range(1, size + 1):
            if rng.random() < 0.04:
                chapter += 1
            eid = f"chp_{chapter}__para_{paragraph}"
            num, sep = str(paragraph), "."
            if rng.random() < 0.6:  # a point of the paragraph
                point = rng.randint(1, 30)
                eid, num, sep = f"{eid}__point_{point}", str(point), ")"
            valid_from: date = act_date
            if rng.random() < 0.15:  # an older wording, replaced later
                changed = act_date + timedelta(days=rng.randint(30, 2500))
                own, grams = self.own_words()
                docs.append(self._doc(common, eid, num, sep, own, grams, act_date, changed))
                valid_from = changed + timedelta(days=1)
            own, grams = self.own_words()
            body.append(own)
            docs.append(self._doc(common, eid, num, sep, own, grams, valid_from, None))
            if rng.random() < 0.02:  # an editorial note
                note = f"Ескерту. {own[:120]} ({act_date:%d.%m.%Y} № {number})"
                key = f"n:{eid}:0:{note}"
                doc = self._doc(common, eid, None, "", note, grams_text(note, "kk"), valid_from)
                docs.append(replace(doc, id=_doc_id(uri, key, valid_from), type="note"))
        head = " ".join(body[:5])
        docs.append(
            IndexDoc(
                id=_doc_id(uri, "act", act_date),
                type="act",
                eid=None,
                num=number,
                node_type="act",
                heading=None,
                text=title,
                valid_from=act_date,
                valid_to=None,
                terms=normalised_text(f"{title} {title} {head}", "kk"),
                grams=grams_text(title, "kk"),
                **(common | {"title": title}),
            )
        )
        return docs

    def _doc(
        self,
        common: Json,
        eid: str,
        num: str | None,
        sep: str,
        own: str,
        grams: str,
        valid_from: date,
        valid_to: date | None = None,
    ) -> IndexDoc:
        text = f"{num}{sep} {own}" if num else own
        return IndexDoc(
            id=_doc_id(common["frbr_uri"], f"p:{eid}", valid_from),
            type="provision",
            eid=eid,
            num=num,
            node_type="point" if sep == ")" else "paragraph",
            heading=None,
            text=text,
            valid_from=valid_from,
            valid_to=valid_to,
            terms=normalised_text(own, "kk"),
            grams=grams,
            **common,
        )

    def verify(self) -> int:
        """The grams put together from the lines' are those of the whole text; raises if not."""
        for text, grams in self.checked:
            if grams_text(text, "kk") != grams:
                raise AssertionError(f"grams of a recombined text differ: {text[:80]!r}")
        return len(self.checked)


def _doc_id(uri: str, key: str, valid_from: date) -> str:
    return hashlib.sha1(f"{uri}|kk|{key}|{valid_from.isoformat()}".encode()).hexdigest()


def corpus_figures(docs: Sequence[IndexDoc]) -> Json:
    kinds: dict[str, int] = {}
    for d in docs:
        kinds[d.type] = kinds.get(d.type, 0) + 1
    return {
        "documents": len(docs),
        "types": kinds,
        "acts": len({d.frbr_uri for d in docs}),
        "older_versions": sum(1 for d in docs if d.valid_to is not None),
        "drafts": sum(1 for d in docs if not d.public),
        "text_chars_median": statistics.median(len(d.text) for d in docs),
        "terms_chars_median": statistics.median(len(d.terms) for d in docs),
        "grams_chars_median": statistics.median(len(d.grams) for d in docs),
        "json_bytes_mean": statistics.fmean(
            len(json.dumps(to_index_doc(d), ensure_ascii=False).encode()) for d in docs[:2000]
        ),
    }


# --- the query mix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    label: str
    query: SearchQuery
    plan: Plan
    body: Json  # what ElasticBackend.search sends for it


def query_mix(rng: random.Random, lines: Sequence[str]) -> list[Query]:
    """The 16 dev queries, each plain and in five variations, and 24 phrases of the seed."""
    made: list[tuple[str, dict[str, str], bool]] = []
    for item in load_queries(DEV_QUERIES):
        base = {"q": item["q"], "lang": item.get("lang", "kk"), "size": "10"}
        at = date(2008, 1, 1) + timedelta(days=rng.randint(0, 6000))
        made += [
            ("dev", base, True),
            ("dev at=date", base | {"at": at.isoformat()}, True),
            ("dev status+from", base | {"status": "in_force", "from": "2012"}, True),
            ("dev page 2", base | {"page": "2"}, True),
            ("dev all types, size 20", base | {"type": "provision,note,act", "size": "20"}, True),
            ("dev issuer, no facets", base | {"issuer": rng.choice(ISSUERS)[0]}, False),
        ]
    for _ in range(24):
        words = _WORDS.findall(rng.choice(lines))
        start = rng.randrange(max(1, len(words) - 3))
        phrase = " ".join(words[start : start + rng.randint(1, 3)])
        if rng.random() < 0.2:
            phrase += f" {rng.randint(1, 600)}"
        made.append(("seed phrase", {"q": phrase, "lang": "kk", "size": "10"}, True))
    mix = []
    for label, args, facets in made:
        query = parse_query(args)
        if not facets:
            query = replace(query, facets=False)
        planned = plan(query)
        mix.append(Query(label, query, planned, elastic_module.search_body(query, planned)))
    return mix


# --- Elasticsearch --------------------------------------------------------------------------------


class Cluster:
    """The client, and every index and template this run makes (all deleted by ``close``)."""

    def __init__(self, url: str) -> None:
        from elasticsearch import Elasticsearch

        self.url = url
        # One client for ours and raw alike: a 120 s timeout for the bulk loads and refreshes.
        self.client = Elasticsearch(
            [u.strip() for u in url.split(",")],
            request_timeout=120,
            max_retries=1,
            retry_on_timeout=True,
        )
        self.base = f"bench-{uuid.uuid4().hex[:8]}"
        self.prefixes: list[str] = []

    def check(self) -> Json:
        health = self.client.options(request_timeout=5).cluster.health().body
        nodes = self.client.nodes.info(filter_path="nodes.*.version,nodes.*.jvm.mem").body
        node = next(iter(nodes["nodes"].values()))
        return {
            "status": health["status"],
            "version": node.get("version"),
            "heap_max_mb": node.get("jvm", {}).get("mem", {}).get("heap_max_in_bytes", 0) >> 20,
        }

    def backend(self, label: str) -> elastic_module.ElasticBackend:
        prefix = f"{self.base}-{label}"
        self.prefixes.append(prefix)
        return elastic_module.ElasticBackend(self.client, prefix=prefix)

    def raw_index(self, label: str) -> str:
        return f"{self.base}-raw-{label}"

    def drop(self, names: Sequence[str]) -> None:
        """Delete these indices, by name (never by pattern)."""
        present = [n for n in names if self.client.indices.exists(index=n)]
        if present:
            self.client.indices.delete(index=",".join(present))

    def settle(self, alias: str) -> Json:
        """Wait (untimed, at most 60 s) until no merge runs on the index; its segments and size."""
        deadline = time.monotonic() + 60
        while True:
            stats = self.client.indices.stats(index=alias, metric="merge,segments,store").body
            ((name, data),) = stats["indices"].items()
            primaries = data["primaries"]
            if primaries["merges"]["current"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        return {
            "index": name,
            "segments": primaries["segments"]["count"],
            "store_mb": primaries["store"]["size_in_bytes"] / 2**20,
        }

    def indices_of(self, prefix: str) -> list[str]:
        found = self.client.indices.get(index=f"{prefix}-*", expand_wildcards="all")
        return sorted(found.body)

    def close(self) -> None:
        try:
            names = self.indices_of(self.base)
            for i in range(0, len(names), 20):
                self.client.indices.delete(index=",".join(names[i : i + 20]))
            for prefix in self.prefixes:
                self.client.options(ignore_status=404).indices.delete_index_template(
                    name=template_name(prefix)
                )
            progress(f"deleted {len(names)} indices and {len(self.prefixes)} templates")
        finally:
            self.client.close()


# --- 1. bulk indexing -----------------------------------------------------------------------------


def raw_load(
    cluster: Cluster, index: str, actions: Iterator[Json], chunk: int = elastic_module.CHUNK
) -> int:
    """The floor: create the index with the same mapping and settings, stream_bulk, refresh."""
    from elasticsearch import helpers

    client = cluster.client
    loading = {"index": settings()["index"] | {"refresh_interval": "-1"}}
    client.indices.create(index=index, mappings=MAPPING, settings=loading)
    count = 0
    for ok, _item in helpers.streaming_bulk(client, actions, index=index, chunk_size=chunk):
        count += ok
    client.indices.put_settings(index=index, settings={"index": {"refresh_interval": None}})
    client.indices.refresh(index=index)
    return count


def bench_throughput(cluster: Cluster, docs: list[IndexDoc], runs: int) -> Json:
    """ours / raw (same IndexDocs) / raw (prepared dicts), interleaved, each on a fresh index."""
    prepared = [{"_id": d.id, "_source": to_index_doc(d)} for d in docs]
    ours = cluster.backend("tp")

    def run_ours(_n: int) -> int:
        return ours.rebuild(docs)

    def run_raw_same(n: int) -> int:
        actions = ({"_id": d.id, "_source": to_index_doc(d)} for d in docs)
        return raw_load(cluster, cluster.raw_index(f"same{n}"), actions)

    def run_raw_prepared(n: int) -> int:
        return raw_load(cluster, cluster.raw_index(f"prep{n}"), iter(prepared))

    kinds: dict[str, Callable[[int], int]] = {
        "ours": run_ours,
        "raw_same_input": run_raw_same,
        "raw_prepared": run_raw_prepared,
    }
    seconds: dict[str, list[float]] = {k: [] for k in kinds}
    names = list(kinds)
    for n in range(runs):
        order = names[n % len(names) :] + names[: n % len(names)]
        for kind in order:
            # Nothing of an earlier run left: each starts on an empty node (untimed).
            cluster.drop(
                cluster.indices_of(ours.prefix) + cluster.indices_of(f"{cluster.base}-raw")
            )
            progress(f"throughput run {n + 1}/{runs}: {kind}, {len(docs):,} documents")
            with no_gc():
                start = time.perf_counter_ns()
                count = kinds[kind](n)
                seconds[kind].append((time.perf_counter_ns() - start) / 1e9)
            if count != len(docs):
                raise RuntimeError(f"{kind} indexed {count} of {len(docs)} documents")
    cluster.drop(cluster.indices_of(ours.prefix) + cluster.indices_of(f"{cluster.base}-raw"))
    conversion = []
    with no_gc():
        for _ in range(3):
            start = time.perf_counter_ns()
            for d in docs:
                to_index_doc(d)
            conversion.append((time.perf_counter_ns() - start) / 1e9)
    result: Json = {"documents": len(docs), "runs": runs, "seconds": seconds}
    for kind, values in seconds.items():
        result[kind] = {
            "median_s": statistics.median(values),
            "min_s": min(values),
            "docs_per_s": len(docs) / statistics.median(values),
        }
    result["to_index_doc_alone"] = {
        "median_s": statistics.median(conversion),
        "docs_per_s": len(docs) / statistics.median(conversion),
    }
    result["ratio_ours_to_raw_same_input"] = (
        result["ours"]["docs_per_s"] / result["raw_same_input"]["docs_per_s"]
    )
    result["ratio_ours_to_raw_prepared"] = (
        result["ours"]["docs_per_s"] / result["raw_prepared"]["docs_per_s"]
    )
    return result


# --- 2./3. query latency --------------------------------------------------------------------------


class _NoHighlight:
    def __init__(self, _query: SearchQuery, _plan: Plan) -> None:
        pass

    def __call__(self, _text: str) -> str:
        return ""


Call = Callable[[Query], object]


def searching(backend: SearchBackend, module: Any) -> tuple[Call, Call]:
    """``backend.search(query, plan)``, and the same with the highlight switched off.

    Switching off replaces the ``Highlighter`` the backend's module makes for each search by one
    returning "" (two attribute assignments inside the timed call, well under a microsecond).
    """

    known = KnownTerms(backend.known_terms)

    def full(q: Query) -> object:
        return backend.search(q.query, plan(q.query, known))

    def plain(q: Query) -> object:
        module.Highlighter = _NoHighlight
        try:
            return backend.search(q.query, plan(q.query, known))
        finally:
            module.Highlighter = Highlighter

    return full, plain


def bodies_for(backend: SearchBackend, mix: Sequence[Query]) -> dict[int, Json]:
    """The request body ours sends for each query on this index (its plan depends on the stems
    the index holds), for the raw client to send as it is."""
    known = KnownTerms(backend.known_terms)
    return {id(q): elastic_module.search_body(q.query, plan(q.query, known)) for q in mix}


def raw_searching(cluster: Cluster, index: str, took: list[int], bodies: dict[int, Json]) -> Call:
    """``client.search`` of the same body, on the same alias; keeps the server's ``took``."""

    def raw(q: Query) -> object:
        response = cluster.client.search(index=index, body=bodies[id(q)])
        took.append(response.body["took"])
        return response

    return raw


def interleaved(
    conditions: dict[str, Call], mix: Sequence[Query], rounds: int, rng: random.Random
) -> dict[str, list[int]]:
    """Latencies (ns) of every condition over ``rounds`` shuffled passes of the mix.

    For each query the conditions run one after the other, starting with a different one each
    time, so drifts of the node (merges, other users) spread evenly over all of them.
    """
    samples: dict[str, list[int]] = {name: [] for name in conditions}
    names = list(conditions)
    with no_gc():
        for r in range(rounds):
            order = list(mix)
            rng.shuffle(order)
            for i, q in enumerate(order):
                k = (i + r) % len(names)
                for name in names[k:] + names[:k]:
                    call = conditions[name]
                    start = time.perf_counter_ns()
                    call(q)
                    samples[name].append(time.perf_counter_ns() - start)
    return samples


def python_costs(backend: SearchBackend, mix: Sequence[Query]) -> Json:
    """What ours does in Python around the request: plan(), search_body(), highlights."""
    plans, bodies, per_query, per_hit, hits_n, totals = [], [], [], [], [], []
    with no_gc():
        for _ in range(5):
            for q in mix:
                start = time.perf_counter_ns()
                plan(q.query)
                plans.append(time.perf_counter_ns() - start)
                start = time.perf_counter_ns()
                elastic_module.search_body(q.query, q.plan)
                bodies.append(time.perf_counter_ns() - start)
        for q in mix:
            found = backend.search(q.query, q.plan)
            totals.append(found.total)
            hits_n.append(len(found.hits))
            for _ in range(3):
                start = time.perf_counter_ns()
                mark = Highlighter(q.query, q.plan)
                for hit in found.hits:
                    mark(hit.text)
                spent = time.perf_counter_ns() - start
                per_query.append(spent)
                if found.hits:
                    per_hit.append(spent // len(found.hits))
    return {
        "plan": summary(plans),
        "search_body": summary(bodies),
        "highlight_per_query": summary(per_query),
        "highlight_per_hit_mean": summary(per_hit) if per_hit else None,
        "hits_per_query_mean": statistics.fmean(hits_n),
        "total_matches_median": statistics.median(totals),
        "total_matches_max": max(totals),
    }


def latency_figures(samples: dict[str, list[int]]) -> Json:
    return {name: summary(values) for name, values in samples.items()}


def ratio(figures: Json, a: str, b: str, key: str) -> float:
    return float(figures[a][key] / figures[b][key])


def bench_elastic_queries(
    cluster: Cluster, loaded: dict[int, Any], mix: Sequence[Query], rounds: int
) -> Json:
    conditions: dict[str, Call] = {}
    took: dict[int, list[int]] = {}
    for size, backend in loaded.items():
        full, plain = searching(backend, elastic_module)
        took[size] = []
        conditions[f"ours {size}"] = full
        conditions[f"ours, no highlight {size}"] = plain
        conditions[f"raw {size}"] = raw_searching(
            cluster, backend.alias, took[size], bodies_for(backend, mix)
        )
    rng = random.Random(SEED + 2)
    progress(f"elasticsearch: warm-up, {WARMUP_ROUNDS} pass of {len(mix)} queries")
    interleaved(conditions, mix, WARMUP_ROUNDS, rng)
    for values in took.values():
        values.clear()
    progress(
        f"elasticsearch: timing {rounds} passes of {len(mix)} queries x {len(conditions)} "
        "conditions"
    )
    figures = latency_figures(interleaved(conditions, mix, rounds, rng))
    result: Json = {"rounds": rounds, "queries": len(mix), "latency": figures, "sizes": {}}
    for size, backend in loaded.items():
        ours, bare, raw = f"ours {size}", f"ours, no highlight {size}", f"raw {size}"
        result["sizes"][str(size)] = {
            "ratio_p50_ours_to_raw": ratio(figures, ours, raw, "median_us"),
            "ratio_p95_ours_to_raw": ratio(figures, ours, raw, "p95_us"),
            "ratio_p50_no_highlight_to_raw": ratio(figures, bare, raw, "median_us"),
            "highlight_share_of_ours_p50": 1 - ratio(figures, bare, ours, "median_us"),
            "server_took_ms": summary([t * 1_000_000 for t in took[size]]),
            "python": python_costs(backend, mix),
        }
    small, large = min(loaded), max(loaded)
    result["scale"] = {
        f"ours_p95_{large}_to_{small}": ratio(figures, f"ours {large}", f"ours {small}", "p95_us"),
        f"ours_p50_{large}_to_{small}": ratio(
            figures, f"ours {large}", f"ours {small}", "median_us"
        ),
        f"raw_p95_{large}_to_{small}": ratio(figures, f"raw {large}", f"raw {small}", "p95_us"),
        f"raw_p50_{large}_to_{small}": ratio(figures, f"raw {large}", f"raw {small}", "median_us"),
    }
    return result


#: Request bodies derived from search_body, to see which part of it costs the server what.
VARIANTS = (
    "full body",
    "no aggs",
    "no aggs, no total",
    "no fuzzy should",
    "no trigram pairs",
    "no aggs/total, _score sort",
)


def body_variant(body: Json, name: str) -> Json:
    """``body`` without its aggregations, exact total, fuzzy clauses or trigram pairs."""
    varied = copy.deepcopy(body)
    if name in ("no aggs", "no aggs, no total", "no aggs/total, _score sort"):
        varied.pop("aggs", None)
    if name in ("no aggs, no total", "no aggs/total, _score sort"):
        varied["track_total_hits"] = False
    if name == "no aggs/total, _score sort":
        varied["sort"] = ["_score"]
    if name == "no fuzzy should":
        varied["query"]["bool"].pop("should", None)
    if name == "no trigram pairs":
        matching = varied["query"]["bool"]["must"][0]["bool"]
        stems = [c for c in matching["should"] if "match" in c]
        if stems:  # a query of numbers only has no trigram pairs anyway
            matching["should"] = stems
    return varied


def variant_searching(
    cluster: Cluster, index: str, bodies: dict[int, Json], totals: list[int]
) -> Call:
    def raw(q: Query) -> object:
        response = cluster.client.search(index=index, body=bodies[id(q)])
        if "total" in response.body["hits"]:
            totals.append(response.body["hits"]["total"]["value"])
        return response

    return raw


def bench_body_variants(
    cluster: Cluster, loaded: dict[int, Any], mix: Sequence[Query], rounds: int
) -> Json:
    """The raw client with the body varied: which part makes the server slower at scale."""
    conditions: dict[str, Call] = {}
    totals: dict[str, list[int]] = {}
    for size, backend in loaded.items():
        planned = bodies_for(backend, mix)
        for name in VARIANTS:
            bodies = {id(q): body_variant(planned[id(q)], name) for q in mix}
            totals[f"{name} {size}"] = []
            conditions[f"{name} {size}"] = variant_searching(
                cluster, backend.alias, bodies, totals[f"{name} {size}"]
            )
    progress(f"elasticsearch: {rounds} passes of {len(mix)} queries x {len(VARIANTS)} bodies")
    rng = random.Random(SEED + 5)
    figures = latency_figures(interleaved(conditions, mix, rounds, rng))
    small, large = min(loaded), max(loaded)
    return {
        "rounds": rounds,
        "latency": figures,
        "p95_ratio": {
            name: ratio(figures, f"{name} {large}", f"{name} {small}", "p95_us")
            for name in VARIANTS
        },
        "matches_median": {
            name: statistics.median(values) if values else None for name, values in totals.items()
        },
    }


# --- 4. FTS5, for information ---------------------------------------------------------------------


def bench_fts(
    docs: dict[int, list[IndexDoc]], throughput_docs: list[IndexDoc], mix: Sequence[Query]
) -> Json:
    from search import fts as fts_module

    folder = Path(tempfile.mkdtemp(prefix="kense-bench-search-"))
    try:
        runs = []
        for n in range(THROUGHPUT_RUNS):
            progress(f"fts5: rebuild of {len(throughput_docs):,} documents, run {n + 1}")
            backend = FtsBackend(folder / "throughput.db")
            with no_gc():
                start = time.perf_counter_ns()
                backend.rebuild(throughput_docs)
                runs.append((time.perf_counter_ns() - start) / 1e9)
            backend.close()
            (folder / "throughput.db").unlink()
        result: Json = {
            "throughput": {
                "documents": len(throughput_docs),
                "seconds": runs,
                "docs_per_s": len(throughput_docs) / statistics.median(runs),
            },
            "load": {},
        }
        loaded: dict[int, FtsBackend] = {}
        for size, items in docs.items():
            progress(f"fts5: rebuild of {size:,} documents")
            backend = FtsBackend(folder / f"search-{size}.db")
            start = time.perf_counter_ns()
            backend.rebuild(items)
            seconds = (time.perf_counter_ns() - start) / 1e9
            result["load"][str(size)] = {"seconds": seconds, "docs_per_s": size / seconds}
            loaded[size] = backend
        conditions: dict[str, Call] = {}
        for size, backend in loaded.items():
            conditions[f"fts5 {size}"] = searching(backend, fts_module)[0]
        rng = random.Random(SEED + 3)
        subset = mix[::FTS_EVERY]
        progress(f"fts5: warm-up, then {FTS_ROUNDS} pass of {len(subset)} queries")
        interleaved(conditions, subset[::6], 1, rng)
        figures = latency_figures(interleaved(conditions, subset, FTS_ROUNDS, rng))
        small, large = min(loaded), max(loaded)
        result["rounds"] = FTS_ROUNDS
        result["queries"] = len(subset)
        result["latency"] = figures
        result["scale"] = {
            f"p95_{large}_to_{small}": ratio(figures, f"fts5 {large}", f"fts5 {small}", "p95_us"),
            f"p50_{large}_to_{small}": ratio(
                figures, f"fts5 {large}", f"fts5 {small}", "median_us"
            ),
        }
        for backend in loaded.values():
            backend.close()
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the report -----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_report(results: Json) -> None:
    env, es, corpus = results["environment"], results["elasticsearch"], results["corpus"]
    out: list[str] = []
    out.append(
        f"Kense search benchmark  {env['when']}  commit {env['commit']}  Python {env['python']}  "
        f"{env['cpus']} CPUs  ({env['elapsed_s']:.0f} s)"
    )
    out.append(
        f"Elasticsearch {es['version']} at {es['url']} (heap {es['heap_max_mb']} MB, "
        f"{es['status']}), one shard, no replica"
    )
    small_n, large_n = results["sizes"]
    c = corpus[str(large_n)]
    out.append(
        f"corpus: synthetic kk provisions from {corpus['seed_lines']} seed lines, new numbers "
        f"and dates; {c['documents']:,} docs = {c['acts']:,} acts, "
        + ", ".join(f"{n:,} {t}" for t, n in sorted(c["types"].items()))
        + f"; {c['older_versions']:,} older versions, {c['drafts']:,} drafts; median text "
        f"{c['text_chars_median']:.0f} chars, terms {c['terms_chars_median']:.0f}, grams "
        f"{c['grams_chars_median']:.0f}; {c['json_bytes_mean']:.0f} B of JSON per doc"
    )
    out.append(
        f"        built in {corpus['build_s']:.1f} s (terms: normalised_text of every document; "
        f"grams: grams_text of the seed lines, checked equal on {corpus['grams_checked']} texts)"
    )

    tp = results["throughput"]
    out.append("")
    out.append(
        f"1. Bulk indexing: {tp['documents']:,} documents, {tp['runs']} runs of each, "
        "interleaved, each into a fresh index (median run)"
    )
    head = f"   {'what':<66}{'median s':>9}{'min s':>8}{'docs/s':>9}"
    out.append(head)
    out.append("   " + "-" * (len(head) - 3))
    rows = (
        ("ours: ElasticBackend.rebuild(IndexDocs)", tp["ours"]),
        ("raw: create + streaming_bulk(to_index_doc(d) for d) + refresh", tp["raw_same_input"]),
        ("raw: create + streaming_bulk(prepared dicts) + refresh", tp["raw_prepared"]),
    )
    for what, r in rows:
        out.append(f"   {what:<66}{r['median_s']:>9.2f}{r['min_s']:>8.2f}{r['docs_per_s']:>9,.0f}")
    conv = tp["to_index_doc_alone"]
    out.append(
        f"   {'to_index_doc alone (asdict + sha256 digest), no I/O':<66}"
        f"{conv['median_s']:>9.2f}{'':>8}{conv['docs_per_s']:>9,.0f}"
    )
    same = tp["ratio_ours_to_raw_same_input"]
    out.append(
        f"   ratio ours/raw throughput, same input: {same:.2f} (goal >= {GOAL_THROUGHPUT}: "
        f"{verdict(same >= GOAL_THROUGHPUT)}); against prepared dicts: "
        f"{tp['ratio_ours_to_raw_prepared']:.2f}"
    )
    for size, load in results["load"].items():
        out.append(
            f"   (the {int(size):,}-document index for 2./3.: rebuild {load['seconds']:.1f} s, "
            f"{load['docs_per_s']:,.0f} docs/s; {load['segments']} segments, "
            f"{load['store_mb']:.0f} MB, no merge running when timed)"
        )

    q = results["queries"]
    out.append("")
    out.append(
        f"2. Query latency: ElasticBackend.search(query, plan) vs client.search(index=alias, "
        f"body=search_body(query, plan)); {q['queries']} queries x {q['rounds']} passes"
    )
    out.append(
        "   mix: the 16 dev queries plain, at a date, status+year, page 2, all types size 20, "
        "issuer without facets; 24 seed phrases"
    )
    head = f"   {'docs':>8}  {'what':<26}{'p50 ms':>8}{'p95 ms':>8}{'mean ms':>9}{'min ms':>8}"
    out.append(head)
    out.append("   " + "-" * (len(head) - 3))
    for size in (small_n, large_n):
        for what in ("ours", "ours, no highlight", "raw"):
            s = q["latency"][f"{what} {size}"]
            out.append(
                f"   {size:>8,}  {what:<26}{s['median_us'] / 1000:>8.2f}{s['p95_us'] / 1000:>8.2f}"
                f"{s['mean_us'] / 1000:>9.2f}{s['min_us'] / 1000:>8.2f}"
            )
    for size in (small_n, large_n):
        r = q["sizes"][str(size)]
        py = r["python"]
        hl = py["highlight_per_query"]["median_us"]
        p50 = r["ratio_p50_ours_to_raw"]
        out.append(
            f"   {size:>8,}: ratio ours/raw p50 {p50:.2f} (goal <= {GOAL_P50}: "
            f"{verdict(p50 <= GOAL_P50)}), p95 {r['ratio_p95_ours_to_raw']:.2f}; without "
            f"highlight p50 {r['ratio_p50_no_highlight_to_raw']:.2f}"
        )
        out.append(
            f"   {'':>8}  highlight {hl / 1000:.2f} ms per query ({py['hits_per_query_mean']:.1f} "
            f"hits, {r['highlight_share_of_ours_p50']:.0%} of ours p50); plan() "
            f"{py['plan']['median_us']:.0f} µs, search_body() {py['search_body']['median_us']:.0f}"
            f" µs; server took p50 {r['server_took_ms']['median_us'] / 1000:.1f} ms; matches "
            f"median {py['total_matches_median']:,.0f}"
        )

    s = q["scale"]
    large_small = f"{large_n}_to_{small_n}"
    scale = s[f"ours_p95_{large_small}"]
    out.append("")
    out.append(f"3. Scale: the same mix on {large_n:,} documents vs {small_n:,} (two indices)")
    out.append(
        f"   ours p95 ratio {scale:.2f} (goal <= {GOAL_SCALE}: {verdict(scale <= GOAL_SCALE)}), "
        f"p50 {s[f'ours_p50_{large_small}']:.2f}; raw client p95 {s[f'raw_p95_{large_small}']:.2f},"
        f" p50 {s[f'raw_p50_{large_small}']:.2f}"
    )

    v = results["variants"]
    out.append(
        f"   where the server's time goes: client.search of search_body variants, "
        f"{v['rounds']} passes of the mix"
    )
    head = (
        f"   {'body':<30}{f'{small_n:,} p50':>11}{'p95':>7}{f'{large_n:,} p50':>13}{'p95':>7}"
        f"{'p95 ratio':>11}{f'matches {large_n:,}':>17}"
    )
    out.append(head)
    out.append("   " + "-" * (len(head) - 3))
    for name in VARIANTS:
        a, b = v["latency"][f"{name} {small_n}"], v["latency"][f"{name} {large_n}"]
        found = v["matches_median"][f"{name} {large_n}"]
        matches = "-" if found is None else f"{found:,.0f}"
        out.append(
            f"   {name:<30}{a['median_us'] / 1000:>11.2f}{a['p95_us'] / 1000:>7.2f}"
            f"{b['median_us'] / 1000:>13.2f}{b['p95_us'] / 1000:>7.2f}{v['p95_ratio'][name]:>11.2f}"
            f"{matches:>17}"
        )

    fts = results.get("fts")
    if fts:
        out.append("")
        out.append("4. SQLite FTS5 backend, for information (same documents, same mix)")
        t = fts["throughput"]
        loads = ", ".join(
            f"{int(k):,} docs {v['seconds']:.1f} s ({v['docs_per_s']:,.0f}/s)"
            for k, v in fts["load"].items()
        )
        out.append(
            f"   FtsBackend.rebuild: {t['documents']:,} docs {t['docs_per_s']:,.0f} docs/s "
            f"(median of {len(t['seconds'])}); {loads}"
        )
        head = f"   {'docs':>8}  {'what':<26}{'p50 ms':>8}{'p95 ms':>8}{'mean ms':>9}{'min ms':>8}"
        out.append(head)
        out.append("   " + "-" * (len(head) - 3))
        for size in (small_n, large_n):
            r = fts["latency"][f"fts5 {size}"]
            out.append(
                f"   {size:>8,}  {'FtsBackend.search':<26}{r['median_us'] / 1000:>8.2f}"
                f"{r['p95_us'] / 1000:>8.2f}{r['mean_us'] / 1000:>9.2f}{r['min_us'] / 1000:>8.2f}"
            )
        out.append(
            f"   p95 ratio {fts['scale'][f'p95_{large_small}']:.2f}, p50 ratio "
            f"{fts['scale'][f'p50_{large_small}']:.2f} ({fts['rounds']} pass of every "
            f"{FTS_EVERY}nd query of the mix: {fts['queries']} queries)"
        )
    print("\n".join(out), flush=True)


# --- main -----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--no-fts", action="store_true", help="skip the FTS5 figures")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"passes (default {ROUNDS})")
    parser.add_argument(
        "--large", type=int, default=LARGE, help=f"documents of the large index (default {LARGE})"
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"default {RESULTS}")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    url = os.environ.get("KENSE_TEST_SEARCH_URL") or DEFAULT_URL
    cluster = Cluster(url)
    try:
        node = cluster.check()
    except Exception as exc:
        print(
            f"Elasticsearch at {url} is not reachable ({type(exc).__name__}: {exc}).\n"
            "Start it with `bash scripts/elasticsearch.sh start`, or point "
            "KENSE_TEST_SEARCH_URL at a node.",
            file=sys.stderr,
        )
        cluster.client.close()
        return 2

    sizes = (SMALL, args.large)
    progress(f"building {args.large:,} synthetic documents")
    start = time.perf_counter()
    corpus = Corpus(random.Random(SEED))
    large = corpus.documents(args.large)
    small = Corpus(random.Random(SEED + 1)).documents(SMALL)
    build_s = time.perf_counter() - start
    checked = corpus.verify()
    mix = query_mix(random.Random(SEED + 4), corpus.lines)
    results: Json = {
        "elasticsearch": node | {"url": url},
        "corpus": {
            "seed_lines": len(corpus.lines),
            "build_s": build_s,
            "grams_checked": checked,
            str(SMALL): corpus_figures(small),
            str(args.large): corpus_figures(large),
        },
        "sizes": sizes,
        "load": {},
    }
    try:
        results["throughput"] = bench_throughput(cluster, large[:THROUGHPUT_DOCS], THROUGHPUT_RUNS)
        loaded = {}
        for size, docs in zip(sizes, (small, large), strict=True):
            backend = cluster.backend(f"q{size}")
            progress(f"elasticsearch: loading {size:,} documents for the queries")
            start = time.perf_counter()
            backend.rebuild(docs)
            seconds = time.perf_counter() - start
            results["load"][str(size)] = {"seconds": seconds, "docs_per_s": size / seconds}
            loaded[size] = backend
        for size, backend in loaded.items():
            results["load"][str(size)] |= cluster.settle(backend.alias)
        results["queries"] = bench_elastic_queries(cluster, loaded, mix, args.rounds)
        results["variants"] = bench_body_variants(cluster, loaded, mix, VARIANT_ROUNDS)
    finally:
        cluster.close()
    if not args.no_fts:
        results["fts"] = bench_fts(
            dict(zip(sizes, (small, large), strict=True)), large[:THROUGHPUT_DOCS], mix
        )

    results["mix"] = [{"label": q.label, "q": q.query.text} for q in mix]
    results["environment"] = environment(began)
    print_report(results)
    write_results(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
