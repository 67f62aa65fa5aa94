"""What the store holds of one session: enough to take it up again (``Flow.resume``)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from . import audit
from . import models as m
from .failures import StoreError


@dataclass
class SavedProgress:
    """What the store holds of one session: enough to take it up again."""

    session: m.Session
    answers: dict[str, Any]
    pages_left: set[str]
    stimuli_done: set[str]
    warned: set[str]  # soft-required questions the participant was already warned about
    orders_recorded: set[str]  # shuffled orders already stored ("what:of")
    stimulus_order: list[str] | None  # the order the stimuli were given, once the participant reached them
    exposure: list[tuple[str, float | None, bool]]  # (clip, percent watched, completed) of each play, in order


async def read_progress(s: AsyncSession, session_id: uuid.UUID) -> SavedProgress:
    row = await s.get(m.Session, session_id)
    if row is None:
        raise StoreError(f"session {session_id} is not in the station database")
    answers = dict((await s.execute(select(m.Answer.question_id, m.Answer.value).where(m.Answer.session_id == session_id))).all())
    pages = set((await s.scalars(select(m.AuditEntry.subject).where(m.AuditEntry.session_id == session_id, m.AuditEntry.kind == audit.PAGE_LEFT))).all())
    done = set((await s.scalars(select(m.AuditEntry.subject).where(m.AuditEntry.session_id == session_id, m.AuditEntry.kind == audit.STEP_DONE))).all())
    kinds = ("soft_required_warned", "order_shown", "clip_exposure")
    events = (await s.execute(select(m.Event.kind, m.Event.step_id, m.Event.detail).where(m.Event.session_id == session_id, m.Event.kind.in_(kinds)).order_by(m.Event.at))).all()
    warned, orders, stimuli, exposure = set(), set(), None, []
    for kind, step_id, detail in events:
        data = json.loads(detail or "{}")
        if kind == "soft_required_warned":
            warned.update(data.get("questions", []))
        elif kind == "clip_exposure":
            exposure.append((step_id, data.get("percent_watched"), bool(data.get("completed"))))
        elif data.get("what") == "stimuli":
            stimuli = data.get("order")
        else:
            orders.add(f"{data.get('what')}:{data.get('of')}")
    return SavedProgress(row, answers, pages, done, warned, orders, stimuli, exposure)
