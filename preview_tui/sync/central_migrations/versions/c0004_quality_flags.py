"""Every station's data-quality flags (attention, straight-lining, speeding), as the station keeps them.

Revision ID: c0004
Revises: c0003
"""

import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
        sa.Column("origin_station", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_quality_flags_session_id"), "quality_flags", ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_quality_flags_session_id"), table_name="quality_flags")
    op.drop_table("quality_flags")
