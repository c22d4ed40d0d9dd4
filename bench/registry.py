"""Benchmarks of the registry: point-in-time reads as amendments pile up, and import throughput.

    python -m bench.registry        (what `make bench` runs; --help lists the options)

1. Provision at a date. One act (5 chapters x 30 paragraphs x 10 points) is stored twice: with
   10 amendments and with 1,000, entered through ``Registry.amend`` on increasing dates over ten
   years. The same mix of paragraph reads (``Registry.provision_at``) is timed on both,
   interleaved; the figure that matters is median(1,000) / median(10), goal <= 1.5.
2. Import of the bundled seed: parse alone, ``Registry.import_text`` (parse + store), and a raw
   ``executemany`` of the same provision rows as the floor to compare with.

SQLite always; PostgreSQL as well when KENSE_TEST_DATABASE_URL is set (every database is a fresh
schema, dropped afterwards). The table goes to stdout, progress to stderr, every figure to
bench/results/registry.json.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from registry.config import RegistryConfig
from registry.model import ActRef, Node, ParsedAct
from registry.service import Registry

# --- what is measured ---------------------------------------------------------------------------

CHAPTERS = 5
PARAGRAPHS_PER_CHAPTER = 30
POINTS_PER_PARAGRAPH = 10
FEW, MANY = 10, 1000
START = date(2014, 1, 10)  # the act's date, from which it is in force
SPAN_DAYS = 3650  # amendments take effect on distinct days within ten years of START
HOT_PARAGRAPHS = 5  # paragraphs that attract a large share of all changes ...
HOT_SHARE = 0.35  # ... this share
READS, WARMUP = 2000, 200
ACT_READS, ACT_WARMUP = 30, 3
SQL_READS = 500
PROFILE_READS = 1000
SEED = 20211112
ISSUER = "Қостанай облысы әкімдігі"
SEED_TEXT = "kostanay-514-2021-ereje.kk.md"
RESULTS = Path(__file__).resolve().parent / "results" / "registry.json"

Json = dict[str, Any]


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- figures --------------------------------------------------------------------------------------


def summary(samples_ns: Sequence[int]) -> Json:
    """Median, p95, mean and min of latencies, in microseconds."""
    q = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return {
        "n": len(samples_ns),
        "median_us": statistics.median(samples_ns) / 1000,
        "p95_us": q[94] / 1000,
        "mean_us": statistics.fmean(samples_ns) / 1000,
        "min_us": min(samples_ns) / 1000,
    }


@contextmanager
def no_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def timed(call: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    call()
    return time.perf_counter_ns() - start


# --- databases ------------------------------------------------------------------------------------


class Backend:
    """Fresh, empty databases of one kind; everything made is removed by ``close``."""

    name = ""

    def fresh(self, label: str) -> str:
        raise NotImplementedError

    def fresh_migrated(self, label: str) -> str:
        url = self.fresh(label)
        registry = Registry.open(RegistryConfig(database_url=url))
        try:
            registry.migrate()
        finally:
            registry.close()
        return url

    def version(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLiteBackend(Backend):
    """SQLite files in a temporary directory; migrated databases are copies of one template."""

    name = "sqlite"

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kense-bench-"))
        self.template: Path | None = None

    def fresh(self, label: str) -> str:
        return f"sqlite:///{self.dir / label}.db"

    def fresh_migrated(self, label: str) -> str:
        if self.template is None:
            super().fresh_migrated("template")  # closed: the WAL is checkpointed into the file
            self.template = self.dir / "template.db"
        shutil.copyfile(self.template, self.dir / f"{label}.db")
        return self.fresh(label)

    def version(self) -> str:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresBackend(Backend):
    """Schemas of the database at ``base`` (the URL `make test` uses), dropped by ``close``."""

    name = "postgresql"

    def __init__(self, base: str) -> None:
        self.base = base
        self.admin = create_engine(base)
        self.schemas: list[str] = []
        with self.admin.connect() as conn:
            self._version = str(conn.execute(text("SHOW server_version")).scalar())

    def fresh(self, label: str) -> str:
        schema = f"bench_{label}_{uuid.uuid4().hex[:8]}".lower()
        with self.admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        self.schemas.append(schema)
        sep = "&" if "?" in self.base else "?"
        return f"{self.base}{sep}options=-csearch_path%3D{schema}"

    def version(self) -> str:
        return f"PostgreSQL {self._version}"

    def close(self) -> None:
        try:
            with self.admin.begin() as conn:
                for schema in self.schemas:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        finally:
            self.admin.dispose()


def open_registry(url: str) -> Registry:
    return Registry.open(RegistryConfig(database_url=url))


# --- the act and its amendments -------------------------------------------------------------------


class Words:
    """Random sentences made of the words of the seed, so that rows have realistic sizes."""

    def __init__(self, rng: random.Random) -> None:
        source = resources.files("registry").joinpath("seed", SEED_TEXT).read_text("utf-8")
        self.words = [w.lower() for w in re.findall(r"[^\W\d_]{3,}", source)]
        self.rng = rng

    def sentence(self, low: int, high: int) -> str:
        words = self.rng.choices(self.words, k=self.rng.randint(low, high))
        return " ".join(words).capitalize()


def paragraph_eids() -> list[str]:
    """Paragraph numbers run on across chapters, as in the Regulations the registry holds."""
    eids = []
    for c in range(1, CHAPTERS + 1):
        for p in range(PARAGRAPHS_PER_CHAPTER):
            eids.append(f"chp_{c}__para_{(c - 1) * PARAGRAPHS_PER_CHAPTER + p + 1}")
    return eids


def big_act(words: Words) -> ParsedAct:
    """A resolution approving a Regulation of CHAPTERS x PARAGRAPHS x POINTS provisions."""
    chapters = []
    for c in range(1, CHAPTERS + 1):
        chapter = Node("chapter", f"chp_{c}", str(c), heading=words.sentence(3, 7))
        for eid in paragraph_eids()[(c - 1) * PARAGRAPHS_PER_CHAPTER : c * PARAGRAPHS_PER_CHAPTER]:
            para = Node("paragraph", eid, eid.rsplit("_", 1)[1], text=words.sentence(10, 20) + ":")
            for q in range(1, POINTS_PER_PARAGRAPH + 1):
                text_q = words.sentence(12, 25) + ";"
                para.children.append(Node("point", f"{eid}__point_{q}", str(q), text=text_q))
            chapter.children.append(para)
        chapters.append(chapter)
    title = words.sentence(8, 14) + " туралы"
    root = Node(
        "act",
        "act",
        heading=title,
        children=[
            Node("preface", "preface", text=f"{ISSUER}нің 2014 жылғы 10 қаңтардағы № 77 қаулысы."),
            Node("preamble", "preamble", text=words.sentence(20, 40) + " ҚАУЛЫ ЕТЕДІ:"),
            Node("paragraph", "para_1", "1", text=words.sentence(10, 20) + " бекітілсін."),
            Node("attachment", "att_1", heading=title, text="бекітілген", children=chapters),
        ],
    )
    return ParsedAct(
        lang="kk",
        act=ActRef("resolution", "77", START, ISSUER),
        title=title,
        root=root,
        days_after_publication=None,
        place="kz-kus",
    )


@dataclass
class _Paragraph:
    """What the generator knows of a paragraph: its points in document order, which repealed."""

    eid: str
    points: list[str] = field(
        default_factory=lambda: [str(q) for q in range(1, POINTS_PER_PARAGRAPH + 1)]
    )
    repealed: set[str] = field(default_factory=set)
    dead: bool = False  # the paragraph itself was repealed: no more changes to it

    def live(self) -> list[str]:
        return [p for p in self.points if p not in self.repealed]


def plan_amendments(count: int, rng: random.Random, words: Words, hot: list[str]) -> list[Json]:
    """``count`` amendment files on increasing, distinct dates, each valid when it is entered.

    Each amends one to three distinct paragraphs (hot ones with probability HOT_SHARE): mostly
    new wordings of points, then restated paragraphs (with their points), inserted points,
    repealed points and, rarely, a repealed paragraph.
    """
    paragraphs = {eid: _Paragraph(eid) for eid in paragraph_eids()}
    days = sorted(rng.sample(range(1, SPAN_DAYS + 1), count))
    files = []
    for i, offset in enumerate(days, start=1):
        effective = START + timedelta(days=offset)
        targets: list[_Paragraph] = []
        for _ in range(rng.choices((1, 2, 3), weights=(6, 3, 1))[0]):
            pool = hot if rng.random() < HOT_SHARE else list(paragraphs)
            choice = paragraphs[rng.choice(pool)]
            if not choice.dead and choice not in targets:
                targets.append(choice)
        if not targets:
            targets.append(next(p for p in paragraphs.values() if not p.dead))
        operations = [_operation(p, rng, words, p.eid in hot) for p in targets]
        adopted = effective - timedelta(days=rng.randint(5, 40))
        files.append(
            {
                "amending_act": {
                    "type": "resolution",
                    "issuer": ISSUER,
                    "number": str(1000 + i),
                    "date": adopted.isoformat(),
                    "title": {"kk": f"№ 77 қаулыға өзгерістер енгізу туралы ({i})"},
                },
                "effective": {"rule": "fixed", "date": effective.isoformat()},
                "operations": operations,
            }
        )
    return files


def _operation(para: _Paragraph, rng: random.Random, words: Words, hot: bool) -> Json:
    live = para.live()
    roll = rng.random()
    if live and roll < 0.55:  # a new wording of a point
        q = rng.choice(live)
        new = words.sentence(12, 25) + ";"
        return {"op": "substitute", "eid": f"{para.eid}__point_{q}", "text": {"kk": new}}
    if live and 0.75 <= roll < 0.88:  # a point inserted after an original one: 3-1, 3-2, ...
        q = rng.choice([p for p in live if "-" not in p] or live)
        base = q.split("-")[0]
        taken = [int(p.split("-")[1]) for p in para.points if p.startswith(base + "-")]
        num = f"{base}-{max(taken, default=0) + 1}"
        group = [i for i, p in enumerate(para.points) if p == base or p.startswith(base + "-")]
        para.points.insert(group[-1] + 1, num)
        new = words.sentence(12, 25) + ";"
        after = f"{para.eid}__point_{q}"
        return {"op": "insert_after", "eid": after, "num": num, "text": {"kk": new}}
    if live and 0.88 <= roll < 0.99:  # a repealed point
        q = rng.choice(live)
        para.repealed.add(q)
        return {"op": "repeal", "eid": f"{para.eid}__point_{q}"}
    if roll >= 0.99 and not hot:  # a repealed paragraph: never changed again
        para.dead = True
        return {"op": "repeal", "eid": para.eid}
    # A new wording of the whole paragraph: lead-in and its live points, repealed ones dropped.
    para.points, para.repealed = live, set()
    lines = [words.sentence(10, 20) + ":"]
    lines += [f"{q}) {words.sentence(12, 25)};" for q in live]
    return {"op": "substitute", "eid": para.eid, "text": {"kk": "\n".join(lines)}}


def query_mix(rng: random.Random, count: int, hot: list[str]) -> list[tuple[str, date]]:
    """Paragraph reads: half of a hot paragraph, a quarter at the newest date."""
    eids, last = paragraph_eids(), START + timedelta(days=SPAN_DAYS + 180)
    mix = []
    for _ in range(count):
        eid = rng.choice(hot) if rng.random() < 0.5 else rng.choice(eids)
        if rng.random() < 0.25:
            at = last
        else:
            at = START + timedelta(days=rng.randint(0, (last - START).days))
        mix.append((eid, at))
    return mix


# --- 1. provision at a date -----------------------------------------------------------------------


@dataclass
class Loaded:
    amendments: int
    registry: Registry
    uri: str
    load_s: float


def load(backend: Backend, act: ParsedAct, files: list[Json]) -> Loaded:
    url = backend.fresh_migrated(f"reads{len(files)}")
    registry = open_registry(url)
    uri = registry.store_parsed(act, None).uri.work
    started = time.perf_counter()
    for i, body in enumerate(files, start=1):
        result = registry.amend(uri, body)
        if result["status"] != "materialised":
            raise RuntimeError(f"amendment {i} was not materialised: {result}")
        if len(files) >= 100 and (i % 100 == 0 or i == len(files)):
            elapsed = time.perf_counter() - started
            progress(f"{backend.name}: {i:,}/{len(files):,} amendments entered ({elapsed:.1f} s)")
    elapsed = time.perf_counter() - started
    if backend.name == "postgresql":  # what autovacuum would do shortly; keeps plans stable
        with registry.engine.begin() as conn:
            for table in ("provisions", "notes", "works", "expressions", "events"):
                conn.execute(text(f"ANALYZE {table}"))
    return Loaded(len(files), registry, uri, elapsed)


def table_counts(registry: Registry) -> Json:
    with registry.engine.connect() as conn:
        return {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("provisions", "notes", "amendments", "works")
        }


def subtree_versions(registry: Registry, eids: Iterable[str]) -> dict[str, int]:
    """Rows stored for each paragraph and its points: the versions a read has to choose from."""
    query = text("SELECT count(*) FROM provisions WHERE eid = :e OR (eid > :lo AND eid < :hi)")
    with registry.engine.connect() as conn:
        return {
            e: int(conn.execute(query, {"e": e, "lo": e + "__", "hi": e + "_`"}).scalar_one())
            for e in sorted(set(eids))
        }


def interleaved(
    loaded: Sequence[Loaded],
    mix: Sequence[tuple[str, date]],
    read: Callable[[Registry, str, str, date], object],
) -> list[list[int]]:
    """Latencies of ``read`` for each registry over the same mix, alternating which goes first."""
    samples: list[list[int]] = [[] for _ in loaded]
    with no_gc():
        for i, (eid, at) in enumerate(mix):
            order: Iterable[int] = range(len(loaded)) if i % 2 == 0 else range(len(loaded))[::-1]
            for j in order:
                reg, uri = loaded[j].registry, loaded[j].uri
                start = time.perf_counter_ns()
                read(reg, uri, eid, at)
                samples[j].append(time.perf_counter_ns() - start)
    return samples


def read_provision(registry: Registry, uri: str, eid: str, at: date) -> object:
    return registry.provision_at(uri, "kk", eid, at)


def read_act(registry: Registry, uri: str, _eid: str, at: date) -> object:
    return registry.act_at(uri, "kk", at)


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and parameters) sent to the driver while the block runs."""
    seen: list[tuple[str, Any]] = []

    def listener(
        _conn: Connection, _cursor: Any, statement: str, parameters: Any, *_rest: Any
    ) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def point_in_time_sql(loaded: Loaded, eid: str, at: date) -> tuple[list[str], tuple[str, Any]]:
    """The statements one provision_at sends, and the point-in-time select among them."""
    with captured(loaded.registry.engine) as seen:
        read_provision(loaded.registry, loaded.uri, eid, at)
    chosen = next(s for s in seen if "GROUP BY" in s[0] and "max(" in s[0].lower())
    return [s[0].split()[0] for s in seen], chosen


