"""The station's side of a sync: its outbox read batch by batch, in short transactions only.

No station transaction is ever open across network I/O, and taking a batch
writes nothing: a batch is the pending entries after the last one this sync
took, read with the rows they name in one snapshot. Its entries are
acknowledged (deleted) or kept aside only after the central commit, just before
the next batch is taken. The batches go through one plain
``sqlite3`` connection in a thread of its own, so that reading the station
(SQLite, the rows made into COPY records) runs beside the central write.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from preview_tui.db.engine import apply_pragmas
from preview_tui.db.outbox import create_triggers_sql, trigger_names

from . import tables as t
from .columns import Columns
from .errors import RECORD, SyncError
from .report import SyncReport


@contextmanager
def station_lock(station_db: Path):
    """One sync at a time per station, across processes (the app and the command)."""
    path = Path(f"{station_db}.sync-lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError("a sync is already running on this station; wait for it to finish", kind=RECORD) from None
        yield
    finally:
        os.close(fd)


@dataclass
class Batch:
    """Entries ``first``..``last`` of ``table`` (``entries`` of them), the rows they name, the keys whose rows are gone, and every key."""

    table: str
    first: int
    last: int
    entries: int
    rows: list[tuple]
    gone: list[str]
    keys: set[str]


class StationOutbox:
    def __init__(self, local, path: Path, batch_size: int):
        self.local = local
        self.path = str(path)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-station")
        self._con: sqlite3.Connection | None = None
        self.batch_size = batch_size
        self.station_id: uuid.UUID | None = None
        self.head: tuple[int, str] | None = None  # the audit chain's head, sent centrally (anchors.py)
        self._sent_keys: dict[str, set[str]] = {}
        self._taken: dict[str, int] = {}  # per table, the last entry taken by this sync

    async def prepare(self) -> uuid.UUID:
        # Every station transaction of a sync begins with a write: SQLite then waits for the app's writes
        # (busy_timeout) instead of failing a read transaction that tries to become a write one.
        async with self.local.begin() as conn:
            # Acknowledged entries left by an earlier version, which kept them: their space is reused from now on.
            await conn.execute(text("DELETE FROM sync_outbox WHERE state = :a"), {"a": t.ACKNOWLEDGED})
            # Entries an earlier version marked "sent" belong to a sync that stopped before the centre confirmed them: send them again.
            await conn.execute(text("UPDATE sync_outbox SET state = :p WHERE state = :s"), {"p": t.PENDING, "s": t.SENT})
            row = (await conn.execute(text("SELECT station_id FROM sync_state WHERE id = 1"))).first()
            if row is None:
                raise SyncError("the station database has no sync state; open it with this version of preview-tui first", kind=RECORD)
            station_id = uuid.UUID(str(row[0]))
            head = (await conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1"))).first()
            self.head = (int(head[0]), str(head[1])) if head is not None and head[0] else None  # sent centrally (anchors.py)
            # A table rebuilt by a migration lost its triggers: put them back and queue the table whole (sending twice is harmless).
            present = {n for (n,) in await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
            for spec in t.SYNCED:
                if not set(trigger_names(spec.name)) <= present:
                    key = t.primary_key(spec.name)
                    for sql in create_triggers_sql(spec.name, key):
                        await conn.execute(text(sql))
                    await conn.execute(text(f"INSERT INTO sync_outbox (tbl, key, state) SELECT :t, {key}, :p FROM {spec.name}"), {"t": spec.name, "p": t.PENDING})
        self.station_id = station_id
        return station_id

    async def pending(self) -> tuple[dict[str, int], int]:
        async with self.local.connect() as conn:
            counts = {}
            for spec in t.SYNCED:
                counts[spec.name] = (await conn.execute(text("SELECT count(*) FROM sync_outbox WHERE tbl = :t AND state = :p"), {"t": spec.name, "p": t.PENDING})).scalar() or 0
            max_seq = (await conn.execute(text("SELECT max(seq) FROM sync_outbox"))).scalar() or 0
        return counts, max_seq

    # -- batches: one station connection in one thread of its own -------------------------------

    async def step(self, report: SyncReport, take: Columns | None, max_seq: int, settle: tuple[Batch, dict] | None = None) -> Batch | None:
        """Acknowledge ``settle`` (a batch the centre committed, and the keys it did not simply take), then take the next batch of ``take``.

        The acknowledgement is one short write transaction; the next batch and its rows are read
        after it, in one read snapshot.
        """
        kept, batch = await asyncio.get_running_loop().run_in_executor(self._thread, self._step, take, max_seq, settle)
        if settle is not None:
            done = settle[0]
            seen = self._sent_keys.setdefault(done.table, set())
            seen.update(done.keys - kept)  # a row changed several times is one record sent
            report.sent[done.table] = len(seen)
            if done.gone:
                report.deleted[done.table] = report.deleted.get(done.table, 0) + len(done.gone)
        return batch

    async def close(self) -> None:
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._close)
            self._thread.shutdown(wait=False)

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            self._con = sqlite3.connect(self.path, isolation_level=None)  # transactions begun and ended here
            apply_pragmas(self._con)
            # This connection writes only the outbox's bookkeeping: a mark or an acknowledgement lost to a power
            # cut means entries sent again, which changes nothing centrally. So its commits need not wait for
            # the disk (the app's own writes keep synchronous=FULL; the WAL keeps every commit in order).
            self._con.execute("PRAGMA synchronous=NORMAL")
        return self._con

    def _step(self, take: Columns | None, max_seq: int, settle: tuple[Batch, dict] | None) -> tuple[set[str], Batch | None]:
        con = self._connection()
        kept: set[str] = set()
        if settle is not None:
            con.execute("BEGIN IMMEDIATE")  # waits for the app's writes (busy_timeout), never fails half-way into a write
            try:
                kept = self._acknowledge(con, *settle)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        if take is None:
            return kept, None
        # A batch is the next pending entries after the last batch taken: nothing is written to take it, and
        # entries added meanwhile come after it (``seq`` only grows: AUTOINCREMENT). The entries and the rows
        # they name are read in one snapshot; no write lock is held.
        con.execute("BEGIN")
        try:
            taken = con.execute(
                "SELECT seq, key FROM sync_outbox WHERE tbl = ? AND state = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                (take.name, t.PENDING, self._taken.get(take.name, 0), max_seq, self.batch_size),
            ).fetchall()
            if not taken:
                return kept, None
            first, last = taken[0][0], taken[-1][0]
            keys = {str(key) for _, key in taken}  # a row changed several times is one record to send
            rows, gone = self._read_rows(con, take, first, last, keys)
        finally:
            con.execute("COMMIT")
        self._taken[take.name] = last
        return kept, Batch(take.name, first, last, len(taken), rows, gone, keys)

    def _read_rows(self, con: sqlite3.Connection, cols: Columns, first: int, last: int, keys: set[str]) -> tuple[list[list], list[str]]:
        """The station's current rows for a batch, as the central COPY takes them, and the keys that are gone (deleted rows)."""
        key = "CAST(key AS INTEGER)" if cols.pk_type in ("INTEGER", "BIGINT") else "key"
        select_cols = ", ".join(f'"{c}"' for c in cols.station_cols)
        result = con.execute(
            f'SELECT {select_cols} FROM "{cols.name}" WHERE "{cols.pk}" IN (SELECT {key} FROM sync_outbox WHERE tbl = ? AND state = ? AND seq BETWEEN ? AND ?)',
            (cols.name, t.PENDING, first, last),
        ).fetchall()  # one statement, one read snapshot; no write lock is held
        pk = cols.station_cols.index(cols.pk)
        gone = list(keys.difference(str(r[pk]) for r in result))
        return cols.central_rows(result, self.station_id.hex), gone

    @staticmethod
    def _acknowledge(con: sqlite3.Connection, batch: Batch, conflicts: dict[str, tuple[str, str]]) -> set[str]:
        """A committed batch's entries deleted, but those kept aside with their reason; returns the keys kept aside."""
        where = (batch.table, t.PENDING, batch.first, batch.last)
        kept = set()
        for key, (state, note) in conflicts.items():
            marked = con.execute("UPDATE sync_outbox SET state = ?, note = ? WHERE tbl = ? AND state = ? AND seq BETWEEN ? AND ? AND key = ? RETURNING key", (state, note, *where, key))
            kept.update(str(k) for (k,) in marked.fetchall())
        # Acknowledged entries are pruned: the centre has the rows, and the entries named nothing else.
        con.execute("DELETE FROM sync_outbox WHERE tbl = ? AND state = ? AND seq BETWEEN ? AND ?", where)
        return kept

    async def note_success(self) -> None:
        async with self.local.begin() as conn:
            await conn.execute(text("UPDATE sync_state SET last_attempt_at = :n, last_success_at = :n, last_error = NULL, next_retry_at = NULL WHERE id = 1"), {"n": _sqlite_now()})

    async def note_failure(self, exc: SyncError) -> None:
        try:
            async with self.local.begin() as conn:
                await conn.execute(
                    text("UPDATE sync_state SET last_attempt_at = :n, last_error = :e, next_retry_at = :r WHERE id = 1"),
                    {"n": _sqlite_now(), "e": str(exc), "r": _sqlite_time(exc.next_try) if exc.next_try else None},
                )
        except Exception:  # noqa: BLE001 - the sync's own failure is what the moderator must see
            pass


def _sqlite_now() -> str:
    return _sqlite_time(datetime.now(UTC))


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")

