"""Store one language expression of an act read from the official text format or from AKN.

An official text is the *current consolidated* wording: what its notes say was restated or changed
by a later act is valid from that act's effect date, and the registry records that it does not
hold the wording before it (a ``not_held`` version), never guessing it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from registry import changes, works
from registry.errors import Conflict, Invalid
from registry.model import ActRef, NotedAmendment, ParsedAct
from registry.rows import FlatNode, flatten
from registry.store import amendments, effects, lock_work, new_id, notes, provisions
from registry.uri import FrbrUri


@dataclass(frozen=True)
class ImportResult:
    uri: FrbrUri
    lang: str
    attached: bool  # True when the language expression was added to an existing work
    valid_from: date
    date_assumed: bool


def import_act(
    conn: Connection,
    parsed: ParsedAct,
    *,
    work_uri: str | None,
    default_place: str,
    declared: FrbrUri | None = None,
) -> ImportResult:
    """Store ``parsed`` under ``work_uri`` (which must exist), else under the URI the document
    declares (AKN), else under the URI its citation gives."""
    uri = declared if work_uri is None and declared is not None else None
    uri = uri or _target_uri(parsed, work_uri, default_place)
    work = works.find(conn, uri)
    attached = work is not None and works.holds_text(conn, work.id)
    if work is None:
        if work_uri is not None:
            works.get(conn, uri)  # raises NotFound with the standard message
        work = works.create(
            conn, uri, parsed.act.issuer, parsed.days_after_publication, parsed.act.number
        )
    lock_work(conn, work.id)
    if parsed.lang in works.languages(conn, work.id):
        raise Conflict(
            f"{uri.work} already has a {parsed.lang} text; importing a language the work "
            "already has is refused (enter changes as amendments)",
            fields={"lang": "already imported"},
        )
    start, assumed = _entry_into_force(conn, work, parsed)
    works.add_expression(conn, work.id, parsed.lang, parsed.title, _meta(parsed))
    dated = _history(conn, work, parsed, start)
    _store_provisions(conn, work.id, parsed, start, dated)
    _store_notes(conn, work.id, parsed, start, dated)
    changes.record(conn, work.id, "import")
    return ImportResult(uri, parsed.lang, attached, start, assumed)


def _target_uri(parsed: ParsedAct, work_uri: str | None, default_place: str) -> FrbrUri:
    if work_uri is not None:
        uri = FrbrUri.parse(work_uri)
        cited = parsed.act
        if cited.number and cited.date and (cited.date != uri.date):
            raise Invalid(
                f"the text cites an act of {cited.date:%d.%m.%Y} № {cited.number}, "
                f"but {uri.work} is dated {uri.date:%d.%m.%Y}",
                fields={"work": "does not match the text's citation"},
            )
        return uri
    act = parsed.act
    if act.date is None or not act.number:
        raise Invalid(
            "the text does not say the act's date and number; give --work URI",
            fields={"work": "required when the citation line is missing"},
        )
    return FrbrUri.for_act(parsed.place or default_place, act.type, act.date, act.number)


def _entry_into_force(conn: Connection, work: works.Work, parsed: ParsedAct) -> tuple[date, bool]:
    """When the text took effect: recorded events if any, else the adoption date, flagged."""
    published = works.publication(conn, work.id)
    if published is None:
        works.record_event(conn, work.id, "adopted", work.uri.date)
        if parsed.registration_date is not None:
            works.record_event(
                conn,
                work.id,
                "registered",
                parsed.registration_date,
                detail={"number": parsed.registration_number},
            )
        works.record_event(
            conn,
            work.id,
            "published",
            work.uri.date,
            assumed=True,
            detail={"reason": "first official publication not in the source: adoption date"},
        )
        published = works.publication(conn, work.id)
        assert published is not None
    days = work.days_after_publication
    if days is None:
        return parsed.in_force_on or work.uri.date, False
    return published.date + timedelta(days=days), published.assumed


def _meta(parsed: ParsedAct) -> dict[str, object]:
    return {
        "status_words": parsed.status_words,
        "registration_number": parsed.registration_number,
        "registration_date": parsed.registration_date.isoformat()
        if parsed.registration_date
        else None,
    }


@dataclass(frozen=True)
class _Dated:
    """A noted amendment of the imported text, with its (possibly assumed) effect date."""

    noted: NotedAmendment
    amendment_id: int
    date: date


def _history(conn: Connection, work: works.Work, parsed: ParsedAct, start: date) -> list[_Dated]:
    tree_eids = {n.eid for n in parsed.root.walk()}
    grouped: dict[ActRef, list[NotedAmendment]] = defaultdict(list)
    for noted in parsed.history:
        if noted.eid not in tree_eids:
            raise Invalid(f"a note names provision {noted.eid}, which the text does not contain")
        grouped[noted.act].append(noted)
    dated: list[_Dated] = []
    for act, items in grouped.items():
        amending = works.find_or_create_cited(conn, work.uri.place, act)
        amendment_id, day = _noted_amendment(conn, work, amending, items)
        if day < start:
            raise Invalid(
                f"a note dates a change {day:%d.%m.%Y}, before the act took effect {start:%d.%m.%Y}"
            )
        dated.extend(_Dated(n, amendment_id, day) for n in items)
    return dated


def _noted_amendment(
    conn: Connection, work: works.Work, amending: works.Work, items: list[NotedAmendment]
) -> tuple[int, date]:
    """The amendment row for what notes say an act did (shared by the kk and ru imports)."""
    existing = conn.execute(
        select(amendments.c.id, effects.c.date)
        .join(effects, effects.c.amendment_id == amendments.c.id)
        .where(
            amendments.c.work_id == work.id,
            amendments.c.amending_work_id == amending.id,
            amendments.c.source == "note",
        )
    ).first()
    if existing is not None:
        return int(existing.id), existing.date
    days = items[0].days_after_publication
    published = works.publication(conn, amending.id)
    if published is None:
        works.record_event(
            conn,
            amending.id,
            "published",
            amending.uri.date,
            assumed=True,
            detail={"reason": "first official publication not in the source: adoption date"},
        )
        published = works.publication(conn, amending.id)
        assert published is not None
    if days is None:
        day = items[0].in_force_on or amending.uri.date
        assumed = items[0].in_force_on is None
    else:
        day = published.date + timedelta(days=days)
        assumed = published.assumed
    amendment_id = new_id(
        conn.execute(
            amendments.insert().values(
                work_id=work.id,
                amending_work_id=amending.id,
                rule="fixed" if days is None else ("publication" if days == 0 else "publication+N"),
                days=days,
                fixed_date=None,
                operations=[{"op": n.kind, "eid": n.eid} for n in items],
                source="note",
            )
        )
    )
    conn.execute(effects.insert().values(amendment_id=amendment_id, date=day, assumed=assumed))
    return amendment_id, day


def _store_provisions(
    conn: Connection, work_id: int, parsed: ParsedAct, start: date, dated: list[_Dated]
) -> None:
    flat = list(flatten(parsed.root))
    ancestors = _ancestors(flat)
    by_target: dict[str, list[_Dated]] = defaultdict(list)
    for d in dated:
        by_target[d.noted.eid].append(d)
    rows: list[dict[str, object]] = []
    for node in flat:
        covering = [d for eid in (node.eid, *ancestors[node.eid]) for d in by_target.get(eid, [])]
        latest = max(covering, key=lambda d: d.date, default=None)
        rows.append(_row(work_id, parsed.lang, node, latest.date if latest else start, latest))
        own = by_target.get(node.eid)
        if own:
            earliest = min(d.date for d in own)
            before = [d.date for eid in ancestors[node.eid] for d in by_target.get(eid, [])]
            base = max((d for d in before if d < earliest), default=start)
            if own[0].noted.kind != "inserted" and base < latest.date:  # type: ignore[union-attr]
                held_not = FlatNode(
                    node.eid,
                    node.parent_eid,
                    node.sort_key,
                    node.type,
                    node.num,
                    None,
                    None,
                    "not_held",
                )
                rows.append(_row(work_id, parsed.lang, held_not, base, None))
    conn.execute(provisions.insert(), rows)


def _row(
    work_id: int, lang: str, node: FlatNode, valid_from: date, dated: _Dated | None
) -> dict[str, object]:
    state = "repealed" if dated and dated.noted.kind == "repeal" else node.state
    return {
        "work_id": work_id,
        "lang": lang,
        "eid": node.eid,
        "parent_eid": node.parent_eid,
        "sort_key": node.sort_key,
        "type": node.type,
        "num": node.num,
        "heading": node.heading,
        "text": node.text,
        "state": state,
        "valid_from": valid_from,
        "amendment_id": dated.amendment_id if dated else None,
    }


def _ancestors(flat: list[FlatNode]) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for node in flat:
        parent = node.parent_eid
        result[node.eid] = () if parent is None else (parent, *result[parent])
    return result


def _store_notes(
    conn: Connection, work_id: int, parsed: ParsedAct, start: date, dated: list[_Dated]
) -> None:
    by_text = {d.noted.note_text: d for d in dated}
    rows = []
    for note in parsed.notes:
        d = by_text.get(note.text)
        rows.append(
            {
                "work_id": work_id,
                "lang": parsed.lang,
                "eid": note.eid,
                "placement": note.placement,
                "text": note.text,
                "valid_from": d.date if d else start,
                "amendment_id": d.amendment_id if d else None,
            }
        )
    if rows:
        conn.execute(notes.insert(), rows)
