"""Counts across stations, for the study engine's quotas (and any other count the centre must settle).

``ask_central`` runs one read on the central database within a stated time
(``CENTRAL_TIMEOUT``, 2 s, connecting included) and raises
``CentralUnreachable`` with a plain reason when it cannot: the caller then
applies its offline policy. ``others_completed_answers`` is what quotas
need: the answers of the completed participants of a study on every other
station (this station's own come from its file, exact, synced or not).

``central_completed_counts`` counts the participants of a study that count
toward a quota (``survey/quota_rules.py``: completed, never a test session):
this station's from its own file plus every other station's from the central
database. Withdrawn participants are erased and do not count.
With ``by="question_id"`` the counts are per answer value of that question
(e.g. per age band); without, under the key ``None``.

When the central database cannot be reached within the time, the offline
policy decides (the study's ``quotas_offline``; the values are documented in
the README):

- ``"local"`` (default): count this station's participants only, and say so.
  Stations may then together overshoot a quota by what they collect while
  offline.
- ``"closed"``: the quota counts as full (participants in it are screened
  out) until the centre is back; ``central_completed_counts`` raises
  ``QuotaOffline``.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

from ..survey import quota_rules

LOCAL, CLOSED = "local", "closed"
CENTRAL_TIMEOUT = 2.0  # seconds for one count from the central database, connecting included

T = TypeVar("T")


class QuotaOffline(Exception):
    """The central database is out of reach and the offline policy is "closed"; the message says why."""


class CentralUnreachable(Exception):
    """The central database did not answer within the time; the message says why, in plain words."""


def station_id(station_db: Path) -> uuid.UUID:
    """This station's id for the central database (from its file's ``sync_state``)."""
    con = sqlite3.connect(Path(station_db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        (sid,) = con.execute("SELECT station_id FROM sync_state WHERE id = 1").fetchone()
    finally:
        con.close()
    return uuid.UUID(str(sid))


async def ask_central(url: str, work: Callable[[Any], Awaitable[T]], *, timeout: float = CENTRAL_TIMEOUT) -> T:
    """``work(conn)`` on an asyncpg connection to the central database, all of it within ``timeout`` seconds."""
    import asyncio

    import asyncpg

    from .engine import check_url
    from .errors import SyncError, describe

    try:
        parsed = check_url(url)
    except SyncError as exc:
        raise CentralUnreachable(str(exc)) from None
    where = f"{parsed.host}:{parsed.port or 5432}/{parsed.database}"

    async def run() -> T:
        conn = await asyncpg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password, database=parsed.database, timeout=timeout)
        try:
            return await work(conn)
        finally:
            await conn.close(timeout=timeout)

    try:
        return await asyncio.wait_for(run(), timeout)
    except (TimeoutError, asyncio.TimeoutError):
        raise CentralUnreachable(f"the central database at {where} did not answer within {timeout:g} s") from None
    except Exception as exc:  # noqa: BLE001 - any failure to reach the centre falls to the offline policy
        raise CentralUnreachable(describe(exc, where, parsed.username, parsed.database)) from None


async def others_completed_answers(url: str, study_id: str, *, station_db: Path, questions: set[str], timeout: float = CENTRAL_TIMEOUT) -> list[dict[str, Any]]:
    """The answers to ``questions`` of every session of a study on the other stations that counts toward a quota."""
    me = station_id(station_db)

    async def fetch(conn) -> list[dict[str, Any]]:
        rows = await conn.fetch(
            "SELECT s.id, s.status, s.is_test, a.question_id, a.value::text AS value FROM sessions s "
            "LEFT JOIN answers a ON a.session_id = s.id AND a.question_id = ANY($3::text[]) "
            "WHERE s.study_id = $1 AND s.origin_station <> $2 AND s.status = ANY($4::text[])",
            study_id, me, sorted(questions), list(quota_rules.COUNTED),
        )
        sessions: dict[Any, dict[str, Any]] = {}
        for row in rows:
            if not quota_rules.counts(row["status"], row["is_test"]):
                continue
            answers = sessions.setdefault(row["id"], {})
            if row["question_id"] is not None:
                answers[row["question_id"]] = json.loads(row["value"])
        return list(sessions.values())

    return await ask_central(url, fetch, timeout=timeout)


@dataclass
class QuotaCounts:
    counts: dict[Any, int]
    source: str  # "central+local" or "local"
    reason: str | None = None  # why the centre was not counted


def local_counts(station_db: Path, study_id: str, by: str | None = None) -> tuple[uuid.UUID, Counter]:
    """This station's id, and its sessions of the study that count (per answer to ``by``, or under ``None``)."""
    con = sqlite3.connect(f"file:{station_db}?mode=ro", uri=True)
    try:
        (station_id,) = con.execute("SELECT station_id FROM sync_state WHERE id = 1").fetchone()
        if by is None:
            groups = con.execute("SELECT status, is_test, NULL, count(*) FROM sessions WHERE study_id = ? GROUP BY status, is_test", (study_id,))
        else:
            groups = con.execute(
                "SELECT s.status, s.is_test, a.value, count(*) FROM sessions s JOIN answers a ON a.session_id = s.id AND a.question_id = ? "
                "WHERE s.study_id = ? GROUP BY s.status, s.is_test, a.value",
                (by, study_id),
            )
        counts = quota_rules.by_answer((status, is_test, None if value is None else json.loads(str(value)), n) for status, is_test, value, n in groups)
        if by is None:
            counts[None] += 0  # the total is there even while nothing counts
        return uuid.UUID(str(station_id)), counts
    finally:
        con.close()


async def central_completed_counts(url: str, study_id: str, *, station_db: Path, by: str | None = None, offline: str = LOCAL, timeout: float = CENTRAL_TIMEOUT) -> QuotaCounts:
    """Completed participants of ``study_id`` on all stations (see the module's docstring)."""
    station, counts = local_counts(station_db, study_id, by)

    async def fetch(conn):
        if by is None:
            return await conn.fetch(
                "SELECT status, is_test, NULL::text AS value, count(*) AS n FROM sessions WHERE study_id = $1 AND origin_station <> $2 GROUP BY status, is_test",
                study_id, station,
            )
        return await conn.fetch(
            "SELECT s.status, s.is_test, a.value::text AS value, count(*) AS n FROM sessions s JOIN answers a ON a.session_id = s.id AND a.question_id = $3 "
            "WHERE s.study_id = $1 AND s.origin_station <> $2 GROUP BY s.status, s.is_test, a.value",
            study_id, station, by,
        )

    try:
        rows = await ask_central(url, fetch, timeout=timeout)
    except CentralUnreachable as exc:
        if offline == CLOSED:
            raise QuotaOffline(f"quota counts need the central database, and {exc}") from None
        return QuotaCounts(dict(counts), LOCAL, str(exc))
    counts.update(quota_rules.by_answer((row["status"], row["is_test"], None if row["value"] is None else json.loads(row["value"]), row["n"]) for row in rows))
    return QuotaCounts(dict(counts), "central+local")
