"""The audit head follows the log inside SQLite.

An entry can be added only on top of the head (its seq one more, its prev the
head's hash), and adding it moves the head, in the same statement. The store
no longer updates the head itself: a page's save is one statement shorter,
and a row inserted into the log by anything else than the next entry of the
chain is refused by the file itself.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS = "0" * 64  # the hash before the first entry (audit.GENESIS)


def upgrade() -> None:
    op.execute(f"INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, '{GENESIS}' WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)")
    op.execute(
        """
        CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_log
        BEGIN
            SELECT RAISE(ABORT, 'audit log head moved')
            WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1 AND seq = NEW.seq - 1 AND hash = NEW.prev);
            UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
        END
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_head_follows")
