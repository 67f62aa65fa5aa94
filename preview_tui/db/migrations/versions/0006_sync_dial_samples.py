"""Sync the dial samples: their writes are queued in the outbox like the other synced tables.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from preview_tui.db.outbox import create_triggers_sql

    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO sync_outbox (tbl, key, state) SELECT 'dial_samples', id, 'pending' FROM dial_samples ORDER BY rowid"))
    for sql in create_triggers_sql("dial_samples", "id"):
        bind.execute(sa.text(sql))


def downgrade() -> None:
    from preview_tui.db.outbox import trigger_names

    for name in trigger_names("dial_samples"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
