"""Run a sync: the station's outbox to the central database, batch by batch.

How a batch goes, for one synced table (``tables.SYNCED``, in order):

1. On the station, in one read snapshot: take up to ``batch_size`` pending
   outbox entries after the last batch taken (an index on ``(tbl, state, seq)``:
   the cost does not grow with what was sent before), and the rows they name,
   as the station stores them (a row that is gone was deleted: a cleared answer,
   a refused consent). Nothing is written to take a batch. The station keeps
   one connection for this, in a thread of its own, and does it while the
   centre writes the batch before.
2. Centrally, in one transaction: delete what the station deleted, then COPY
   the rows straight into the table when none of them is there yet and none of
   their sessions is withdrawn (the usual case). Otherwise (a resend, a change,
   a conflict, a withdrawal) the COPY goes into a temporary table and a
   set-based insert takes the rows: ``ON CONFLICT DO NOTHING`` (immutable
   facts) or an upsert where the incoming revision is newer (revisioned rows).
   Rows of a withdrawn participant are never inserted. Rows not taken are
   compared with what is there: identical (sent before), older, or a conflict,
   which is written to ``sync_conflicts`` and never overwrites anything
   (``writes``).
3. After the central commit, on the station, in one short transaction before
   the next batch is taken: delete the acknowledged entries (the outbox stays
   as small as what is still to send), and keep conflicts aside with their reason. No
   station transaction is ever open across network I/O (``outbox``).

Killed at any moment, a sync loses nothing: entries are deleted only after the
central commit, so what is still pending goes again next time, and sending a
record twice changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import text

from . import tables as t
from .columns import Columns
from .errors import CONNECTION, CREDENTIALS, RECORD, SyncError, classify, describe, server_reason
from .outbox import StationOutbox, station_lock
from .report import Conflict, SyncReport
from .writes import CentralWrites

__all__ = ["ENV_URL", "Conflict", "SyncError", "SyncReport", "Syncer", "central_url", "check_url", "station_lock", "sync"]

ENV_URL = "PREVIEW_TUI_CENTRAL_DATABASE"
BATCH_SIZE = int(os.environ.get("PREVIEW_TUI_SYNC_BATCH", "10000"))
RETRY_LATER = timedelta(minutes=5)  # when a sync gave up on the connection

Progress = Callable[[int, int, str], None]  # (done, total, table)


def central_url(configured: str | None) -> str | None:
    """``PREVIEW_TUI_CENTRAL_DATABASE``, else ``station.central_database`` from config.yaml."""
    return os.environ.get(ENV_URL) or configured or None


def check_url(url: str):
    """The central database's address as a SQLAlchemy URL for asyncpg (``db.server.server_url``); a bad one is a SyncError."""
    from ..db.server import AddressError, server_url

    try:
        return server_url(url)
    except AddressError as exc:
        raise SyncError(str(exc), kind=CREDENTIALS) from None


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
            self.outbox = StationOutbox(self.local, self.station_db, self.batch_size)
            self.report = None
            try:
                return await self._run()
            except SyncError as exc:
                exc.already_sent = self._already_sent()
                await self.outbox.note_failure(exc)
                raise
            except Exception as exc:  # noqa: BLE001 - a reason for the moderator, never a traceback
                kind = classify(exc)
                error = self._fail(exc, kind) if kind != RECORD else SyncError(f"the sync stopped: {server_reason(exc)}", kind=RECORD)
                error.already_sent = self._already_sent()
                await self.outbox.note_failure(error)
                raise error from exc
            finally:
                await self.outbox.close()
                await self.local.dispose()
                if self.central is not None:
                    await self.central.dispose()

    def _already_sent(self) -> str:
        return self.report.sent_text() if self.report is not None and self.report.total else ""

    async def _run(self) -> SyncReport:
        started = time.monotonic()
        station_id = await self.outbox.prepare()
        name = self.station_name
        self.report = SyncReport(station_id=station_id)
        self.station_id = station_id
        pending, max_seq = await self.outbox.pending()
        total = sum(pending.values())
        self._tick(0, total, "")
        from .central import central_metadata

        md = central_metadata()
        tables = [Columns(spec, md.tables[spec.name]) for spec in t.SYNCED if pending.get(spec.name)]
        await self._open_central(name)  # before a batch is read: an unreachable centre costs the station nothing
        self.writes = CentralWrites(self.central, station_id, self.report)
        await self._send({c.name: c for c in tables}, tables, max_seq, await self._take(tables, max_seq), total)
        from .recordings import push_recordings  # the recordings' files, once their rows are central

        await self._retrying(push_recordings, self.central, self.local, self.station_db, self.report)
        self._tick(total, total, "")
        self.report.seconds = time.monotonic() - started
        await self.outbox.note_success()
        return self.report

    async def _take(self, tables: list[Columns], max_seq: int, delivered: tuple | None = None):
        """Acknowledge ``delivered`` and take the next batch, from the first of ``tables`` (in ``SYNCED`` order) that has one left."""
        while tables:
            batch = await self.outbox.step(self.report, tables[0], max_seq, delivered)
            delivered = None
            if batch is not None:
                return batch
            tables.pop(0)
        if delivered is not None:
            await self.outbox.step(self.report, None, max_seq, delivered)
        return None

    async def _send(self, by_name: dict[str, Columns], tables: list[Columns], max_seq: int, batch, total: int) -> None:
        """Batch by batch, table after table: the station acknowledges the last batch and reads the next while the centre writes this one."""
        done = 0
        delivered = None  # (batch, outcome): committed centrally, to acknowledge on the station
        while batch is not None:
            cols = by_name[batch.table]
            station = asyncio.ensure_future(self._take(tables, max_seq, delivered))
            try:
                outcome = await self._deliver(cols, batch.rows, batch.gone)
            except BaseException:
                with contextlib.suppress(Exception):
                    await station  # what was acknowledged stays acknowledged, and counts as sent
                raise
            following = await station
            delivered = (batch, outcome)
            done += batch.entries
            self._tick(min(done, total), total, cols.name)
            batch = following
        if delivered is not None:
            await self._take([], max_seq, delivered)

    def _tick(self, done: int, total: int, table: str) -> None:
        if self.progress is not None:
            self.progress(done, total, table)

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
                if self.outbox.head is not None:  # the chain anchored outside the station (anchors.py)
                    await conn.execute(text(SEND_HEAD_SQL), {"station": self.station_id, "seq": self.outbox.head[0], "hash": self.outbox.head[1]})

        try:
            await self._retrying(prepare)
        except SyncError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise SyncError(f"the central database at {self.where} could not be prepared ({server_reason(exc)})", kind=CREDENTIALS) from None

    async def _deliver(self, cols: Columns, rows: list, gone: list[str]) -> dict[str, tuple[str, str]]:
        """The batch into the central database (committed when this returns); the keys not simply acknowledged."""
        try:
            return await self._retrying(self.writes.apply, cols, rows, gone)
        except SyncError:
            raise
        except Exception:  # noqa: BLE001 - one bad record must not block the others: try them one by one
            return await self._one_by_one(cols, rows, gone)

    async def _one_by_one(self, cols: Columns, rows: list[tuple], gone: list[str]) -> dict[str, tuple[str, str]]:
        outcome: dict[str, tuple[str, str]] = {}
        pk_index = cols.station_cols.index(cols.pk)
        singles = [([r], []) for r in rows] + [([], [g]) for g in gone]
        for some_rows, some_gone in singles:
            try:
                outcome.update(await self._retrying(self.writes.apply, cols, some_rows, some_gone))
            except SyncError:
                raise
            except Exception as exc:  # noqa: BLE001
                key = str(some_rows[0][pk_index]) if some_rows else some_gone[0]
                reason = f"refused by the central database: {server_reason(exc)}"
                outcome[key] = (t.REJECTED, reason)
                self.report.rejected.append(Conflict(cols.name, key, reason))
                if some_rows:
                    await self._retrying(self.writes.keep_aside, cols, some_rows[0], reason)
        return outcome

async def sync(station_db: Path, url: str, **options) -> SyncReport:
    """Send everything the station has not yet sent to the central database at ``url``."""
    return await Syncer(station_db, url, **options).run()