def time_sql(registry: Registry, statements: Sequence[tuple[str, Any]]) -> list[int]:
    """Latency of the point-in-time select alone: driver execute + fetchall, no SQLAlchemy."""
    raw = registry.engine.raw_connection()
    try:
        cursor = raw.cursor()
        samples = []
        with no_gc():
            for statement, parameters in statements:
                start = time.perf_counter_ns()
                cursor.execute(statement, parameters)
                cursor.fetchall()
                samples.append(time.perf_counter_ns() - start)
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return samples


def explain(registry: Registry, statement: str, parameters: Any) -> list[str]:
    raw = registry.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if registry.engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            depth: dict[int, int] = {0: 0}
            lines = []
            for node_id, parent, _unused, detail in cursor.fetchall():
                depth[node_id] = depth.get(parent, 0) + 1
                lines.append("  " * depth[node_id] + str(detail))
        else:
            options = "ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF"
            cursor.execute(f"EXPLAIN ({options}) " + statement, parameters)
            lines = [str(row[0]) for row in cursor.fetchall()]
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return lines


#: Where a provision_at call spends its time, by the functions that do each part.
_PARTS = (
    ("timeline.in_force (the point-in-time select + rows)", "registry/timeline.py", "in_force"),
    ("works.get (work by URI)", "registry/works.py", "get"),
    ("acts._require_language (languages query)", "registry/acts.py", "_require_language"),
    ("rows.build_tree", "registry/rows.py", "build_tree"),
)


