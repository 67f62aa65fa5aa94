"""The station's side of a sync: its outbox read batch by batch, in short transactions only.

No station transaction is ever open across network I/O: a batch is taken and
marked ``sent`` in one transaction, its rows read in another, and its entries
acknowledged (deleted) or kept aside only after the central commit.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from preview_tui.db.outbox import create_triggers_sql, trigger_names

from . import tables as t
from .columns import Columns, as_text
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


class StationOutbox:
    def __init__(self, local, batch_size: int):
        self.local = local
        self.batch_size = batch_size
        self.station_id: uuid.UUID | None = None
        self.head: tuple[int, str] | None = None  # the audit chain's head, sent centrally (anchors.py)
        self._sent_keys: dict[str, set[str]] = {}

    async def prepare(self) -> uuid.UUID:
        # Every station transaction of a sync begins with a write: SQLite then waits for the app's writes
        # (busy_timeout) instead of failing a read transaction that tries to become a write one.
        async with self.local.begin() as conn:
            # Acknowledged entries left by an earlier version, which kept them: their space is reused from now on.
            await conn.execute(text("DELETE FROM sync_outbox WHERE state = :a"), {"a": t.ACKNOWLEDGED})
            # Entries still "sent" belong to a sync that stopped before the centre confirmed them: send them again.
            for spec in t.SYNCED:
                await conn.execute(text("UPDATE sync_outbox SET state = :p WHERE tbl = :t AND state = :s"), {"p": t.PENDING, "t": spec.name, "s": t.SENT})
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

    async def next_batch(self, cols: Columns, max_seq: int):
        """Up to batch_size pending entries of a table, marked sent (one short transaction), and the rows they name.

        Returns ((first seq, last seq, entries), rows, keys gone) or None when nothing is pending.
        """
        table = cols.name
        async with self.local.begin() as conn:
            seqs = (await conn.execute(
                text(
                    "UPDATE sync_outbox SET state = :s WHERE tbl = :t AND state = :p AND seq <= "
                    "(SELECT max(seq) FROM (SELECT seq FROM sync_outbox WHERE tbl = :t AND state = :p AND seq <= :m ORDER BY seq LIMIT :n)) RETURNING seq"
                ),
                {"s": t.SENT, "t": table, "p": t.PENDING, "m": max_seq, "n": self.batch_size},
            )).scalars().all()
        if not seqs:
            return None
        first, last, count = min(seqs), max(seqs), len(seqs)
        rows, gone = await self.read_rows(cols, first, last)
        return (first, last, count), rows, gone

    async def read_rows(self, cols: Columns, first: int, last: int) -> tuple[list[tuple], list[str]]:
        """The station's current rows for a batch as SQLite holds them (the server casts them), and the keys that are gone."""
        key = "CAST(o.key AS INTEGER)" if cols.pk_type in ("INTEGER", "BIGINT") else "o.key"
        select_cols = ", ".join(f'r."{c}"' for c in cols.station_cols)
        origin = self.station_id.hex
        rows, gone = [], []
        async with self.local.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection  # plain tuples, no result processing
            cursor = await driver.execute(
                f'SELECT o.key, r."{cols.pk}" IS NOT NULL, {select_cols} FROM (SELECT DISTINCT key FROM sync_outbox WHERE tbl = ? AND state = ? AND seq BETWEEN ? AND ?) o '
                f'LEFT JOIN "{cols.name}" r ON r."{cols.pk}" = {key}',
                (cols.name, t.SENT, first, last),
            )
            result = await cursor.fetchall()
            await cursor.close()
            await conn.rollback()
        times, jsons = cols.times, cols.json
        parse = datetime.fromisoformat
        for r in result:
            if not r[1]:
                gone.append(str(r[0]))
                continue
            row = list(r[2:])
            for i in times:
                if row[i] is not None:
                    row[i] = parse(row[i]).replace(tzinfo=UTC)
            for i in jsons:
                row[i] = as_text(row[i])
            row.append(origin)
            rows.append(row)
        return rows, gone

    async def settle(self, report: SyncReport, table: str, span: tuple[int, int, int], conflicts: dict[str, tuple[str, str]], gone: int) -> None:
        """After the central commit: this batch's entries are acknowledged, or kept aside with the reason."""
        first, last, _count = span
        where = {"t": table, "s": t.SENT, "a": first, "b": last}
        async with self.local.begin() as conn:
            if conflicts:
                await conn.execute(
                    text("UPDATE sync_outbox SET state = :state, note = :note WHERE tbl = :t AND state = :s AND seq BETWEEN :a AND :b AND key = :k"),
                    [{"state": state, "note": note, "k": key, **where} for key, (state, note) in conflicts.items()],
                )
            keys = (await conn.execute(text("SELECT DISTINCT key FROM sync_outbox WHERE tbl = :t AND state = :s AND seq BETWEEN :a AND :b"), where)).scalars().all()
            # Acknowledged entries are pruned: the centre has the rows, and the entries named nothing else.
            await conn.execute(text("DELETE FROM sync_outbox WHERE tbl = :t AND state = :s AND seq BETWEEN :a AND :b"), where)
        seen = self._sent_keys.setdefault(table, set())
        seen.update(keys)  # a row changed several times is one record sent
        report.sent[table] = len(seen)
        if gone:
            report.deleted[table] = report.deleted.get(table, 0) + gone

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

