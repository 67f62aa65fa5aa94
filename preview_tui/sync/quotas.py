"""Quota counts across stations, for the study engine's quotas.

``central_completed_counts`` counts the completed participants of a study:
this station's from its own file (exact, synced or not) plus every other
station's from the central database. Test sessions and withdrawn participants
do not count. With ``by="question_id"`` the counts are per answer value of
that question (e.g. per age band); without, under the key ``None``.

When the central database cannot be reached within ``timeout`` seconds, the
offline policy decides (the ``offline`` argument; the study engine chooses it,
e.g. from its own setting; the values are documented in the README):

- ``"local"`` (default): count this station's participants only, and say so in
  ``source``. Stations may then together overshoot a quota by what they
  collect while offline.
- ``"closed"``: raise ``QuotaOffline``: the engine treats the quota as full
  (screens participants out) until the centre is back.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCAL, CLOSED = "local", "closed"


class QuotaOffline(Exception):
    """The central database is out of reach and the offline policy is "closed"; the message says why."""


@dataclass
class QuotaCounts:
    counts: dict[Any, int]
    source: str  # "central+local" or "local"
    reason: str | None = None  # why the centre was not counted


def _key(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value


def local_counts(station_db: Path, study_id: str, by: str | None = None) -> tuple[uuid.UUID, Counter]:
    con = sqlite3.connect(f"file:{station_db}?mode=ro", uri=True)
    try:
        (station_id,) = con.execute("SELECT station_id FROM sync_state WHERE id = 1").fetchone()
        counts: Counter = Counter()
        if by is None:
            (n,) = con.execute("SELECT count(*) FROM sessions WHERE study_id = ? AND status = 'completed' AND NOT is_test", (study_id,)).fetchone()
            counts[None] = n
        else:
            for (value,) in con.execute(
                "SELECT a.value FROM sessions s JOIN answers a ON a.session_id = s.id AND a.question_id = ? WHERE s.study_id = ? AND s.status = 'completed' AND NOT s.is_test",
                (by, study_id),
            ):
                counts[_key(json.loads(str(value)))] += 1
        return uuid.UUID(str(station_id)), counts
    finally:
        con.close()


async def central_completed_counts(url: str, study_id: str, *, station_db: Path, by: str | None = None, offline: str = LOCAL, timeout: float = 3.0) -> QuotaCounts:
    """Completed participants of ``study_id`` on all stations (see the module's docstring)."""
    import asyncpg

    from .errors import describe
    from .engine import check_url

    station_id, counts = local_counts(station_db, study_id, by)
    parsed = check_url(url)
    try:
        conn = await asyncpg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password, database=parsed.database, timeout=timeout)
        try:
            if by is None:
                rows = await conn.fetch(
                    "SELECT NULL::jsonb AS value, count(*) AS n FROM sessions WHERE study_id = $1 AND status = 'completed' AND NOT is_test AND origin_station <> $2",
                    study_id, station_id, timeout=timeout,
                )
            else:
                rows = await conn.fetch(
                    "SELECT a.value::text AS value, count(*) AS n FROM sessions s JOIN answers a ON a.session_id = s.id AND a.question_id = $3 "
                    "WHERE s.study_id = $1 AND s.status = 'completed' AND NOT s.is_test AND s.origin_station <> $2 GROUP BY a.value",
                    study_id, station_id, by, timeout=timeout,
                )
        finally:
            await conn.close()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the centre falls to the offline policy
        reason = describe(exc, f"{parsed.host}:{parsed.port or 5432}/{parsed.database}", parsed.username, parsed.database)
        if offline == CLOSED:
            raise QuotaOffline(f"quota counts need the central database, and {reason}") from None
        return QuotaCounts(dict(counts), LOCAL, reason)
    for row in rows:
        value = None if by is None else _key(json.loads(row["value"]))
        counts[value] += row["n"]
    return QuotaCounts(dict(counts), "central+local")
