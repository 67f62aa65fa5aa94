"""The central side of a sync: one batch of one table into the central database, in one transaction.

What the station deleted is deleted first. Usually nothing of a batch is there
yet: its rows are COPYed straight into the table, under a savepoint. Otherwise
(a unique key already taken, or a session of the batch withdrawn) they are
COPYed into a temporary table, then one set-based insert takes the rows: ``ON
CONFLICT DO NOTHING`` for immutable facts, an upsert where the incoming
revision is newer for revisioned rows. Rows of a withdrawn participant are
never inserted. Rows not taken are compared with what is there: identical
(sent before), older, or a conflict, written to ``sync_conflicts``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import weakref

from sqlalchemy import text

from . import tables as t
from . import withdrawal
from .columns import Columns
from .report import Conflict, SyncReport


class CentralWrites:
    def __init__(self, central, station_id: uuid.UUID, report: SyncReport):
        self.central = central
        self.station_id = station_id
        self.report = report
        self._native_json: weakref.WeakSet = weakref.WeakSet()  # connections whose JSONB codec is asyncpg's own

    async def keep_aside(self, cols: Columns, row: tuple, reason: str) -> None:
        incoming = json.dumps(dict(zip(cols.all_cols, row)), sort_keys=True, default=str)
        async with self.central.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO sync_conflicts (origin_station, table_name, record_key, reason, incoming, incoming_hash) "
                    "VALUES (:o, :t, :k, :r, CAST(:i AS jsonb), :h) ON CONFLICT DO NOTHING"
                ),
                {"o": self.station_id, "t": cols.name, "k": str(row[cols.station_cols.index(cols.pk)]), "r": reason, "i": incoming, "h": hashlib.md5(incoming.encode()).hexdigest()},
            )

    async def apply(self, cols: Columns, rows: list[tuple], gone: list[str]) -> dict[str, tuple[str, str]]:
        """One central transaction for one batch; returns the keys that were not simply acknowledged."""
        from .central import TOMBSTONE_LOCK

        spec = cols.spec
        async with self.central.begin() as conn:
            # Withdrawals take the lock alone: a session cannot slip in while its tombstone is being written.
            # Times are compared and kept aside (to_jsonb) in UTC.
            lock = "pg_advisory_xact_lock" if spec.kind == t.TOMBSTONE else "pg_advisory_xact_lock_shared"
            await conn.execute(text(f"SELECT set_config('TimeZone', 'UTC', true), {lock}(:k)"), {"k": TOMBSTONE_LOCK})
            raw = (await conn.get_raw_connection()).driver_connection
            if raw not in self._native_json:
                # SQLAlchemy encodes JSONB through a Python function, once per value; asyncpg's own codec
                # takes the same text, in C. Results then come as text, which this module parses itself.
                await raw.reset_type_codec("jsonb", schema="pg_catalog")
                self._native_json.add(raw)
            if gone:
                await raw.execute(
                    f'DELETE FROM "{cols.name}" WHERE "{cols.pk}" = ANY(CAST($1::text[] AS {cols.pk_type}[])) AND origin_station = $2',
                    gone,
                    self.station_id,
                )
            if not rows:
                return {}
            if spec.kind != t.TOMBSTONE and await self._copy_straight(raw, cols, rows):
                return {}
            stage = f"sync_stage_{cols.name}"
            # One temporary table per connection and table, emptied at every commit.
            await raw.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" (' + ", ".join(f'"{c}" {cols.types[c]}' for c in cols.all_cols) + ") ON COMMIT DELETE ROWS")
            await raw.copy_records_to_table(stage, records=rows, columns=cols.all_cols)
            if spec.kind == t.TOMBSTONE:
                return await self._apply_tombstones(raw, cols, stage)
            return await self._apply_rows(raw, cols, stage, len(rows))

    async def _copy_straight(self, raw, cols: Columns, rows: list) -> bool:
        """Usually nothing of a batch is there yet and none of its sessions is withdrawn: COPY it straight into the table.

        If some of it is there (a resend, a conflict, a redaction), the savepoint undoes the COPY and
        the staged path decides row by row. A withdrawn session's rows take the staged path too.
        """
        import asyncpg

        spec = cols.spec
        if spec.session_column:
            at = cols.station_cols.index(spec.session_column)
            sessions = list({r[at] for r in rows if r[at] is not None})
            if await raw.fetchval("SELECT EXISTS (SELECT 1 FROM tombstones WHERE session_id = ANY($1::uuid[]))", sessions):
                return False
        try:
            async with raw.transaction():
                await raw.copy_records_to_table(cols.name, records=rows, columns=cols.all_cols)
        except asyncpg.UniqueViolationError:
            return False
        return True

    async def _apply_rows(self, raw, cols: Columns, stage: str, n: int) -> dict[str, tuple[str, str]]:
        spec = cols.spec
        not_withdrawn = ""
        if spec.session_column and spec.erase_on_withdrawal:
            not_withdrawn = f'WHERE NOT EXISTS (SELECT 1 FROM tombstones w WHERE w.session_id = {cols.cast(spec.session_column)})'
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
            # The same conflict arriving again has the same hash: always the same text for the same content.
            incoming = json.dumps(json.loads(r["incoming"]), sort_keys=True)
            await raw.execute(
                "INSERT INTO sync_conflicts (origin_station, table_name, record_key, reason, incoming, incoming_hash) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING",
                self.station_id, cols.name, key, reason, incoming, hashlib.md5(incoming.encode()).hexdigest(),
            )
            outcome[key] = (t.CONFLICT, reason)
            self.report.conflicts.append(Conflict(cols.name, key, reason))
        return outcome

    async def _apply_tombstones(self, raw, cols: Columns, stage: str) -> dict[str, tuple[str, str]]:
        await raw.execute(f'INSERT INTO "{cols.name}" ({cols.cols()}) SELECT {cols.select_cast()} FROM "{stage}" s ON CONFLICT DO NOTHING')
        await withdrawal.redact_sessions(raw, stage)
        await withdrawal.erase_kept_aside(raw, stage)
        # Children first, the session last (the foreign keys would cascade, but a table need not have one).
        for spec in reversed(t.SYNCED):
            if spec.kind == t.TOMBSTONE or not spec.session_column or not spec.erase_on_withdrawal:
                continue
            await raw.execute(f'DELETE FROM "{spec.name}" WHERE "{spec.session_column}" IN (SELECT CAST(s.session_id AS uuid) FROM "{stage}" s)')
        return {}