def profile_reads(loaded: Loaded, mix: Sequence[tuple[str, date]]) -> Json:
    profiler = cProfile.Profile()
    with no_gc():
        profiler.enable()
        for eid, at in mix:
            read_provision(loaded.registry, loaded.uri, eid, at)
        profiler.disable()
    stats = pstats.Stats(profiler)
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(e[2] for e in entries.values())
    parts = {}
    for label, path, function in _PARTS:
        cum = sum(e[3] for k, e in entries.items() if k[0].endswith(path) and k[2] == function)
        parts[label] = cum / total
    layers = {"database driver": 0.0, "sqlalchemy": 0.0, "registry": 0.0, "other": 0.0}
    for (filename, _line, function), entry in entries.items():
        if "psycopg" in filename + function or (filename == "~" and "sqlite3" in function):
            layers["database driver"] += entry[2]
        elif "/sqlalchemy/" in filename:
            layers["sqlalchemy"] += entry[2]
        elif "/registry/" in filename:
            layers["registry"] += entry[2]
        else:
            layers["other"] += entry[2]
    ranked = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:12]
    top = [
        {
            "function": f"{Path(k[0]).name}:{k[1]}({k[2]})" if k[0] != "~" else k[2],
            "calls": e[1],
            "tottime_share": e[2] / total,
        }
        for k, e in ranked
    ]
    return {
        "reads": len(mix),
        "total_s": total,
        "per_read_us": total / len(mix) * 1e6,
        "parts_cumulative_share": parts,
        "layers_tottime_share": {k: v / total for k, v in layers.items()},
        "top_tottime": top,
    }


