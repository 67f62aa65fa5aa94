"""Audit entries' salt and payload digest (as on the station), and every chain head a station sent.

``audit_anchors`` keeps each head (seq, hash) a station reported at a sync,
never updated: ``preview-tui audit verify --central`` checks that the
station's chain still passes through every one of them.

Revision ID: c0003
Revises: c0002
"""

import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("salt", sa.String(length=32), nullable=True))
    op.add_column("audit_log", sa.Column("payload", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_anchors",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("origin_station", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("origin_station", "seq", "hash"),
    )


def downgrade() -> None:
    op.drop_table("audit_anchors")
    op.drop_column("audit_log", "payload")
    op.drop_column("audit_log", "salt")
