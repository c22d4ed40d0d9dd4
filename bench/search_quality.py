"""Relevance of search on the development queries, per backend, against a naive full-text index.

    python -m bench.search_quality          (--help lists the options)

The bundled seed is loaded into a temporary SQLite registry and indexed with each backend through
``search.service.Search.reindex``: SQLite FTS5 always, Elasticsearch too when it answers at
KENSE_TEST_SEARCH_URL (default http://127.0.0.1:9200; its index and template are named
``bench-<random>-search...`` and deleted at the end). ``search.quality.evaluate`` runs the
queries of tests/search/search-dev.json: a hit is relevant when its text contains one of the
expected substrings; success@3 and MRR@10 (goals >= 0.95 and >= 0.9, as in
tests/search/test_quality.py).

The naive baseline: a plain FTS5 table (default ``unicode61`` tokenizer: case folding, no stems)
of the seed's non-empty lines with the markdown stripped, each query's words OR-ed, ranked by
bm25 (top 10): what full-text search gives with no analysis of Kazakh at all.

The table goes to stdout, progress to stderr, every figure to bench/results/search_quality.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from bench.registry import git_commit, progress, write_results
from registry.config import RegistryConfig
from registry.service import Registry
from search.config import SearchConfig
from search.fts import FtsBackend
from search.mapping import template_name
from search.quality import Quality, QueryOutcome, evaluate, load_queries
from search.service import Search, make_backend

DEV_QUERIES = Path(__file__).resolve().parent.parent / "tests" / "search" / "search-dev.json"
RESULTS = Path(__file__).resolve().parent / "results" / "search_quality.json"
SEED_TEXT = "kostanay-514-2021-ereje.kk.md"
DEFAULT_URL = "http://127.0.0.1:9200"
GOAL_SUCCESS, GOAL_MRR = 0.95, 0.9
TOP = 10

Json = dict[str, Any]


# --- the naive baseline ---------------------------------------------------------------------------

_MARKUP = re.compile(r"\*+|^#+\s*|^-\s+")
_WORD = re.compile(r"\w+")


def seed_lines() -> list[str]:
    """The seed's non-empty lines, markdown (bold, italics, headings, list dashes) removed."""
    source = resources.files("registry").joinpath("seed", SEED_TEXT).read_text("utf-8")
    lines = (_MARKUP.sub("", raw.strip()).strip() for raw in source.splitlines())
    return [line for line in lines if line]


def naive_quality(queries: list[Json]) -> tuple[Quality, int]:
    """Plain FTS5 over the seed's lines, the raw words OR-ed, bm25 order: rank of the first hit."""
    lines = seed_lines()
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE naive USING fts5(line)")
        conn.executemany("INSERT INTO naive (line) VALUES (?)", [(line,) for line in lines])
        outcomes = []
        for item in queries:
            words = _WORD.findall(item["q"])
            match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
            rows = conn.execute(
                "SELECT line FROM naive WHERE naive MATCH ? ORDER BY bm25(naive) LIMIT ?",
                (match, TOP),
            ).fetchall()
            rank = next(
                (i for i, (line,) in enumerate(rows, 1) if any(e in line for e in item["expect"])),
                None,
            )
            outcomes.append(QueryOutcome(item["q"], rank))
    finally:
        conn.close()
    return Quality(outcomes), len(lines)


# --- the backends ---------------------------------------------------------------------------------


def open_seeded(folder: Path) -> Registry:
    """The seed in a fresh, migrated SQLite registry (as tests/conftest.open_registry)."""
    registry = Registry.open(RegistryConfig(database_url=f"sqlite:///{folder}/kense.db"))
    registry.migrate()
    registry.load_seed()
    return registry


def measure(registry: Registry, search: Search, queries: list[Json]) -> tuple[Quality, Json]:
    start = time.perf_counter()
    count = search.reindex()
    reindex_s = time.perf_counter() - start
    start = time.perf_counter()
    quality = evaluate(search, queries)
    evaluate_s = time.perf_counter() - start
    return quality, {"documents": count, "reindex_s": reindex_s, "evaluate_s": evaluate_s}


