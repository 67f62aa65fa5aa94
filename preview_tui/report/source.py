"""Read a study's eligible sessions from a station file or the central database.

``read_sessions(source, study_id)`` takes a station's SQLite file (a path) or
the central PostgreSQL database (``postgresql://`` or
``postgresql+asyncpg://`` URL); both hold the same tables and columns. Only
sessions that count are read: never a withdrawn participant's (their rows are
erased; a tombstone left behind is checked all the same), and test (pilot)
sessions only with ``include_test``. Answers go through ``seal.opened``.

The file is opened read-only: making a report never changes a station.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ..db import models as m
from ..db.reading import eligible_sessions, is_url
from ..seal import SealError, opened


class ReportSourceError(Exception):
    """The data cannot be read; the message says why, in one line."""


@dataclass
class SessionRecord:
    id: uuid.UUID
    status: str
    reason: str | None
    language: str | None
    is_test: bool
    answers: dict[str, Any] = field(default_factory=dict)
    # clip -> (best percent watched of its plays, completed in any play)
    exposure: dict[str, tuple[float | None, bool]] = field(default_factory=dict)
    # clip -> [(play, media_ms, value)], in play and sample order
    dial: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)


@dataclass
class Sessions:
    records: list[SessionRecord]
    withdrawn: int  # tombstones of this study: participants erased, never counted
    source: str  # where they were read, for the report's header
    include_test: bool


def engine_url(source: str | Path) -> tuple[str, str]:
    """(a read-only SQLite ``file:`` URI or a SQLAlchemy URL, how to name the source to a person)."""
    if not is_url(source):
        path = Path(source)
        if not path.is_file():
            raise ReportSourceError(f"no station database at {path}")
        return path.resolve().as_uri() + "?mode=ro", f"station file {path.name}"
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(str(source))
    except ArgumentError:
        raise ReportSourceError(f"not a database address: {source!r} (expected a station file or postgresql://user:password@host:5432/database)") from None
    if url.drivername in ("postgresql", "postgres", "postgresql+asyncpg"):
        url = url.set(drivername="postgresql+asyncpg")
    else:
        raise ReportSourceError(f"the central database must be PostgreSQL: the address starts with '{url.drivername}://', expected 'postgresql://'")
    return url.render_as_string(hide_password=False), f"central database {url.host}:{url.port or 5432}/{url.database}"


def read_sessions(source: str | Path, study_id: str, *, include_test: bool = False, private_key: Any = None) -> Sessions:
    """The study's eligible sessions with their answers, clip exposure and dial samples (blocking)."""
    return asyncio.run(fetch_sessions(source, study_id, include_test=include_test, private_key=private_key))


async def fetch_sessions(source: str | Path, study_id: str, *, include_test: bool = False, private_key: Any = None) -> Sessions:
    from sqlalchemy.ext.asyncio import create_async_engine

    url, name = engine_url(source)
    if url.startswith("file:"):  # read-only, by a URI of its own: SQLAlchemy's URL would not carry every file name
        import aiosqlite

        engine = create_async_engine("sqlite+aiosqlite://", async_creator=lambda: aiosqlite.connect(url, uri=True))
    else:
        engine = create_async_engine(url, connect_args={"timeout": 10})
    try:
        async with engine.connect() as conn:
            return await _fetch(conn, study_id, include_test, private_key, name)
    except ReportSourceError:
        raise
    except SealError as exc:
        raise ReportSourceError(f"cannot open a sealed answer with this private key: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - every failure to read becomes one line for the user
        raise ReportSourceError(_describe(exc, source, name)) from None
    finally:
        await engine.dispose()


async def _fetch(conn, study_id: str, include_test: bool, private_key: Any, name: str) -> Sessions:
    s, a, e, d, t = (m.Base.metadata.tables[n] for n in ("sessions", "answers", "events", "dial_samples", "tombstones"))
    eligible = eligible_sessions(study_id, include_test=include_test)
    records: dict[uuid.UUID, SessionRecord] = {}
    rows = await conn.execute(select(s.c.id, s.c.status, s.c.outcome_reason, s.c.language, s.c.is_test).where(s.c.id.in_(eligible)).order_by(s.c.started_at))
    for sid, status, reason, language, is_test in rows:
        records[sid] = SessionRecord(sid, status, reason, language, bool(is_test))
    for sid, qid, value in await conn.execute(select(a.c.session_id, a.c.question_id, a.c.value).where(a.c.session_id.in_(eligible))):
        if sid in records:
            records[sid].answers[qid] = opened(value, private_key)
    exposures = select(e.c.session_id, e.c.step_id, e.c.detail).where(e.c.session_id.in_(eligible), e.c.kind == "clip_exposure")
    for sid, clip, detail in await conn.execute(exposures):
        record = records.get(sid)
        if record is None or clip is None:
            continue
        data = json.loads(detail or "{}")
        best, done = record.exposure.get(clip, (None, False))
        percent = data.get("percent_watched")
        if isinstance(percent, (int, float)):
            best = max(best or 0.0, float(percent))
        record.exposure[clip] = (best, done or bool(data.get("completed")))
    samples = select(d.c.session_id, d.c.step_id, d.c.play, d.c.media_ms, d.c.value).where(d.c.session_id.in_(eligible)).order_by(d.c.session_id, d.c.step_id, d.c.play, d.c.seq)
    for sid, clip, play, media_ms, value in await conn.execute(samples):
        if sid in records:
            records[sid].dial.setdefault(clip, []).append((play, media_ms, value))
    withdrawn = (await conn.execute(select(func.count()).select_from(t).where(t.c.study_id == study_id))).scalar() or 0
    return Sessions(list(records.values()), int(withdrawn), name, include_test)


def _describe(exc: BaseException, source: str | Path, name: str) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    if not is_url(source):
        from ..db.store import describe_failure

        if "no such table" in text.lower():
            return f"{name} is not a preview-tui station database (no sessions table)"
        return f"cannot read {name}: " + describe_failure(exc).replace("could not be written", "could not be read")
    from sqlalchemy.engine import make_url

    from ..sync.errors import describe

    url = make_url(str(source))
    where = f"{url.host}:{url.port or 5432}/{url.database}"
    if "does not exist" in text and "relation" in text:
        return f"the central database at {where} holds no preview-tui data yet (sync a station first with `preview-tui sync`)"
    return describe(exc, where, url.username, url.database)
