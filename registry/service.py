"""The registry's use cases, composed over storage: what the CLI and HTTP edges call.

Plain data in, plain data out; every write is one transaction, so a failure writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from registry import (
    accounts,
    acts,
    amend,
    audit,
    backup,
    blobs,
    decisions,
    documents,
    migrate,
    template_files,
    works,
)
from registry.acts import ActView
from registry.akn import from_akn
from registry.config import RegistryConfig
from registry.diff import diff_trees
from registry.diff import to_dict as diff_dict
from registry.errors import Conflict, Invalid, NotFound, Unauthenticated
from registry.importing import ImportResult, import_act
from registry.locks import named_lock
from registry.model import ActRef, Lang, Node, ParsedAct, is_lang
from registry.parse import parse_official_text
from registry.policy import Principal
from registry.store import make_engine, reading, writing
from registry.uri import FrbrUri

log = logging.getLogger("kense.registry")

#: The bundled acts that ``kense init`` loads: (package resource, language).
SEED = (("kostanay-514-2021-ereje.kk.md", "kk"),)
MAX_IMPORT_BYTES = 5_000_000
ACCOUNTS_LOCK = "kense-accounts"


@dataclass
class Registry:
    config: RegistryConfig
    engine: Engine
    #: Called after every committed write (the app wires the search indexer here). A failing
    #: callback is logged, never raised: the write is committed and the change feed keeps it.
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def open(cls, config: RegistryConfig) -> Registry:
        return cls(config, make_engine(config.database_url))

    def close(self) -> None:
        self.engine.dispose()

    # --- set-up ---

    def backup(
        self, out: IO[bytes], progress: Callable[[str], None] | None = None
    ) -> dict[str, Any]:
        """A consistent archive of every table and stored file (``registry.backup``)."""
        return backup.backup(self.engine, self.config.data_dir, out, progress)

    def restore(
        self, source: IO[bytes], progress: Callable[[str], None] | None = None
    ) -> dict[str, Any]:
        """Restore an archive into this empty database (migrated first); all or nothing."""
        self.migrate()
        return backup.restore(self.engine, self.config.data_dir, source, progress)

    def health(self) -> dict[str, Any]:
        """Whether the database answers and is migrated to the newest revision."""
        with reading(self.engine) as conn:
            current = migrate.current_revision(conn)
        head = migrate.head_revision()
        return {
            "ok": current == head,
            "dialect": self.engine.dialect.name,
            "revision": current,
            "expected": head,
        }

    def migrate(self) -> None:
        migrate.upgrade(self.engine)

    def load_seed(self) -> list[str]:
        """Import the bundled acts that are not in the registry yet; returns their work URIs."""
        loaded = []
        for name, lang in SEED:
            text = resources.files("registry").joinpath("seed", name).read_text("utf-8")
            parsed = _parse(text, _check_lang(lang))
            uri = _uri_of(parsed, self.config.default_place)
            with reading(self.engine) as conn:
                work = works.find(conn, uri)
                if work is not None and lang in works.languages(conn, work.id):
                    continue
            loaded.append(self.store_parsed(parsed, None).uri.work)
        return loaded

    # --- writes ---

    def import_text(self, text: str, lang: str, work: str | None = None) -> ImportResult:
        checked = _check_lang(lang)
        if len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
            raise Invalid(f"the text is larger than {MAX_IMPORT_BYTES} bytes")
        return self.store_parsed(_parse(text, checked), work)

    def import_akn(self, data: bytes, work: str | None = None) -> ImportResult:
        """Akoma Ntoso carries its own work URI: the act is created under it if new."""
        uri, parsed = from_akn(data)
        return self.store_parsed(parsed, work, declared=uri)

    def store_parsed(
        self, parsed: ParsedAct, work: str | None, *, declared: FrbrUri | None = None
    ) -> ImportResult:
        with writing(self.engine) as conn:
            result = import_act(
                conn,
                parsed,
                work_uri=work,
                default_place=self.config.default_place,
                declared=declared,
            )
            audit.record(
                conn,
                "act.import",
                result.uri.work,
                {"lang": result.lang, "attached": result.attached},
            )
        self._committed()
        return result

    def amend(self, uri: str, data: object) -> dict[str, Any]:
        request = amend.parse_request(data)
        with writing(self.engine) as conn:
            result = amend.enter(conn, uri, request)
            audit.record(
                conn,
                "amendment.enter",
                result["frbr_uri"],
                {"by": result["amending_act"], "status": result["status"]},
            )
        self._committed()
        return result

    def publish(self, uri: str, day: date) -> dict[str, Any]:
        with writing(self.engine) as conn:
            result = amend.publish(conn, uri, day)
            audit.record(conn, "act.publish", uri, {"date": day.isoformat()})
        self._committed()
        return result

    def add_decision(
        self, data: bytes, filename: str, *, lang: str, act: ActRef, title: str
    ) -> dict[str, Any]:
        """Upload a decision (PDF or DOCX): its work, title, adoption and file, in one write."""
        upload = decisions.prepare(data, filename, lang=lang, act=act, title=title)
        try:
            with writing(self.engine) as conn:
                result = decisions.store(
                    conn, self.config.data_dir, self.config.default_place, upload
                )
                audit.record(conn, "decision.add", result["frbr_uri"], {"sha256": result["sha256"]})
        except IntegrityError as exc:  # a concurrent upload of the same act or file won
            raise Conflict(
                "the same decision was being added at the same time; try again",
                fields={"file": "concurrent upload"},
            ) from exc
        self._committed()
        return result

    def _committed(self) -> None:
        for callback in self.after_commit:
            try:
                callback()
            except Exception:  # the write stands; the change feed still holds the work
                log.exception("after-commit callback failed", extra={"callback": repr(callback)})

    def record_event(
        self, uri: str, kind: str, day: date, detail: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        with writing(self.engine) as conn:
            result = amend.record_event(conn, uri, kind, day, detail)
            audit.record(conn, "act.event", uri, {"event": kind, "date": day.isoformat()})
        self._committed()
        return result

    # --- documents ---

    def check_document_references(self, cites: Sequence[str], corrects: str | None) -> None:
        """Refuse cited acts or a corrected document the registry does not hold (before any
        rendering is spent on the document)."""
        with reading(self.engine) as conn:
            documents.check_references(conn, cites, corrects)

    def create_document(self, new: documents.NewDocument, actor: str) -> dict[str, Any]:
        with writing(self.engine) as conn:
            created = documents.create(conn, self.config.data_dir, new, actor)
            audit.record(conn, "document.draft", created["id"], {"template": new.template_id})
        self._committed()
        return created

    def finalise_document(
        self,
        public_id: str,
        produce: Callable[[str | None, date | None], Sequence[documents.GeneratedFile]],
        actor: str,
        day: date,
    ) -> dict[str, Any]:
        """Number a drafted document and record the files ``produce(number, day)`` makes.

        The series lock is held while the files are produced, so numbers are consecutive and
        unique across processes; if ``produce`` fails, nothing is written and no number is used.
        A document another body numbers gets ``produce(None, None)``: no number, no date yet.
        """
        with reading(self.engine) as conn:
            draft = documents.get(conn, public_id)
        with named_lock(self.engine, documents.series_lock(draft["series"], day.year)):
            with reading(self.engine) as conn:
                documents.require(conn, public_id, "finalised")
                seq = documents.next_seq(conn, draft["series"], day.year)
            numbered = documents.numbered(draft)
            number = documents.format_number(seq) if numbered else None
            files = produce(number, day if numbered else None)
            with writing(self.engine) as conn:
                done = self._finalise(conn, public_id, seq, number, day, files, actor)
        self._committed()
        return done

    def issue_document(
        self,
        new: documents.NewDocument,
        produce: Callable[[str | None, date | None], Sequence[documents.GeneratedFile]],
        actor: str,
        day: date,
    ) -> dict[str, Any]:
        """Draft and finalise at once: nothing is recorded unless the numbered files were made."""
        with named_lock(self.engine, documents.series_lock(new.series, day.year)):
            with reading(self.engine) as conn:
                seq = documents.next_seq(conn, new.series, day.year)
            number = documents.format_number(seq) if new.numbered else None
            files = produce(number, day if new.numbered else None)
            with writing(self.engine) as conn:
                created = documents.create(conn, self.config.data_dir, new, actor)
                audit.record(conn, "document.draft", created["id"], {"template": new.template_id})
                done = self._finalise(conn, created["id"], seq, number, day, files, actor)
        self._committed()
        return done

    def _finalise(
        self,
        conn: Connection,
        public_id: str,
        seq: int,
        number: str | None,
        day: date,
        files: Sequence[documents.GeneratedFile],
        actor: str,
    ) -> dict[str, Any]:
        done = documents.finalise(
            conn,
            self.config.data_dir,
            public_id,
            seq=seq if number else None,
            number=number,
            day=day,
            files=files,
            actor=actor,
        )
        audit.record(
            conn,
            "document.finalise",
            public_id,
            {"number": done["number"], "files": [f["sha256"] for f in done["files"]]},
        )
        return done

    def void_document(self, public_id: str, reason: str, actor: str, day: date) -> dict[str, Any]:
        with writing(self.engine) as conn:
            voided = documents.void(conn, public_id, reason, actor, day)
            audit.record(conn, "document.void", public_id, {"reason": reason})
        self._committed()
        return voided

    def adopt_document(self, public_id: str, number: str, day: date, actor: str) -> dict[str, Any]:
        with writing(self.engine) as conn:
            adopted = documents.adopt(conn, public_id, number, day, actor)
            audit.record(
                conn, "document.adopt", public_id, {"number": number, "date": day.isoformat()}
            )
        self._committed()
        return adopted

    # --- template files ---

    def upload_template_file(
        self, template_id: str, lang: str, data: bytes, actor: str
    ) -> dict[str, Any]:
        """Keep an uploaded (already checked) DOCX as the template's file in ``lang``."""
        with writing(self.engine) as conn:
            return template_files.record(conn, self.config.data_dir, template_id, lang, data, actor)

    def template_files(self, template_id: str) -> dict[str, bytes]:
        """The uploaded files in use for a template: language → DOCX bytes."""
        with reading(self.engine) as conn:
            return template_files.current(conn, self.config.data_dir, template_id)

    def template_uploads(self, template_id: str) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return template_files.history(conn, template_id)

    # --- accounts ---

    def add_user(self, username: str, password: str, grants: list[Any]) -> dict[str, Any]:
        with writing(self.engine) as conn:
            return accounts.add_user(conn, username, password, grants)

    def set_password(self, username: str, password: str) -> None:
        with writing(self.engine) as conn:
            accounts.set_password(conn, username, password)

    def change_roles(self, username: str, grant: list[Any], revoke: list[Any]) -> dict[str, Any]:
        # One account change at a time across processes: two concurrent demotions must not
        # both see the other administrator and leave none.
        with named_lock(self.engine, ACCOUNTS_LOCK), writing(self.engine) as conn:
            return accounts.change_roles(conn, username, grant, revoke)

    def set_disabled(self, username: str, disabled: bool) -> dict[str, Any]:
        with named_lock(self.engine, ACCOUNTS_LOCK), writing(self.engine) as conn:
            return accounts.set_disabled(conn, username, disabled)

    def user(self, username: str) -> dict[str, Any]:
        with reading(self.engine) as conn:
            return accounts.describe(conn, username)

    def users(self) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return accounts.listing(conn)

    def first_administrator(self, username: str, password: str) -> bool:
        """Create the first administrator, unless there is one (serialised across processes)."""
        with named_lock(self.engine, ACCOUNTS_LOCK), writing(self.engine) as conn:
            return accounts.first_administrator(conn, username, password)

    def login(self, username: str, password: str, source: str = "unknown") -> accounts.LoginOutcome:
        """Check a password (hashing outside any transaction), then record the attempt; a
        failure's count is committed before the refusal is raised."""
        with reading(self.engine) as conn:
            stored = accounts.password_hash_of(conn, username)
        ok = accounts.password_matches(stored, password)
        if stored is None:
            raise Unauthenticated(accounts.REFUSED)
        with writing(self.engine) as conn:
            outcome = accounts.record_login(conn, username, password, ok, source)
        if outcome.error is not None:
            raise outcome.error
        return outcome

    def logout(self, username: str) -> None:
        with writing(self.engine) as conn:
            accounts.end_sessions(conn, username)

    def session_principal(self, user_id: int, epoch: int) -> Principal | None:
        with reading(self.engine) as conn:
            return accounts.session_principal(conn, user_id, epoch)

    def token_principal(self, secret: str) -> Principal | None:
        with reading(self.engine) as conn:
            return accounts.token_principal(conn, secret)

    def user_principal(self, username: str) -> Principal:
        with reading(self.engine) as conn:
            return accounts.user_principal(conn, username)

    def create_token(
        self,
        username: str,
        scopes: list[Any] | None = None,
        label: str = "",
        expires_in: timedelta | None = None,
    ) -> accounts.NewToken:
        with writing(self.engine) as conn:
            return accounts.create_token(conn, username, scopes, label, expires_in)

    def revoke_token(self, token_id: int) -> dict[str, Any]:
        with writing(self.engine) as conn:
            return accounts.revoke_token(conn, token_id)

    def token_bodies(self, token_id: int) -> set[str] | None:
        with reading(self.engine) as conn:
            return accounts.token_bodies(conn, token_id)

    def tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return accounts.tokens(conn, username)

    def sign_document(
        self,
        public_id: str,
        files: Sequence[documents.GeneratedFile],
        signer: dict[str, str],
        actor: str,
    ) -> dict[str, Any]:
        with writing(self.engine) as conn:
            signed = documents.sign(conn, self.config.data_dir, public_id, files, signer, actor)
            audit.record(
                conn,
                "document.sign",
                public_id,
                {"signer": signer.get("name"), "serial": signer.get("serial")},
            )
        self._committed()
        return signed

    def record_act_signature(self, uri: str, detail: dict[str, str], actor: str) -> None:
        """An act version was signed (the signed AKN goes to the signer, not the registry)."""
        with writing(self.engine) as conn:
            work = works.get(conn, uri)
            audit.record(conn, "act.sign", work.uri.work, detail)

    def require_document_event(self, public_id: str, event: str) -> None:
        """Raise Conflict unless ``event`` may happen to the document now."""
        with reading(self.engine) as conn:
            documents.require(conn, public_id, event)

    def document_with_file(self, sha256: str) -> dict[str, Any] | None:
        with reading(self.engine) as conn:
            return documents.find_file(conn, sha256)

    def audit_verify(self) -> audit.Verdict:
        with reading(self.engine) as conn:
            return audit.verify(conn)

    def audit_entries(self, **filters: Any) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return audit.entries(conn, **filters)

    def amendment_of(self, amending_uri: str, today: date) -> dict[str, Any]:
        with reading(self.engine) as conn:
            return amend.amendment_of(conn, amending_uri, today)

    def document(self, public_id: str) -> dict[str, Any]:
        with reading(self.engine) as conn:
            return documents.get(conn, public_id)

    def list_documents(self, **filters: Any) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return documents.listing(conn, **filters)

    def document_ids(self) -> list[str]:
        with reading(self.engine) as conn:
            return documents.all_public_ids(conn)

    def document_search_view(self, public_id: str) -> dict[str, Any] | None:
        with reading(self.engine) as conn:
            return documents.search_view(conn, self.config.data_dir, public_id)

    def document_file(self, public_id: str, stage: str, lang: str, fmt: str) -> tuple[bytes, str]:
        with reading(self.engine) as conn:
            return documents.file_content(conn, self.config.data_dir, public_id, stage, lang, fmt)

    # --- reads ---

    def list_works(self, **filters: Any) -> list[dict[str, Any]]:
        with reading(self.engine) as conn:
            return acts.list_works(conn, **filters)

    def act_at(self, uri: str, lang: str, at: date) -> ActView:
        checked = _check_lang(lang)
        with reading(self.engine) as conn:
            return acts.act_at(conn, uri, checked, at)

    def all_versions(self, uri: str, lang: str) -> list[ActView]:
        checked = _check_lang(lang)
        with reading(self.engine) as conn:
            return acts.all_versions(conn, uri, checked)

    def provision_at(self, uri: str, lang: str, eid: str, at: date) -> Node:
        _check_lang(lang)
        with reading(self.engine) as conn:
            return acts.provision_at(conn, uri, lang, eid, at)

    def provision_history(self, uri: str, lang: str, eid: str) -> list[dict[str, Any]]:
        _check_lang(lang)
        with reading(self.engine) as conn:
            return acts.provision_history(conn, uri, lang, eid)

    def versions(self, uri: str, *, drafts: bool = True) -> dict[str, Any]:
        """The timeline; without ``drafts``, pending changes by draft acts are left out."""
        with reading(self.engine) as conn:
            timeline = acts.versions(conn, uri)
        if not drafts:
            timeline["pending"] = [p for p in timeline["pending"] if p["status"] != "draft"]
        return timeline

    def require_visible(self, uri: str, *, drafts: bool) -> None:
        """Without ``drafts`` (readers), a draft act is answered as if it did not exist."""
        with reading(self.engine) as conn:
            work = works.get(conn, uri)
            if not drafts and works.is_draft(conn, work.id):
                raise NotFound(
                    f"no act {work.uri.work} in the registry", fields={"frbr_uri": "unknown"}
                )

    def work_info(self, uri: str) -> dict[str, Any]:
        with reading(self.engine) as conn:
            work = works.get(conn, uri)
            return {
                "frbr_uri": work.uri.work,
                "type": work.uri.subtype,
                "number": work.number,
                "date": work.uri.date.isoformat(),
                "issuer": work.issuer,
                "title": works.titles(conn, work.id),
                "languages": works.languages(conn, work.id),
                "text_held": works.holds_text(conn, work.id),
                "lifecycle": [
                    {"event": e.kind, "date": e.date.isoformat(), "assumed": e.assumed}
                    for e in works.lifecycle(conn, work.id)
                ],
                "files": decisions.decision_files(conn, work.id, with_text=False),
            }

    def files_of(self, uri: str) -> list[dict[str, Any]]:
        """The files attached to an act, with their extracted text."""
        with reading(self.engine) as conn:
            return decisions.decision_files(conn, works.get(conn, uri).id)

    def file_content(self, uri: str, sha256: str) -> tuple[bytes, str, str]:
        """The bytes of one attached file, its media type and file name."""
        with reading(self.engine) as conn:
            row = decisions.file_of(conn, works.get(conn, uri).id, sha256)
        return blobs.read_content(self.config.data_dir, row), row["media_type"], row["filename"]

    def diff(self, uri: str, lang: str, old: date, new: date) -> dict[str, Any]:
        before = self.act_at(uri, lang, old)
        after = self.act_at(uri, lang, new)
        result = diff_dict(diff_trees(before.root, after.root))
        return {
            "frbr_uri": before.uri.work,
            "lang": lang,
            "from": old.isoformat(),
            "to": new.isoformat(),
            **result,
        }


def database_problem(exc: DBAPIError) -> str:
    """What to tell a person when the database refuses: not initialised, or not reachable."""
    detail = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
    if "no such table" in detail or "does not exist" in detail:
        return f"the database is not initialised ({detail}); run `kense init`"
    return f"the database is not available: {detail}"


def _check_lang(lang: str) -> Lang:
    if not is_lang(lang):
        raise Invalid(f"unknown language {lang!r}; use kk or ru", fields={"lang": "kk or ru"})
    return lang


def _parse(text: str, lang: Lang) -> ParsedAct:
    return parse_official_text(text, lang)


def _uri_of(parsed: ParsedAct, default_place: str) -> FrbrUri:
    act = parsed.act
    assert act.date is not None and act.number
    return FrbrUri.for_act(parsed.place or default_place, act.type, act.date, act.number)