def bench_reads(
    backend: Backend, act: ParsedAct, plans: dict[int, list[Json]], mix: list[tuple[str, date]]
) -> Json:
    loaded: list[Loaded] = []
    try:
        for count in (FEW, MANY):
            progress(f"{backend.name}: storing the act and entering {count:,} amendments")
            loaded.append(load(backend, act, plans[count]))
        for item in loaded:  # sanity, and warm-up
            for eid, at in mix[:WARMUP]:
                node = item.registry.provision_at(item.uri, "kk", eid, at)
                assert node.eid == eid, (node.eid, eid)
        progress(f"{backend.name}: timing {len(mix[WARMUP:]):,} provision_at reads on each")
        provision = interleaved(loaded, mix[WARMUP:], read_provision)
        progress(f"{backend.name}: timing act_at and the SQL alone")
        interleaved(loaded, mix[:ACT_WARMUP], read_act)
        whole = interleaved(loaded, mix[WARMUP : WARMUP + ACT_READS], read_act)
        sql_mix = mix[WARMUP : WARMUP + SQL_READS]
        kinds, sql = [], []
        for item in loaded:
            statements = [point_in_time_sql(item, eid, at) for eid, at in sql_mix]
            kinds = statements[0][0]
            sql.append(time_sql(item.registry, [s[1] for s in statements]))
        versions = [subtree_versions(item.registry, (eid for eid, _ in mix)) for item in loaded]
        most = max(versions[1], key=lambda e: versions[1][e])  # the most amended paragraph
        last = START + timedelta(days=SPAN_DAYS + 180)
        plans_text = {}
        for item in loaded:
            _, (statement, parameters) = point_in_time_sql(item, most, last)
            plans_text[str(item.amendments)] = explain(item.registry, statement, parameters)
        result: Json = {"backend": backend.version(), "registries": {}}
        zipped = zip(loaded, versions, provision, whole, sql, strict=True)
        for item, counts, prov, act_samples, sql_samples in zipped:
            result["registries"][str(item.amendments)] = {
                "amendments": item.amendments,
                "load_s": item.load_s,
                "amendments_per_s": item.amendments / item.load_s if item.load_s else None,
                "rows": table_counts(item.registry),
                "subtree_versions_median": statistics.median(counts.values()),
                "subtree_versions_max": max(counts.values()),
                "provision_at": summary(prov),
                "act_at": summary(act_samples),
                "point_in_time_sql": summary(sql_samples),
            }
        few, many = result["registries"][str(FEW)], result["registries"][str(MANY)]
        result["statements_per_provision_at"] = kinds
        result["explain_eid"] = most
        result["explain_at"] = last.isoformat()
        result["explain"] = plans_text
        result["ratio_provision_at_median"] = (
            many["provision_at"]["median_us"] / few["provision_at"]["median_us"]
        )
        result["ratio_provision_at_p95"] = (
            many["provision_at"]["p95_us"] / few["provision_at"]["p95_us"]
        )
        result["ratio_act_at_median"] = many["act_at"]["median_us"] / few["act_at"]["median_us"]
        result["ratio_sql_median"] = (
            many["point_in_time_sql"]["median_us"] / few["point_in_time_sql"]["median_us"]
        )
        progress(f"{backend.name}: profiling {PROFILE_READS:,} reads on {MANY:,} amendments")
        result["profile"] = profile_reads(loaded[1], mix[WARMUP : WARMUP + PROFILE_READS])
        return result
    finally:
        for item in loaded:
            item.registry.close()


