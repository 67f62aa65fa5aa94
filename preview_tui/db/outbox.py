"""The station's outbox triggers: every write of a synced table is queued in ``sync_outbox``.

The triggers belong to the station's schema and are made by its migrations
(0005, 0006, 0010). SQLite drops a table's triggers when a migration rebuilds
the table (``batch_alter_table``): such a migration must create them again with
``create_triggers_sql``. Which tables sync, and how, is the sync layer's
declaration (``sync.tables.SYNCED``); this module only writes the SQL.
"""

from __future__ import annotations


def trigger_names(table: str) -> list[str]:
    return [f"sync_outbox_{table}_{op}" for op in ("insert", "update", "delete")]


def create_triggers_sql(table: str, key: str) -> list[str]:
    """SQLite triggers that queue every write of ``table`` (primary key ``key``) in the outbox."""
    ins, upd, dele = trigger_names(table)
    queue = "INSERT INTO sync_outbox (tbl, key, state) VALUES ('{t}', {ref}.{k}, 'pending')"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {ins} AFTER INSERT ON {table} BEGIN {queue.format(t=table, ref='NEW', k=key)}; END",
        f"CREATE TRIGGER IF NOT EXISTS {upd} AFTER UPDATE ON {table} BEGIN {queue.format(t=table, ref='NEW', k=key)}; END",
        f"CREATE TRIGGER IF NOT EXISTS {dele} AFTER DELETE ON {table} BEGIN {queue.format(t=table, ref='OLD', k=key)}; END",
    ]