def elastic_quality(
    registry: Registry, queries: list[Json], url: str
) -> tuple[Quality | None, Json]:
    """Elasticsearch under a prefix of its own, deleted afterwards; None if it does not answer."""
    from elasticsearch import Elasticsearch

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    backend = make_backend(SearchConfig(url=url, index_prefix=prefix, timeout=30.0))
    info: Json = {"url": url, "prefix": prefix}
    try:
        health = backend.health()
        if health.get("cluster") not in ("green", "yellow"):
            info["skipped"] = f"not reachable: {health.get('error') or health}"
            return None, info
        quality, figures = measure(registry, Search(registry, backend), queries)
        return quality, info | figures
    finally:
        backend.close()
        client = Elasticsearch(url, request_timeout=30)
        try:
            # Only when the node answers: list this run's indices, delete them by name.
            if "skipped" not in info:
                names = sorted(client.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
                if names:
                    client.indices.delete(index=",".join(names))
                client.options(ignore_status=404).indices.delete_index_template(
                    name=template_name(prefix)
                )
                progress(f"elasticsearch: deleted {len(names)} indices and the template")
        finally:
            client.close()


# --- the report -----------------------------------------------------------------------------------


def print_report(results: Json, qualities: dict[str, Quality]) -> None:
    env = results["environment"]
    out = [
        f"Kense search quality  {env['when']}  commit {env['commit']}  Python {env['python']}  "
        f"({env['elapsed_s']:.0f} s)",
        f"{len(results['queries'])} development queries ({DEV_QUERIES.name}) over the seed "
        f"{SEED_TEXT}; rank = 1-based rank of the first relevant hit in the top {TOP} (- = none)",
    ]
    for name, info in results["backends"].items():
        if "skipped" in info:
            out.append(f"  {name}: skipped ({info['skipped']})")
        elif name != "naive":
            out.append(
                f"  {name}: {info['documents']} documents, reindex {info['reindex_s']:.2f} s, "
                f"16 queries {info['evaluate_s'] * 1000:.0f} ms"
            )
        else:
            out.append(
                f"  naive: plain FTS5 (unicode61) of {info['lines']} seed lines, words OR-ed, bm25"
            )
    names = list(qualities)
    out.append("")
    head = "".join(f"{n:>15}" for n in names) + "  query"
    out.append(head)
    out.append("-" * (len(head) + 40))
    for i, item in enumerate(results["queries"]):
        ranks = "".join(f"{qualities[n].outcomes[i].rank or '-':>15}" for n in names)
        out.append(f"{ranks}  {item['q']}")
    out.append("-" * (len(head) + 40))
    out.append("".join(f"{q.success_at_3:>15.3f}" for q in qualities.values()) + "  success@3")
    out.append("".join(f"{q.mrr_at_10:>15.3f}" for q in qualities.values()) + "  MRR@10")
    naive = qualities["naive"]
    out.append("")
    for name, quality in qualities.items():
        if name == "naive":
            continue
        ok = quality.success_at_3 >= GOAL_SUCCESS and quality.mrr_at_10 >= GOAL_MRR
        out.append(
            f"{name}: success@3 {quality.success_at_3:.3f}, MRR@10 {quality.mrr_at_10:.3f} "
            f"(goals >= {GOAL_SUCCESS} / >= {GOAL_MRR}: {'ok' if ok else 'MISSED'}); "
            f"ratio to naive: success@3 {quality.success_at_3 / naive.success_at_3:.2f}x, "
            f"MRR@10 {quality.mrr_at_10 / naive.mrr_at_10:.2f}x"
        )
    out.append(
        f"naive: success@3 {naive.success_at_3:.3f}, MRR@10 {naive.mrr_at_10:.3f} "
        "(the issue's figure for such an index: about 0.62 success@3)"
    )
    print("\n".join(out), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_quality", description=__doc__)
    parser.add_argument("--no-elastic", action="store_true", help="FTS5 and the naive index only")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"default {RESULTS}")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    queries = load_queries(DEV_QUERIES)
    qualities: dict[str, Quality] = {}
    backends: dict[str, Json] = {}
    folder = Path(tempfile.mkdtemp(prefix="kense-bench-quality-"))
    try:
        progress("loading the seed into a temporary SQLite registry")
        registry = open_seeded(folder)
        try:
            progress("fts5: reindex and evaluate")
            fts = FtsBackend(folder / "search.db")
            try:
                qualities["fts5"], backends["fts5"] = measure(
                    registry, Search(registry, fts), queries
                )
            finally:
                fts.close()
            if args.no_elastic:
                backends["elasticsearch"] = {"skipped": "--no-elastic"}
            else:
                url = os.environ.get("KENSE_TEST_SEARCH_URL") or DEFAULT_URL
                progress(f"elasticsearch at {url}: reindex and evaluate")
                quality, backends["elasticsearch"] = elastic_quality(registry, queries, url)
                if quality is not None:
                    qualities["elasticsearch"] = quality
                else:
                    progress(f"elasticsearch: {backends['elasticsearch']['skipped']}")
        finally:
            registry.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    progress("naive: plain FTS5 over the seed's lines")
    qualities["naive"], lines = naive_quality(queries)
    backends["naive"] = {"lines": lines}

    results: Json = {
        "queries": [{"q": q["q"], "lang": q.get("lang", "kk")} for q in queries],
        "backends": backends,
        "quality": {
            name: {
                "success_at_3": q.success_at_3,
                "mrr_at_10": q.mrr_at_10,
                "ranks": [o.rank for o in q.outcomes],
            }
            for name, q in qualities.items()
        },
        "environment": {
            "when": time.strftime("%Y-%m-%d %H:%M"),
            "commit": git_commit(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "elapsed_s": time.perf_counter() - began,
        },
    }
    naive = qualities["naive"]
    results["ratio_to_naive"] = {
        name: {
            "success_at_3": q.success_at_3 / naive.success_at_3 if naive.success_at_3 else None,
            "mrr_at_10": q.mrr_at_10 / naive.mrr_at_10 if naive.mrr_at_10 else None,
        }
        for name, q in qualities.items()
        if name != "naive"
    }
    print_report(results, qualities)
    write_results(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
