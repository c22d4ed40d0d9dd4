"""Which text was in force on a date: the one place that answers it.

Every change is materialised when its date is known (on import, on amendment or on publication),
as rows of ``provisions`` valid from that date. A read selects, for each eId, the newest row whose
``valid_from`` is not after the date asked for; it never replays amendments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from registry.store import provisions


@dataclass(frozen=True)
class ProvisionRow:
    eid: str
    parent_eid: str | None
    sort_key: str
    type: str
    num: str | None
    heading: str | None
    text: str | None
    state: str
    valid_from: date
    amendment_id: int | None


def in_force(
    conn: Connection, work_id: int, lang: str, at: date, *, eid: str | None = None
) -> list[ProvisionRow]:
    """The rows in force on ``at`` (state ``absent`` included), in document order.

    With ``eid``, only that provision and the provisions whose eId extends it (``eid__…``): an
    index range scan whose cost does not grow with the amendments of other provisions.
    """
    scope = [provisions.c.work_id == work_id, provisions.c.lang == lang]
    # A range both SQLite and PostgreSQL can seek with the unique index (work, lang, eid, date);
    # it also takes siblings such as para_10 for para_1, which the exact filter drops.
    bounds = [] if eid is None else [provisions.c.eid >= eid, provisions.c.eid < eid + "_`"]
    exact = [] if eid is None else [or_(provisions.c.eid == eid, provisions.c.eid > eid + "__")]
    newest = (
        select(provisions.c.eid, func.max(provisions.c.valid_from).label("vf"))
        .where(*scope, *bounds, *exact, provisions.c.valid_from <= at)
        .group_by(provisions.c.eid)
        .subquery()
    )
    query = (
        select(*_COLUMNS)
        .join(
            newest,
            and_(provisions.c.eid == newest.c.eid, provisions.c.valid_from == newest.c.vf),
        )
        .where(*scope, *bounds)
        .order_by(provisions.c.sort_key)
    )
    return [ProvisionRow(**row._mapping) for row in conn.execute(query)]


def history(conn: Connection, work_id: int, lang: str, eid: str) -> list[ProvisionRow]:
    """Every version of one provision, oldest first."""
    query = (
        select(*_COLUMNS)
        .where(provisions.c.work_id == work_id, provisions.c.lang == lang, provisions.c.eid == eid)
        .order_by(provisions.c.valid_from)
    )
    return [ProvisionRow(**row._mapping) for row in conn.execute(query)]


def change_dates(conn: Connection, work_id: int, lang: str) -> list[date]:
    """The dates on which the text of this language expression changed, oldest first."""
    query = (
        select(provisions.c.valid_from)
        .where(provisions.c.work_id == work_id, provisions.c.lang == lang)
        .distinct()
        .order_by(provisions.c.valid_from)
    )
    return [row[0] for row in conn.execute(query)]


_COLUMNS = (
    provisions.c.eid,
    provisions.c.parent_eid,
    provisions.c.sort_key,
    provisions.c.type,
    provisions.c.num,
    provisions.c.heading,
    provisions.c.text,
    provisions.c.state,
    provisions.c.valid_from,
    provisions.c.amendment_id,
)
