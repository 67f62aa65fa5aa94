"""Run a sync: the station's outbox to the central database, batch by batch.

How a batch goes, for one synced table (``tables.SYNCED``, in order):

1. On the station, in one short transaction: take up to ``batch_size`` pending
   outbox entries (an index on ``(tbl, state, seq)``: the cost does not grow with
   what was sent before) and mark them ``sent``.
2. Read the rows they name, as the station stores them (a row that is gone was
   deleted: a cleared answer, a refused consent).
3. Centrally, in one transaction: COPY the rows into a temporary table (text
   columns, cast on the server), delete what the station deleted, then
   ``INSERT ... ON CONFLICT DO NOTHING`` (immutable facts) or upsert where the
   incoming revision is newer (revisioned rows). Rows of a withdrawn
   participant are never inserted. Rows not taken are compared with what is
   there: identical (sent before), older, or a conflict, which is written to
   ``sync_conflicts`` and never overwrites anything.
4. After the central commit, on the station: delete the acknowledged entries
   (the outbox stays as small as what is still to send), and keep conflicts
   aside with their reason. No station transaction is ever open across
   network I/O.

Killed at any moment, a sync loses nothing: entries still ``sent`` go again
next time, and sending a record twice changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import text

from . import tables as t
from . import withdrawal
from .errors import CONNECTION, CREDENTIALS, RECORD, SyncError, classify, describe, server_reason

ENV_URL = "PREVIEW_TUI_CENTRAL_DATABASE"
BATCH_SIZE = int(os.environ.get("PREVIEW_TUI_SYNC_BATCH", "5000"))
RETRY_LATER = timedelta(minutes=5)  # when a sync gave up on the connection

Progress = Callable[[int, int, str], None]  # (done, total, table)


@dataclass
class Conflict:
    table: str
    key: str
    reason: str


@dataclass
class SyncReport:
    station_id: uuid.UUID
    sent: dict[str, int] = field(default_factory=dict)  # records (rows, however often each changed) the centre confirmed, per table
    deleted: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[Conflict] = field(default_factory=list)
    retries: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def sent_text(self) -> str:
        """``12 record(s) (3 sessions, 9 answers)``: what was sent, by table."""
        parts = [f"{n} {name}" for name, n in self.sent.items() if n]
        return f"{self.total} record(s)" + (f" ({', '.join(parts)})" if parts else "")

    def summary(self) -> str:
        if not self.total and not self.conflicts and not self.rejected:
            return "Nothing new to send: the central database has everything from this station."
        line = f"Sent {self.sent_text()} in {self.seconds:.1f} s."
        if self.conflicts:
            line += f"\n{len(self.conflicts)} record(s) conflict with what the central database holds (same id, other content): kept aside in sync_conflicts, nothing was overwritten."
        if self.rejected:
            line += f"\n{len(self.rejected)} record(s) were refused by the central database and kept aside; first: {self.rejected[0].reason}"
        return line


def central_url(configured: str | None) -> str | None:
    """``PREVIEW_TUI_CENTRAL_DATABASE``, else ``station.central_database`` from config.yaml."""
    return os.environ.get(ENV_URL) or configured or None


def check_url(url: str):
    """The central database's address as a SQLAlchemy URL for asyncpg; ``postgresql://`` and ``postgres://`` are accepted as written."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SyncError(f"the central database address is not a database URL: {url!r} (expected postgresql://user:password@host:5432/database)", kind=CREDENTIALS) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername != "postgresql+asyncpg":
        raise SyncError(f"the central database must be PostgreSQL: the address starts with '{parsed.drivername}://', expected 'postgresql://' (or 'postgresql+asyncpg://')", kind=CREDENTIALS)
    return parsed


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


