"""Sync: revisions on mutable rows, the outbox and its triggers, the station's id.

Revision ID: 0005
Revises: 0004
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The synced tables as of this revision (the synced tables may grow later).
TABLES = {"sessions": "id", "answers": "id", "events": "id", "audit_log": "seq", "tombstones": "session_id"}


def upgrade() -> None:
    from preview_tui.db.outbox import create_triggers_sql

    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tbl", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False, server_default="pending"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sqlite_autoincrement=True,  # a seq is never reused, even after the newest rows are gone
    )
    with op.batch_alter_table("sync_outbox") as batch:
        batch.create_index("ix_sync_outbox_tbl_state_seq", ["tbl", "state", "seq"], unique=False)
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    bind = op.get_bind()
    # The station's id for the central database, made here, long before any network call.
    bind.execute(sa.text("INSERT INTO sync_state (id, station_id) VALUES (1, :sid)"), {"sid": uuid.uuid4().hex})
    for table, key in TABLES.items():
        # What the station holds already is queued once, in the order it was written.
        bind.execute(sa.text(f"INSERT INTO sync_outbox (tbl, key, state) SELECT '{table}', {key}, 'pending' FROM {table} ORDER BY rowid"))
        for sql in create_triggers_sql(table, key):
            bind.execute(sa.text(sql))


def downgrade() -> None:
    from preview_tui.db.outbox import trigger_names

    for table in TABLES:
        for name in trigger_names(table):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("sync_state")
    with op.batch_alter_table("sync_outbox") as batch:
        batch.drop_index("ix_sync_outbox_tbl_state_seq")
    op.drop_table("sync_outbox")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("revision")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("revision")
