"""The data-quality flags of some sessions: for the moderator's console, and for the reader of stored sessions.

The console reads on a read-only connection of its own (run it in a thread), so
its list never waits for the station's writer; the reader (``sessions.py``)
reads on its own connection, of a station file or the central database.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import select

from . import models as m

# Within one page's submission (one moment), flags read in this order: the questions' checks, then the page's time.
KIND_ORDER = ("attention", "straightlining", "speeding_page", "speeding_session")


def order_key(at, kind: str, subject: str | None) -> tuple:
    """How flags are listed: page by page as answered, and by check within a page."""
    return (at, KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), subject or "")


def session_flags(station_db: Path, session_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, str]]]:
    """(kind, reason) of each flag of the given sessions, page by page and by check within a page."""
    ids = list(session_ids)
    if not ids:
        return {}
    con = sqlite3.connect(Path(station_db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        found = con.execute(
            f"SELECT session_id, at, kind, subject, reason FROM quality_flags WHERE session_id IN ({', '.join('?' * len(ids))})",
            [i.hex for i in ids],
        ).fetchall()
    finally:
        con.close()
    out: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for sid, _, kind, _, reason in sorted(found, key=lambda r: order_key(*r[1:4])):
        out.setdefault(uuid.UUID(str(sid)), []).append((kind, reason))
    return out


async def read_flags(conn: Any, ids: Any) -> dict[uuid.UUID, list[tuple[str, str]]]:
    """(kind, reason) of each flag of the sessions ``ids`` (a query of session ids), in ``order_key``'s order."""
    flags = m.QualityFlag.__table__
    query = select(flags.c.session_id, flags.c.at, flags.c.kind, flags.c.subject, flags.c.reason).where(flags.c.session_id.in_(ids))
    out: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for sid, _, kind, _, reason in sorted(await conn.execute(query), key=lambda r: order_key(*r[1:4])):
        out.setdefault(sid, []).append((kind, reason))
    return out
