"""The outbox triggers of every synced table, made by the schema itself.

A migration that rebuilt a synced table (0008 rebuilds ``audit_log``) dropped
its triggers with it; they were put back outside Alembic after each upgrade.
This revision creates any trigger that is missing, so a station file at 0010
queues every write whatever the path it came by. Later migrations that rebuild
a synced table create its triggers again themselves.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The synced tables and their primary keys as of this revision.
TABLES = {"sessions": "id", "answers": "id", "events": "id", "dial_samples": "id", "audit_log": "seq", "tombstones": "session_id"}


def upgrade() -> None:
    from preview_tui.db.outbox import create_triggers_sql

    bind = op.get_bind()
    for table, key in TABLES.items():
        for sql in create_triggers_sql(table, key):
            bind.execute(sa.text(sql))


def downgrade() -> None:
    pass  # the triggers were there at 0009 too (made after each upgrade)