# --- 2. import ------------------------------------------------------------------------------------


def renumbered(source: str, number: int) -> str:
    """The seed as the act № ``number`` of the same day: a distinct work with the same text."""
    return source.replace("№ 514 қаулы", f"№ {number} қаулы")


def bench_parse(source: str, nodes: int) -> Json:
    from registry.parse import parse_official_text

    for _ in range(5):
        parse_official_text(source, "kk")
    samples: list[int] = []
    deadline = time.perf_counter() + 1.5
    with no_gc():
        while len(samples) < 50 or (time.perf_counter() < deadline and len(samples) < 1000):
            samples.append(timed(partial(parse_official_text, source, "kk")))
    median_s = statistics.median(samples) / 1e9
    kb = len(source.encode("utf-8")) / 1024
    return summary(samples) | {
        "acts_per_s": 1 / median_s,
        "provisions_per_s": nodes / median_s,
        "kb_per_s": kb / median_s,
    }


_ROW_COLUMNS = (
    "work_id, lang, eid, parent_eid, sort_key, type, num, heading, text, state, valid_from, "
    "amendment_id"
)


def stored_rows(registry: Registry, uri: str) -> list[tuple[Any, ...]]:
    """The provision rows an import wrote, as the driver returns them (ready to insert again)."""
    raw = registry.engine.raw_connection()
    try:
        cursor = raw.cursor()
        mark = "?" if registry.engine.dialect.name == "sqlite" else "%s"
        cursor.execute(
            f"SELECT {_ROW_COLUMNS} FROM provisions "
            f"WHERE work_id = (SELECT id FROM works WHERE frbr_uri = {mark}) ORDER BY id",
            (uri,),
        )
        rows = [tuple(r) for r in cursor.fetchall()]
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return rows


