"""The registry's core against SQLite and PostgreSQL: import, point in time, amendments."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import text

from registry import changes
from registry.errors import Conflict, Invalid, NotFound, NotHeld, NotInForce
from registry.model import ActRef, Note, NotedAmendment
from registry.service import Registry
from registry.store import reading, writing
from tests.factories import amendment, insert_after, repeal, small_act, substitute

URI = "/akn/kz-kus/act/resolution/2020-01-10/100"


def texts(registry: Registry, at: date, lang: str = "kk") -> dict[str, str | None]:
    view = registry.act_at(URI, lang, at)
    return {n.eid: n.text for n in view.root.walk()}


def test_import_then_read_the_same_tree(registry: Registry) -> None:
    parsed = small_act()
    result = registry.store_parsed(parsed, None)
    assert result.uri.work == URI
    view = registry.act_at(URI, "kk", date(2021, 1, 1))
    assert view.root.to_dict() == parsed.root.to_dict()
    assert view.valid_from == date(2020, 1, 10)
    assert view.valid_to is None


def test_before_entry_into_force_is_refused(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    with pytest.raises(NotInForce, match="2020-01-10"):
        registry.act_at(URI, "kk", date(2019, 12, 31))


def test_language_not_held_says_which_are(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    with pytest.raises(NotHeld, match=r"no Russian \(ru\) text.*it holds: kk"):
        registry.act_at(URI, "ru", date(2021, 1, 1))


def test_second_language_attaches_and_same_language_is_refused(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    attached = registry.store_parsed(small_act(lang="ru"), None)
    assert attached.attached
    assert registry.act_at(URI, "ru", date(2021, 1, 1)).title == "ru title of № 100"
    with pytest.raises(Conflict, match="already has a kk text"):
        registry.store_parsed(small_act(), None)


def test_noted_history_holds_no_earlier_wording(registry: Registry) -> None:
    noted = NotedAmendment(
        "chp_1__para_2",
        "substitute",
        ActRef("resolution", "45", date(2021, 6, 1), "Қостанай облысы әкімдігі"),
        "Ескерту. 2-тармақ жаңа редакцияда.",
        0,
    )
    parsed = small_act(history=[noted], notes=[Note("chp_1__para_2", noted.note_text)])
    registry.store_parsed(parsed, None)
    before = registry.act_at(URI, "kk", date(2021, 5, 31))
    para = before.root.find("chp_1__para_2")
    assert para is not None and para.state == "not_held" and para.text is None
    assert para.children == []
    assert [g.eid for g in before.gaps] == ["chp_1__para_2"]
    assert "2021-06-01" in before.gaps[0].message and "No. 45" in before.gaps[0].message
    assert before.notes == []
    after = registry.act_at(URI, "kk", date(2021, 6, 1))
    assert after.root.find("chp_1__para_2__point_3") is not None
    assert [n.text for n in after.notes] == [noted.note_text]
    assert after.date_assumed  # publication of No. 45 is not in the source
    versions = registry.versions(URI)["versions"]
    assert [v["date"] for v in versions] == ["2020-01-10", "2021-06-01"]
    assert versions[1]["amended_by"][0]["number"] == "45"


def test_substitute_takes_effect_on_its_date_with_a_note(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    result = registry.amend(URI, amendment(substitute("chp_1__para_3__point_2", "жаңа мәтін;")))
    assert result["status"] == "materialised"
    assert texts(registry, date(2022, 3, 31))["chp_1__para_3__point_2"] == "kk p3 point 2;"
    assert texts(registry, date(2022, 4, 1))["chp_1__para_3__point_2"] == "жаңа мәтін;"
    notes = registry.act_at(URI, "kk", date(2022, 4, 1)).notes
    assert notes[-1].text == (
        "Ескерту. 3-тармақтың 2) тармақшасы жаңа редакцияда – Қостанай облысы әкімдігінің "
        "01.03.2022 № 7 қаулысымен (01.04.2022 бастап қолданысқа енгізіледі)."
    )
    history = registry.provision_history(URI, "kk", "chp_1__para_3__point_2")
    assert [h["valid_from"] for h in history] == ["2020-01-10", "2022-04-01"]
    assert history[0]["valid_to"] == "2022-03-31"
    assert history[1]["amended_by"]["number"] == "7"


def test_restating_a_paragraph_replaces_its_points(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    registry.amend(
        URI, amendment(substitute("chp_1__para_2", "Жаңа кіріспе:\n1) бірінші;\n2) екінші."))
    )
    para = registry.act_at(URI, "kk", date(2023, 1, 1)).root.find("chp_1__para_2")
    assert para is not None and para.text == "Жаңа кіріспе:"
    assert [(c.eid, c.text) for c in para.children] == [
        ("chp_1__para_2__point_1", "бірінші;"),
        ("chp_1__para_2__point_2", "екінші."),
    ]
    old = registry.act_at(URI, "kk", date(2021, 1, 1)).root.find("chp_1__para_2")
    assert old is not None and len(old.children) == 3


def test_insert_after_and_repeal(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    registry.amend(
        URI,
        amendment(insert_after("chp_1__para_2", "2-1", "Жаңа тармақ."), repeal("chp_1__para_4")),
    )
    root = registry.act_at(URI, "kk", date(2022, 5, 1)).root
    chapter = root.find("chp_1")
    assert chapter is not None
    assert [c.num for c in chapter.children] == ["1", "2", "2-1", "3", "4", "5"]
    repealed = root.find("chp_1__para_4")
    assert repealed is not None and repealed.state == "repealed" and repealed.children == []
    assert root.find("chp_1__para_2-1") is not None


def test_other_language_gets_not_held_wording(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    registry.store_parsed(small_act(lang="ru"), None)
    registry.amend(URI, amendment(substitute("chp_1__para_1", "жаңа")))
    ru = registry.act_at(URI, "ru", date(2022, 5, 1))
    node = ru.root.find("chp_1__para_1")
    assert node is not None and node.state == "not_held"
    assert ru.notes[-1].text.startswith("Сноска. Пункт 1 – в редакции постановления акимата")


def test_pending_until_publication(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    result = registry.amend(
        URI, amendment(substitute("chp_1__para_1", "кейін"), rule="publication+10", effective=None)
    )
    assert result["status"] == "pending"
    assert registry.versions(URI)["pending"][0]["rule"] == "publication+N"
    assert texts(registry, date(2030, 1, 1))["chp_1__para_1"] == "kk paragraph 1 lead:"
    published = registry.publish(result["amending_act"], date(2022, 6, 1))
    assert published["effects"] == [{"frbr_uri": URI, "effective": "2022-06-11"}]
    assert texts(registry, date(2022, 6, 10))["chp_1__para_1"] == "kk paragraph 1 lead:"
    assert texts(registry, date(2022, 6, 11))["chp_1__para_1"] == "кейін"
    assert registry.versions(URI)["pending"] == []
    with pytest.raises(Conflict, match="already recorded"):
        registry.publish(result["amending_act"], date(2022, 6, 2))


def test_same_provision_same_date_is_a_conflict_and_writes_nothing(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    registry.amend(URI, amendment(substitute("chp_1__para_1", "бір")))
    before = registry.versions(URI)
    with pytest.raises(Conflict, match="already changed on 2022-04-01"):
        registry.amend(
            URI,
            amendment(
                substitute("chp_1__para_5", "бес"), substitute("chp_1__para_1", "екі"), number="8"
            ),
        )
    assert registry.versions(URI) == before
    assert texts(registry, date(2022, 4, 1))["chp_1__para_5"] == "kk paragraph 5 lead:"
    assert registry.list_works(number="8") == []


def test_order_dependent_change_is_a_conflict(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    registry.amend(URI, amendment(substitute("chp_1__para_2", "қысқа"), effective="2023-01-01"))
    with pytest.raises(Conflict, match="restated on 2023-01-01"):
        registry.amend(
            URI, amendment(insert_after("chp_1__para_2__point_3", "4", "төртінші"), number="8")
        )


def test_unknown_provision_is_not_found(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    with pytest.raises(NotFound, match="no provision chp_1__para_99"):
        registry.amend(URI, amendment(substitute("chp_1__para_99", "x")))


def test_history_is_append_only_in_the_database(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    for statement in (
        "UPDATE provisions SET text = 'x'",
        "DELETE FROM events",
        "DELETE FROM works",
    ):
        with pytest.raises(Exception, match="append-only"), registry.engine.begin() as conn:
            conn.execute(text(statement))


def test_concurrent_conflicting_amendments_one_wins(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def enter(number: str) -> None:
        barrier.wait()
        try:
            registry.amend(URI, amendment(substitute("chp_1__para_1", number), number=number))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=enter, args=(n,)) for n in ("21", "22")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert len(registry.provision_history(URI, "kk", "chp_1__para_1")) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], ""),
        ({"effective": {"rule": "fixed", "date": "2022-01-01"}, "operations": []}, "amending_act"),
        (amendment(substitute("chp_1__para_1", "x"), day="2022-13-01"), "amending_act.date"),
        (amendment(substitute("chp_1__para_1", "x"), rule="later"), "effective.rule"),
        (amendment({"op": "move", "eid": "chp_1__para_1"}), "operations[0].op"),
        (amendment({"op": "substitute", "eid": "chp_1__para_1"}), "operations[0].text"),
        (
            amendment({"op": "insert_after", "eid": "chp_1__para_1", "text": {"kk": "x"}}),
            "operations[0].num",
        ),
        (amendment({"op": "repeal", "eid": "../../etc"}), "operations[0].eid"),
        (amendment(substitute("chp_1__para_1", "x", en="y")), "operations[0].text.en"),
        (
            amendment(substitute("chp_1__para_1", "x"), substitute("chp_1__para_1", "y")),
            "operations[1].eid",
        ),
    ],
)
def test_invalid_amendments_name_the_field(registry: Registry, body: object, field: str) -> None:
    registry.store_parsed(small_act(), None)
    with pytest.raises(Invalid) as caught:
        registry.amend(URI, body)
    assert field in caught.value.fields
    assert registry.versions(URI)["versions"][-1]["date"] == "2020-01-10"


def test_draft_amendment_waits_for_adoption(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    body = amendment(substitute("chp_1__para_1", "жоба"), number="жоба-1")
    body["amending_act"]["status"] = "draft"
    result = registry.amend(URI, body)
    assert result["status"] == "draft"
    assert registry.versions(URI)["pending"][0]["status"] == "draft"
    with pytest.raises(Conflict, match="is a draft"):
        registry.publish(result["amending_act"], date(2022, 3, 2))
    assert texts(registry, date(2023, 1, 1))["chp_1__para_1"] == "kk paragraph 1 lead:"
    adopted = registry.record_event(result["amending_act"], "adopted", date(2022, 3, 1))
    assert adopted["effects"] == [{"frbr_uri": URI, "effective": "2022-04-01"}]
    assert texts(registry, date(2023, 1, 1))["chp_1__para_1"] == "жоба"
    with pytest.raises(Conflict, match="already has the event adopted"):
        registry.record_event(result["amending_act"], "adopted", date(2022, 3, 1))


def test_repealed_act_is_not_in_force_after_its_repeal(registry: Registry) -> None:
    registry.store_parsed(small_act(), None)
    registry.record_event(URI, "repealed", date(2024, 1, 1))
    assert registry.act_at(URI, "kk", date(2023, 12, 31)).root.find("chp_1") is not None
    with pytest.raises(NotInForce, match="repealed on 2024-01-01"):
        registry.act_at(URI, "kk", date(2024, 1, 1))
    with pytest.raises(Invalid, match="unknown event"):
        registry.record_event(URI, "published", date(2024, 1, 1))
    with pytest.raises(Invalid, match="before the act's date"):
        registry.record_event(URI, "submitted", date(2019, 1, 1))


def test_every_write_feeds_the_change_feed_until_acknowledged(registry: Registry) -> None:
    calls: list[str] = []
    registry.after_commit.append(lambda: calls.append("committed"))
    registry.store_parsed(small_act(), None)
    registry.amend(URI, amendment(substitute("chp_1__para_1", "жаңа")))
    assert calls == ["committed", "committed"]
    with reading(registry.engine) as conn:
        feed = changes.pending(conn, "search")
    assert [c.kind for c in feed] == ["import", "amendment", "cited", "effect"]
    assert {c.frbr_uri for c in feed} >= {URI}
    with writing(registry.engine) as conn:
        changes.acknowledge(conn, "search", [c.id for c in feed[:2]])
        changes.acknowledge(conn, "search", [feed[0].id])  # a second worker: harmless
    with reading(registry.engine) as conn:
        assert [c.id for c in changes.pending(conn, "search")] == [c.id for c in feed[2:]]
        assert len(changes.pending(conn, "other")) == 4


def test_a_failing_after_commit_callback_does_not_undo_the_write(registry: Registry) -> None:
    def broken() -> None:
        raise ConnectionError("search cluster down")

    registry.after_commit.append(broken)
    registry.store_parsed(small_act(), None)
    assert registry.act_at(URI, "kk", date(2021, 1, 1)).title == "kk title of № 100"
