"""The audit trail: written with each change, hash-chained; tampering is found and named.

Tampering is done as an attacker with database rights would: the append-only triggers are
dropped first, then rows are edited, deleted or swapped directly.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

import app as kense_app
from registry.audit import acting_as
from registry.config import RegistryConfig
from registry.errors import Conflict
from registry.service import Registry
from tests.factories import amendment, small_act, substitute

URI = "/akn/kz-kus/act/resolution/2021-01-15/3"


@pytest.fixture
def reg(registry: Registry) -> Registry:
    """The shared ``registry`` fixture (both backends), under a short name."""
    return registry


def changes(reg: Registry) -> str:
    with acting_as("local:tester"):
        uri = reg.store_parsed(small_act(), None).uri.work
        reg.amend(uri, amendment(substitute("chp_1__para_1", "жаңа мәтін")))
        reg.record_event(uri, "submitted", date(2020, 1, 20))
        reg.record_event(uri, "registered", date(2020, 1, 21))
    return uri


def drop_triggers(reg: Registry) -> None:
    with reg.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_every_change_is_recorded_with_its_actor(reg: Registry) -> None:
    uri = changes(reg)
    entries = list(reversed(reg.audit_entries()))
    assert [e["action"] for e in entries] == [
        "act.import",
        "amendment.enter",
        "act.event",
        "act.event",
    ]
    assert {e["actor"] for e in entries} == {"local:tester"}
    assert entries[0]["subject"] == uri and entries[3]["detail"]["event"] == "registered"
    verdict = reg.audit_verify()
    assert verdict.ok and verdict.entries == 4 and verdict.head == entries[-1]["hash"]


def test_a_failed_change_leaves_no_entry(reg: Registry) -> None:
    uri = changes(reg)
    with pytest.raises(Conflict):
        reg.amend(uri, amendment(substitute("chp_1__para_1", "басқа мәтін"), number="8"))
    assert len(reg.audit_entries()) == 4 and reg.audit_verify().ok


def test_the_trail_is_append_only_in_the_database(reg: Registry) -> None:
    changes(reg)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), reg.engine.begin() as conn:
            conn.execute(text(statement))


def test_an_edited_entry_is_named(reg: Registry) -> None:
    changes(reg)
    drop_triggers(reg)
    with reg.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"))
    verdict = reg.audit_verify()
    assert not verdict.ok and verdict.seq == 2
    assert "entry 2 (amendment.enter" in str(verdict.problem) and "changed" in str(verdict.problem)


def test_a_removed_entry_is_named(reg: Registry) -> None:
    changes(reg)
    drop_triggers(reg)
    with reg.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    verdict = reg.audit_verify()
    assert not verdict.ok and verdict.seq == 3
    assert "entry 2 is missing" in str(verdict.problem)


def test_reordered_entries_are_named(reg: Registry) -> None:
    changes(reg)
    drop_triggers(reg)
    with reg.engine.begin() as conn:
        rows = conn.execute(text("SELECT id, seq FROM audit_log ORDER BY id")).all()
        (a, _), (b, _) = rows[1], rows[2]
        conn.execute(text("UPDATE audit_log SET id = -1 WHERE id = :a"), {"a": a})
        conn.execute(text("UPDATE audit_log SET id = :a WHERE id = :b"), {"a": a, "b": b})
        conn.execute(text("UPDATE audit_log SET id = :b WHERE id = -1"), {"b": b})
    verdict = reg.audit_verify()
    assert not verdict.ok and verdict.seq == 3
    assert "entry 2 is" in str(verdict.problem)


def test_a_rewritten_chain_is_found_by_its_links(reg: Registry) -> None:
    """Recomputing one entry's own hash is not enough: the next entry no longer follows it."""
    from registry.audit import entry_hash

    changes(reg)
    drop_triggers(reg)
    with reg.engine.begin() as conn:
        row = conn.execute(text("SELECT * FROM audit_log WHERE seq = 2")).mappings().one()
        forged = entry_hash(
            2, row["at"], "forger", row["action"], row["subject"], {}, row["prev_hash"]
        )
        conn.execute(
            text("UPDATE audit_log SET actor = 'forger', detail = '{}', hash = :h WHERE seq = 2"),
            {"h": forged},
        )
    verdict = reg.audit_verify()
    assert not verdict.ok and verdict.seq == 3 and "does not follow" in str(verdict.problem)


def test_concurrent_writers_keep_one_chain(reg: Registry) -> None:
    uri = changes(reg)
    barrier = threading.Barrier(4)

    def import_act(number: int) -> None:
        barrier.wait()
        reg.store_parsed(small_act(number=str(number)), None)

    assert uri
    threads = [threading.Thread(target=import_act, args=(n,)) for n in range(201, 205)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = reg.audit_verify()
    assert verdict.ok and verdict.entries == 8


def test_cli_verify(sqlite_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"KENSE_DATABASE_URL": sqlite_url, "KENSE_DATA_DIR": str(tmp_path)}
    assert runner.invoke(kense_app.cli, ["init"], env=env).exit_code == 0
    ok = runner.invoke(kense_app.cli, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: 1 entries")
    listed = runner.invoke(kense_app.cli, ["audit", "list", "--json"], env=env)
    (entry,) = __import__("json").loads(listed.stdout)["items"]
    assert entry["action"] == "act.import" and entry["actor"].startswith("local:")
    reg = Registry.open(RegistryConfig(database_url=sqlite_url))
    drop_triggers(reg)
    with reg.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET subject = 'x'"))
    reg.close()
    broken = runner.invoke(kense_app.cli, ["audit", "verify"], env=env)
    assert broken.exit_code == 1 and "entry 1 (act.import x" in broken.stderr