def raw_insert(
    registry: Registry, rows: list[tuple[Any, ...]], repeats: int, indexed: bool
) -> Json:
    """The floor: the same rows, one executemany INSERT in one transaction, no ORM, no checks."""
    sqlite = registry.engine.dialect.name == "sqlite"
    table = f"raw_provisions_{'ix' if indexed else 'plain'}"
    integer_key = "INTEGER PRIMARY KEY" if sqlite else "SERIAL PRIMARY KEY"
    collate = "" if sqlite else ' COLLATE "C"'  # as registry.store gives the key columns
    ddl = [
        f"CREATE TABLE {table} (id {integer_key}, work_id INTEGER NOT NULL, "
        f"lang VARCHAR(2) NOT NULL, eid VARCHAR(200){collate} NOT NULL, "
        f"parent_eid VARCHAR(200){collate}, sort_key VARCHAR(400){collate} NOT NULL, "
        "type VARCHAR(20) NOT NULL, num VARCHAR(40), heading TEXT, text TEXT, "
        "state VARCHAR(10) NOT NULL, valid_from DATE NOT NULL, amendment_id INTEGER)"
    ]
    if indexed:
        ddl.append(
            f"CREATE UNIQUE INDEX {table}_version ON {table} (work_id, lang, eid, valid_from)"
        )
        ddl.append(f"CREATE INDEX {table}_at ON {table} (work_id, lang, valid_from)")
    marks = ", ".join(["?" if sqlite else "%s"] * 12)
    insert = f"INSERT INTO {table} ({_ROW_COLUMNS}) VALUES ({marks})"
    raw = registry.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in ddl:
            cursor.execute(statement)
        raw.commit()
        samples = []
        with no_gc():
            for n in range(repeats + 2):
                # A distinct work_id per repetition, as distinct acts would have.
                batch = [(n + 1_000_000, *row[1:]) for row in rows]
                start = time.perf_counter_ns()
                if sqlite:
                    cursor.execute("BEGIN")
                cursor.executemany(insert, batch)
                raw.commit()
                if n >= 2:
                    samples.append(time.perf_counter_ns() - start)
        cursor.close()
    finally:
        raw.close()
    return summary(samples) | {"rows": len(rows)}


def bench_import(backend: Backend, source: str, nodes: int, cold: int, warm: int) -> Json:
    from registry.parse import parse_official_text

    progress(f"{backend.name}: importing the seed into {cold} fresh databases")
    cold_samples: list[int] = []
    for i in range(cold):
        registry = open_registry(backend.fresh_migrated(f"import{i}"))
        try:
            registry.list_works()  # the connection is open: time the import, not the connect
            with no_gc():
                cold_samples.append(timed(partial(registry.import_text, source, "kk")))
        finally:
            registry.close()

    progress(f"{backend.name}: {warm} imports into one database, then the raw executemany")
    registry = open_registry(backend.fresh_migrated("import_warm"))
    try:
        uri = registry.import_text(source, "kk").uri.work
        rows = stored_rows(registry, uri)
        for n in range(2):  # warm the statement caches of this engine
            registry.import_text(renumbered(source, 9000 + n), "kk")
        warm_samples, store_samples = [], []
        with no_gc():
            for n in range(warm):
                body = renumbered(source, 10_000 + n)
                warm_samples.append(timed(partial(registry.import_text, body, "kk")))
            for n in range(warm):
                parsed = parse_official_text(renumbered(source, 20_000 + n), "kk")
                store_samples.append(timed(partial(registry.store_parsed, parsed, None)))
        plain = raw_insert(registry, rows, warm, indexed=False)
        indexed = raw_insert(registry, rows, warm, indexed=True)
    finally:
        registry.close()

    def rates(samples: list[int]) -> Json:
        median_s = statistics.median(samples) / 1e9
        return summary(samples) | {"acts_per_s": 1 / median_s, "provisions_per_s": nodes / median_s}

    result: Json = {
        "backend": backend.version(),
        "rows_per_import": len(rows),
        "import_text_fresh_database": rates(cold_samples),
        "import_text_steady": rates(warm_samples),
        "store_parsed_steady": rates(store_samples),
        "raw_executemany": plain,
        "raw_executemany_indexed": indexed,
    }
    floor = plain["median_us"]
    result["ratio_import_text_to_raw"] = result["import_text_steady"]["median_us"] / floor
    result["ratio_store_parsed_to_raw"] = result["store_parsed_steady"]["median_us"] / floor
    result["ratio_fresh_import_to_raw"] = result["import_text_fresh_database"]["median_us"] / floor
    return result


# --- the report -----------------------------------------------------------------------------------


