"""The recordings' sealed files to the central database, in chunks: resumable and idempotent.

A recording's row travels with the other synced tables (``tables.SYNCED``);
its file follows here, once the row is central. The file goes as bytea chunks
of ``CHUNK`` bytes into ``recording_chunks``, keyed by (recording, offset), a
few chunks a transaction: a chunk sent twice is the same row (``ON CONFLICT
DO NOTHING``), and a sync that stopped goes on from the end of the last chunk
the centre committed. A file is complete when its chunks add up to its size
and their SHA-256, computed by PostgreSQL, is the one the station recorded.

A withdrawn participant's row is erased centrally by the tombstone (its chunks
with it, by the foreign key), so their file is never sent, and a chunk arriving
after the erasure is refused by the foreign key and dropped.

The files stay sealed all the way: only the research team's private key opens
what ``assemble`` gives back.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text

from .report import Conflict

CHUNK = 256 * 1024
CHUNKS_PER_TRANSACTION = 16  # 4 MiB
SENT_KEY = "recording_files"  # in SyncReport.sent: files completed by this sync

_PROGRESS = text(
    'SELECT r.id, r.size, r.sha256, COALESCE((SELECT max(c."offset" + length(c.data)) FROM recording_chunks c WHERE c.recording_id = r.id), 0) AS have '
    "FROM recordings r WHERE r.id = ANY(:ids)"
)
_PUT = text('INSERT INTO recording_chunks (recording_id, "offset", data) SELECT :id, :offset, :data WHERE EXISTS (SELECT 1 FROM recordings WHERE id = :id) ON CONFLICT DO NOTHING')
_DIGEST = text("SELECT encode(sha256(COALESCE(string_agg(data, ''::bytea ORDER BY \"offset\"), ''::bytea)), 'hex') FROM recording_chunks WHERE recording_id = :id")


class RecordingMismatch(Exception):
    """The centre's copy of a file does not match what the station recorded; its chunks were dropped, to be sent again."""


class RecordingUnreadable(Exception):
    """The station's file is missing, unreadable or shorter than its row says."""


async def local_recordings(local) -> list[tuple[uuid.UUID, str]]:
    """(id, file name) of every recording on the station."""
    async with local.connect() as conn:
        found = (await conn.execute(text("SELECT id, file_name FROM recordings ORDER BY recorded_at"))).all()
    return [(uuid.UUID(str(rid)), name) for rid, name in found]


async def push_recordings(central, local, station_db: Path, report=None) -> int:
    """Send every file the centre lacks (or holds only in part); the number of files completed now."""
    from preview_tui.db.recordings import path_of

    mine = dict(await local_recordings(local))
    if not mine:
        return 0
    async with central.connect() as conn:
        progress = (await conn.execute(_PROGRESS, {"ids": list(mine)})).all()
    completed = 0
    for rid, size, digest, have in progress:
        if have >= size:
            continue
        path = path_of(station_db, mine[rid])
        try:  # one file that cannot go keeps none of the others back; it is named and tried again next time
            await _send(central, rid, path, have, size)
            await _check(central, rid, digest)
        except (RecordingUnreadable, RecordingMismatch) as exc:
            if report is None:
                raise
            report.files_unsent.append(Conflict("recordings", mine[rid], str(exc)))
            continue
        completed += 1
    if report is not None and completed:
        report.sent[SENT_KEY] = report.sent.get(SENT_KEY, 0) + completed
    return completed


async def _send(central, rid: uuid.UUID, path: Path, offset: int, size: int) -> None:
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise RecordingUnreadable("the file is missing on the station") from None
    except OSError as exc:
        raise _unreadable(exc) from None
    with f:
        f.seek(offset)
        while offset < size:
            batch = []
            try:
                for _ in range(CHUNKS_PER_TRANSACTION):
                    data = f.read(CHUNK)
                    if not data:
                        break
                    batch.append({"id": rid, "offset": offset, "data": data})
                    offset += len(data)
            except OSError as exc:
                raise _unreadable(exc) from None
            if not batch:
                raise RecordingUnreadable(f"the file is shorter on the station than its row says ({offset} of {size} bytes)")
            async with central.begin() as conn:
                await conn.execute(_PUT, batch)


def _unreadable(exc: OSError) -> RecordingUnreadable:
    return RecordingUnreadable(f"the file cannot be read on the station ({exc.strerror or exc})")


async def _check(central, rid: uuid.UUID, digest: str) -> None:
    async with central.begin() as conn:
        found = (await conn.execute(_DIGEST, {"id": rid})).scalar()
        if found != digest and (await conn.execute(text("SELECT 1 FROM recordings WHERE id = :id"), {"id": rid})).first():
            await conn.execute(text("DELETE FROM recording_chunks WHERE recording_id = :id"), {"id": rid})
            raise RecordingMismatch(f"recording {rid}: the central copy's SHA-256 differs from the station's; it is sent again at the next sync")


async def assemble(conn, file_name: str) -> bytes | None:
    """A recording's sealed bytes from the central database (``conn`` an asyncpg connection), or None when it is not there."""
    row = await conn.fetchrow("SELECT id, size FROM recordings WHERE file_name = $1", file_name)
    if row is None:
        return None
    data = await conn.fetchval('SELECT string_agg(data, \'\'::bytea ORDER BY "offset") FROM recording_chunks WHERE recording_id = $1', row["id"])
    return bytes(data or b"")
