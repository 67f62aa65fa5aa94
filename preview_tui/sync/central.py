"""The central database's schema: the station's synced tables, plus where each row came from.

Every synced table is the station's table (same model, same columns) with one
more column, ``origin_station`` (the station's id from its ``sync_state``). A
table whose key is unique only on its station (the audit log's ``seq``) has
``(key, origin_station)`` as its primary key. JSON columns are JSONB, so that
content can be compared.

The schema is created and upgraded by Alembic from ``central_migrations/``,
with a version table of its own, under an advisory lock so that stations
syncing at the same moment do not both create it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint, Uuid, func, text
from sqlalchemy.dialects.postgresql import JSONB

from .tables import SYNCED, SyncedTable

CENTRAL_HEAD = "c0005"
VERSION_TABLE = "preview_tui_central_version"
MIGRATIONS = Path(__file__).with_name("central_migrations")
SCHEMA_LOCK = 7_310_001  # pg advisory lock keys
TOMBSTONE_LOCK = 7_310_002
# The station's chain head, sent at every sync and kept for ever (``anchors.py`` checks a station against them).
SEND_HEAD_SQL = "INSERT INTO audit_anchors (origin_station, seq, hash) VALUES (:station, :seq, :hash) ON CONFLICT DO NOTHING"


def central_table(spec: SyncedTable, md: MetaData) -> Table:
    from preview_tui.db.models import Base

    table = Base.metadata.tables[spec.name].to_metadata(md)
    table.append_column(Column("origin_station", Uuid, nullable=False, primary_key=spec.station_scoped))
    for col in table.columns:
        if isinstance(col.type, JSON):
            col.type = JSONB()
    return table


def central_metadata() -> MetaData:
    md = MetaData()
    for spec in SYNCED:
        central_table(spec, md)
    Table(
        "sync_conflicts",
        md,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("origin_station", Uuid, nullable=False),
        Column("table_name", String(64), nullable=False),
        Column("record_key", String(64), nullable=False),
        Column("reason", Text, nullable=False),
        Column("incoming", JSONB, nullable=False),
        Column("incoming_hash", String(32), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        UniqueConstraint("origin_station", "table_name", "record_key", "incoming_hash"),
    )
    Table(
        "sync_stations",
        md,
        Column("station_id", Uuid, primary_key=True),
        Column("name", String(64)),
        Column("first_seen", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("last_seen", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("syncs", Integer, nullable=False, server_default=text("0")),
    )
    Table(
        "audit_anchors",
        md,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("origin_station", Uuid, nullable=False),
        Column("seq", Integer, nullable=False),
        Column("hash", String(64), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        UniqueConstraint("origin_station", "seq", "hash"),
    )
    return md


async def current_version(conn) -> str | None:
    exists = (await conn.execute(text("SELECT to_regclass(:t)"), {"t": VERSION_TABLE})).scalar()
    if exists is None:
        return None
    return (await conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))).scalar()


async def upgrade_central(conn) -> None:
    """Create or upgrade the central schema on ``conn`` (an AsyncConnection in a transaction)."""
    if await current_version(conn) == CENTRAL_HEAD:
        return
    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
    if await current_version(conn) == CENTRAL_HEAD:  # another station did it meanwhile
        return
    await conn.run_sync(_upgrade)


def _upgrade(connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
