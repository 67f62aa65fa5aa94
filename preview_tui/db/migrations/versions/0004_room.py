"""The room: audit log and its head, tombstones, invitations; room, rewards opt-in and answer salts.

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("room", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("rewards_opt_in", sa.Boolean(), nullable=True))
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("salt", sa.String(length=32), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("prev", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("hash"),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.create_index(batch.f("ix_audit_log_session_id"), ["session_id"], unique=False)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tombstones",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("study_id", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_id"),
    )
    op.create_table(
        "invitations",
        sa.Column("study_id", sa.String(length=64), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("study_id", "code_digest"),
    )
    _adopt_existing_answers()


def _adopt_existing_answers() -> None:
    """Answers stored before the audit log existed get a salt and an entry, so the chain covers them."""
    from preview_tui.db import audit

    bind = op.get_bind()
    answers = bind.execute(sa.text("SELECT id, session_id, question_id, value, answered_at FROM answers ORDER BY answered_at, id")).fetchall()
    prev = audit.GENESIS
    for seq, (answer_id, session_id, question_id, value, answered_at) in enumerate(answers, start=1):
        salt = audit.new_salt()
        digest = audit.value_digest(salt, audit.stored_value(value))
        link = audit.entry_hash(seq, answered_at, session_id, audit.ANSWER, question_id, digest, prev)
        bind.execute(sa.text("UPDATE answers SET salt = :salt WHERE id = :id"), {"salt": salt, "id": answer_id})
        bind.execute(
            sa.text("INSERT INTO audit_log (seq, at, session_id, kind, subject, digest, prev, hash) VALUES (:seq, :at, :sid, :kind, :subject, :digest, :prev, :hash)"),
            {"seq": seq, "at": answered_at, "sid": session_id, "kind": audit.ANSWER, "subject": question_id, "digest": digest, "prev": prev, "hash": link},
        )
        prev = link
    bind.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"), {"seq": len(answers), "hash": prev})


def downgrade() -> None:
    op.drop_table("invitations")
    op.drop_table("tombstones")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index(batch.f("ix_audit_log_session_id"))
    op.drop_table("audit_log")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("salt")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("rewards_opt_in")
        batch.drop_column("room")
