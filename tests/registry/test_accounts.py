"""Accounts: argon2 passwords, roles per issuing body, lock-out, sessions, API tokens, the last
administrator, their audit entries, and the `kense users` / `kense tokens` commands.

Domain tests run on both backends (the ``registry`` fixture); CLI tests on a SQLite file.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, update

import app as kense_app
from registry.accounts import MAX_FAILURES, MAX_FAILURES_ANY_SOURCE, REFUSED
from registry.errors import Conflict, Invalid, Unauthenticated
from registry.policy import Action
from registry.service import Registry
from registry.store import api_tokens, login_failures, users
from tests.conftest import open_registry

PASSWORD = "correct horse battery"
NEW_PASSWORD = "staple-and-horse-42"
WRONG = "not the password at all"
DRAFTER = ("department", "drafter")
SIGNER = ("department", "signer")
ADMIN = ("department", "administrator")


def user_row(reg: Registry, username: str) -> Any:
    with reg.engine.connect() as conn:
        return conn.execute(select(users).where(users.c.username == username)).one()


def audit_json(reg: Registry) -> str:
    return json.dumps(reg.audit_entries(limit=10_000), ensure_ascii=False)


def fail_logins(reg: Registry, username: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(Unauthenticated):
            reg.login(username, WRONG)


# --- adding users ---------------------------------------------------------------------------------


def test_add_user_stores_an_argon2id_hash_and_the_roles(registry: Registry) -> None:
    user = registry.add_user("alice", PASSWORD, [DRAFTER, SIGNER, DRAFTER])
    assert user["roles"] == [
        {"body": "department", "role": "drafter"},
        {"body": "department", "role": "signer"},
    ]
    assert not user["disabled"] and user["locked_until"] is None
    stored = user_row(registry, "alice").password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert registry.user("alice") == user


@pytest.mark.parametrize(
    ("username", "password", "grants", "field"),
    [
        ("Alice", PASSWORD, [DRAFTER], "username"),
        ("a", PASSWORD, [DRAFTER], "username"),
        ("-alice", PASSWORD, [DRAFTER], "username"),
        ("al ice", PASSWORD, [DRAFTER], "username"),
        ("x" * 65, PASSWORD, [DRAFTER], "username"),
        ("alice", "short-pass1", [DRAFTER], "password"),
        ("alice", "p" * 1025, [DRAFTER], "password"),
        ("administrator1", "administrator1", [DRAFTER], "password"),
        ("administrator1", " Administrator1 ", [DRAFTER], "password"),
        ("alice", PASSWORD, [("department", "boss")], "role"),
        ("alice", PASSWORD, [("ministry", "drafter")], "body"),
        ("alice", PASSWORD, ["drafter"], "roles"),
    ],
)
def test_add_user_refuses_invalid_input_and_writes_nothing(
    registry: Registry, username: str, password: str, grants: list[Any], field: str
) -> None:
    audit_before = registry.audit_entries()
    with pytest.raises(Invalid) as caught:
        registry.add_user(username, password, grants)
    assert field in caught.value.fields
    assert registry.users() == []
    assert registry.audit_entries() == audit_before


def test_a_username_with_a_trailing_newline_is_invalid(registry: Registry) -> None:
    with pytest.raises(Invalid) as caught:
        registry.add_user("alice\n", PASSWORD, [DRAFTER])
    assert "username" in caught.value.fields


def test_a_duplicate_username_is_a_conflict_and_changes_nothing(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    users_before, audit_before = registry.users(), registry.audit_entries()
    with pytest.raises(Conflict) as caught:
        registry.add_user("alice", NEW_PASSWORD, [ADMIN])
    assert "username" in caught.value.fields
    assert registry.users() == users_before
    assert registry.audit_entries() == audit_before
    assert registry.login("alice", PASSWORD).principal is not None


# --- signing in and lock-out ----------------------------------------------------------------------


def test_login_returns_the_users_roles(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER, ("akimat", "signer")])
    outcome = registry.login("alice", PASSWORD)
    assert outcome.principal is not None
    assert outcome.principal.name == "alice"
    assert outcome.principal.roles == {DRAFTER, ("akimat", "signer")}
    assert outcome.principal.can(Action.IMPORT)
    assert not outcome.principal.can(Action.USERS)


def test_a_wrong_password_reads_like_an_unknown_user(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    registry.add_user("bob", PASSWORD, [DRAFTER])
    registry.set_disabled("bob", True)
    with pytest.raises(Unauthenticated) as wrong:
        registry.login("alice", WRONG)
    with pytest.raises(Unauthenticated) as unknown:
        registry.login("nobody", PASSWORD)
    with pytest.raises(Unauthenticated) as disabled:
        registry.login("bob", PASSWORD)
    assert wrong.value.message == unknown.value.message == disabled.value.message


def test_repeated_failures_lock_the_account_for_every_registry(
    registry: Registry, tmp_path: Path
) -> None:
    """The counter and the lock are stored: another worker on the database refuses too."""
    registry.add_user("alice", PASSWORD, [DRAFTER])
    fail_logins(registry, "alice", MAX_FAILURES - 1)
    with pytest.raises(Unauthenticated) as locked:
        registry.login("alice", WRONG)
    # The refusal reads as any other: it does not tell who exists or is locked.
    assert locked.value.message == REFUSED
    until = datetime.fromisoformat(registry.user("alice")["locked_until"])
    assert timedelta(minutes=14) < until - datetime.now(UTC) <= timedelta(minutes=15)
    with pytest.raises(Unauthenticated):
        registry.login("alice", PASSWORD)
    other = open_registry(registry.config.database_url, tmp_path / "d2")
    try:
        with pytest.raises(Unauthenticated):
            other.login("alice", PASSWORD)
    finally:
        other.close()


def test_failures_are_counted_across_registries(registry: Registry, tmp_path: Path) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    other = open_registry(registry.config.database_url, tmp_path / "d2")
    try:
        fail_logins(registry, "alice", MAX_FAILURES - 1)
        with pytest.raises(Unauthenticated):
            other.login("alice", WRONG)
        assert registry.user("alice")["locked_until"] is not None
    finally:
        other.close()


def test_a_success_resets_the_failure_count(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    fail_logins(registry, "alice", MAX_FAILURES - 1)
    registry.login("alice", PASSWORD)
    fail_logins(registry, "alice", MAX_FAILURES - 1)
    assert registry.login("alice", PASSWORD).principal is not None


@pytest.mark.parametrize("unlock", ["enable", "passwd"])
def test_enabling_or_a_new_password_lifts_the_lock(registry: Registry, unlock: str) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    fail_logins(registry, "alice", MAX_FAILURES)
    assert registry.user("alice")["locked_until"] is not None
    if unlock == "enable":
        registry.set_disabled("alice", False)
        password = PASSWORD
    else:
        registry.set_password("alice", NEW_PASSWORD)
        password = NEW_PASSWORD
    assert registry.user("alice")["locked_until"] is None
    assert registry.login("alice", password).principal is not None
    with pytest.raises(Unauthenticated):  # the counter starts again from zero
        registry.login("alice", WRONG)


def test_the_lock_ends_by_itself(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    fail_logins(registry, "alice", MAX_FAILURES)
    with pytest.raises(Unauthenticated):
        registry.login("alice", PASSWORD)
    with registry.engine.begin() as conn:  # fifteen minutes later
        past = datetime.now(UTC) - timedelta(seconds=1)
        conn.execute(
            update(login_failures)
            .where(login_failures.c.username == "alice")
            .values(locked_until=past)
        )
    assert registry.login("alice", PASSWORD).principal is not None


def test_a_lock_holds_for_the_failing_source_only(registry: Registry) -> None:
    """Nobody can lock a user out from elsewhere: the lock is per client address."""
    registry.add_user("alice", PASSWORD, [DRAFTER])
    for _ in range(MAX_FAILURES):
        with pytest.raises(Unauthenticated):
            registry.login("alice", WRONG, "203.0.113.9")
    with pytest.raises(Unauthenticated):
        registry.login("alice", PASSWORD, "203.0.113.9")
    assert registry.login("alice", PASSWORD, "10.0.0.5").principal is not None
    described = registry.user("alice")
    assert described["locked_sources"] == ["203.0.113.9"]
    assert not described["locked_everywhere"]


def test_many_failures_from_many_sources_lock_everywhere(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    for n in range(MAX_FAILURES_ANY_SOURCE):
        with pytest.raises(Unauthenticated):
            registry.login("alice", WRONG, f"198.51.100.{n}")
    with pytest.raises(Unauthenticated):
        registry.login("alice", PASSWORD, "10.0.0.5")
    assert registry.user("alice")["locked_everywhere"]
    registry.set_disabled("alice", False)  # an administrator lifts it
    assert registry.login("alice", PASSWORD, "10.0.0.5").principal is not None


# --- sessions -------------------------------------------------------------------------------------


def test_a_session_holds_until_the_password_changes(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    outcome = registry.login("alice", PASSWORD)
    session = registry.session_principal(outcome.user_id, outcome.epoch)
    assert session is not None and session.roles == {DRAFTER} and session.via == "session"
    registry.change_roles("alice", [DRAFTER], [])  # nothing changes: the session stays
    assert registry.session_principal(outcome.user_id, outcome.epoch) is not None
    registry.set_password("alice", NEW_PASSWORD)
    assert registry.session_principal(outcome.user_id, outcome.epoch) is None
    again = registry.login("alice", NEW_PASSWORD)
    assert registry.session_principal(again.user_id, again.epoch) is not None


def test_a_session_ends_when_the_roles_change(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    outcome = registry.login("alice", PASSWORD)
    registry.change_roles("alice", [SIGNER], [])
    assert registry.session_principal(outcome.user_id, outcome.epoch) is None
    again = registry.login("alice", PASSWORD)
    session = registry.session_principal(again.user_id, again.epoch)
    assert session is not None and session.roles == {DRAFTER, SIGNER}


def test_a_session_ends_when_the_user_is_disabled(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    outcome = registry.login("alice", PASSWORD)
    registry.set_disabled("alice", True)
    assert registry.session_principal(outcome.user_id, outcome.epoch) is None
    registry.set_disabled("alice", False)  # re-enabling does not revive old sessions
    assert registry.session_principal(outcome.user_id, outcome.epoch) is None


# --- API tokens -----------------------------------------------------------------------------------


def test_a_token_carries_its_scopes_and_is_stored_as_its_sha256(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER, SIGNER])
    token = registry.create_token("alice", [SIGNER], label="signing robot")
    assert token.secret.startswith("kense_")
    principal = registry.token_principal(token.secret)
    assert principal is not None
    assert (principal.name, principal.via, principal.token_id) == ("alice", "token", token.id)
    assert principal.roles == {SIGNER}
    assert registry.token_principal(token.secret + "x") is None
    with registry.engine.connect() as conn:
        row = conn.execute(select(api_tokens).where(api_tokens.c.id == token.id)).one()
    assert row.token_hash == hashlib.sha256(token.secret.encode()).hexdigest()
    assert token.secret not in json.dumps(row._asdict(), default=str)
    listed = registry.tokens("alice")
    assert [t["id"] for t in listed] == [token.id] and listed[0]["active"]
    assert listed[0]["scopes"] == [{"body": "department", "role": "signer"}]
    assert token.secret not in json.dumps(registry.tokens())


def test_a_token_without_scopes_has_all_the_users_roles(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER, SIGNER])
    principal = registry.token_principal(registry.create_token("alice").secret)
    assert principal is not None and principal.roles == {DRAFTER, SIGNER}


def test_a_token_cannot_hold_roles_the_user_lacks(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    with pytest.raises(Invalid) as caught:
        registry.create_token("alice", [ADMIN])
    assert "role" in caught.value.fields
    assert registry.tokens() == []


def test_revoked_and_expired_tokens_do_not_authenticate(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    revoked = registry.create_token("alice")
    registry.revoke_token(revoked.id)
    expired = registry.create_token("alice", expires_in=timedelta(seconds=-1))
    current = registry.create_token("alice", expires_in=timedelta(days=1))
    assert registry.token_principal(revoked.secret) is None
    assert registry.token_principal(expired.secret) is None
    assert registry.token_principal(current.secret) is not None
    active = {t["id"]: t["active"] for t in registry.tokens("alice")}
    assert active == {revoked.id: False, expired.id: False, current.id: True}


def test_a_token_follows_the_users_roles_and_status(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER, SIGNER])
    token = registry.create_token("alice")
    narrow = registry.create_token("alice", [DRAFTER])
    registry.change_roles("alice", [("department", "registrar")], [SIGNER])
    principal = registry.token_principal(token.secret)
    assert principal is not None and principal.roles == {DRAFTER}
    narrowed = registry.token_principal(narrow.secret)
    assert narrowed is not None and narrowed.roles == {DRAFTER}
    registry.set_disabled("alice", True)
    assert registry.token_principal(token.secret) is None


# --- the last administrator -----------------------------------------------------------------------


@pytest.mark.parametrize("change", ["revoke", "disable"])
def test_the_last_administrator_cannot_be_removed(registry: Registry, change: str) -> None:
    registry.add_user("root", PASSWORD, [ADMIN])
    registry.add_user("old-admin", PASSWORD, [ADMIN])
    registry.set_disabled("old-admin", True)  # a disabled administrator does not count
    outcome = registry.login("root", PASSWORD)
    users_before, audit_before = registry.users(), registry.audit_entries()
    with pytest.raises(Conflict):
        if change == "revoke":
            registry.change_roles("root", [], [ADMIN])
        else:
            registry.set_disabled("root", True)
    assert registry.users() == users_before
    assert registry.audit_entries() == audit_before
    assert registry.session_principal(outcome.user_id, outcome.epoch) is not None


@pytest.mark.parametrize("change", ["revoke", "disable"])
def test_with_two_administrators_one_may_go(registry: Registry, change: str) -> None:
    registry.add_user("root", PASSWORD, [ADMIN])
    registry.add_user("second", PASSWORD, [ADMIN])
    if change == "revoke":
        assert registry.change_roles("root", [], [ADMIN])["roles"] == []
    else:
        assert registry.set_disabled("root", True)["disabled"]
    with pytest.raises(Conflict):
        registry.set_disabled("second", True)


# --- the audit trail ------------------------------------------------------------------------------


def test_account_changes_are_audited_without_secrets(registry: Registry) -> None:
    registry.add_user("alice", PASSWORD, [DRAFTER])
    registry.login("alice", PASSWORD)
    with pytest.raises(Unauthenticated):
        registry.login("alice", WRONG)
    registry.set_password("alice", NEW_PASSWORD)
    registry.change_roles("alice", [SIGNER], [])
    registry.set_disabled("alice", True)
    registry.set_disabled("alice", False)
    token = registry.create_token("alice")
    registry.revoke_token(token.id)
    registry.revoke_token(token.id)  # already revoked: not recorded again
    entries = list(reversed(registry.audit_entries(subject="alice")))
    assert [e["action"] for e in entries] == [
        "user.add",
        "login",
        "login.failed",
        "user.passwd",
        "user.roles",
        "user.disable",
        "user.enable",
        "token.create",
        "token.revoke",
    ]
    assert entries[4]["detail"] == {
        "granted": [{"body": "department", "role": "signer"}],
        "revoked": [],
    }
    assert entries[-1]["detail"] == {"token": token.id}
    everything = audit_json(registry)
    for secret in (PASSWORD, NEW_PASSWORD, WRONG, token.secret):
        assert secret not in everything
    assert registry.audit_verify().ok


# --- the command line -----------------------------------------------------------------------------

Kense = Callable[..., Result]


@pytest.fixture(autouse=True, scope="module")
def _logging_outside_the_runner() -> None:
    """Configure the JSON log handler on the real stderr, not on a CliRunner's captured one."""
    kense_app.configure_logging("INFO")