class _Columns:
    """How one synced table's rows travel: column names, and the casts on the server."""

    def __init__(self, spec: t.SyncedTable, central_table):
        from sqlalchemy.dialects import postgresql

        dialect = postgresql.dialect()
        self.spec = spec
        self.name = spec.name
        self.station_cols = [c.name for c in central_table.columns if c.name != "origin_station"]
        self.all_cols = self.station_cols + ["origin_station"]
        self.types = {c.name: c.type.compile(dialect=dialect) for c in central_table.columns}
        self.pk = t.primary_key(spec.name)
        self.pk_type = self.types[self.pk]
        self.key_cols = [c.name for c in central_table.primary_key.columns]
        self.has_revision = "revision" in self.types
        # The temporary table has the central types, but for booleans (SQLite's 0 and 1, cast on the
        # server). asyncpg's binary COPY takes ids as the station's hex text and integers and reals as
        # they are; only times (text in SQLite) and JSON values SQLite stored as numbers are converted here.
        from sqlalchemy import JSON, Boolean, DateTime

        self.stage_types, self.times, self.json = {}, [], []
        for i, c in enumerate(central_table.columns):
            self.stage_types[c.name] = "integer" if isinstance(c.type, Boolean) else self.types[c.name]
            if isinstance(c.type, DateTime) or isinstance(getattr(c.type, "impl", None), DateTime):
                self.times.append(i)
            elif isinstance(c.type, JSON):
                self.json.append(i)

    def cast(self, col: str, alias: str = "s") -> str:
        return f'CAST({alias}."{col}" AS {self.types[col]})'

    def select_cast(self) -> str:
        return ", ".join(f'{self.cast(c)} AS "{c}"' for c in self.all_cols)

    def join_on(self) -> str:
        return " AND ".join(f'c."{k}" = {self.cast(k)}' for k in self.key_cols)

    def cols(self) -> str:
        return ", ".join(f'"{c}"' for c in self.all_cols)

    def row(self, alias: str) -> str:
        return "ROW(" + ", ".join(f'{alias}."{c}"' for c in self.all_cols) + ")"

    def row_cast(self) -> str:
        return "ROW(" + ", ".join(self.cast(c) for c in self.all_cols) + ")"


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


