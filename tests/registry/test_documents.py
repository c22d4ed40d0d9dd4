"""Document records: drafting, gap-free numbering across threads, voiding, corrections."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from registry import documents as records
from registry.errors import Conflict, Invalid, NotFound
from registry.service import Registry
from tests.factories import new_document, small_act

DAY = date(2026, 11, 25)


@pytest.fixture
def reg(registry: Registry) -> Registry:
    """The shared ``registry`` fixture (both backends), under a short name."""
    return registry


def draft(reg: Registry, *, series: str = "order", numbered: bool = True, **extra: Any) -> str:
    new = new_document(
        series=series,
        numbered=numbered,
        data={"kk": {"subject": "Тексеру"}},
        files=[records.GeneratedFile("kk", "docx", "application/x-test", b"draft body")],
        **extra,
    )
    return str(reg.create_document(new, "tester")["id"])


def numbered_files(number: str | None, day: date | None) -> list[records.GeneratedFile]:
    body = f"№ {number} {day.isoformat() if day else '—'}".encode()
    return [records.GeneratedFile("kk", "pdf", "application/pdf", body)]


def test_a_draft_has_no_number_and_keeps_its_files(reg: Registry) -> None:
    doc = reg.document(draft(reg))
    assert (doc["status"], doc["number"], doc["date"]) == ("draft", None, None)
    assert [(f["stage"], f["lang"], f["format"]) for f in doc["files"]] == [("draft", "kk", "docx")]
    body, media = reg.document_file(doc["id"], "draft", "kk", "docx")
    assert (body, media) == (b"draft body", "application/x-test")
    assert doc["data"] == {"kk": {"subject": "Тексеру"}}


def test_finalising_numbers_consecutively_per_series_and_year(reg: Registry) -> None:
    first = reg.finalise_document(draft(reg), numbered_files, "tester", DAY)
    second = reg.finalise_document(draft(reg), numbered_files, "tester", DAY)
    other = reg.finalise_document(draft(reg, series="permit"), numbered_files, "tester", DAY)
    next_year = reg.finalise_document(draft(reg), numbered_files, "tester", date(2027, 1, 1))
    assert [first["number"], second["number"], other["number"], next_year["number"]] == [
        "1",
        "2",
        "1",
        "1",
    ]
    assert first["status"] == "final" and first["date"] == DAY.isoformat()
    body, _ = reg.document_file(second["id"], "final", "kk", "pdf")
    assert body == b"\xe2\x84\x96 2 2026-11-25"


def test_a_failing_production_writes_nothing_and_uses_no_number(reg: Registry) -> None:
    doc = draft(reg)

    def broken(number: str | None, day: date | None) -> list[records.GeneratedFile]:
        raise RuntimeError("LibreOffice crashed")

    with pytest.raises(RuntimeError):
        reg.finalise_document(doc, broken, "tester", DAY)
    assert reg.document(doc)["status"] == "draft"
    assert reg.finalise_document(doc, numbered_files, "tester", DAY)["number"] == "1"


def test_parallel_finalisations_get_distinct_consecutive_numbers(reg: Registry) -> None:
    ids = [draft(reg) for _ in range(50)]
    barrier = threading.Barrier(len(ids))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def finalise(public_id: str) -> None:
        barrier.wait()
        try:
            numbers.append(reg.finalise_document(public_id, numbered_files, "t", DAY)["number"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=finalise, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(int(n) for n in numbers) == list(range(1, 51))


def test_the_same_draft_finalised_twice_at_once_gets_one_number(reg: Registry) -> None:
    doc = draft(reg)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def finalise() -> None:
        barrier.wait()
        try:
            reg.finalise_document(doc, numbered_files, "t", DAY)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=finalise) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert reg.document(doc)["number"] == "1"


def test_a_voided_number_is_never_reused(reg: Registry) -> None:
    first = reg.finalise_document(draft(reg), numbered_files, "t", DAY)
    voided = reg.void_document(first["id"], "қате толтырылған", "t", DAY)
    assert voided["status"] == "void" and voided["number"] == "1"
    again = reg.finalise_document(draft(reg), numbered_files, "t", DAY)
    assert again["number"] == "2"
    with pytest.raises(Conflict, match="void"):
        reg.finalise_document(first["id"], numbered_files, "t", DAY)
    with pytest.raises(Invalid) as refused:
        reg.void_document(again["id"], "   ", "t", DAY)
    assert refused.value.fields == {"reason": "required"}


def test_a_correction_is_a_new_document_referring_to_the_old(reg: Registry) -> None:
    old = reg.finalise_document(draft(reg), numbered_files, "t", DAY)
    new = draft(reg, corrects=old["id"])
    assert reg.document(new)["corrects"] == old["id"]
    assert reg.document(old["id"])["corrected_by"] == [new]
    assert reg.document(old["id"])["status"] == "final"
    with pytest.raises(NotFound) as missing:
        draft(reg, corrects="0000000000000000")
    assert missing.value.fields == {"corrects": "no such document"}


def test_unnumbered_documents_record_the_number_another_body_gives(reg: Registry) -> None:
    doc = draft(reg, series="resolution-approval", numbered=False)
    final = reg.finalise_document(doc, numbered_files, "t", DAY)
    assert (final["status"], final["number"]) == ("final", None)
    adopted = reg.adopt_document(doc, "514", date(2026, 11, 27), "t")
    assert (adopted["status"], adopted["number"], adopted["date"]) == (
        "adopted",
        "514",
        "2026-11-27",
    )
    with pytest.raises(Invalid) as numbered_here:
        reg.adopt_document(
            reg.finalise_document(draft(reg), numbered_files, "t", DAY)["id"], "9", DAY, "t"
        )
    assert "number" in numbered_here.value.fields


def test_cited_acts_must_be_in_the_registry(reg: Registry) -> None:
    uri = reg.store_parsed(small_act(), None).uri.work
    doc = reg.document(draft(reg, cites=[uri, uri]))
    assert doc["cites"] == [uri]
    with pytest.raises(Invalid) as refused:
        draft(reg, cites=["/akn/kz-kus/act/resolution/2020-01-01/1"])
    assert list(refused.value.fields) == ["cites.0"]


def test_document_history_is_append_only_in_the_database(reg: Registry) -> None:
    reg.finalise_document(draft(reg), numbered_files, "t", DAY)
    for statement in (
        "UPDATE documents SET data = '{}'",
        "DELETE FROM document_events",
        "UPDATE document_numbers SET seq = 7",
        "DELETE FROM document_files",
    ):
        with pytest.raises(Exception, match="append-only"), reg.engine.begin() as conn:
            conn.execute(text(statement))


def test_racing_status_changes_let_exactly_one_through(reg: Registry) -> None:
    doc = draft(reg, series="resolution-approval", numbered=False)
    reg.finalise_document(doc, numbered_files, "t", DAY)
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def attempt(action: str) -> None:
        barrier.wait()
        try:
            if action == "void":
                reg.void_document(doc, "қате", "t", DAY)
            else:
                reg.adopt_document(doc, action, DAY, "t")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(a,)) for a in ("void", "12", "13")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = [e["kind"] for e in reg.document(doc)["history"]]
    assert sorted(outcomes) == ["conflict", "conflict", "ok"]
    assert history[:2] == ["drafted", "finalised"] and len(history) == 3


def test_an_unnumbered_document_gets_no_date_on_finalisation(reg: Registry) -> None:
    seen: list[tuple[str | None, date | None]] = []

    def produce(number: str | None, day: date | None) -> list[records.GeneratedFile]:
        seen.append((number, day))
        return []

    done = reg.finalise_document(draft(reg, numbered=False), produce, "t", DAY)
    assert seen == [(None, None)] and (done["number"], done["date"]) == (None, None)


def test_issuing_at_once_records_nothing_when_production_fails(reg: Registry) -> None:
    new = new_document()

    def broken(number: str | None, day: date | None) -> list[records.GeneratedFile]:
        raise RuntimeError("LibreOffice crashed")

    with pytest.raises(RuntimeError):
        reg.issue_document(new, broken, "t", DAY)
    assert reg.list_documents() == []
    done = reg.issue_document(new, numbered_files, "t", DAY)
    assert (done["status"], done["number"]) == ("final", "1")


@pytest.mark.parametrize("reason", ["\ud800", "a\x00b", "x" * 1001])
def test_unstorable_reasons_are_refused(reg: Registry, reason: str) -> None:
    doc = draft(reg)
    with pytest.raises(Invalid) as refused:
        reg.void_document(doc, reason, "t", DAY)
    assert list(refused.value.fields) == ["reason"]
    assert reg.document(doc)["status"] == "draft"
