"""Relevance on the development queries, on each backend (goal: success@3 ≥ 0.95, MRR@10 ≥ 0.9)."""

from __future__ import annotations

from pathlib import Path

from search.quality import evaluate, load_queries
from search.service import Search

QUERIES = load_queries(Path(__file__).with_name("search-dev.json"))


def test_development_queries_reach_the_goal(search: Search) -> None:
    quality = evaluate(search, QUERIES)
    print(f"\n{search.backend.name}\n{quality.table()}")
    assert quality.success_at_3 >= 0.95, quality.table()
    assert quality.mrr_at_10 >= 0.9, quality.table()
