"""Amendments entered through the registry, and first official publications.

An amendment is stored as entered (append-only). Its operations are *materialised* — turned into
provision versions and change notes — as soon as the date they take effect is known: at once for a
fixed date, or when the amending act's first official publication is recorded. Until then they are
pending. Conflicts are refused whole, before anything is written: two changes of one provision on
one date, or a change whose outcome would depend on the order in which amendments were entered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from registry import changes, timeline, works
from registry.errors import Conflict, Invalid, NotFound
from registry.model import LANGS, ActRef
from registry.notes import TYPE_WORDS, change_note, issuer_in
from registry.rows import child_key, inserted_key
from registry.store import amendments, effects, lock_work, new_id, notes, provisions
from registry.timeline import ProvisionRow

OPS = ("substitute", "insert_after", "repeal")
RULES = ("fixed", "publication", "publication+N")
MAX_OPERATIONS = 500
MAX_TEXT = 100_000
_EID = re.compile(r"^[a-z][A-Za-z]*(?:_[0-9A-Za-z-]+)?(?:__[a-z][A-Za-z]*(?:_[0-9A-Za-z-]+)?)*$")
_NUM = re.compile(r"^\d+(?:-\d+)*$")
_POINT_LINE = re.compile(r"^(\d+(?:-\d+)*)\)\s*(.*)$")
#: Characters no legal text contains (tab and line breaks are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


@dataclass(frozen=True)
class Operation:
    op: str
    eid: str
    num: str | None
    text: dict[str, str]


@dataclass(frozen=True)
class AmendmentRequest:
    act: ActRef
    issuer: str | dict[str, str]
    title: dict[str, str]
    rule: str
    days: int | None
    fixed: date | None
    operations: tuple[Operation, ...]
    draft: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "amending_act": {
                "type": self.act.type,
                "issuer": self.issuer,
                "number": self.act.number,
                "date": self.act.date.isoformat() if self.act.date else None,
                "title": self.title,
                "status": "draft" if self.draft else "adopted",
            },
            "effective": {
                "rule": self.rule,
                "days": self.days,
                "date": self.fixed.isoformat() if self.fixed else None,
            },
            "operations": [
                {"op": o.op, "eid": o.eid, "num": o.num, "text": o.text} for o in self.operations
            ],
        }


# --- validation -------------------------------------------------------------------------------


def parse_request(data: object) -> AmendmentRequest:
    """Validate an amendment file / request body; every problem is named by its JSON path."""
    errors: dict[str, str] = {}
    body = _object(data, "", errors, required={"amending_act", "effective", "operations"})
    act = _object(
        body.get("amending_act"),
        "amending_act",
        errors,
        required={"type", "issuer", "number", "date", "title"},
        optional={"status"},
    )
    status = act.get("status", "adopted")
    if status not in ("adopted", "draft"):
        errors["amending_act.status"] = "adopted (the default) or draft"
    eff = _object(
        body.get("effective"), "effective", errors, required={"rule"}, optional={"date", "days"}
    )
    act_type = _string(act.get("type"), "amending_act.type", errors, 40)
    if act_type and act_type not in TYPE_WORDS:
        errors["amending_act.type"] = f"one of {', '.join(TYPE_WORDS)}"
    issuer = _issuer(act.get("issuer"), errors)
    number = _string(act.get("number"), "amending_act.number", errors, 60)
    act_date = _date(act.get("date"), "amending_act.date", errors)
    title = _texts(act.get("title"), "amending_act.title", errors, required_lang="kk", limit=4000)
    rule, days, fixed = _effective(eff, errors)
    ops = _operations(body.get("operations"), errors)
    if errors:
        raise Invalid(_summary(errors), fields=errors)
    return AmendmentRequest(
        ActRef(act_type or "", number, act_date, issuer_in(issuer, "kk") or None),
        issuer or "",
        title,
        rule,
        days,
        fixed,
        ops,
        draft=status == "draft",
    )


def _summary(errors: dict[str, str]) -> str:
    listed = "; ".join(f"{k or 'body'}: {v}" for k, v in sorted(errors.items())[:10])
    return f"the amendment is not valid: {listed}"


def _object(
    value: object,
    path: str,
    errors: dict[str, str],
    *,
    required: set[str],
    optional: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    if value is None and path:
        errors[path] = "required"
        return {}
    if not isinstance(value, dict):
        errors[path] = "must be a JSON object"
        return {}
    for key in sorted(required - set(value)):
        errors[f"{path}.{key}".lstrip(".")] = "required"
    for key in sorted(set(value) - required - optional):
        errors[f"{path}.{key}".lstrip(".")] = "unknown field"
    return value


def _string(value: object, path: str, errors: dict[str, str], limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        errors[path] = "must be a non-empty string"
        return ""
    if len(value) > limit:
        errors[path] = f"longer than {limit} characters"
        return ""
    if bad := _CONTROL.search(value):
        errors[path] = f"contains the control character U+{ord(bad.group()):04X}"
        return ""
    return value.strip()


def _date(value: object, path: str, errors: dict[str, str]) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad()
    except ValueError:
        errors[path] = "must be a date YYYY-MM-DD"
        return None
    if not EARLIEST <= day <= LATEST:
        errors[path] = f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
        return None
    return day


def _bad() -> date:
    raise ValueError


def check_date(day: date, field: str = "date") -> None:
    """Dates of acts and events lie in a plausible range (and leave room for N days after)."""
    if not EARLIEST <= day <= LATEST:
        raise Invalid(
            f"{field} {day.isoformat()} must lie between {EARLIEST.isoformat()} and "
            f"{LATEST.isoformat()}",
            fields={field: "out of range"},
        )


def _issuer(value: object, errors: dict[str, str]) -> str | dict[str, str]:
    if isinstance(value, dict):
        return _texts(value, "amending_act.issuer", errors, required_lang=None, limit=500)
    return _string(value, "amending_act.issuer", errors, 500)


def _texts(
    value: object, path: str, errors: dict[str, str], *, required_lang: str | None, limit: int
) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not value:
        errors[path] = 'must be an object of texts by language, e.g. {"kk": "…"}'
        return {}
    result = {}
    for lang, text in value.items():
        if lang not in LANGS:
            errors[f"{path}.{lang}"] = "unknown language; use kk or ru"
            continue
        text = _string(text, f"{path}.{lang}", errors, limit)
        if text:
            result[lang] = text
    if required_lang and required_lang not in value:
        errors[f"{path}.{required_lang}"] = "required"
    return result


def _effective(eff: dict[str, Any], errors: dict[str, str]) -> tuple[str, int | None, date | None]:
    rule = eff.get("rule")
    days = eff.get("days")
    if isinstance(rule, str) and (m := re.fullmatch(r"publication\+(\d{1,3})", rule)):
        rule, days = "publication+N", int(m[1])
    if rule not in RULES:
        if "rule" in eff:
            errors["effective.rule"] = (
                "one of fixed, publication, publication+N (e.g. publication+10)"
            )
        return "fixed", None, None
    fixed = _date(eff.get("date"), "effective.date", errors)
    if rule == "fixed" and fixed is None and "effective.date" not in errors:
        errors["effective.date"] = "required when the rule is fixed"
    if rule != "fixed" and "date" in eff:
        errors["effective.date"] = "only with the rule fixed"
    if rule == "publication+N":
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 366:
            errors["effective.days"] = "a number of calendar days from 1 to 366"
            days = None
    elif days is not None:
        errors["effective.days"] = "only with the rule publication+N"
    return rule, days if rule == "publication+N" else None, fixed


def _operations(value: object, errors: dict[str, str]) -> tuple[Operation, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        errors["operations"] = "must be a non-empty list"
        return ()
    if len(value) > MAX_OPERATIONS:
        errors["operations"] = f"at most {MAX_OPERATIONS} operations"
        return ()
    ops, seen = [], set()
    for i, item in enumerate(value):
        path = f"operations[{i}]"
        body = _object(item, path, errors, required={"op", "eid"}, optional={"num", "text"})
        op, eid = body.get("op"), body.get("eid")
        if "op" in body and op not in OPS:
            errors[f"{path}.op"] = f"one of {', '.join(OPS)}"
        if "eid" in body and (not isinstance(eid, str) or len(eid) > 200 or not _EID.match(eid)):
            errors[f"{path}.eid"] = "an eId such as chp_2__para_15__point_41"
        num = body.get("num")
        if op == "insert_after":
            if not isinstance(num, str) or not _NUM.match(num):
                errors[f"{path}.num"] = 'required for insert_after: a number such as "9-1"'
        elif "num" in body:
            errors[f"{path}.num"] = "only with insert_after"
        text = _texts(body.get("text"), f"{path}.text", errors, required_lang=None, limit=MAX_TEXT)
        if op in ("substitute", "insert_after") and not text and f"{path}.text" not in errors:
            errors[f"{path}.text"] = 'required: the new wording by language, e.g. {"kk": "…"}'
        if op == "repeal" and "text" in body:
            errors[f"{path}.text"] = "a repeal takes no text"
        key = (eid, num) if op == "insert_after" else eid
        if isinstance(eid, str) and key in seen:
            errors[f"{path}.eid"] = "the same provision appears twice in one amendment"
        seen.add(key)
        if isinstance(op, str) and isinstance(eid, str):
            ops.append(Operation(op, eid, num if isinstance(num, str) else None, text))
    return tuple(ops)


# --- entering and publishing --------------------------------------------------------------------


def enter(conn: Connection, uri: str, request: AmendmentRequest) -> dict[str, Any]:
    """Record an amendment of the work ``uri``; materialise it if its date is known."""
    work = works.get(conn, uri)
    lock_work(conn, work.id)
    langs = works.languages(conn, work.id)
    if not langs:
        raise Invalid(
            f"the registry holds no text of {work.uri.work} to amend",
            fields={"frbr_uri": "no text held"},
        )
    for i, op in enumerate(request.operations):
        for lang in op.text:
            if lang not in langs:
                raise Invalid(
                    f"operations[{i}].text.{lang}: the registry holds no {lang} text of "
                    f"{work.uri.work} (it holds: {', '.join(langs)})",
                    fields={f"operations[{i}].text.{lang}": "language not held"},
                )
    amending = works.find_or_create_cited(conn, work.uri.place, request.act, draft=request.draft)
    for lang, title in request.title.items():
        if lang not in works.languages(conn, amending.id):
            works.add_expression(conn, amending.id, lang, title, {"text_held": False})
    amendment_id = new_id(
        conn.execute(
            amendments.insert().values(
                work_id=work.id,
                amending_work_id=amending.id,
                rule=request.rule,
                days=request.days,
                fixed_date=request.fixed,
                operations=request.as_json(),
                source="registry",
            )
        )
    )
    changes.record(conn, work.id, "amendment")
    changes.record(conn, amending.id, "cited")
    day, assumed = _effect_date(conn, amending, request.rule, request.days, request.fixed)
    result: dict[str, Any] = {
        "frbr_uri": work.uri.work,
        "amending_act": amending.uri.work,
        "amendment_id": amendment_id,
    }
    if day is None:
        status = "draft" if request.draft else "pending"
        return result | {"status": status, "effective": None}
    _materialise(conn, work, amendment_id, request, day, assumed)
    return result | {"status": "materialised", "effective": day.isoformat()}


def publish(conn: Connection, uri: str, day: date) -> dict[str, Any]:
    """Record the first official publication of ``uri`` and bring its pending effects into force."""
    work = works.get(conn, uri)
    lock_work(conn, work.id)
    if not works.is_adopted(conn, work.id):
        raise Conflict(
            f"{work.uri.work} is a draft: record its adoption before its publication",
            fields={"frbr_uri": "not adopted"},
        )
    recorded = works.publication(conn, work.id)
    if recorded is not None:
        how = "assumed (not in the source)" if recorded.assumed else "recorded"
        raise Conflict(
            f"the first official publication of {work.uri.work} is already {how} "
            f"as {recorded.date.isoformat()}; a first publication is recorded once",
            fields={"date": "already recorded"},
        )
    check_date(day)
    _not_before_adoption(work, day)
    works.record_event(conn, work.id, "published", day)
    changes.record(conn, work.id, "published")
    return {"frbr_uri": work.uri.work, "published": day.isoformat(), "effects": _due(conn, work)}


#: Lifecycle events recorded with `record_event` (publication has its own use case).
EVENTS = ("adopted", "submitted", "registered", "in_force", "repealed")


def record_event(
    conn: Connection, uri: str, kind: str, day: date, detail: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Append a lifecycle event; adopting a draft amending act brings fixed-date effects due."""
    if kind not in EVENTS:
        raise Invalid(
            f"unknown event {kind!r}: one of {', '.join(EVENTS)} (publication: kense publish)",
            fields={"event": f"one of {', '.join(EVENTS)}"},
        )
    work = works.get(conn, uri)
    lock_work(conn, work.id)
    history = works.lifecycle(conn, work.id)
    if any(e.kind == kind for e in history):
        raise Conflict(
            f"{work.uri.work} already has the event {kind}", fields={"event": "recorded"}
        )
    check_date(day)
    _not_before_adoption(work, day)
    works.record_event(conn, work.id, kind, day, detail=detail)
    changes.record(conn, work.id, kind)
    effects_due = _due(conn, work) if kind == "adopted" else []
    return {
        "frbr_uri": work.uri.work,
        "event": kind,
        "date": day.isoformat(),
        "effects": effects_due,
    }


