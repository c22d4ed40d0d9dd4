"""Accounts: users with argon2 password hashes, roles per issuing body, API tokens, lock-out.

Functions take a connection in the caller's transaction, so each change and its audit entry
commit together (``Registry`` wraps them). Passwords are never stored or logged; tokens are
stored as their SHA-256 only and shown once, when created.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from registry import audit
from registry.errors import Conflict, Invalid, NotFound, Unauthenticated
from registry.policy import BODIES, ROLES, Principal
from registry.store import api_tokens, login_failures, user_roles, users

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
#: Consecutive failed sign-ins from one source (client address) after which the account is
#: locked for that source, from all sources together after which it is locked everywhere, and
#: for how long.
MAX_FAILURES = 5
MAX_FAILURES_ANY_SOURCE = 50
LOCK_FOR = timedelta(minutes=15)
TOKEN_PREFIX = "kense_"
_HASHER = PasswordHasher()
#: Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))

Grant = tuple[str, str]  # (issuing body, role)


@dataclass(frozen=True)
class NewToken:
    id: int
    secret: str


def _inserted_id(conn: Connection, statement: Any) -> int:
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def _iso(moment: datetime | None) -> str | None:
    aware = _aware(moment)
    return aware.isoformat() if aware else None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise Invalid(
            "a username is 2–64 characters: lower-case Latin letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            fields={"username": "2–64 of a-z 0-9 . _ -"},
        )
    return username


def check_password(password: str, username: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(
            f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            fields={"password": f"{MIN_PASSWORD}–{MAX_PASSWORD} characters"},
        )
    if password.strip().casefold() == username.casefold():
        raise Invalid("the password may not be the username", fields={"password": "= username"})
    return password


def check_grants(grants: Iterable[Any]) -> list[Grant]:
    """Grants as given by the edges: (body, role) pairs, each checked against the known ones."""
    result: list[Grant] = []
    for item in grants:
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise Invalid("a role is given as {body, role}", fields={"roles": "body and role"})
        body, role = item
        if role not in ROLES:
            raise Invalid(
                f"unknown role {role!r}; one of {', '.join(ROLES)}", fields={"role": "unknown"}
            )
        if body not in BODIES:
            raise Invalid(
                f"unknown issuing body {body!r}; one of {', '.join(BODIES)}",
                fields={"body": "unknown"},
            )
        if (body, role) not in result:
            result.append((body, role))
    return result


def _user(conn: Connection, username: str) -> Any:
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        raise NotFound(f"no user {username!r}", fields={"username": "unknown"})
    return row


def _grants(conn: Connection, user_id: int) -> frozenset[Grant]:
    rows = conn.execute(
        select(user_roles.c.body, user_roles.c.role).where(user_roles.c.user_id == user_id)
    )
    return frozenset((r.body, r.role) for r in rows)


def add_user(conn: Connection, username: str, password: str, grants: list[Grant]) -> dict[str, Any]:
    check_username(username)
    check_password(password, username)
    grants = check_grants(grants)
    if conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise Conflict(f"the user {username!r} exists already", fields={"username": "taken"})
    user_id = _inserted_id(
        conn,
        insert(users).values(
            username=username,
            password_hash=_HASHER.hash(password),
            disabled=False,
            failed_logins=0,
            auth_epoch=1,
        ),
    )
    for body, role in grants:
        conn.execute(insert(user_roles).values(user_id=user_id, body=body, role=role))
    audit.record(conn, "user.add", username, {"roles": _grant_list(grants)})
    return describe(conn, username)


def set_password(conn: Connection, username: str, password: str) -> None:
    row = _user(conn, username)
    check_password(password, username)
    conn.execute(
        update(users)
        .where(users.c.id == row.id)
        .values(
            password_hash=_HASHER.hash(password),
            auth_epoch=users.c.auth_epoch + 1,
            failed_logins=0,
            locked_until=None,
        )
    )
    _unlock(conn, username)
    audit.record(conn, "user.passwd", username)


def change_roles(
    conn: Connection, username: str, grant: list[Grant], revoke: list[Grant]
) -> dict[str, Any]:
    row = _user(conn, username)
    admins = count_administrators(conn)
    grant, revoke = check_grants(grant), check_grants(revoke)
    held = _grants(conn, row.id)
    added = [g for g in grant if g not in held]
    removed = [g for g in revoke if g in held and g not in grant]
    for body, role in added:
        conn.execute(insert(user_roles).values(user_id=row.id, body=body, role=role))
    for body, role in removed:
        conn.execute(
            delete(user_roles).where(
                user_roles.c.user_id == row.id,
                user_roles.c.body == body,
                user_roles.c.role == role,
            )
        )
    if added or removed:
        _keep_an_administrator(conn, admins)
        _bump_epoch(conn, row.id)
        audit.record(
            conn,
            "user.roles",
            username,
            {"granted": _grant_list(added), "revoked": _grant_list(removed)},
        )
    return describe(conn, username)


def set_disabled(conn: Connection, username: str, disabled: bool) -> dict[str, Any]:
    row = _user(conn, username)
    admins = count_administrators(conn)
    locked = row.locked_until is not None or _source_locks(conn, username)
    if bool(row.disabled) != disabled or (not disabled and locked):
        _unlock(conn, username)
        conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(
                disabled=disabled,
                auth_epoch=users.c.auth_epoch + 1,
                failed_logins=0,
                locked_until=None,
            )
        )
        _keep_an_administrator(conn, admins)
        audit.record(conn, "user.disable" if disabled else "user.enable", username)
    return describe(conn, username)


def _keep_an_administrator(conn: Connection, before: int) -> None:
    """Removing the last active administrator would leave nobody to manage accounts on the
    web (the local operator still could): refused."""
    if before and count_administrators(conn) == 0:
        raise Conflict(
            "this would leave no active administrator: make another user administrator first",
            fields={"role": "last administrator"},
        )


def _bump_epoch(conn: Connection, user_id: int) -> None:
    conn.execute(
        update(users).where(users.c.id == user_id).values(auth_epoch=users.c.auth_epoch + 1)
    )


def _grant_list(grants: Iterable[Grant]) -> list[dict[str, str]]:
    return [{"body": b, "role": r} for b, r in sorted(grants)]


def _source_locks(conn: Connection, username: str) -> list[tuple[str, datetime]]:
    """The sources the account is locked for now, with the end of each lock."""
    now = _now()
    rows = conn.execute(
        select(login_failures.c.source, login_failures.c.locked_until).where(
            login_failures.c.username == username, login_failures.c.locked_until.is_not(None)
        )
    )
    found = [(r.source, _aware(r.locked_until)) for r in rows]
    return [(source, until) for source, until in found if until is not None and until > now]


def describe(conn: Connection, username: str) -> dict[str, Any]:
    row = _user(conn, username)
    everywhere = _aware(row.locked_until)
    sources = _source_locks(conn, username)
    ends = [until for _, until in sources]
    if everywhere is not None and everywhere > _now():
        ends.append(everywhere)
    return {
        "username": row.username,
        "disabled": bool(row.disabled),
        #: The end of the latest lock: everywhere, or for the sources in ``locked_sources``.
        "locked_until": max(ends).isoformat() if ends else None,
        "locked_everywhere": everywhere is not None and everywhere > _now(),
        "locked_sources": sorted(source for source, _ in sources),
        "roles": _grant_list(_grants(conn, row.id)),
        "created_at": _iso(row.created_at),
    }


def listing(conn: Connection) -> list[dict[str, Any]]:
    names = conn.execute(select(users.c.username).order_by(users.c.username)).scalars().all()
    return [describe(conn, name) for name in names]


def count_administrators(conn: Connection) -> int:
    query = (
        select(users.c.id)
        .join(user_roles, user_roles.c.user_id == users.c.id)
        .where(user_roles.c.role == "administrator", users.c.disabled.is_(False))
        .distinct()
    )
    return len(conn.execute(query).all())


# --- signing in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    """What a sign-in attempt did; the caller commits it, then raises ``error`` if any."""

    principal: Principal | None
    epoch: int = 0
    user_id: int = 0
    error: Exception | None = None


#: The one answer to a refused sign-in, whatever the reason (unknown user, wrong password,
#: disabled, locked): nothing tells an attacker which accounts exist or are locked.
REFUSED = (
    "the username or password is wrong (after 5 failures in a row an account is locked for "
    "15 minutes)"
)


def password_hash_of(conn: Connection, username: str) -> str | None:
    row = conn.execute(select(users.c.password_hash).where(users.c.username == username)).first()
    return None if row is None else str(row.password_hash)


def password_matches(stored: str | None, password: str) -> bool:
    """Always one argon2 verification (a dummy hash for an unknown user), outside any
    transaction: sign-in attempts never hold a database lock while hashing."""
    return _verify(stored or _DUMMY_HASH, password) and stored is not None


def record_login(
    conn: Connection, username: str, password: str, ok: bool, source: str = "unknown"
) -> LoginOutcome:
    """Count a failure or let the user in, on the rows as they are now (locks and counters are
    read under row locks, so the lock-out holds across workers)."""
    refused = Unauthenticated(REFUSED)
    row = conn.execute(select(users).where(users.c.username == username).with_for_update()).first()
    if row is None:
        return LoginOutcome(None, error=refused)
    source = source[:64]
    mine = conn.execute(
        select(login_failures)
        .where(login_failures.c.username == username, login_failures.c.source == source)
        .with_for_update()
    ).first()
    now = _now()
    if any(
        lock is not None and lock > now
        for lock in (_aware(row.locked_until), _aware(mine.locked_until) if mine else None)
    ):
        return LoginOutcome(None, error=refused)  # not audited: one entry per lock is enough
    if row.disabled or not ok:
        detail: dict[str, Any] = {"reason": "disabled" if row.disabled else "password"}
        detail["source"] = source
        if _count_failure(conn, username, source, mine, now):
            detail["locked_for_minutes"] = LOCK_FOR.total_seconds() // 60
        total = conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(failed_logins=users.c.failed_logins + 1)
            .returning(users.c.failed_logins)
        ).scalar_one()
        if total >= MAX_FAILURES_ANY_SOURCE:
            conn.execute(
                update(users)
                .where(users.c.id == row.id)
                .values(failed_logins=0, locked_until=now + LOCK_FOR)
            )
            detail["locked_everywhere"] = True
        audit.record(conn, "login.failed", username, detail)
        return LoginOutcome(None, error=refused)
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
    if _HASHER.check_needs_rehash(row.password_hash):
        values["password_hash"] = _HASHER.hash(password)
    conn.execute(update(users).where(users.c.id == row.id).values(**values))
    conn.execute(
        delete(login_failures).where(
            login_failures.c.username == username, login_failures.c.source == source
        )
    )
    audit.record(conn, "login", username, {"source": source})
    principal = Principal(username, "user", _grants(conn, row.id), via="session")
    return LoginOutcome(principal, row.auth_epoch, row.id)


def _count_failure(conn: Connection, username: str, source: str, mine: Any, now: datetime) -> bool:
    """One more failure from ``source``; True when it locks the account for that source."""
    if mine is None:
        conn.execute(insert(login_failures).values(username=username, source=source, failures=1))
        failures = 1
    else:
        failures = conn.execute(
            update(login_failures)
            .where(login_failures.c.id == mine.id)
            .values(failures=login_failures.c.failures + 1)
            .returning(login_failures.c.failures)
        ).scalar_one()
    if failures < MAX_FAILURES:
        return False
    conn.execute(
        update(login_failures)
        .where(login_failures.c.username == username, login_failures.c.source == source)
        .values(failures=0, locked_until=now + LOCK_FOR)
    )
    return True


def _unlock(conn: Connection, username: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.username == username))


def end_sessions(conn: Connection, username: str) -> None:
    """Sign the user out everywhere (a session cookie cannot be withdrawn one by one)."""
    row = _user(conn, username)
    _bump_epoch(conn, row.id)
    audit.record(conn, "logout", username)


def _verify(stored: str, password: str) -> bool:
    try:
        return bool(_HASHER.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def session_principal(conn: Connection, user_id: int, epoch: int) -> Principal | None:
    """The user of a session cookie, if it is still valid (same epoch, not disabled)."""
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None or row.disabled or row.auth_epoch != epoch:
        return None
    return Principal(row.username, "user", _grants(conn, row.id), via="session")


def user_principal(conn: Connection, username: str) -> Principal:
    """A named user as the CLI's ``--as USER`` acts."""
    row = _user(conn, username)
    if row.disabled:
        raise Invalid(f"the user {username!r} is disabled", fields={"as": "disabled"})
    return Principal(row.username, "user", _grants(conn, row.id), via="cli")


