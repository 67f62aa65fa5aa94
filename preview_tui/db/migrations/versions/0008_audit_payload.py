"""Audit entries commit to what they say through a salted payload digest.

Two nullable columns on the log: ``salt`` and ``payload``. Entries written
from now on are hashed over ``payload`` (``audit.chain_hash``), so that a
withdrawal can erase what they say and the chain still verifies; older
entries keep ``payload`` empty and their former hash. Adding columns is an
ALTER TABLE on SQLite: the table is not rebuilt, its triggers (the head's,
the outbox's) stay.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("salt", sa.String(length=32), nullable=True))
    op.add_column("audit_log", sa.Column("payload", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("payload")
        batch.drop_column("salt")
