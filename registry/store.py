"""Storage of the registry: tables, engine and transactions (SQLAlchemy 2 Core).

History tables are append-only: the migration installs triggers that refuse UPDATE and DELETE on
them, in SQLite and in PostgreSQL alike. Writers take a lock on the work they change
(``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so a check followed by an
insert is atomic across processes; unique constraints are the last line of defence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
)
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.pool import ConnectionPoolEntry


#: eIds and sort keys compare byte-wise on every backend (PostgreSQL's locale collations would
#: ignore the "_" and "~" that give them their order).
def _key(length: int) -> String:
    return String(length).with_variant(String(length, collation="C"), "postgresql")


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

works = Table(
    "works",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("frbr_uri", String(200), nullable=False, unique=True),
    Column("place", String(16), nullable=False),
    Column("subtype", String(40), nullable=False),
    Column("number", String(60), nullable=False),
    Column("date", Date, nullable=False),
    Column("issuer", Text),
    #: Entry into force: None = fixed (the act's date), N = N days after first publication.
    Column("days_after_publication", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

expressions = Table(
    "expressions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", ForeignKey("works.id"), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("title", Text, nullable=False),
    Column("meta", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("work_id", "lang", name="uq_expressions_work_lang"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", ForeignKey("works.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("date", Date, nullable=False),
    #: True when the date is not in the source and was assumed (e.g. publication = adoption).
    Column("assumed", Boolean, nullable=False),
    Column("detail", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

amendments = Table(
    "amendments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", ForeignKey("works.id"), nullable=False, index=True),
    Column("amending_work_id", ForeignKey("works.id"), nullable=False, index=True),
    Column("rule", String(20), nullable=False),
    Column("days", Integer),
    Column("fixed_date", Date),
    Column("operations", JSON, nullable=False),
    #: "registry" for amendments entered here, "note" for history read from an official text.
    Column("source", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The date from which an amendment's operations take effect, once it is known.
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("amendment_id", ForeignKey("amendments.id"), nullable=False, unique=True),
    Column("date", Date, nullable=False),
    Column("assumed", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

provisions = Table(
    "provisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", ForeignKey("works.id"), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("eid", _key(200), nullable=False),
    Column("parent_eid", _key(200)),
    Column("sort_key", _key(400), nullable=False),
    Column("type", String(20), nullable=False),
    Column("num", String(40)),
    Column("heading", Text),
    Column("text", Text),
    #: in_force | repealed | not_held | absent (removed by a restatement of an ancestor)
    Column("state", String(10), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("amendment_id", ForeignKey("amendments.id")),
    UniqueConstraint("work_id", "lang", "eid", "valid_from", name="uq_provisions_version"),
)
Index("ix_provisions_at", provisions.c.work_id, provisions.c.lang, provisions.c.valid_from)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", ForeignKey("works.id"), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("eid", String(200), nullable=False),
    Column("placement", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("amendment_id", ForeignKey("amendments.id")),
)
Index("ix_notes_work", notes.c.work_id, notes.c.lang, notes.c.valid_from)

#: Tables whose rows are never updated or deleted.
APPEND_ONLY = (
    "works",
    "expressions",
    "events",
    "amendments",
    "effects",
    "provisions",
    "notes",
    "changes",
    "files",
)


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def make_engine(url: str) -> Engine:
    """An engine configured for safe concurrent writers on SQLite and PostgreSQL."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        _sqlite_transactions(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, emit BEGIN, so that writers can ask for BEGIN IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("kense_write") else "BEGIN")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed on success, rolled back whole on any error."""
    with engine.connect() as conn:
        conn.info["kense_write"] = True
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info.pop("kense_write", None)