# --- API tokens ----------------------------------------------------------------------------------


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    conn: Connection,
    username: str,
    scopes: list[Grant] | None,
    label: str,
    expires_in: timedelta | None,
) -> NewToken:
    """A new token for ``username``, limited to ``scopes`` (all of the user's roles if None)."""
    row = _user(conn, username)
    held = _grants(conn, row.id)
    wanted = held if scopes is None else frozenset(check_grants(scopes))
    missing = sorted(wanted - held)
    if missing:
        raise Invalid(
            f"{username} does not hold {', '.join(f'{r} of {b}' for b, r in missing)}",
            fields={"role": "not held by the user"},
        )
    if len(label) > 100:
        raise Invalid("a token label has at most 100 characters", fields={"label": "too long"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = _now() + expires_in if expires_in is not None else None
    token_id = _inserted_id(
        conn,
        insert(api_tokens).values(
            user_id=row.id,
            token_hash=token_hash(secret),
            label=label,
            scopes=[list(g) for g in sorted(wanted)],
            expires_at=expires,
        ),
    )
    audit.record(
        conn,
        "token.create",
        username,
        {
            "token": token_id,
            "label": label,
            "scopes": _grant_list(wanted),
            "expires_at": expires.isoformat() if expires else None,
        },
    )
    return NewToken(int(token_id), secret)


def revoke_token(conn: Connection, token_id: int) -> dict[str, Any]:
    row = conn.execute(
        select(api_tokens, users.c.username)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.id == token_id)
    ).first()
    if row is None:
        raise NotFound(f"no token {token_id}", fields={"token": "unknown"})
    if row.revoked_at is None:
        conn.execute(
            update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=_now())
        )
        audit.record(conn, "token.revoke", row.username, {"token": token_id})
    return {"id": token_id, "username": row.username, "revoked": True}


