"""Recordings: one row per kept recording, its sealed file beside the station file; synced through the outbox.

Revision ID: 0012
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from preview_tui.db.outbox import create_triggers_sql

    op.create_table(
        "recordings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("video", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("file_name"),
    )
    op.create_index(op.f("ix_recordings_session_id"), "recordings", ["session_id"], unique=False)
    bind = op.get_bind()
    for sql in create_triggers_sql("recordings", "id"):
        bind.execute(sa.text(sql))


def downgrade() -> None:
    from preview_tui.db.outbox import trigger_names

    for name in trigger_names("recordings"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_recordings_session_id"), table_name="recordings")
    op.drop_table("recordings")
