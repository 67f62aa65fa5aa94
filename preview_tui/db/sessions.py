"""One study's eligible sessions as every reader needs them: the exports, the report and the results screen.

The same SQLAlchemy Core queries on the store's tables (``models.py``) serve a
station's file and the central database, which has the same tables and
columns plus the station each row came from. Eligible (``reading.py``): a
session of the study, not withdrawn, and not a test (pilot) session unless
asked for.

An answer's stored value reaches the reader through ``seal.opened``: a sealed
answer is opened with the research team's private key when the reader has it,
and is ``seal.SEALED`` (the "sealed" missing code) otherwise.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, NamedTuple

from sqlalchemy import String, cast, func, select

from .. import seal
from . import models as m
from .audit import PAGE_LEFT
from .flags import read_flags
from .reader import SealedAnswerError, SourceError
from .reading import answers_by_session, eligible_sessions, session_keys

SESSIONS, ANSWERS, EVENTS, DIAL, AUDIT, TOMBSTONES = (
    m.Session.__table__, m.Answer.__table__, m.Event.__table__, m.DialSample.__table__, m.AuditEntry.__table__, m.Tombstone.__table__,
)
# Events every reader takes; a stimulus's own events (frames viewed, clips shown...) only for the steps asked for.
ALWAYS = ("order_shown", "screened_out", "clip_exposure")
EVENT_COLUMNS = ("session_id", "kind", "step_id", "at", "mono", "media_ms", "detail")
DIAL_COLUMNS = ("session_id", "step_id", "play", "seq", "segment", "media_ms", "mono", "value")


class Exposure(NamedTuple):
    """How much of a clip a session saw, over all its plays."""

    percent: float | None  # the best percentage watched of any play
    completed: bool  # watched to the end in any play
    plays: int


@dataclass
class SessionRecord:
    """One eligible session with what its readers need of it."""

    id: uuid.UUID
    row: dict[str, Any]  # the session's own columns
    answers: dict[str, Any] = field(default_factory=dict)
    pages_left: set[str] = field(default_factory=set)
    orders: dict[str, list[Any]] = field(default_factory=dict)  # "what:of" (or "stimuli") -> order shown
    exposure: dict[str, Exposure] = field(default_factory=dict)  # clip -> what of it was seen
    outcomes: dict[str, str] = field(default_factory=dict)  # stimulus -> how it ended (clip_shown, clip_skipped...)
    dwell_ms: dict[str, int] = field(default_factory=dict)  # storyboard -> time on its frames
    dial_mean: dict[str, float] = field(default_factory=dict)  # clip -> mean dial value of its first play
    dial: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # clip -> [(play, media_ms, value)], read when asked
    reached: set[str] = field(default_factory=set)  # stimuli with any event
    # Where a screen-out ended the session: its page, the questions asked on it up to the one that
    # triggered it, and the later pages whose answers it cleared (the "screened_out" event).
    screened: dict[str, Any] | None = None
    flags: list[tuple[str, str]] = field(default_factory=list)  # data-quality flags, (kind, reason), read when asked (``flags.py``)
    _env: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        return self.row["status"]

    @property
    def reason(self) -> str | None:
        """Why it ended so (a screen-out's reason), if it says."""
        return self.row.get("outcome_reason")

    @property
    def is_test(self) -> bool:
        return bool(self.row.get("is_test"))

    def env(self) -> dict[str, Any]:
        """The names the study's conditions read, as the engine saw them (a sealed answer reads as unanswered)."""
        if self._env is None:
            env = {k: (None if v is seal.SEALED else v) for k, v in self.answers.items()}
            for key, value in self.answers.items():
                if isinstance(value, dict):
                    env.update({f"{key}.{row}": point for row, point in value.items()})
            for clip, seen in self.exposure.items():
                env[f"watched.{clip}"] = seen.percent
                env[f"completed.{clip}"] = seen.completed
            env.update({"participant.code": self.row["participant_code"], "participant.seat": self.row["seat"], "participant.language": self.row["language"]})
            self._env = env
        return self._env


async def check_study(conn: Any, study_id: str) -> None:
    """Raise SourceError when the database knows nothing of ``study_id``."""
    known = await conn.scalar(select(func.count()).select_from(SESSIONS).where(SESSIONS.c.study_id == study_id))
    known = known or await withdrawn_count(conn, study_id)
    if known:
        return
    others = sorted((await conn.scalars(select(SESSIONS.c.study_id).distinct())).all())
    there = f"it has: {', '.join(others)}" if others else "it holds no sessions at all"
    raise SourceError(f"the database holds no sessions of study '{study_id}' ({there})")


async def withdrawn_count(conn: Any, study_id: str) -> int:
    """How many of the study's participants withdrew (their tombstones: erased, never counted)."""
    return int(await conn.scalar(select(func.count()).select_from(TOMBSTONES).where(TOMBSTONES.c.study_id == study_id)) or 0)


async def read_sessions(
    conn: Any,
    study_id: str,
    *,
    include_test: bool = False,
    private_key: Any = None,
    step_ids: set[str] = frozenset(),
    dial_samples: bool = False,
    flags: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[SessionRecord]:
    """Every eligible session of the study, oldest first, with its answers, pages left, orders and exposure.

    ``step_ids``: the stimuli whose own events are read too (outcomes, frames' dwell); ``dial_samples``:
    every dial sample as well as each clip's mean; ``flags``: the data-quality flags (a study that makes
    checks). Test sessions only with ``include_test``.
    """
    ids = eligible_sessions(study_id, include_test=include_test)
    steps = 6 if dial_samples else 5

    def tick(done: int, what: str) -> None:
        if progress is not None:
            progress(done, steps, what)

    tick(0, "Reading sessions")
    result = await conn.execute(select(SESSIONS).where(SESSIONS.c.id.in_(ids)).order_by(SESSIONS.c.started_at, SESSIONS.c.id))
    records = {row["id"]: SessionRecord(row["id"], dict(row)) for row in result.mappings()}
    tick(1, "Reading answers")
    by_key = {key: rec for rec in records.values() for key in session_keys(rec.id)}
    for key, joined in await conn.execute(answers_by_session(ids)):
        rec = by_key[key]
        rec.answers = answers = json.loads(joined)
        for question_id, value in answers.items():
            if isinstance(value, dict):  # only a dict can be sealed (seal.opened)
                try:
                    answers[question_id] = seal.opened(value, private_key)
                except seal.SealError as exc:
                    raise SealedAnswerError(f"cannot open the sealed answer to '{question_id}' of session {rec.id} with this private key: {exc}") from None
    tick(2, "Reading pages")
    for key, page_id in await conn.execute(select(cast(AUDIT.c.session_id, String), AUDIT.c.subject).where(AUDIT.c.kind == PAGE_LEFT, AUDIT.c.session_id.in_(ids))):
        if key in by_key:
            by_key[key].pages_left.add(page_id)
    tick(3, "Reading events")
    wanted = EVENTS.c.kind.in_(ALWAYS)
    if step_ids:
        wanted = wanted | EVENTS.c.step_id.in_(sorted(step_ids))
    query = select(EVENTS.c.session_id, EVENTS.c.kind, EVENTS.c.step_id, EVENTS.c.detail).where(EVENTS.c.session_id.in_(ids), wanted).order_by(EVENTS.c.at)
    for session_id, kind, step_id, detail in await conn.execute(query):
        _event(records[session_id], kind, step_id, detail)
    for session_id, found in (await read_flags(conn, ids) if flags else {}).items():
        records[session_id].flags = found
    tick(4, "Reading dial samples")
    first = (
        select(DIAL.c.session_id, DIAL.c.step_id, func.min(DIAL.c.play).label("play"))
        .where(DIAL.c.session_id.in_(ids))
        .group_by(DIAL.c.session_id, DIAL.c.step_id)
        .subquery()
    )
    query = (
        select(DIAL.c.session_id, DIAL.c.step_id, func.avg(DIAL.c.value))
        .join(first, (DIAL.c.session_id == first.c.session_id) & (DIAL.c.step_id == first.c.step_id) & (DIAL.c.play == first.c.play))
        .group_by(DIAL.c.session_id, DIAL.c.step_id)
    )
    for session_id, step_id, mean in await conn.execute(query):
        records[session_id].dial_mean[step_id] = round(float(mean), 2)
    if dial_samples:
        tick(5, "Reading dial traces")
        query = select(DIAL.c.session_id, DIAL.c.step_id, DIAL.c.play, DIAL.c.media_ms, DIAL.c.value).where(DIAL.c.session_id.in_(ids)).order_by(DIAL.c.session_id, DIAL.c.step_id, DIAL.c.play, DIAL.c.seq)
        for session_id, step_id, play, media_ms, value in await conn.execute(query):
            records[session_id].dial.setdefault(step_id, []).append((play, media_ms, value))
    tick(steps, "Read")
    return list(records.values())


def _event(rec: SessionRecord, kind: str, step_id: str | None, detail: str | None) -> None:
    data = json.loads(detail) if detail else {}
    if kind == "screened_out":
        rec.screened = data
        return
    if kind == "order_shown":
        if data.get("what") == "stimuli":
            rec.orders["stimuli"] = data.get("order", [])
        else:
            rec.orders[f"{data.get('what')}:{data.get('of')}"] = data.get("order", [])
        return
    if step_id is None:
        return
    rec.reached.add(step_id)
    if kind == "clip_exposure":
        percent, completed, plays = rec.exposure.get(step_id, Exposure(None, False, 0))
        seen = data.get("percent_watched")
        if seen is not None:
            percent = round(max(seen, percent or 0.0), 1)
        rec.exposure[step_id] = Exposure(percent, bool(completed or data.get("completed")), plays + 1)
    elif kind in ("clip_shown", "clip_skipped", "clip_not_shown", "storyboard_done"):
        rec.outcomes[step_id] = kind
    elif kind == "frame_viewed":
        rec.dwell_ms[step_id] = rec.dwell_ms.get(step_id, 0) + int(data.get("dwell_ms") or 0)


async def stream_events(conn: Any, study_id: str, batch: int = 5000) -> AsyncIterator[list[tuple]]:
    """Every event of the eligible sessions (the long file), in batches."""
    query = select(*(EVENTS.c[name] for name in EVENT_COLUMNS)).where(EVENTS.c.session_id.in_(eligible_sessions(study_id))).order_by(EVENTS.c.session_id, EVENTS.c.at, EVENTS.c.id)
    result = await conn.stream(query)
    async for rows in result.partitions(batch):
        yield [tuple(r) for r in rows]


async def stream_dial(conn: Any, study_id: str, batch: int = 20000) -> AsyncIterator[list[tuple]]:
    """Every dial sample of the eligible sessions (the long file), in batches."""
    query = select(*(DIAL.c[name] for name in DIAL_COLUMNS)).where(DIAL.c.session_id.in_(eligible_sessions(study_id))).order_by(DIAL.c.session_id, DIAL.c.step_id, DIAL.c.play, DIAL.c.seq)
    result = await conn.stream(query)
    async for rows in result.partitions(batch):
        yield [tuple(r) for r in rows]


RECORDING_COLUMNS = ("session_id", "question_id", "file_name", "seconds", "video", "size", "sha256", "recorded_at")


async def stream_recordings(conn: Any, study_id: str, batch: int = 5000) -> AsyncIterator[list[tuple]]:
    """Every recording of the eligible sessions (their files stay sealed where they are), in batches."""
    table = m.Recording.__table__
    query = select(*(table.c[name] for name in RECORDING_COLUMNS)).where(table.c.session_id.in_(eligible_sessions(study_id))).order_by(table.c.session_id, table.c.recorded_at)
    result = await conn.stream(query)
    async for rows in result.partitions(batch):
        yield [tuple(r) for r in rows]
