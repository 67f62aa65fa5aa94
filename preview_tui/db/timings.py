"""How long a study's completed sessions took, and each of their pages, read from a station file.

The speeding checks (``survey/quality.py``) compare a page or a session with
the median of the completed, non-test sessions. A session's time is from its
start to its end (``ended_at - started_at``, as the exports' duration); a
page's time is its ``page_time`` event (the seconds spent on it, added over
every visit, stored with its answers). A page whose timing began with a resume
says ``whole: false`` and is not counted. The read is on its own read-only
connection, so it never waits for the station's writer.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

PAGE_TIME = "page_time"  # the event kind of a page's time

SESSIONS_SQL = "SELECT started_at, ended_at FROM sessions WHERE study_id = ? AND status = 'completed' AND NOT is_test AND ended_at IS NOT NULL"
PAGES_SQL = (
    "SELECT e.session_id, e.detail FROM events e JOIN sessions s ON s.id = e.session_id "
    f"WHERE e.kind = '{PAGE_TIME}' AND s.study_id = ? AND s.status = 'completed' AND NOT s.is_test"
)


def page_times(rows: Iterable[tuple[Any, str | None]]) -> dict[str, list[float]]:
    """Per page, the seconds of each session (its last ``page_time``, timed whole), from (session, detail) rows."""
    last: dict[tuple[str, str], float | None] = {}
    for session, detail in rows:
        data = json.loads(detail) if detail else {}
        page, seconds = data.get("page"), data.get("seconds")
        if isinstance(page, str) and isinstance(seconds, (int, float)):
            last[(str(session), page)] = float(seconds) if data.get("whole", True) else None
    out: dict[str, list[float]] = {}
    for (_, page), seconds in last.items():
        if seconds is not None:
            out.setdefault(page, []).append(seconds)
    return out


def _when(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def completed_durations(station_db: Path, study_id: str) -> tuple[list[float], dict[str, list[float]]]:
    """(seconds of each completed session, {page: seconds of each}) of a study on this station."""
    con = sqlite3.connect(Path(station_db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        sessions = [(_when(end) - _when(start)).total_seconds() for start, end in con.execute(SESSIONS_SQL, (study_id,))]
        pages = page_times(con.execute(PAGES_SQL, (study_id,)))
    finally:
        con.close()
    return sessions, pages
