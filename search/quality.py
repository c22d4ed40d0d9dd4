"""Relevance measured on development queries: success@3 and MRR@10 (used by tests and bench)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.query import parse_query
from search.service import Search


@dataclass(frozen=True)
class QueryOutcome:
    query: str
    rank: int | None  # 1-based rank of the first relevant hit within the top 10


@dataclass(frozen=True)
class Quality:
    outcomes: list[QueryOutcome]

    @property
    def success_at_3(self) -> float:
        return sum(1 for o in self.outcomes if o.rank and o.rank <= 3) / len(self.outcomes)

    @property
    def mrr_at_10(self) -> float:
        return sum(1 / o.rank for o in self.outcomes if o.rank) / len(self.outcomes)

    def table(self) -> str:
        rows = [f"{o.rank or '-':>4}  {o.query}" for o in self.outcomes]
        summary = f"success@3 {self.success_at_3:.3f}  MRR@10 {self.mrr_at_10:.3f}"
        return "\n".join(["rank  query", *rows, summary])


def load_queries(path: Path) -> list[dict[str, Any]]:
    queries: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["queries"]
    return queries


def evaluate(search: Search, queries: list[dict[str, Any]]) -> Quality:
    outcomes = []
    for item in queries:
        query = parse_query({"q": item["q"], "lang": item.get("lang", "kk"), "size": "10"})
        hits = search.search(query).hits
        rank = next(
            (i for i, hit in enumerate(hits, 1) if any(e in hit.text for e in item["expect"])),
            None,
        )
        outcomes.append(QueryOutcome(item["q"], rank))
    return Quality(outcomes)