@pytest.fixture
def cli_registry(sqlite_registry: Registry) -> Registry:
    """The database the commands act on (migrated), to check what they did."""
    return sqlite_registry


@pytest.fixture
def kense(cli_registry: Registry, tmp_path: Path) -> Kense:
    env = {
        "KENSE_DATABASE_URL": cli_registry.config.database_url,
        "KENSE_DATA_DIR": str(tmp_path / "cli"),
    }

    def run(*args: str | Path, input: str | None = None) -> Result:
        runner = CliRunner(env=env)
        result = runner.invoke(kense_app.cli, [str(a) for a in args], input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"kense {args} raised: {result.stderr}") from result.exception
        return result

    return run


def ok(result: Result) -> Result:
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr}"
    return result


def test_cli_users_and_tokens(kense: Kense, cli_registry: Registry) -> None:
    ok(
        kense(
            "users", "add", "alice", "--role", "drafter", "--password-stdin", input=PASSWORD + "\n"
        )
    )
    assert cli_registry.login("alice", PASSWORD).principal is not None
    (alice,) = json.loads(ok(kense("users", "list", "--json")).stdout)["items"]
    assert alice["username"] == "alice"
    assert alice["roles"] == [{"body": "department", "role": "drafter"}]

    created = ok(kense("tokens", "create", "alice", "--label", "robot"))
    lines = created.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kense_")
    principal = cli_registry.token_principal(lines[0])
    assert principal is not None and principal.roles == {DRAFTER}
    (listed,) = json.loads(ok(kense("tokens", "list", "alice", "--json")).stdout)["items"]
    assert lines[0] not in json.dumps(listed)
    ok(kense("tokens", "revoke", str(listed["id"])))
    assert cli_registry.token_principal(lines[0]) is None

    ok(kense("users", "passwd", "alice", "--password-stdin", input=NEW_PASSWORD + "\n"))
    assert cli_registry.login("alice", NEW_PASSWORD).principal is not None
    with pytest.raises(Unauthenticated):
        cli_registry.login("alice", PASSWORD)
    assert PASSWORD not in audit_json(cli_registry)
    assert cli_registry.audit_verify().ok