def lock_work(conn: Connection, work_id: int) -> None:
    """Serialise writers of one work across processes (SQLite already holds the write lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            works.select()
            .with_only_columns(works.c.id)
            .where(works.c.id == work_id)
            .with_for_update()
        )


#: The change feed (an outbox): one row per work changed, written in the transaction that changed
#: it. Consumers (the search indexer) acknowledge rows in ``deliveries`` once they have acted on
#: them; unacknowledged rows survive any outage of the consumer.
changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", ForeignKey("works.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("change_id", ForeignKey("changes.id"), primary_key=True),
    Column("consumer", String(40), primary_key=True),
    Column("delivered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: Files attached to works (uploaded decisions): the bytes live content-addressed under the data
#: directory (``path`` is relative to it); ``text`` is what was extracted for search.
files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", ForeignKey("works.id"), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("path", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("work_id", "sha256", name="uq_files_work_sha256"),
)


#: Documents issued from templates. A row is the document as generated: template and version,
#: the data per language (JSON), the acts it cites and the document it corrects. It never
#: changes; what happens to it later (finalised with a number, voided, adopted, signed) is
#: recorded in ``document_events``.
documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(32), nullable=False, unique=True),
    Column("template_id", String(60), nullable=False),
    Column("template_version", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("series", String(60), nullable=False),
    Column("numbered", Boolean, nullable=False),
    Column("issuer", String(60), nullable=False),
    Column("title", Text, nullable=False),
    Column("data", JSON, nullable=False),
    Column("cites", JSON, nullable=False),
    Column("corrects_id", ForeignKey("documents.id"), nullable=True),
    Column("actor", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The generated files of a document: ``stage`` "draft" (unnumbered) or "final" (as numbered).
document_files = Table(
    "document_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False),
    Column("stage", String(10), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("format", String(10), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("path", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("document_id", "stage", "lang", "format", name="uq_document_files_kind"),
    #: Verification finds the document a received file belongs to by its hash.
    Index("ix_document_files_sha256", "sha256"),
)

#: What happened to a document: drafted, finalised (with its number and date), voided, adopted
#: (the number and date another body assigned), signed. The latest event gives the status.
document_events = Table(
    "document_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("number", String(60), nullable=True),
    Column("day", Date, nullable=True),
    Column("detail", JSON, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: Registration numbers taken, one row each: the primary key makes a duplicate impossible and
#: the next number is the series' largest plus one, taken under a named lock (``locks``).
document_numbers = Table(
    "document_numbers",
    metadata,
    Column("series", String(60), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The change feed of documents: like ``changes`` for works, written in the transaction that
#: drafted, finalised or voided a document, acknowledged per consumer in ``document_deliveries``.
document_changes = Table(
    "document_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

document_deliveries = Table(
    "document_deliveries",
    metadata,
    Column("change_id", ForeignKey("document_changes.id"), primary_key=True),
    Column("consumer", String(40), primary_key=True),
    Column("delivered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The audit trail (registry.audit): one row per state change, chained by SHA-256. ``id`` is the
#: storage order, ``seq`` the chain's own numbering (both must agree when nothing was tampered).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

#: Accounts (registry.accounts). A user's rows change (password, lock-out counters, roles); what
#: changed, by whom, is in the audit trail. ``auth_epoch`` grows on every change of password,
#: roles or status: a session cookie carries the epoch it was issued in, so those changes end
#: every open session of the user on every worker.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("auth_epoch", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The roles a user holds, each for one issuing body (registry.documents.ISSUING_BODIES).
user_roles = Table(
    "user_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("body", String(60), nullable=False),
    Column("role", String(20), nullable=False),
    UniqueConstraint("user_id", "body", "role", name="uq_user_roles_grant"),
)

#: API tokens: only the SHA-256 of the secret is stored (the secret has 256 bits of entropy, so a
#: slow hash adds nothing); ``scopes`` limits the token to some of its user's roles.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(100), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

#: DOCX files an administrator uploaded to replace a bundled template's file in one language
#: (templates.workflows). Append-only: the newest row of a (template, language) is in use; the
#: history of who changed a form, and when, stays.
template_uploads = Table(
    "template_uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("template_id", String(60), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("path", String(200), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_template_uploads_template", "template_id", "lang"),
)

#: Failed sign-ins by account and source (the client's address): five in a row from one source
#: lock the account for that source only, so nobody can lock a user out from elsewhere; the
#: user row's own counter locks the account everywhere after many failures from any sources.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("source", String(64), nullable=False),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    UniqueConstraint("username", "source", name="uq_login_failures_source"),
)