class Syncer:
    def __init__(self, station_db: Path, url: str, *, progress: Progress | None = None, batch_size: int = BATCH_SIZE, attempts: int = 4, backoff: float = 0.5, connect_timeout: float = 10.0, sleep=asyncio.sleep, station_name: str | None = None):
        self.station_name = station_name
        self.station_db = Path(station_db)
        self.url = check_url(url)
        self.progress = progress
        self.batch_size = max(1, batch_size)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.connect_timeout = connect_timeout
        self.sleep = sleep
        self.parsed = self.url
        self.where = f"{self.parsed.host or 'localhost'}:{self.parsed.port or 5432}/{self.parsed.database or ''}"

    # -- the run ---------------------------------------------------------------

    async def run(self) -> SyncReport:
        if not self.station_db.is_file():
            raise SyncError(f"there is no station database at {self.station_db}", kind=RECORD)
        with station_lock(self.station_db):
            from preview_tui.db.engine import make_engine

            self.local = make_engine(self.station_db)
            self.central = None
            self._sent_keys: dict[str, set[str]] = {}
            self.report = None
            try:
                return await self._run()
            except SyncError as exc:
                exc.already_sent = self._already_sent()
                await self._note_failure(exc)
                raise
            except Exception as exc:  # noqa: BLE001 - a reason for the moderator, never a traceback
                kind = classify(exc)
                error = self._fail(exc, kind) if kind != RECORD else SyncError(f"the sync stopped: {server_reason(exc)}", kind=RECORD)
                error.already_sent = self._already_sent()
                await self._note_failure(error)
                raise error from exc
            finally:
                await self.local.dispose()
                if self.central is not None:
                    await self.central.dispose()

    def _already_sent(self) -> str:
        return self.report.sent_text() if self.report is not None and self.report.total else ""

    async def _run(self) -> SyncReport:
        started = time.monotonic()
        station_id, name = await self._prepare_station()
        self.report = SyncReport(station_id=station_id)
        self.station_id = station_id
        pending, max_seq = await self._pending()
        total, done = sum(pending.values()), 0
        self._tick(0, total, "")
        await self._open_central(name)
        from .central import central_metadata

        md = central_metadata()
        for spec in t.SYNCED:
            if not pending.get(spec.name):
                continue
            cols = _Columns(spec, md.tables[spec.name])
            # The next batch is read from the station while the centre writes this one.
            batch = await self._next_batch(cols, max_seq)
            settling = None
            try:
                while batch is not None:
                    following = asyncio.ensure_future(self._next_batch(cols, max_seq))
                    try:
                        outcome = await self._deliver(cols, *batch)
                    except BaseException:
                        following.cancel()
                        with contextlib.suppress(BaseException):
                            await following
                        raise
                    # The station notes the batch while the centre takes the next one.
                    if settling is not None:
                        await settling
                    settling = asyncio.ensure_future(self._settle(cols.name, batch[0], outcome, len(batch[2])))
                    done += batch[0][2]
                    self._tick(min(done, total), total, spec.name)
                    batch = await following
            finally:
                if settling is not None:
                    await settling
        self._tick(total, total, "")
        self.report.seconds = time.monotonic() - started
        await self._note_success()
        return self.report

    def _tick(self, done: int, total: int, table: str) -> None:
        if self.progress is not None:
            self.progress(done, total, table)

    # -- the station side (short transactions only) --------------------------------

    async def _prepare_station(self) -> tuple[uuid.UUID, str | None]:
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
                if not set(t.trigger_names(spec.name)) <= present:
                    key = t.primary_key(spec.name)
                    for sql in t.create_triggers_sql(spec.name, key):
                        await conn.execute(text(sql))
                    await conn.execute(text(f"INSERT INTO sync_outbox (tbl, key, state) SELECT :t, {key}, :p FROM {spec.name}"), {"t": spec.name, "p": t.PENDING})
        return station_id, self.station_name

    async def _pending(self) -> tuple[dict[str, int], int]:
        async with self.local.connect() as conn:
            counts = {}
            for spec in t.SYNCED:
                counts[spec.name] = (await conn.execute(text("SELECT count(*) FROM sync_outbox WHERE tbl = :t AND state = :p"), {"t": spec.name, "p": t.PENDING})).scalar() or 0
            max_seq = (await conn.execute(text("SELECT max(seq) FROM sync_outbox"))).scalar() or 0
        return counts, max_seq

    async def _next_batch(self, cols: _Columns, max_seq: int):
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
        rows, gone = await self._read_rows(cols, first, last)
        return (first, last, count), rows, gone

    async def _read_rows(self, cols: _Columns, first: int, last: int) -> tuple[list[tuple], list[str]]:
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
                row[i] = _as_text(row[i])
            row.append(origin)
            rows.append(row)
        return rows, gone

    async def _settle(self, table: str, span: tuple[int, int, int], conflicts: dict[str, tuple[str, str]], gone: int) -> None:
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
        self.report.sent[table] = len(seen)
        if gone:
            self.report.deleted[table] = self.report.deleted.get(table, 0) + gone

    async def _note_success(self) -> None:
        async with self.local.begin() as conn:
            await conn.execute(text("UPDATE sync_state SET last_attempt_at = :n, last_success_at = :n, last_error = NULL, next_retry_at = NULL WHERE id = 1"), {"n": _sqlite_now()})

    async def _note_failure(self, exc: SyncError) -> None:
        try:
            async with self.local.begin() as conn:
                await conn.execute(
                    text("UPDATE sync_state SET last_attempt_at = :n, last_error = :e, next_retry_at = :r WHERE id = 1"),
                    {"n": _sqlite_now(), "e": str(exc), "r": _sqlite_time(exc.next_try) if exc.next_try else None},
                )
        except Exception:  # noqa: BLE001 - the sync's own failure is what the moderator must see
            pass

    # -- the central side -----------------------------------------------------------

    def _fail(self, exc: BaseException, kind: str) -> SyncError:
        message = describe(exc, self.where, self.parsed.username, self.parsed.database)
        next_try = datetime.now(UTC) + RETRY_LATER if kind == CONNECTION else None
        return SyncError(message, kind=kind, next_try=next_try)

    async def _retrying(self, step, *args):
        """Run ``step`` (one central transaction); retry a broken connection with backoff, stop at once on credentials."""
        for attempt in range(self.attempts):
            try:
                return await step(*args)
            except SyncError:
                raise
            except Exception as exc:  # noqa: BLE001 - sorted below
                kind = classify(exc)
                if kind != CONNECTION:
                    if kind == CREDENTIALS:
                        raise self._fail(exc, kind) from None
                    raise
                if attempt == self.attempts - 1:
                    raise self._fail(exc, kind) from None
                self.report.retries += 1
                await self.sleep(self.backoff * (2**attempt))

    async def _open_central(self, name: str | None) -> None:
        from sqlalchemy.ext.asyncio import create_async_engine

        from .central import SEND_HEAD_SQL, upgrade_central

        self.central = create_async_engine(
            self.url,
            pool_pre_ping=True,
            connect_args={"timeout": self.connect_timeout, "server_settings": {"application_name": "preview-tui-sync"}},
        )

        async def prepare():
            async with self.central.begin() as conn:
                await upgrade_central(conn)
                await conn.execute(
                    text(
                        "INSERT INTO sync_stations (station_id, name, syncs) VALUES (:id, :name, 1) "
                        "ON CONFLICT (station_id) DO UPDATE SET last_seen = now(), syncs = sync_stations.syncs + 1, name = COALESCE(EXCLUDED.name, sync_stations.name)"
                    ),
                    {"id": self.station_id, "name": name},
                )
                if self.head is not None:  # the chain anchored outside the station (anchors.py)
                    await conn.execute(text(SEND_HEAD_SQL), {"station": self.station_id, "seq": self.head[0], "hash": self.head[1]})

        try:
            await self._retrying(prepare)
        except SyncError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise SyncError(f"the central database at {self.where} could not be prepared ({server_reason(exc)})", kind=CREDENTIALS) from None

    async def _deliver(self, cols: _Columns, span: tuple[int, int, int], rows: list, gone: list[str]) -> dict[str, tuple[str, str]]:
        """The batch into the central database (committed when this returns); the keys not simply acknowledged."""
        try:
            return await self._retrying(self._apply, cols, rows, gone)
        except SyncError:
            raise
        except Exception:  # noqa: BLE001 - one bad record must not block the others: try them one by one
            return await self._one_by_one(cols, rows, gone)

    async def _one_by_one(self, cols: _Columns, rows: list[tuple], gone: list[str]) -> dict[str, tuple[str, str]]:
        outcome: dict[str, tuple[str, str]] = {}
        pk_index = cols.station_cols.index(cols.pk)
        singles = [([r], []) for r in rows] + [([], [g]) for g in gone]
        for some_rows, some_gone in singles:
            try:
                outcome.update(await self._retrying(self._apply, cols, some_rows, some_gone))
            except SyncError:
                raise
            except Exception as exc:  # noqa: BLE001
                key = str(some_rows[0][pk_index]) if some_rows else some_gone[0]
                reason = f"refused by the central database: {server_reason(exc)}"
                outcome[key] = (t.REJECTED, reason)
                self.report.rejected.append(Conflict(cols.name, key, reason))
                if some_rows:
                    await self._retrying(self._keep_aside, cols, some_rows[0], reason)
        return outcome

    async def _keep_aside(self, cols: _Columns, row: tuple, reason: str) -> None:
        incoming = json.dumps(dict(zip(cols.all_cols, row)), sort_keys=True, default=str)
        async with self.central.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO sync_conflicts (origin_station, table_name, record_key, reason, incoming, incoming_hash) "
                    "VALUES (:o, :t, :k, :r, CAST(:i AS jsonb), :h) ON CONFLICT DO NOTHING"
                ),
                {"o": self.station_id, "t": cols.name, "k": str(row[cols.station_cols.index(cols.pk)]), "r": reason, "i": incoming, "h": hashlib.md5(incoming.encode()).hexdigest()},
            )

    async def _apply(self, cols: _Columns, rows: list[tuple], gone: list[str]) -> dict[str, tuple[str, str]]:
        """One central transaction for one batch; returns the keys that were not simply acknowledged."""
        from .central import TOMBSTONE_LOCK

        spec = cols.spec
        async with self.central.begin() as conn:
            await conn.execute(text("SET LOCAL TIME ZONE 'UTC'"))
            # Withdrawals take the lock alone: a session cannot slip in while its tombstone is being written.
            lock = "pg_advisory_xact_lock" if spec.kind == t.TOMBSTONE else "pg_advisory_xact_lock_shared"
            await conn.execute(text(f"SELECT {lock}(:k)"), {"k": TOMBSTONE_LOCK})
            raw = (await conn.get_raw_connection()).driver_connection
            if gone:
                await raw.execute(
                    f'DELETE FROM "{cols.name}" WHERE "{cols.pk}" = ANY(CAST($1::text[] AS {cols.pk_type}[])) AND origin_station = $2',
                    gone,
                    self.station_id,
                )
            if not rows:
                return {}
            stage = f"sync_stage_{cols.name}"
            # One temporary table per connection and table, emptied at every commit.
            await raw.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" (' + ", ".join(f'"{c}" {cols.stage_types[c]}' for c in cols.all_cols) + ") ON COMMIT DELETE ROWS")
            await raw.copy_records_to_table(stage, records=rows, columns=cols.all_cols)
            if spec.kind == t.TOMBSTONE:
                return await self._apply_tombstones(raw, cols, stage)
            return await self._apply_rows(raw, cols, stage, len(rows))

    async def _apply_rows(self, raw, cols: _Columns, stage: str, n: int) -> dict[str, tuple[str, str]]:
        spec = cols.spec
        not_withdrawn = ""
        if spec.session_column and spec.erase_on_withdrawal:
            not_withdrawn = f'WHERE NOT EXISTS (SELECT 1 FROM tombstones w WHERE w.session_id = {cols.cast(spec.session_column)})'
        withdrawn_here = not_withdrawn and await raw.fetchval(
            f'SELECT EXISTS (SELECT 1 FROM "{stage}" s, tombstones w WHERE w.session_id = {cols.cast(spec.session_column)})'
        )
        if not withdrawn_here:
            # Usually nothing of a batch is there yet: a plain insert, without the cost of ON CONFLICT.
            # If some of it is there (a resend, a conflict), the savepoint undoes it and the careful path follows.
            import asyncpg

            try:
                async with raw.transaction():
                    await raw.execute(f'INSERT INTO "{cols.name}" ({cols.cols()}) SELECT {cols.select_cast()} FROM "{stage}" s')
                await withdrawal.redact_withdrawn(raw, spec, stage)
                return {}
            except asyncpg.UniqueViolationError:
                pass
        if spec.redact_on_withdrawal:
            conflict = withdrawal.redaction_conflict(cols.name, cols.key_cols)
        elif spec.kind == t.REVISIONED:
            keys = ", ".join(f'"{k}"' for k in cols.key_cols)
            updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in cols.all_cols if c not in cols.key_cols)
            conflict = f'ON CONFLICT ({keys}) DO UPDATE SET {updates} WHERE "{cols.name}".revision < EXCLUDED.revision AND "{cols.name}".origin_station = EXCLUDED.origin_station'
        else:
            conflict = "ON CONFLICT DO NOTHING"
        taken = await raw.fetchval(
            f'WITH done AS (INSERT INTO "{cols.name}" ({cols.cols()}) SELECT {cols.select_cast()} FROM "{stage}" s {not_withdrawn} {conflict} RETURNING 1) SELECT count(*) FROM done'
        )
        await withdrawal.redact_withdrawn(raw, spec, stage)
        if taken == n:
            return {}
        # Some rows were not taken: sent before (identical), older than the centre's, withdrawn, or in conflict.
        withdrawn = "false"
        if not_withdrawn or spec.redact_on_withdrawal:
            withdrawn = f'EXISTS (SELECT 1 FROM tombstones w WHERE w.session_id = {cols.cast(spec.session_column)})'
        newer = 'c.revision > CAST(s.revision AS integer)' if cols.has_revision else "false"
        records = await raw.fetch(
            f'SELECT s."{cols.pk}" AS key, {withdrawn} AS withdrawn, c."{cols.pk}" IS NOT NULL AS present, '
            f'{cols.row("c")} IS NOT DISTINCT FROM {cols.row_cast()} AS same, COALESCE({newer}, false) AS newer, '
            f'c.origin_station = CAST(s.origin_station AS uuid) AS same_origin, to_jsonb(s) AS incoming '
            f'FROM "{stage}" s LEFT JOIN "{cols.name}" c ON {cols.join_on()}'
        )
        outcome: dict[str, tuple[str, str]] = {}
        for r in records:
            key = str(r["key"])
            if r["withdrawn"] or r["same"] or (r["newer"] and r["same_origin"]):
                continue
            if not r["present"]:
                reason = "another record already holds the same unique values"
            elif not r["same_origin"]:
                reason = "the same id arrived from another station with other content"
            elif cols.has_revision:
                reason = "the same id and revision arrived with other content"
            else:
                reason = "the same id arrived with other content"
            incoming = r["incoming"]
            if not isinstance(incoming, str):  # SQLAlchemy's codec on the connection decodes jsonb
                incoming = json.dumps(incoming, sort_keys=True)
            await raw.execute(
                "INSERT INTO sync_conflicts (origin_station, table_name, record_key, reason, incoming, incoming_hash) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING",
                self.station_id, cols.name, key, reason, incoming, hashlib.md5(incoming.encode()).hexdigest(),
            )
            outcome[key] = (t.CONFLICT, reason)
            self.report.conflicts.append(Conflict(cols.name, key, reason))
        return outcome

    async def _apply_tombstones(self, raw, cols: _Columns, stage: str) -> dict[str, tuple[str, str]]:
        await raw.execute(f'INSERT INTO "{cols.name}" ({cols.cols()}) SELECT {cols.select_cast()} FROM "{stage}" s ON CONFLICT DO NOTHING')
        await withdrawal.redact_sessions(raw, stage)
        await withdrawal.erase_kept_aside(raw, stage)
        # Children first, the session last (the foreign keys would cascade, but a table need not have one).
        for spec in reversed(t.SYNCED):
            if spec.kind == t.TOMBSTONE or not spec.session_column or not spec.erase_on_withdrawal:
                continue
            await raw.execute(f'DELETE FROM "{spec.name}" WHERE "{spec.session_column}" IN (SELECT CAST(s.session_id AS uuid) FROM "{stage}" s)')
        return {}


def _sqlite_now() -> str:
    return _sqlite_time(datetime.now(UTC))


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


async def sync(station_db: Path, url: str, **options) -> SyncReport:
    """Send everything the station has not yet sent to the central database at ``url``."""
    return await Syncer(station_db, url, **options).run()