def print_report(results: Json) -> None:
    env = results["environment"]
    out: list[str] = []
    out.append(
        f"Kense registry benchmark  {env['when']}  commit {env['commit']}  "
        f"Python {env['python']}  {env['cpus']} CPUs  ({env['elapsed_s']:.0f} s)"
    )
    act = results["act"]
    out.append(
        f"act: {act['chapters']} chapters x {act['paragraphs'] // act['chapters']} paragraphs x "
        f"{act['points_per_paragraph']} points = {act['nodes']:,} provisions; amendments on "
        f"distinct days {act['first_change']} .. {act['last_change']}"
    )
    reads = results.get("reads", {})
    if reads:
        out.append("")
        out.append(
            f"1. Provision at a date: Registry.provision_at(uri, 'kk', <paragraph eid>, at), "
            f"{READS:,} reads after {WARMUP} warm-up, same mix on both, interleaved"
        )
        out.append(
            f"   mix: 50% the {HOT_PARAGRAPHS} most amended paragraphs, 50% any of "
            f"{act['paragraphs']}; 25% at the newest date, 75% at a random date"
        )
        head = (
            f"   {'backend':<11}{'amendm.':>8}{'rows':>8}{'load s':>8}{'versions':>10}"
            f"{'median µs':>11}{'p95 µs':>9}{'SQL med µs':>12}{'act_at med ms':>15}"
        )
        out.append(head)
        out.append("   " + "-" * (len(head) - 3))
        for name, r in reads.items():
            if "skipped" in r:
                out.append(f"   {name:<11}skipped: {r['skipped']}")
                continue
            for count in (str(FEW), str(MANY)):
                g = r["registries"][count]
                versions = f"{g['subtree_versions_median']:.0f}/{g['subtree_versions_max']}"
                out.append(
                    f"   {name:<11}{g['amendments']:>8,}{g['rows']['provisions']:>8,}"
                    f"{g['load_s']:>8.1f}{versions:>10}"
                    f"{g['provision_at']['median_us']:>11.0f}{g['provision_at']['p95_us']:>9.0f}"
                    f"{g['point_in_time_sql']['median_us']:>12.0f}"
                    f"{g['act_at']['median_us'] / 1000:>15.1f}"
                )
            verdict = "ok" if r["ratio_provision_at_median"] <= 1.5 else "ABOVE GOAL"
            out.append(
                f"   {name:<11}ratio {MANY}/{FEW}: provision_at median "
                f"{r['ratio_provision_at_median']:.2f} (goal <= 1.5: {verdict}), "
                f"p95 {r['ratio_provision_at_p95']:.2f}; SQL alone "
                f"{r['ratio_sql_median']:.2f}; act_at {r['ratio_act_at_median']:.2f}"
            )
        out.append(
            "   versions = rows stored for a queried paragraph and its points (median/max over "
            "the mix); SQL = the point-in-time select alone (driver execute + fetchall)"
        )
    imports = results.get("import", {})
    if imports:
        seed = results["seed"]
        out.append("")
        out.append(
            f"2. Import of the seed {SEED_TEXT} ({seed['kb']:.1f} KB, {seed['nodes']} provisions "
            f"in the parsed tree, {seed['rows']} rows stored)"
        )
        head = (
            f"   {'backend':<11}{'what':<46}{'median ms':>10}{'p95 ms':>8}{'acts/s':>8}"
            f"{'prov./s':>9}"
        )
        out.append(head)
        out.append("   " + "-" * (len(head) - 3))
        p = results["parse"]
        out.append(
            f"   {'-':<11}{'parse_official_text alone':<46}{p['median_us'] / 1000:>10.2f}"
            f"{p['p95_us'] / 1000:>8.2f}{p['acts_per_s']:>8.0f}{p['provisions_per_s']:>9,.0f}"
            f"   {p['kb_per_s']:,.0f} KB/s"
        )
        for name, r in imports.items():
            if "skipped" in r:
                out.append(f"   {name:<11}skipped: {r['skipped']}")
                continue
            lines = (
                ("import_text, steady (one engine, one database)", r["import_text_steady"]),
                ("import_text, fresh database and engine", r["import_text_fresh_database"]),
                ("store_parsed alone, steady", r["store_parsed_steady"]),
                (f"raw executemany of {r['rows_per_import']} rows", r["raw_executemany"]),
                ("raw executemany, same two indexes", r["raw_executemany_indexed"]),
            )
            for what, s in lines:
                median_ms = s["median_us"] / 1000
                out.append(
                    f"   {name:<11}{what:<46}{median_ms:>10.2f}{s['p95_us'] / 1000:>8.2f}"
                    f"{1000 / median_ms:>8.0f}{seed['nodes'] * 1000 / median_ms:>9,.0f}"
                )
            out.append(
                f"   {name:<11}ratio ours/raw: import_text {r['ratio_import_text_to_raw']:.1f}, "
                f"store_parsed {r['ratio_store_parsed_to_raw']:.1f}, fresh database "
                f"{r['ratio_fresh_import_to_raw']:.1f}"
            )
    for name, r in reads.items():
        if "profile" not in r:
            continue
        prof = r["profile"]
        out.append("")
        out.append(
            f"3. Where a provision_at goes ({name}, {MANY:,} amendments, cProfile of "
            f"{prof['reads']:,} reads: {prof['per_read_us']:.0f} µs/read under the profiler)"
        )
        out.append(
            "   statements per call: "
            + ", ".join(r["statements_per_provision_at"])
            + " (+ ROLLBACK when the connection goes back to the pool)"
        )
        for label, share in prof["parts_cumulative_share"].items():
            out.append(f"   {share:>6.1%}  {label}")
        layers = ", ".join(f"{k} {v:.0%}" for k, v in prof["layers_tottime_share"].items())
        out.append(f"   own time by layer: {layers}")
        out.append("   top functions by own time:")
        for item in prof["top_tottime"][:8]:
            out.append(f"   {item['tottime_share']:>6.1%}  {item['function']} x{item['calls']:,}")
        out.append(
            f"   plan of the point-in-time select ({r['explain_eid']} at {r['explain_at']}):"
        )
        for count, lines in r["explain"].items():
            out.append(f"     {count} amendments:")
            out.extend(f"       {line}" for line in lines)
    print("\n".join(out), flush=True)


