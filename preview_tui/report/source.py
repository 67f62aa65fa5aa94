"""A study's eligible sessions for the report, read through the store's reader.

``read_sessions(source, study_id)`` takes a station's SQLite file (a path) or
the central PostgreSQL database (``postgresql://`` or
``postgresql+asyncpg://`` URL), and reads the sessions that count
(``db/sessions.py``) with their dial samples, and how many participants
withdrew. A file is opened read only: making a report never changes a station.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..db.reader import Source
from ..db.sessions import SessionRecord, read_sessions as read_records, withdrawn_count


@dataclass
class Sessions:
    records: list[SessionRecord]
    withdrawn: int  # tombstones of this study: participants erased, never counted
    source: str  # where they were read, for the report's header
    include_test: bool


def read_sessions(source: str | Path, study_id: str, *, include_test: bool = False, private_key: Any = None) -> Sessions:
    """The study's eligible sessions with their answers, clip exposure and dial samples (blocking)."""
    return asyncio.run(fetch_sessions(source, study_id, include_test=include_test, private_key=private_key))


async def fetch_sessions(source: str | Path, study_id: str, *, include_test: bool = False, private_key: Any = None) -> Sessions:
    """As ``read_sessions``, in the running loop; a ``SourceError`` says in one line why it cannot."""
    where = Source(source)
    async with where.connect() as conn:
        records = await read_records(conn, study_id, include_test=include_test, private_key=private_key, dial_samples=True)
        withdrawn = await withdrawn_count(conn, study_id)
    return Sessions(records, withdrawn, where.title, include_test)
