"""Reading the registry: an act as at a date, its versions, a provision's history, listings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from registry import timeline, works
from registry.errors import NotFound, NotHeld, NotInForce
from registry.model import Lang, Node, Note
from registry.rows import build_tree
from registry.store import amendments, effects, notes, provisions
from registry.store import works as works_table
from registry.uri import FrbrUri

LANG_NAMES = {"kk": "Kazakh", "ru": "Russian"}


@dataclass(frozen=True)
class Gap:
    """A provision whose wording on the date asked for the registry does not hold."""

    eid: str
    num: str | None
    message: str
    held_from: date | None
    #: The act whose wording the registry holds from ``held_from`` (frbr_uri, type, number, date).
    held_by: dict[str, Any] | None = None


@dataclass
class ActView:
    uri: FrbrUri
    lang: Lang
    at: date
    title: str
    root: Node
    notes: list[Note]
    valid_from: date
    valid_to: date | None  # last day of this version; None while it is the newest
    date_assumed: bool
    gaps: list[Gap] = field(default_factory=list)


def act_at(conn: Connection, uri: FrbrUri | str, lang: Lang, at: date) -> ActView:
    work = works.get(conn, uri)
    _require_language(conn, work, lang)
    _refuse_if_repealed(conn, work, at)
    rows = timeline.in_force(conn, work.id, lang, at)
    dates = timeline.change_dates(conn, work.id, lang)
    root = build_tree(rows)
    if root is None:
        first = dates[0] if dates else None
        raise NotInForce(
            f"{work.uri.work} was not yet in force on {at.isoformat()}"
            + (f"; its text takes effect on {first.isoformat()}" if first else ""),
            fields={"at": "before the act took effect"},
        )
    present = {n.eid for n in root.walk()}
    valid_from = max(r.valid_from for r in rows)
    later = [d for d in dates if d > at]
    view = ActView(
        uri=work.uri,
        lang=lang,
        at=at,
        title=root.heading or works.titles(conn, work.id).get(lang, ""),
        root=root,
        notes=[n for n in _notes(conn, work.id, lang, at) if n.eid in present],
        valid_from=valid_from,
        valid_to=later[0] - timedelta(days=1) if later else None,
        date_assumed=_assumed(conn, work.id, valid_from),
    )
    view.gaps = [_gap(conn, work.id, lang, n, at) for n in root.walk() if n.state == "not_held"]
    return view


def all_versions(conn: Connection, uri: FrbrUri | str, lang: Lang) -> list[ActView]:
    """Every version of a language expression, oldest first, read in one transaction.

    Cheaper than ``act_at`` per date (what indexing needs): the work, its dates and notes are
    read once; each version's text still comes from ``timeline.in_force``.
    """
    work = works.get(conn, uri)
    _require_language(conn, work, lang)
    dates = timeline.change_dates(conn, work.id, lang)
    repealed = next((e.date for e in works.lifecycle(conn, work.id) if e.kind == "repealed"), None)
    title = works.titles(conn, work.id).get(lang, "")
    every_note = conn.execute(
        select(notes.c.eid, notes.c.text, notes.c.placement, notes.c.valid_from)
        .where(notes.c.work_id == work.id, notes.c.lang == lang)
        .order_by(notes.c.valid_from, notes.c.eid, notes.c.id)
    ).all()
    views = []
    for i, day in enumerate(dates):
        if repealed is not None and day >= repealed:
            break
        root = build_tree(timeline.in_force(conn, work.id, lang, day))
        if root is None:
            continue
        present = {n.eid for n in root.walk()}
        end = dates[i + 1] - timedelta(days=1) if i + 1 < len(dates) else None
        if repealed is not None and (end is None or end >= repealed):
            end = repealed - timedelta(days=1)
        views.append(
            ActView(
                uri=work.uri,
                lang=lang,
                at=day,
                title=root.heading or title,
                root=root,
                notes=[
                    Note(r.eid, r.text, r.placement)
                    for r in every_note
                    if r.valid_from <= day and r.eid in present
                ],
                valid_from=day,
                valid_to=end,
                date_assumed=False,
            )
        )
    return views


def provision_at(conn: Connection, uri: FrbrUri | str, lang: str, eid: str, at: date) -> Node:
    """One provision with its subprovisions as it stood on ``at``."""
    work = works.get(conn, uri)
    _require_language(conn, work, lang)
    root = build_tree(timeline.in_force(conn, work.id, lang, at, eid=eid), root_eid=eid)
    if root is None:
        raise NotFound(
            f"{work.uri.work} has no provision {eid} in force on {at.isoformat()}",
            fields={"eid": "not in force on that date"},
        )
    return root


def provision_history(
    conn: Connection, uri: FrbrUri | str, lang: str, eid: str
) -> list[dict[str, Any]]:
    work = works.get(conn, uri)
    _require_language(conn, work, lang)
    versions = timeline.history(conn, work.id, lang, eid)
    if not versions:
        raise NotFound(f"{work.uri.work} has no provision {eid}", fields={"eid": "unknown"})
    cited = _amending_acts(conn, {v.amendment_id for v in versions if v.amendment_id})
    result = []
    for i, v in enumerate(versions):
        nxt = versions[i + 1].valid_from if i + 1 < len(versions) else None
        result.append(
            {
                "valid_from": v.valid_from.isoformat(),
                "valid_to": (nxt - timedelta(days=1)).isoformat() if nxt else None,
                "state": v.state,
                "num": v.num,
                "heading": v.heading,
                "text": v.text,
                "amended_by": cited.get(v.amendment_id) if v.amendment_id else None,
            }
        )
    return result


def versions(conn: Connection, uri: FrbrUri | str) -> dict[str, Any]:
    """The timeline of a work: each date its text changed, what changed it, and pending changes."""
    work = works.get(conn, uri)
    langs = works.languages(conn, work.id)
    by_date: dict[date, set[str]] = {}
    for lang in langs:
        for d in timeline.change_dates(conn, work.id, lang):
            by_date.setdefault(d, set()).add(lang)
    rows = conn.execute(
        select(
            amendments.c.id,
            amendments.c.amending_work_id,
            effects.c.date,
            effects.c.assumed,
            amendments.c.rule,
            amendments.c.days,
        )
        .outerjoin(effects, effects.c.amendment_id == amendments.c.id)
        .where(amendments.c.work_id == work.id)
        .order_by(amendments.c.id)
    ).all()
    cited = _amending_acts(conn, {r.id for r in rows})
    dates = sorted(by_date)
    items = []
    for i, d in enumerate(dates):
        items.append(
            {
                "date": d.isoformat(),
                "valid_to": (dates[i + 1] - timedelta(days=1)).isoformat()
                if i + 1 < len(dates)
                else None,
                "languages": sorted(by_date[d]),
                "date_assumed": _assumed(conn, work.id, d),
                "amended_by": [cited[r.id] for r in rows if r.date == d],
                "original": i == 0,
            }
        )
    pending = [
        {
            "amended_by": cited[r.id],
            "rule": r.rule,
            "days": r.days,
            "status": "pending" if works.is_adopted(conn, r.amending_work_id) else "draft",
        }
        for r in rows
        if r.date is None
    ]
    return {"frbr_uri": work.uri.work, "versions": items, "pending": pending}


def list_works(
    conn: Connection,
    *,
    number: str | None = None,
    day: date | None = None,
    subtype: str | None = None,
    q: str | None = None,
    drafts: bool = True,
) -> list[dict[str, Any]]:
    query = select(works_table).order_by(works_table.c.date, works_table.c.number)
    if number:
        query = query.where(works_table.c.number == number)
    if day:
        query = query.where(works_table.c.date == day)
    if subtype:
        query = query.where(works_table.c.subtype == subtype)
    result = []
    needle = q.casefold() if q else None
    for row in conn.execute(query).all():
        titles = works.titles(conn, row.id)
        if needle is not None and not any(
            needle in text.casefold() for text in (row.issuer or "", row.number, *titles.values())
        ):
            continue  # in Python: SQLite's lower() knows only ASCII letters, not Қ or Ә
        if not drafts and works.is_draft(conn, row.id):
            continue
        result.append(
            {
                "frbr_uri": row.frbr_uri,
                "type": row.subtype,
                "number": row.number,
                "date": row.date.isoformat(),
                "issuer": row.issuer,
                "title": titles,
                "languages": works.languages(conn, row.id),
                "text_held": works.holds_text(conn, row.id),
            }
        )
    return result


def _refuse_if_repealed(conn: Connection, work: works.Work, at: date) -> None:
    repealed = next((e for e in works.lifecycle(conn, work.id) if e.kind == "repealed"), None)
    if repealed is not None and repealed.date <= at:
        last = repealed.date - timedelta(days=1)
        raise NotInForce(
            f"{work.uri.work} was repealed on {repealed.date.isoformat()}; "
            f"its last wording is the one of {last.isoformat()}",
            fields={"at": "after the act was repealed"},
        )


def _require_language(conn: Connection, work: works.Work, lang: str) -> None:
    held = works.languages(conn, work.id)
    if lang not in held:
        holds = ", ".join(held) if held else "no text at all (only its citation)"
        raise NotHeld(
            f"the registry holds no {LANG_NAMES.get(lang, lang)} ({lang}) text of {work.uri.work}; "
            f"it holds: {holds}",
            fields={"lang": f"not held; available: {', '.join(held) or 'none'}"},
        )


def _notes(conn: Connection, work_id: int, lang: str, at: date) -> list[Note]:
    rows = conn.execute(
        select(notes.c.eid, notes.c.text, notes.c.placement)
        .where(notes.c.work_id == work_id, notes.c.lang == lang, notes.c.valid_from <= at)
        .order_by(notes.c.valid_from, notes.c.eid, notes.c.id)
    )
    return [Note(r.eid, r.text, r.placement) for r in rows]


def _gap(conn: Connection, work_id: int, lang: str, node: Node, at: date) -> Gap:
    later = [
        v
        for v in timeline.history(conn, work_id, lang, node.eid)
        if v.valid_from > at and v.state != "not_held"
    ]
    held_from = later[0].valid_from if later else None
    by = None
    label = f"{node.type} {node.num}" if node.num else node.type
    message = (
        f"the registry does not hold the wording of {label} ({node.eid}) "
        f"in force on {at.isoformat()}"
    )
    if later:
        cited = _amending_acts(conn, {later[0].amendment_id} if later[0].amendment_id else set())
        by = cited.get(later[0].amendment_id) if later[0].amendment_id else None
        message += f"; the wording it holds is in force from {later[0].valid_from.isoformat()}"
        if by:
            message += f" ({by['type']} No. {by['number']} of {by['date']})"
    return Gap(node.eid, node.num, message, held_from, by)


def _assumed(conn: Connection, work_id: int, day: date) -> bool:
    """True when ``day`` rests on a publication date that is not in the source."""
    if any(e.kind == "published" and e.assumed for e in works.lifecycle(conn, work_id)):
        first = timeline_first(conn, work_id)
        if first == day:
            return True
    row = conn.execute(
        select(effects.c.assumed)
        .join(amendments, amendments.c.id == effects.c.amendment_id)
        .where(amendments.c.work_id == work_id, effects.c.date == day, effects.c.assumed.is_(True))
    ).first()
    return row is not None


def timeline_first(conn: Connection, work_id: int) -> date | None:
    return conn.execute(
        select(func.min(provisions.c.valid_from)).where(provisions.c.work_id == work_id)
    ).scalar()


def _amending_acts(conn: Connection, amendment_ids: set[int]) -> dict[int, dict[str, Any]]:
    if not amendment_ids:
        return {}
    rows = conn.execute(
        select(
            amendments.c.id,
            works_table.c.frbr_uri,
            works_table.c.subtype,
            works_table.c.number,
            works_table.c.date,
            works_table.c.issuer,
            amendments.c.source,
        )
        .join(works_table, works_table.c.id == amendments.c.amending_work_id)
        .where(amendments.c.id.in_(amendment_ids))
    )
    return {
        r.id: {
            "frbr_uri": r.frbr_uri,
            "type": r.subtype,
            "number": r.number,
            "date": r.date.isoformat(),
            "issuer": r.issuer,
            "source": r.source,
        }
        for r in rows
    }
