"""The screening room's live state: rooms, the shared clip's event log, seats and moderator commands.

These tables are local to the room computer and never synced: they carry what
the seats, the moderator's room view and the observers share while a room
runs (``db/room.py``). The answers, events and dial samples of every seat stay
in the synced tables, written by the seat's own store.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("study_id", sa.String(length=64), nullable=False),
        sa.Column("join_code", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_mono", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "room_clip_events",
        sa.Column("room", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("play", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("media_ms", sa.Integer(), nullable=True),
        sa.Column("length_ms", sa.Integer(), nullable=True),
        sa.Column("mono", sa.Float(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("room", "seq"),
    )
    op.create_table(
        "room_seats",
        sa.Column("room", sa.String(length=32), nullable=False),
        sa.Column("seat", sa.String(length=32), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("step", sa.String(length=64), nullable=True),
        sa.Column("progress", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dial", sa.Integer(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("last_input_mono", sa.Float(), nullable=True),
        sa.Column("beat_mono", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("room", "seat"),
    )
    op.create_table(
        "room_commands",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room", sa.String(length=32), nullable=False),
        sa.Column("seat", sa.String(length=32), nullable=False),
        sa.Column("command", sa.String(length=16), nullable=False),
        sa.Column("created_mono", sa.Float(), nullable=False),
        sa.Column("done_mono", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_room_commands_pending", "room_commands", ["room", "seat", "done_mono"])


def downgrade() -> None:
    op.drop_index("ix_room_commands_pending", table_name="room_commands")
    for table in ("room_commands", "room_seats", "room_clip_events", "rooms"):
        op.drop_table(table)