def token_bodies(conn: Connection, token_id: int) -> set[str] | None:
    """The issuing bodies a token's scopes cover (who may revoke it); None if there is none."""
    scopes = conn.execute(select(api_tokens.c.scopes).where(api_tokens.c.id == token_id)).first()
    return None if scopes is None else {body for body, _ in scopes[0]}


def tokens(conn: Connection, username: str | None = None) -> list[dict[str, Any]]:
    query = (
        select(api_tokens, users.c.username)
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id)
    )
    if username is not None:
        query = query.where(users.c.username == username)
    now = _now()
    result = []
    for r in conn.execute(query):
        expires = _aware(r.expires_at)
        revoked = _aware(r.revoked_at)
        result.append(
            {
                "id": r.id,
                "username": r.username,
                "label": r.label,
                "scopes": _grant_list(tuple(s) for s in r.scopes),
                "created_at": _iso(r.created_at),
                "expires_at": expires.isoformat() if expires else None,
                "revoked_at": revoked.isoformat() if revoked else None,
                "active": revoked is None and (expires is None or expires > now),
            }
        )
    return result


def token_principal(conn: Connection, secret: str) -> Principal | None:
    """The principal of a bearer token: its scopes, narrowed to the roles its user still holds."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = conn.execute(
        select(api_tokens, users.c.username, users.c.disabled)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == token_hash(secret))
    ).first()
    if row is None or row.revoked_at is not None or row.disabled:
        return None
    expires = _aware(row.expires_at)
    if expires is not None and expires <= _now():
        return None
    scopes = frozenset((b, r) for b, r in row.scopes) & _grants(conn, row.user_id)
    return Principal(row.username, "user", scopes, via="token", token_id=row.id)


def first_administrator(conn: Connection, username: str, password: str) -> bool:
    """Create ``username`` as administrator of every body unless an administrator exists."""
    if count_administrators(conn):
        return False
    add_user(conn, username, password, [(body, "administrator") for body in BODIES])
    return True
