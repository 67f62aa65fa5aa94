"""The durations of the other stations' completed sessions, for the speeding checks' medians.

One read on the central database within ``quotas.CENTRAL_TIMEOUT`` through
``quotas.ask_central`` (which raises ``CentralUnreachable`` when it cannot);
this station's own sessions come from its file (``db/timings.py``), exact,
synced or not. Test sessions do not count; withdrawn ones are erased.
"""

from __future__ import annotations

from pathlib import Path

from ..db.timings import PAGE_TIME, page_times
from .quotas import CENTRAL_TIMEOUT, ask_central, station_id


async def others_completed_durations(url: str, study_id: str, *, station_db: Path, timeout: float = CENTRAL_TIMEOUT) -> tuple[list[float], dict[str, list[float]]]:
    """(seconds of each completed session, {page: seconds of each}) of the study on every other station."""
    me = station_id(station_db)

    async def fetch(conn):
        sessions = await conn.fetch(
            "SELECT EXTRACT(EPOCH FROM (ended_at - started_at))::float8 AS s FROM sessions "
            "WHERE study_id = $1 AND status = 'completed' AND NOT is_test AND ended_at IS NOT NULL AND origin_station <> $2",
            study_id, me,
        )
        pages = await conn.fetch(
            "SELECT e.session_id, e.detail FROM events e JOIN sessions s ON s.id = e.session_id "
            "WHERE e.kind = $3 AND s.study_id = $1 AND s.status = 'completed' AND NOT s.is_test AND s.origin_station <> $2",
            study_id, me, PAGE_TIME,
        )
        return [float(r["s"]) for r in sessions], page_times((r["session_id"], r["detail"]) for r in pages)

    return await ask_central(url, fetch, timeout=timeout)
