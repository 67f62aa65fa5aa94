"""Read one study's eligible sessions from a station file or the central database.

The same SQLAlchemy Core queries on the store's tables (``db/models.py``) serve
both: the central database has the same tables and columns, plus the station
each row came from. Eligible means: a session of the study, not a test (pilot)
session, and not withdrawn. Withdrawn participants' rows are already erased on
the station and centrally, but a session with a tombstone is left out all the
same, so an erasure that has not yet reached a database never leaks into an
export.

An answer's stored value becomes the value exported through ``seal.opened``:
a sealed answer is opened with the research team's private key when the
export has it, and is ``seal.SEALED`` (the "sealed" missing code) otherwise.
"""

from __future__ import annotations

import json
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from sqlalchemy import String, cast, func, select
from sqlalchemy.exc import SQLAlchemyError

from .. import seal
from ..db import models as m
from ..db.audit import PAGE_LEFT
from ..db.reading import answers_by_session, eligible_sessions, is_url, session_keys


class SealedAnswerError(Exception):
    """A sealed answer the private key given cannot open; the message names the session and question."""


class SourceError(Exception):
    """The database cannot be read; the message is one line for the researcher."""


SESSIONS, ANSWERS, EVENTS, DIAL, AUDIT, TOMBSTONES = (
    m.Session.__table__, m.Answer.__table__, m.Event.__table__, m.DialSample.__table__, m.AuditEntry.__table__, m.Tombstone.__table__,
)
# Events read for the exports' variables (all events go to the long file).
STEP_KINDS = ("clip_exposure", "clip_shown", "clip_skipped", "clip_not_shown", "frame_viewed", "storyboard_done", "frame_not_shown", "clip_play", "clip_error", "clip_skip")


class Source:
    """A station's SQLite file, or the central PostgreSQL database given by URL."""

    def __init__(self, location: str | Path, *, connect_timeout: float = 10.0):
        self.location = location
        self.connect_timeout = connect_timeout
        self.central = is_url(location)

    def __str__(self) -> str:
        if not self.central:
            return str(self.location)
        parsed = self._url()
        return f"{parsed.host}:{parsed.port or 5432}/{parsed.database}"

    def _url(self):
        from ..sync.engine import check_url
        from ..sync.errors import SyncError

        try:
            return check_url(str(self.location))
        except SyncError as exc:
            raise SourceError(str(exc)) from None

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Any]:
        """An open connection (read only, in one transaction), with failures as one-line SourceErrors."""
        engine = self._engine()
        try:
            try:
                conn = await engine.connect()
            except Exception as exc:  # noqa: BLE001 - any failure to connect is reported in words
                raise SourceError(self.explain(exc)) from None
            try:
                async with conn.begin():
                    yield conn
            except SQLAlchemyError as exc:  # a query failed: not a preview-tui database, a broken connection...
                raise SourceError(self.explain(exc)) from None
            finally:
                await conn.close()
        finally:
            await engine.dispose()

    def _engine(self):
        if not self.central:
            from ..db.engine import make_engine

            path = Path(self.location)
            if not path.is_file():
                raise SourceError(f"no station database at {path}")
            return make_engine(path)
        from sqlalchemy.ext.asyncio import create_async_engine

        parsed = self._url()
        return create_async_engine(parsed, connect_args={"timeout": self.connect_timeout, "server_settings": {"application_name": "preview-tui-export"}})

    def explain(self, exc: BaseException) -> str:
        """One sentence on why the database could not be read."""
        if not self.central:
            from ..db.store import describe_failure

            reason = describe_failure(exc).replace("could not be written", "could not be read")
            return f"cannot read the station database {self.location}: {reason}"
        from ..sync.errors import describe

        parsed = self._url()
        reason = describe(exc, str(self), parsed.username, parsed.database)
        text = str(getattr(exc, "orig", None) or exc)
        if "does not exist" in text and "relation" in text:
            reason = f"the central database at {self} holds no preview-tui data yet (no station has synced to it)"
        return f"cannot read the central database: {reason}"


