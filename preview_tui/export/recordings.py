"""The recordings of a study's eligible sessions, listed by file name (``<id>_recordings.csv``).

The files themselves stay sealed where they are (the station's recordings
folder, or the central ``recording_chunks``); this list says which file holds
which participant's answer to which question, and lets a researcher check a
file against its SHA-256 once assembled.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

from sqlalchemy import select

from ..db import models as m
from ..db.reading import eligible_sessions

RECORDINGS = m.Recording.__table__
COLUMNS = ("session_id", "question_id", "file_name", "seconds", "video", "size", "sha256", "recorded_at")


def asked(study: Any) -> bool:
    """Whether the study has a recording question (only then is the list written)."""
    return any(q.type == "recording" for _, _, q in study.questions())


async def stream(conn: Any, study_id: str, batch: int = 5000) -> AsyncIterator[list[tuple]]:
    query = select(*(RECORDINGS.c[name] for name in COLUMNS)).where(RECORDINGS.c.session_id.in_(eligible_sessions(study_id))).order_by(RECORDINGS.c.session_id, RECORDINGS.c.recorded_at)
    result = await conn.stream(query)
    async for rows in result.partitions(batch):
        yield [tuple(r) for r in rows]
