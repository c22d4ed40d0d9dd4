"""Properties of the registry over generated amendments (hypothesis, real SQLite)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.diff import apply_diff, diff_trees
from registry.service import Registry
from tests.conftest import open_registry
from tests.factories import amendment, insert_after, repeal, small_act, substitute

URI = "/akn/kz-kus/act/resolution/2020-01-10/100"
POINTS = [f"chp_1__para_{p}__point_{q}" for p in range(1, 5) for q in range(1, 4)]
START = date(2020, 1, 10)


@st.composite
def non_conflicting(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Amendments with distinct target points, on dates that may coincide."""
    targets = draw(st.lists(st.sampled_from(POINTS), min_size=1, max_size=6, unique=True))
    result = []
    for i, eid in enumerate(targets):
        kind = draw(st.sampled_from(["substitute", "insert_after", "repeal"]))
        effective = START + timedelta(days=draw(st.integers(1, 400)))
        if kind == "substitute":
            op = substitute(eid, f"жаңа редакция {i} / {eid}")
        elif kind == "insert_after":
            op = insert_after(eid, eid.rsplit("_", 1)[1] + "-1", f"қосылған {i}")
        else:
            op = repeal(eid)
        result.append(amendment(op, number=str(200 + i), effective=effective.isoformat()))
    return result


def _enter_all(items: list[dict[str, Any]], folder: str) -> Registry:
    registry = open_registry(f"sqlite:///{folder}/kense.db", Path(folder) / "data")
    registry.store_parsed(small_act(paragraphs=4), None)
    for item in items:
        registry.amend(URI, item)
    return registry


def _snapshot(registry: Registry, day: date) -> tuple[dict[str, object], list[tuple[str, str]]]:
    view = registry.act_at(URI, "kk", day)
    return view.root.to_dict(), [(n.eid, n.text) for n in view.notes]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=non_conflicting(), data=st.data())
def test_text_at_every_date_is_independent_of_entry_order(
    items: list[dict[str, Any]], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(items))
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        first, second = _enter_all(items, one), _enter_all(list(order), two)
        try:
            dates = {date.fromisoformat(i["effective"]["date"]) for i in items}
            for day in sorted(dates | {d - timedelta(days=1) for d in dates} | {START}):
                assert _snapshot(first, day) == _snapshot(second, day)
        finally:
            first.close()
            second.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=non_conflicting())
def test_diff_between_dates_applied_to_the_earlier_gives_the_later(
    items: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        registry = _enter_all(items, folder)
        try:
            last = max(date.fromisoformat(i["effective"]["date"]) for i in items)
            before = registry.act_at(URI, "kk", START).root
            after = registry.act_at(URI, "kk", last).root
            assert apply_diff(before, diff_trees(before, after)).to_dict() == after.to_dict()
            changes = registry.diff(URI, "kk", START, last)["changes"]
            touched = {i["operations"][0]["eid"] for i in items}
            assert touched <= {c["eid"] for c in changes} | {
                c["eid"].rsplit("-", 1)[0] for c in changes
            }
        finally:
            registry.close()
