"""Dial samples of every station, and the sensitive-data category of answers.

Revision ID: c0002
Revises: c0001
"""

import sqlalchemy as sa
from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("answers", sa.Column("sensitive", sa.String(length=32), nullable=True))
    op.create_table(
        "dial_samples",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("play", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("media_ms", sa.Integer(), nullable=False),
        sa.Column("mono", sa.Float(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("origin_station", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "step_id", "play", "seq"),
    )
    op.create_index(op.f("ix_dial_samples_session_id"), "dial_samples", ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dial_samples_session_id"), table_name="dial_samples")
    op.drop_table("dial_samples")
    op.drop_column("answers", "sensitive")