@dataclass
class SessionRecord:
    """One eligible session with what the exports need of it."""

    id: uuid.UUID
    row: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)
    pages_left: set[str] = field(default_factory=set)
    orders: dict[str, list[Any]] = field(default_factory=dict)  # "what:of" (or "stimuli") -> order shown
    exposure: dict[str, tuple[float | None, bool, int]] = field(default_factory=dict)  # clip -> (best percent, completed, plays)
    outcomes: dict[str, str] = field(default_factory=dict)  # stimulus -> how it ended (clip_shown, clip_skipped...)
    dwell_ms: dict[str, int] = field(default_factory=dict)  # storyboard -> time on its frames
    dial_mean: dict[str, float] = field(default_factory=dict)  # clip -> mean dial value of its first play
    reached: set[str] = field(default_factory=set)  # stimuli with any event
    # Where a screen-out ended the session: its page, the questions asked on it up to the one that
    # triggered it, and the later pages whose answers it cleared (the "screened_out" event).
    screened: dict[str, Any] | None = None
    _env: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        return self.row["status"]

    def env(self) -> dict[str, Any]:
        """The names the study's conditions read, as the engine saw them (a sealed answer reads as unanswered)."""
        if self._env is None:
            env = {k: (None if v is seal.SEALED else v) for k, v in self.answers.items()}
            for key, value in self.answers.items():
                if isinstance(value, dict):
                    env.update({f"{key}.{row}": point for row, point in value.items()})
            for clip, (percent, completed, _) in self.exposure.items():
                env[f"watched.{clip}"] = percent
                env[f"completed.{clip}"] = completed
            env.update({"participant.code": self.row["participant_code"], "participant.seat": self.row["seat"], "participant.language": self.row["language"]})
            self._env = env
        return self._env


async def check_study(conn: Any, study_id: str) -> None:
    """Raise SourceError when the database knows nothing of ``study_id``."""
    known = await conn.scalar(select(func.count()).select_from(SESSIONS).where(SESSIONS.c.study_id == study_id))
    known = known or await conn.scalar(select(func.count()).select_from(TOMBSTONES).where(TOMBSTONES.c.study_id == study_id))
    if known:
        return
    others = sorted((await conn.scalars(select(SESSIONS.c.study_id).distinct())).all())
    there = f"it has: {', '.join(others)}" if others else "it holds no sessions at all"
    raise SourceError(f"the database holds no sessions of study '{study_id}' ({there})")


async def read_sessions(conn: Any, study_id: str, *, private_key: Any = None, step_ids: set[str] = frozenset(), progress: Callable[[int, int, str], None] | None = None) -> list[SessionRecord]:
    """Every eligible session of the study, oldest first, with its answers, pages left, orders and stimuli."""
    ids = eligible_sessions(study_id)
    steps = 6

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
                    raise SealedAnswerError(f"cannot open the answer to '{question_id}' of session {rec.id}: {exc}") from None
    tick(2, "Reading pages")
    for key, page_id in await conn.execute(select(cast(AUDIT.c.session_id, String), AUDIT.c.subject).where(AUDIT.c.kind == PAGE_LEFT, AUDIT.c.session_id.in_(ids))):
        if key in by_key:
            by_key[key].pages_left.add(page_id)
    tick(3, "Reading events")
    wanted = EVENTS.c.kind.in_(["order_shown", "screened_out"])
    if step_ids:
        wanted = wanted | EVENTS.c.step_id.in_(sorted(step_ids))
    query = select(EVENTS.c.session_id, EVENTS.c.kind, EVENTS.c.step_id, EVENTS.c.detail).where(EVENTS.c.session_id.in_(ids), wanted).order_by(EVENTS.c.at)
    for session_id, kind, step_id, detail in await conn.execute(query):
        _event(records[session_id], kind, step_id, detail)
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
    tick(5, "Read")
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
        percent, completed, plays = rec.exposure.get(step_id, (None, False, 0))
        seen = data.get("percent_watched")
        if seen is not None:
            percent = round(max(seen, percent or 0.0), 1)
        rec.exposure[step_id] = (percent, bool(completed or data.get("completed")), plays + 1)
    elif kind in ("clip_shown", "clip_skipped", "clip_not_shown", "storyboard_done"):
        rec.outcomes[step_id] = kind
    elif kind == "frame_viewed":
        rec.dwell_ms[step_id] = rec.dwell_ms.get(step_id, 0) + int(data.get("dwell_ms") or 0)


EVENT_COLUMNS = ("session_id", "kind", "step_id", "at", "mono", "media_ms", "detail")
DIAL_COLUMNS = ("session_id", "step_id", "play", "seq", "segment", "media_ms", "mono", "value")


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
