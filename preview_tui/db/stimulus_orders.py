"""Counterbalancing: which stimulus orders the sessions that count were given.

A Latin square is balanced over the sessions that finished the stimuli or are
on them now: a session counts once it has its order (``order_shown`` with
``what: stimuli``, stored when the participant reaches the stimuli) and

- it is not a pilot (test) session and was not withdrawn,
- it did not end screened out or declined,
- it is still in progress, completed, or finished every stimulus step (an
  abandoned session counts only when it saw them all).

``order_counts`` is one query for the station's file and the central
PostgreSQL database alike (same tables; ``other_than`` leaves out one
station's rows centrally); ``balance.py`` hands the counts to the flow.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any, Iterable

from sqlalchemy import Uuid, bindparam, func, literal_column, select

from . import models as m
from .audit import STEP_DONE


async def order_counts(conn: Any, study_id: str, stimuli: Iterable[str], *, other_than: uuid.UUID | None = None) -> dict[tuple[str, ...], int]:
    """How many counted sessions (see the module's docstring) were given each order of ``stimuli``.

    ``conn`` is an AsyncConnection to a station file or to the central database; ``other_than``
    (central only) leaves out the sessions of that station.
    """
    stimuli = sorted(stimuli)
    sessions, events, audit_log, tombstones = m.Session.__table__, m.Event.__table__, m.AuditEntry.__table__, m.Tombstone.__table__
    query = (
        select(sessions.c.id, sessions.c.status, events.c.detail)
        .join(events, events.c.session_id == sessions.c.id)
        .where(
            sessions.c.study_id == study_id,
            sessions.c.is_test.is_(False),
            sessions.c.status.not_in([m.SCREENED_OUT, m.DECLINED, m.WITHDRAWN]),
            sessions.c.id.not_in(select(tombstones.c.session_id)),
            events.c.kind == "order_shown",
            events.c.detail.like('%"stimuli"%'),
        )
    )
    if other_than is not None:
        query = query.where(literal_column("sessions.origin_station") != bindparam("other_than", other_than, type_=Uuid))
    given: dict[Any, tuple[str, tuple[str, ...]]] = {}
    for session_id, status, detail in await conn.execute(query):
        data = json.loads(detail or "{}")
        order = tuple(data.get("order") or ())
        if data.get("what") == "stimuli" and sorted(order) == stimuli:
            given[session_id] = (status, order)
    unsure = [sid for sid, (status, _) in given.items() if status not in (m.IN_PROGRESS, m.COMPLETED)]
    done: dict[Any, int] = {}
    if unsure:
        seen = (
            select(audit_log.c.session_id, func.count(func.distinct(audit_log.c.subject)))
            .where(audit_log.c.kind == STEP_DONE, audit_log.c.subject.in_(stimuli), audit_log.c.session_id.in_(unsure))
            .group_by(audit_log.c.session_id)
        )
        done = dict((await conn.execute(seen)).all())
    counts: Counter = Counter()
    for session_id, (status, order) in given.items():
        if status in (m.IN_PROGRESS, m.COMPLETED) or done.get(session_id, 0) >= len(stimuli):
            counts[order] += 1
    return dict(counts)
