"""What the station sends to the central database: declared with the station file's outbox (``db/outbox.py``),
which the station's migrations create. The sync reads the declarations from here."""

from __future__ import annotations

from ..db.outbox import (
    ACKNOWLEDGED,
    BY_NAME,
    CONFLICT,
    IMMUTABLE,
    PENDING,
    REJECTED,
    REVISIONED,
    SENT,
    SYNCED,
    TOMBSTONE,
    SyncedTable,
    create_triggers,
    create_triggers_sql,
    primary_key,
    trigger_names,
)

__all__ = ["ACKNOWLEDGED", "BY_NAME", "CONFLICT", "IMMUTABLE", "PENDING", "REJECTED", "REVISIONED", "SENT", "SYNCED", "TOMBSTONE", "SyncedTable", "create_triggers", "create_triggers_sql", "primary_key", "trigger_names"]