def test_cli_refuses_an_invalid_password_with_exit_2(kense: Kense, cli_registry: Registry) -> None:
    result = kense(
        "users", "add", "alice", "--role", "drafter", "--password-stdin", input="short\n"
    )
    assert result.exit_code == 2
    assert cli_registry.users() == []


def test_cli_as_a_user_applies_their_roles(kense: Kense, cli_registry: Registry) -> None:
    cli_registry.add_user("alice", PASSWORD, [DRAFTER])
    assert kense("--as", "alice", "users", "list").exit_code == 5
    assert kense("--as", "alice", "tokens", "create", "alice").exit_code == 5
    assert cli_registry.tokens() == []
    ok(kense("--as", "alice", "acts"))
    assert kense("--as", "nobody", "acts").exit_code == 3


def test_cli_first_admin_is_created_once(
    kense: Kense, cli_registry: Registry, tmp_path: Path
) -> None:
    first, second = tmp_path / "secret" / "admin-password", tmp_path / "again"
    ok(kense("users", "first-admin", "--password-file", first))
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    password = first.read_text().strip()
    outcome = cli_registry.login("admin", password)
    assert outcome.principal is not None and outcome.principal.can(Action.USERS)
    assert password not in audit_json(cli_registry)

    result = ok(kense("users", "first-admin", "--password-file", second))
    assert "exists already" in result.stderr
    assert not second.exists()
    assert [u["username"] for u in cli_registry.users()] == ["admin"]
    assert cli_registry.login("admin", password).principal is not None
