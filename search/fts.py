"""The embedded search backend: SQLite FTS5 in a file of its own (``KENSE_DATA_DIR/search.db``).

``terms`` and ``grams`` are whitespace-separated tokens produced by search.analysis and
search.grams; the unicode61 tokenizer (with ``.``, ``_`` and ``-`` as token characters) reads them
back as they were written, so both backends see the same tokens.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from search.backend import FACETS, GRAM_WEIGHT, TERM_WEIGHT, Hit, Plan, SearchResult
from search.documents import IndexDoc, to_index_doc
from search.highlight import Highlighter
from search.query import SearchQuery

COLUMNS = (
    "id", "type", "frbr_uri", "lang", "eid", "num", "node_type", "heading", "text", "title",
    "act_type", "act_number", "act_date", "issuer", "status", "public", "valid_from", "valid_to",
    "year", "digest",
)  # fmt: skip
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    {", ".join(f"{c} {'INTEGER' if c in ('public', 'year') else 'TEXT'}" for c in COLUMNS)},
    UNIQUE (id)
);
CREATE INDEX IF NOT EXISTS docs_work ON docs (frbr_uri);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    terms, grams, tokenize = "unicode61 remove_diacritics 0 tokenchars '._-'"
);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_vocab USING fts5vocab(docs_fts, 'col');
"""


class FtsBackend:
    name = "fts5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    # --- connections ---

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- writing ---

    def ensure(self) -> None:
        self._connect().executescript(_SCHEMA)

    def replace_work(self, frbr_uri: str, docs: list[IndexDoc]) -> None:
        self.ensure()
        with self._write() as conn:
            rowids = [
                r[0] for r in conn.execute("SELECT rowid FROM docs WHERE frbr_uri = ?", (frbr_uri,))
            ]
            conn.executemany("DELETE FROM docs_fts WHERE rowid = ?", [(r,) for r in rowids])
            conn.execute("DELETE FROM docs WHERE frbr_uri = ?", (frbr_uri,))
            _insert(conn, docs)

    def rebuild(
        self, docs: Iterable[IndexDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        """Build a new file beside the current one, then swap it in with an atomic rename."""
        fresh = self.path.with_suffix(".new")
        fresh.unlink(missing_ok=True)
        count = 0
        conn = sqlite3.connect(fresh, isolation_level=None)
        try:
            conn.executescript(_SCHEMA)
            conn.execute("BEGIN")
            batch: list[IndexDoc] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) == 500:
                    _insert(conn, batch)
                    count += len(batch)
                    batch.clear()
                    if progress:
                        progress(count)
            _insert(conn, batch)
            count += len(batch)
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
        if progress:
            progress(count)
        self.close()
        os.replace(fresh, self.path)
        return count

    # --- reading ---

    def search(self, query: SearchQuery, plan: Plan) -> SearchResult:
        self.ensure()
        if plan.empty:
            return SearchResult([], 0, {f: [] for f in FACETS} if query.facets else {})
        where, params = _filters(query)
        match = _match(plan)
        base = (
            "FROM docs_fts JOIN docs ON docs.rowid = docs_fts.rowid "
            f"WHERE docs_fts MATCH ? AND {where}"
        )
        conn = self._connect()
        args = [match, *params]
        total = conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        rows = conn.execute(
            f"SELECT docs.*, -bm25(docs_fts, {TERM_WEIGHT}, {GRAM_WEIGHT}) AS score {base} "
            "ORDER BY score DESC, docs.id LIMIT ? OFFSET ?",
            [*args, query.size, query.offset],
        )
        names = [d[0] for d in rows.description]
        mark = Highlighter(query, plan)
        hits = [_hit(dict(zip(names, row, strict=True)), mark) for row in rows]
        facets = _facets(conn, base, args) if query.facets else {}
        return SearchResult(hits, total, facets)

    def known_terms(self, terms: tuple[str, ...]) -> set[str]:
        self.ensure()
        marks = ", ".join("?" * len(terms))
        rows = self._connect().execute(
            f"SELECT DISTINCT term FROM docs_vocab WHERE col = 'terms' AND term IN ({marks})",
            terms,
        )
        return {r[0] for r in rows}

    def digests(self) -> dict[str, str]:
        self.ensure()
        return dict(self._connect().execute("SELECT id, digest FROM docs").fetchall())

    def health(self) -> dict[str, Any]:
        try:
            self.ensure()
            count = self._connect().execute("SELECT count(*) FROM docs").fetchone()[0]
        except sqlite3.Error as exc:
            return {"backend": self.name, "ok": False, "error": str(exc)}
        return {"backend": self.name, "ok": True, "documents": count, "path": str(self.path)}


def _insert(conn: sqlite3.Connection, docs: list[IndexDoc]) -> None:
    for doc in docs:
        data = to_index_doc(doc)
        data["public"] = int(doc.public)
        conn.execute(
            f"INSERT INTO docs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [data[c] for c in COLUMNS],
        )
        rowid = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        conn.execute(
            "INSERT INTO docs_fts (rowid, terms, grams) VALUES (?, ?, ?)",
            (rowid, doc.terms, doc.grams),
        )


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _match(plan: Plan) -> str:
    """Any stem, or a run of consecutive trigrams of a query word (a shared five-letter run)."""
    parts = [f"terms : {_quote(t)}" for t in plan.terms]
    parts += [f"grams : ({' AND '.join(_quote(g) for g in run)})" for run in plan.gram_runs]
    return " OR ".join(parts)


def _filters(query: SearchQuery) -> tuple[str, list[Any]]:
    clauses = ["docs.lang = ?", f"docs.type IN ({', '.join('?' * len(query.types))})"]
    params: list[Any] = [query.lang, *query.types]
    if not query.staff:
        clauses.append("docs.public = 1")
    if query.at is not None:
        clauses.append("(docs.valid_from IS NULL OR docs.valid_from <= ?)")
        clauses.append("(docs.valid_to IS NULL OR docs.valid_to >= ?)")
        params += [query.at.isoformat(), query.at.isoformat()]
    else:
        clauses.append("docs.valid_to IS NULL")
    if query.status:
        clauses.append("docs.status = ?")
        params.append(query.status)
    if query.issuer:
        clauses.append("docs.issuer = ?")
        params.append(query.issuer)
    if query.year_from is not None:
        clauses.append("docs.year >= ?")
        params.append(query.year_from)
    if query.year_to is not None:
        clauses.append("docs.year <= ?")
        params.append(query.year_to)
    return " AND ".join(clauses), params


def _facets(
    conn: sqlite3.Connection, base: str, args: list[Any]
) -> dict[str, list[dict[str, Any]]]:
    result = {}
    for name in FACETS:
        rows = conn.execute(
            f"SELECT docs.{name}, count(*) AS n {base} "
            f"GROUP BY docs.{name} ORDER BY n DESC, docs.{name} ASC LIMIT 20",
            args,
        )
        result[name] = [{"value": v, "count": n} for v, n in rows if v is not None]
    return result


def _hit(row: dict[str, Any], mark: Highlighter) -> Hit:
    return Hit(
        id=row["id"],
        type=row["type"],
        frbr_uri=row["frbr_uri"],
        lang=row["lang"],
        eid=row["eid"],
        num=row["num"],
        text=row["text"],
        score=float(row["score"]),
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        act_number=row["act_number"],
        act_date=row["act_date"],
        issuer=row["issuer"],
        status=row["status"],
        highlight=mark(row["text"]),
    )
