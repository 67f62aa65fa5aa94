"""The station's store: every write is one short transaction.

The engine is created inside the event loop that uses it (``open()``), and
disposed with ``close()``. Callers never hold a transaction across screens.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from . import models as m
from .engine import make_engine


class StoreError(Exception):
    """The station could not save; the message is meant for the moderator."""


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None

    async def open(self) -> None:
        if self._engine is None:
            self._engine = make_engine(self.path)
            self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = self._sessions = None

    async def __aenter__(self) -> "Store":
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    def _session(self) -> AsyncSession:
        if self._sessions is None:
            raise RuntimeError("Store.open() was not awaited")
        return self._sessions()

    # -- sessions -----------------------------------------------------------

    async def create_session(self, *, study_id: str, station: str, code: str | None, seat: str | None = None, is_test: bool = False) -> uuid.UUID:
        row = m.Session(id=uuid.uuid4(), study_id=study_id, station=station, participant_code=code or None, seat=seat or None, is_test=is_test, status=m.IN_PROGRESS, started_at=m.now())
        async with self._session() as s, s.begin():
            s.add(row)
        return row.id

    async def set_language(self, session_id: uuid.UUID, language: str) -> None:
        await self._update(session_id, language=language)

    async def record_consent(self, session_id: uuid.UUID, *, version: str, text_hash: str, accepted: bool) -> None:
        if accepted:
            await self._update(session_id, consent_version=version, consent_hash=text_hash, consented_at=m.now())
            return
        # A refusal keeps nothing but itself and its time.
        async with self._session() as s, s.begin():
            await s.execute(m.Answer.__table__.delete().where(m.Answer.session_id == session_id))
            await s.execute(m.Event.__table__.delete().where(m.Event.session_id == session_id))
            await s.execute(m.DialSample.__table__.delete().where(m.DialSample.session_id == session_id))
            await s.execute(
                update(m.Session)
                .where(m.Session.id == session_id)
                .values(participant_code=None, seat=None, language=None, status=m.DECLINED, ended_at=m.now())
            )

    async def finish(self, session_id: uuid.UUID, status: str, reason: str | None = None) -> None:
        if status not in m.STATUSES:
            raise ValueError(f"unknown status {status!r}")
        await self._update(session_id, status=status, outcome_reason=reason, ended_at=m.now())

    async def _update(self, session_id: uuid.UUID, **values: Any) -> None:
        async with self._session() as s, s.begin():
            result = await s.execute(update(m.Session).where(m.Session.id == session_id).values(**values))
            if result.rowcount != 1:
                raise StoreError(f"session {session_id} is not in the station database")

    async def get_session(self, session_id: uuid.UUID) -> m.Session | None:
        async with self._session() as s:
            return await s.get(m.Session, session_id)

    async def list_sessions(self, study_id: str | None = None, limit: int = 200) -> list[m.Session]:
        query = select(m.Session).order_by(m.Session.started_at.desc()).limit(limit)
        if study_id:
            query = query.where(m.Session.study_id == study_id)
        async with self._session() as s:
            return list((await s.scalars(query)).all())

    # -- answers and events -------------------------------------------------

    async def save_answers(self, session_id: uuid.UUID, survey_id: str, answers: dict[str, Any], *, clear: list[str] = ()) -> None:
        """Store a page's answers (replacing earlier ones) in one transaction.

        ``clear`` names questions of the page left empty: an earlier answer to them is removed.
        """
        at = m.now()
        async with self._session() as s, s.begin():
            if clear:
                await s.execute(
                    m.Answer.__table__.delete().where(m.Answer.session_id == session_id, m.Answer.question_id.in_(list(clear)))
                )
            for question_id, value in answers.items():
                stmt = sqlite_insert(m.Answer).values(id=uuid.uuid4(), session_id=session_id, survey_id=survey_id, question_id=question_id, value=value, answered_at=at)
                stmt = stmt.on_conflict_do_update(index_elements=["session_id", "question_id"], set_={"value": value, "answered_at": at, "survey_id": survey_id})
                await s.execute(stmt)

    async def answers(self, session_id: uuid.UUID) -> dict[str, Any]:
        async with self._session() as s:
            rows = await s.execute(select(m.Answer.question_id, m.Answer.value).where(m.Answer.session_id == session_id))
            return {qid: value for qid, value in rows}

    async def record_event(self, session_id: uuid.UUID, kind: str, *, step_id: str | None = None, media_ms: int | None = None, mono: float | None = None, detail: Any = None) -> None:
        row = m.Event(id=uuid.uuid4(), session_id=session_id, kind=kind, step_id=step_id, at=m.now(), media_ms=media_ms, mono=mono, detail=None if detail is None else json.dumps(detail, ensure_ascii=False))
        async with self._session() as s, s.begin():
            s.add(row)

    async def events(self, session_id: uuid.UUID) -> list[m.Event]:
        async with self._session() as s:
            return list((await s.scalars(select(m.Event).where(m.Event.session_id == session_id).order_by(m.Event.at))).all())


    async def save_dial_samples(self, session_id: uuid.UUID, step_id: str, play: int, samples: list[Any]) -> None:
        """Store a batch of dial samples (objects with seq, segment, media_ms, mono, value) in one
        executemany insert; a batch already stored (same play and seq) is not stored twice."""
        if not samples:
            return
        rows = [
            {"id": uuid.uuid4(), "session_id": session_id, "step_id": step_id, "play": play, "seq": x.seq, "segment": x.segment, "media_ms": x.media_ms, "mono": x.mono, "value": x.value}
            for x in samples
        ]
        async with self._session() as s, s.begin():
            await s.execute(sqlite_insert(m.DialSample).on_conflict_do_nothing(index_elements=["session_id", "step_id", "play", "seq"]), rows)

    async def dial_samples(self, session_id: uuid.UUID, step_id: str | None = None) -> list[m.DialSample]:
        query = select(m.DialSample).where(m.DialSample.session_id == session_id).order_by(m.DialSample.step_id, m.DialSample.play, m.DialSample.seq)
        if step_id is not None:
            query = query.where(m.DialSample.step_id == step_id)
        async with self._session() as s:
            return list((await s.scalars(query)).all())


def describe_failure(exc: BaseException) -> str:
    """A moderator-readable reason for a failed write."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "disk is full" in text or "no space" in text:
        return "the station's disk is full: free some space, then try again"
    if "locked" in text or "busy" in text:
        return "the station database is locked by another program: close it, then try again"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the station database cannot be written (read-only or no permission)"
    if "no such table" in text or "malformed" in text or "not a database" in text:
        return "the station database is damaged or from another program"
    return f"the station database could not be written ({getattr(exc, 'orig', None) or exc})"
