"""The audit chain anchored outside the station.

Each sync sends the station's chain head (the newest entry's seq and hash,
``audit_head``) to the central database, which keeps every head it received
in ``audit_anchors`` and never changes them (``central.SEND_HEAD_SQL``). The audit entries the station
sent are kept there too, hash for hash.

``check_station`` then asks whether the station's chain still passes through
all of it: an entry whose hash is not the one the centre received means the
chain was rewritten after that sync, even when every hash in the file was
recomputed and the file's own head trigger dropped (which ``audit.verify``
alone cannot see). It cannot see anything of a station that never synced,
nor a rewrite of entries written after its last sync.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class AnchorReport:
    station: str  # the station as the moderator knows it: its name and id
    anchors: int = 0  # heads the centre received from it
    entries: int = 0  # audit entries the centre holds of it
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _local_chain(station_db: Path) -> tuple[uuid.UUID, str | None, dict[int, str]]:
    con = sqlite3.connect(Path(station_db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        (station_id,) = con.execute("SELECT station_id FROM sync_state WHERE id = 1").fetchone()
        names = con.execute("SELECT DISTINCT station FROM sessions LIMIT 2").fetchall()
        chain = dict(con.execute("SELECT seq, hash FROM audit_log"))
    finally:
        con.close()
    return uuid.UUID(str(station_id)), (names[0][0] if len(names) == 1 else None), chain


async def check_station(station_db: Path, url: str, *, timeout: float = 10.0) -> AnchorReport:
    """Whether the chain in ``station_db`` still extends every head and entry it sent to the centre at ``url``."""
    import asyncpg

    from .engine import check_url

    station_id, local_name, chain = _local_chain(station_db)
    parsed = check_url(url)
    conn = await asyncpg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password, database=parsed.database, timeout=timeout)
    try:
        known = await conn.fetchval("SELECT to_regclass('audit_anchors') IS NOT NULL")
        name = await conn.fetchval("SELECT name FROM sync_stations WHERE station_id = $1", station_id) if known else None
        anchors = await conn.fetch("SELECT seq, hash, received_at FROM audit_anchors WHERE origin_station = $1 ORDER BY seq, received_at", station_id) if known else []
        entries = await conn.fetch("SELECT seq, hash FROM audit_log WHERE origin_station = $1 ORDER BY seq", station_id) if known else []
    finally:
        await conn.close()
    label = f"station '{name or local_name}' ({station_id})" if (name or local_name) else f"station {station_id}"
    report = AnchorReport(label, len(anchors), len(entries))
    last = max(chain, default=0)
    for seq, hash_, received in anchors:
        when = received.strftime("%Y-%m-%d %H:%M UTC")
        if seq not in chain:
            report.problems.append(f"{label}: its chain ends at entry {last}, but it sent entry {seq} as its head on {when}: entries were removed")
            break
        if chain[seq] != hash_:
            report.problems.append(f"{label}: entry {seq} is not the one it sent as its head on {when}: the chain was rewritten after that sync")
            break
    for seq, hash_ in entries:
        if chain.get(seq) != hash_:
            what = "is missing" if seq not in chain else "differs from the copy the central database received"
            report.problems.append(f"{label}: entry {seq} {what}: the chain was changed after it was sent")
            break
    return report
