"""The data-quality flags of each session (attention, straight-lining, speeding), synced like its events.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from preview_tui.db.outbox import create_triggers_sql

    op.create_table(
        "quality_flags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("page_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=130), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("screen_out", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_quality_flags_session_id"), "quality_flags", ["session_id"], unique=False)
    bind = op.get_bind()
    for sql in create_triggers_sql("quality_flags", "id"):
        bind.execute(sa.text(sql))


def downgrade() -> None:
    from preview_tui.db.outbox import trigger_names

    for name in trigger_names("quality_flags"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_quality_flags_session_id"), table_name="quality_flags")
    op.drop_table("quality_flags")