def environment(began: float) -> Json:
    """Where and when a benchmark ran, for its results file."""
    return {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "commit": git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "elapsed_s": time.perf_counter() - began,
    }


def write_results(path: Path, results: Json) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    progress(f"figures written to {path}")


def git_commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
        return found.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def backends(postgres: bool) -> Iterator[tuple[str, Backend | None, str]]:
    """Each backend to measure, or the reason it is skipped."""
    yield "sqlite", SQLiteBackend(), ""
    url = os.environ.get("KENSE_TEST_DATABASE_URL")
    if not postgres:
        return
    if not url:
        yield "postgresql", None, "KENSE_TEST_DATABASE_URL is not set"
        return
    try:
        yield "postgresql", PostgresBackend(url), ""
    except SQLAlchemyError as exc:
        yield "postgresql", None, f"not reachable: {str(exc).splitlines()[0]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.registry", description=__doc__)
    parser.add_argument("--no-reads", action="store_true", help="skip the provision_at benchmark")
    parser.add_argument("--no-import", action="store_true", help="skip the import benchmark")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"default {RESULTS}")
    args = parser.parse_args(argv)
    began = time.perf_counter()

    rng = random.Random(SEED)
    words = Words(rng)
    act = big_act(words)
    hot = sorted(rng.sample(paragraph_eids(), HOT_PARAGRAPHS))
    plans = {n: plan_amendments(n, random.Random(SEED + n), words, hot) for n in (FEW, MANY)}
    mix = query_mix(random.Random(SEED + 1), WARMUP + READS, hot)
    effective = [f["effective"]["date"] for f in plans[MANY]]
    results: Json = {
        "act": {
            "chapters": CHAPTERS,
            "paragraphs": CHAPTERS * PARAGRAPHS_PER_CHAPTER,
            "points_per_paragraph": POINTS_PER_PARAGRAPH,
            "nodes": sum(1 for _ in act.root.walk()),
            "hot_paragraphs": hot,
            "first_change": min(effective),
            "last_change": max(effective),
            "operations": {
                str(n): sum(len(f["operations"]) for f in files) for n, files in plans.items()
            },
        },
        "reads": {},
        "import": {},
    }
    source = resources.files("registry").joinpath("seed", SEED_TEXT).read_text("utf-8")
    if not args.no_import:
        from registry.parse import parse_official_text

        parsed = parse_official_text(source, "kk")
        nodes = sum(1 for _ in parsed.root.walk())
        results["seed"] = {"kb": len(source.encode("utf-8")) / 1024, "nodes": nodes}
        progress("parsing the seed")
        results["parse"] = bench_parse(source, nodes)

    for name, backend, skipped in backends(not args.no_postgres):
        if backend is None:
            progress(f"{name}: skipped ({skipped})")
            results["reads"][name] = results["import"][name] = {"skipped": skipped}
            continue
        try:
            if not args.no_reads:
                results["reads"][name] = bench_reads(backend, act, plans, mix)
            if not args.no_import:
                cold, warm = (20, 40) if name == "sqlite" else (8, 20)
                results["import"][name] = bench_import(
                    backend, source, results["seed"]["nodes"], cold, warm
                )
                results["seed"]["rows"] = results["import"][name]["rows_per_import"]
        finally:
            backend.close()

    results["environment"] = environment(began)
    print_report(results)
    write_results(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
