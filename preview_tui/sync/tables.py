"""What the station sends to the central database, and how: one declared list.

Each synced table is named once in ``SYNCED`` with the way it syncs:

- ``IMMUTABLE``: facts written once (events, audit entries). Sent with
  ``INSERT ... ON CONFLICT DO NOTHING``; the same id with other content is a
  conflict, kept aside.
- ``REVISIONED``: rows the station updates (a session's status, an answer the
  participant changed). They carry an integer ``revision`` that the store bumps
  on every update; the centre takes a row only when its revision is newer, and
  the same revision with other content is a conflict.
- ``TOMBSTONE``: a withdrawal. It erases the participant's rows centrally (every
  synced table with ``session_column`` and ``erase_on_withdrawal``) and keeps
  them from coming back from any station.

Every insert, update and delete of a synced table adds a row to the station's
outbox (``sync_outbox``) by an SQLite trigger, in the same transaction as the
write, so nothing the store writes can be missed. Columns are taken from the
SQLAlchemy models, so a new column syncs without code here; a new table needs a
line in ``SYNCED`` and a station migration that creates its triggers
(``db.outbox``).

This module is light (no asyncpg).
"""

from __future__ import annotations

from dataclasses import dataclass

IMMUTABLE, REVISIONED, TOMBSTONE = "immutable", "revisioned", "tombstone"

# Outbox states. A row is "pending" until the central transaction that took it
# committed, then deleted ("sent" and "acknowledged" are what earlier versions
# marked; a sync makes "sent" pending again and prunes "acknowledged");
# "conflict" and "rejected" rows are kept aside with a note and not sent again.
PENDING, SENT, ACKNOWLEDGED, CONFLICT, REJECTED = "pending", "sent", "acknowledged", "conflict", "rejected"


@dataclass(frozen=True)
class SyncedTable:
    name: str
    kind: str
    # The column naming the session a row belongs to ("id" for sessions), or None.
    session_column: str | None = None
    # Whether a withdrawal erases the table's rows of that session centrally.
    erase_on_withdrawal: bool = True
    # Whether the station's key is unique only on its station (the audit log's seq):
    # centrally the key is then (origin_station, key).
    station_scoped: bool = False
    # Whether a withdrawal redacts the table's rows of that session instead (the audit log):
    # centrally, a redacted row replaces the full one it was, and a full one is redacted.
    redact_on_withdrawal: bool = False


# In dependency order: a session before its answers and events; tombstones last.
SYNCED: tuple[SyncedTable, ...] = (
    SyncedTable("sessions", REVISIONED, session_column="id"),
    SyncedTable("answers", REVISIONED, session_column="session_id"),
    SyncedTable("events", IMMUTABLE, session_column="session_id"),
    SyncedTable("dial_samples", IMMUTABLE, session_column="session_id"),
    SyncedTable("recordings", IMMUTABLE, session_column="session_id"),  # the files follow (sync/recordings.py)
    SyncedTable("quality_flags", IMMUTABLE, session_column="session_id"),
    SyncedTable("audit_log", IMMUTABLE, session_column="session_id", erase_on_withdrawal=False, station_scoped=True, redact_on_withdrawal=True),
    SyncedTable("tombstones", TOMBSTONE, session_column="session_id", erase_on_withdrawal=False),
)

BY_NAME = {t.name: t for t in SYNCED}


def primary_key(table: str) -> str:
    from preview_tui.db.models import Base

    cols = list(Base.metadata.tables[table].primary_key.columns)
    if len(cols) != 1:
        raise ValueError(f"a synced table needs a one-column primary key: {table}")
    return cols[0].name