def _not_before_adoption(work: works.Work, day: date) -> None:
    if day < work.uri.date:
        raise Invalid(
            f"{day.isoformat()} is before the act's date {work.uri.date.isoformat()}",
            fields={"date": "before the act's date"},
        )


def _due(conn: Connection, amending: works.Work) -> list[dict[str, str]]:
    """Materialise the pending amendments made by ``amending`` whose date is now known."""
    pending = conn.execute(
        select(amendments.c.id, amendments.c.work_id, amendments.c.operations)
        .outerjoin(effects, effects.c.amendment_id == amendments.c.id)
        .where(amendments.c.amending_work_id == amending.id, effects.c.id.is_(None))
        .order_by(amendments.c.id)
    ).all()
    brought = []
    for row in pending:
        request = parse_request(_as_file(row.operations))
        day, assumed = _effect_date(conn, amending, request.rule, request.days, request.fixed)
        if day is None:
            continue
        target = works.by_id(conn, row.work_id)
        lock_work(conn, target.id)
        _materialise(conn, target, row.id, request, day, assumed)
        brought.append({"frbr_uri": target.uri.work, "effective": day.isoformat()})
    return brought


def _as_file(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored request, back in the shape of an amendment file."""
    eff = {k: v for k, v in stored["effective"].items() if v is not None}
    if eff.get("rule") == "publication+N":
        eff["rule"] = f"publication+{eff.pop('days')}"
    ops = [{k: v for k, v in o.items() if v is not None and v != {}} for o in stored["operations"]]
    return {"amending_act": stored["amending_act"], "effective": eff, "operations": ops}


def _effect_date(
    conn: Connection, amending: works.Work, rule: str, days: int | None, fixed: date | None
) -> tuple[date | None, bool]:
    if not works.is_adopted(conn, amending.id):
        return None, False
    if rule == "fixed":
        return fixed, False
    published = works.publication(conn, amending.id)
    if published is None:
        return None, False
    return published.date + timedelta(days=days or 0), published.assumed


# --- materialisation ----------------------------------------------------------------------------


@dataclass
class _Plan:
    rows: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    created: set[str]
    removed: set[str]
    touched: set[str]


def _materialise(
    conn: Connection,
    work: works.Work,
    amendment_id: int,
    request: AmendmentRequest,
    day: date,
    assumed: bool,
) -> None:
    start = conn.execute(
        select(provisions.c.valid_from)
        .where(provisions.c.work_id == work.id)
        .order_by(provisions.c.valid_from)
        .limit(1)
    ).scalar()
    if start is None or day < start:
        raise Invalid(
            f"the amendment would take effect on {day.isoformat()}, before {work.uri.work} "
            f"took effect" + (f" ({start.isoformat()})" if start else ""),
            fields={"effective": "before the act took effect"},
        )
    for lang in works.languages(conn, work.id):
        plan = _plan(conn, work, amendment_id, request, day, lang)
        _refuse_conflicts(conn, work, lang, day, plan)
        try:
            conn.execute(provisions.insert(), plan.rows)
            conn.execute(notes.insert(), plan.notes)
        except IntegrityError as exc:
            raise Conflict(
                f"another amendment changed the same provision of {work.uri.work} on "
                f"{day.isoformat()} at the same time; nothing was written",
                fields={"operations": "conflicts with a concurrent amendment"},
            ) from exc
    conn.execute(effects.insert().values(amendment_id=amendment_id, date=day, assumed=assumed))
    changes.record(conn, work.id, "effect")


def _plan(
    conn: Connection,
    work: works.Work,
    amendment_id: int,
    request: AmendmentRequest,
    day: date,
    lang: str,
) -> _Plan:
    current = {r.eid: r for r in timeline.in_force(conn, work.id, lang, day) if r.state != "absent"}
    plan = _Plan([], [], set(), set(), set())
    for i, op in enumerate(request.operations):
        target = current.get(op.eid)
        if target is None:
            raise NotFound(
                f"operations[{i}]: {work.uri.work} has no provision {op.eid} in force on "
                f"{day.isoformat()}",
                fields={f"operations[{i}].eid": "not in force on the effective date"},
            )
        text = op.text.get(lang)
        parent = current.get(target.parent_eid or "")
        if op.op == "insert_after":
            eid = _sibling_eid(op.eid, op.num or "")
            if eid in current:
                raise Conflict(
                    f"operations[{i}]: {eid} already exists on {day.isoformat()}",
                    fields={f"operations[{i}].num": "already exists"},
                )
            key = inserted_key(target.sort_key, op.num)
            base = _Row(eid, target.parent_eid, key, target.type, op.num, target.heading)
            fresh = _subtree(base, text)
            plan.created.update(r.eid for r in fresh)
            note_node = (target.type, op.num, parent.num if parent else None, eid)
        else:
            base = _Row(
                op.eid, target.parent_eid, target.sort_key, target.type, target.num, target.heading
            )
            fresh = [base.with_state("repealed")] if op.op == "repeal" else _subtree(base, text)
            kept = {r.eid for r in fresh}
            for row in current.values():
                inside = row.eid.startswith(op.eid + "__") or _descends(row, op.eid, current)
                if inside and row.eid not in kept:
                    fresh.append(_Row.of(row).with_state("absent"))
                    plan.removed.add(row.eid)
            plan.created.update(r.eid for r in fresh if r.eid not in current)
            note_node = (target.type, target.num, parent.num if parent else None, op.eid)
        plan.touched.update(r.eid for r in fresh)
        plan.rows.extend(r.as_insert(work.id, lang, day, amendment_id) for r in fresh)
        node_type, num, parent_num, note_eid = note_node
        plan.notes.append(
            {
                "work_id": work.id,
                "lang": lang,
                "eid": note_eid,
                "placement": "after_heading" if node_type in ("attachment", "act") else "after",
                "text": change_note(
                    lang,
                    op=op.op,
                    node_type=node_type,
                    num=num,
                    parent_num=parent_num if node_type in ("point", "indent", "wrapUp") else None,
                    act_type=request.act.type,
                    act_number=request.act.number or "",
                    act_date=request.act.date or day,
                    issuer=issuer_in(request.issuer, lang),
                    rule=request.rule,
                    days=request.days,
                    fixed=request.fixed,
                ),
                "valid_from": day,
                "amendment_id": amendment_id,
            }
        )
    return plan


def _descends(row: ProvisionRow, eid: str, current: dict[str, ProvisionRow]) -> bool:
    parent = row.parent_eid
    while parent is not None:
        if parent == eid:
            return True
        up = current.get(parent)
        parent = up.parent_eid if up else None
    return False


def _refuse_conflicts(
    conn: Connection, work: works.Work, lang: str, day: date, plan: _Plan
) -> None:
    """Refuse what would make the text depend on the order amendments were entered in."""
    later = conn.execute(
        select(provisions.c.eid, provisions.c.valid_from).where(
            provisions.c.work_id == work.id,
            provisions.c.lang == lang,
            provisions.c.valid_from >= day,
            provisions.c.eid.in_(plan.touched | _ancestors_of(plan, conn, work.id, lang, day)),
        )
    ).all()
    for eid, valid_from in later:
        if valid_from == day and eid in plan.touched:
            reason = f"{eid} is already changed on {day.isoformat()} by another amendment"
        elif eid in plan.removed or eid in plan.created:
            reason = f"{eid} is changed again on {valid_from.isoformat()}, after this amendment"
        elif eid not in plan.touched:
            reason = (
                f"{eid}, which contains a provision this amendment adds, is restated on "
                f"{valid_from.isoformat()}, after this amendment"
            )
        else:
            continue
        raise Conflict(f"conflicting amendment: {reason}", fields={"operations": reason})


def _ancestors_of(plan: _Plan, conn: Connection, work_id: int, lang: str, day: date) -> set[str]:
    if not plan.created:
        return set()
    parents = {r["parent_eid"] for r in plan.rows if r["eid"] in plan.created}
    result: set[str] = set()
    current = {r.eid: r for r in timeline.in_force(conn, work_id, lang, day)}
    for parent in parents:
        while parent is not None and parent not in result and parent in current:
            result.add(parent)
            parent = current[parent].parent_eid
    return result - plan.touched


@dataclass(frozen=True)
class _Row:
    eid: str
    parent_eid: str | None
    sort_key: str
    type: str
    num: str | None
    heading: str | None
    text: str | None = None
    state: str = "in_force"

    @classmethod
    def of(cls, row: ProvisionRow) -> _Row:
        return cls(
            row.eid,
            row.parent_eid,
            row.sort_key,
            row.type,
            row.num,
            row.heading,
            row.text,
            row.state,
        )

    def with_state(self, state: str) -> _Row:
        return _Row(
            self.eid,
            self.parent_eid,
            self.sort_key,
            self.type,
            self.num,
            None if state != "in_force" else self.heading,
            None,
            state,
        )

    def as_insert(self, work_id: int, lang: str, day: date, amendment_id: int) -> dict[str, Any]:
        return {
            "work_id": work_id,
            "lang": lang,
            "eid": self.eid,
            "parent_eid": self.parent_eid,
            "sort_key": self.sort_key,
            "type": self.type,
            "num": self.num,
            "heading": self.heading,
            "text": self.text,
            "state": self.state,
            "valid_from": day,
            "amendment_id": amendment_id,
        }


def _sibling_eid(after: str, num: str) -> str:
    """chp_1__para_9 + "9-1" → chp_1__para_9-1."""
    head, sep, last = after.rpartition("__")
    kind = last.split("_", 1)[0]
    return f"{head}{sep}{kind}_{num}"


def _subtree(base: _Row, text: str | None) -> list[_Row]:
    """The rows of a provision with a new wording; None = wording not held in this language."""
    if text is None:
        return [
            _Row(
                base.eid,
                base.parent_eid,
                base.sort_key,
                base.type,
                base.num,
                None,
                None,
                "not_held",
            )
        ]
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if base.type in ("chapter", "attachment"):
        return [
            _Row(
                base.eid,
                base.parent_eid,
                base.sort_key,
                base.type,
                base.num,
                lines[0],
                "\n".join(lines[1:]) or None,
            )
        ]
    lead: list[str] = []
    children: list[_Row] = []
    point: _Row | None = None
    indents: dict[str, int] = {}
    wrap: list[str] = []
    for line in lines:
        m = _POINT_LINE.match(line) if base.type == "paragraph" else None
        if m:
            point = _Row(
                f"{base.eid}__point_{m[1]}",
                base.eid,
                child_key(base.sort_key, len(children) + 1),
                "point",
                m[1],
                None,
                m[2],
            )
            children.append(point)
        elif point is None:
            lead.append(line)
        elif (point.text or "").rstrip().endswith(":") and not wrap:
            indents[point.eid] = indents.get(point.eid, 0) + 1
            n = indents[point.eid]
            key = child_key(point.sort_key, n)
            children.append(
                _Row(f"{point.eid}__indent_{n}", point.eid, key, "indent", None, None, line)
            )
        else:
            wrap.append(line)
    if wrap:
        children.append(
            _Row(
                f"{base.eid}__wrapup",
                base.eid,
                child_key(base.sort_key, len(children) + 1),
                "wrapUp",
                None,
                None,
                "\n".join(wrap),
            )
        )
    own = _Row(
        base.eid,
        base.parent_eid,
        base.sort_key,
        base.type,
        base.num,
        base.heading,
        "\n".join(lead) or None,
    )
    return [own, *children]


def amendment_of(conn: Connection, amending_uri: str, today: date) -> dict[str, Any]:
    """The amendment an amending act (entered here) makes: its target, operations, and the day
    before it takes effect (``today`` while that is not known), when its targets are read."""
    amending = works.get(conn, amending_uri)
    rows = conn.execute(
        select(amendments.c.id, amendments.c.work_id, amendments.c.operations)
        .where(amendments.c.amending_work_id == amending.id, amendments.c.source == "registry")
        .order_by(amendments.c.id)
    ).all()
    if not rows:
        raise NotFound(
            f"no amendment entered in the registry is made by {amending.uri.work}",
            fields={"amendment_uri": "no amendment by this act"},
        )
    if len({r.work_id for r in rows}) > 1:
        raise Invalid(
            f"{amending.uri.work} amends several acts; one amending resolution per amended act "
            "can be generated",
            fields={"amendment_uri": "amends several acts"},
        )
    effect = conn.execute(
        select(effects.c.date).where(effects.c.amendment_id == rows[0].id)
    ).first()
    before = effect.date - timedelta(days=1) if effect is not None else today
    return {
        "amending_act": amending.uri.work,
        "target": works.by_id(conn, rows[0].work_id).uri.work,
        "operations": [op for r in rows for op in r.operations["operations"]],
        "effective_before": before.isoformat(),
    }
