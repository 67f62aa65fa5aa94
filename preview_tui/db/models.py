"""The station's tables. The same models serve the central database later.

Ids are UUIDs made on the station, so records from many stations never
collide. Times are stored in UTC.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, TypeDecorator, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


# Session statuses, as the moderator sees them.
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
SCREENED_OUT = "screened_out"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
ABANDONED = "abandoned"
STATUSES = (IN_PROGRESS, COMPLETED, SCREENED_OUT, DECLINED, WITHDRAWN, ABANDONED)


class Session(Base):
    """One participant's pass through a study on this station."""

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    study_id: Mapped[str] = mapped_column(String(64), index=True)
    station: Mapped[str] = mapped_column(String(64))
    participant_code: Mapped[str | None] = mapped_column(String(64))
    seat: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS, index=True)
    outcome_reason: Mapped[str | None] = mapped_column(String(64))
    consent_version: Mapped[str | None] = mapped_column(String(64))
    consent_hash: Mapped[str | None] = mapped_column(String(64))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    room: Mapped[str | None] = mapped_column(String(32))
    rewards_opt_in: Mapped[bool | None] = mapped_column(Boolean)  # asked separately from consent; None: not asked
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by the store on every update, so the central database takes only newer versions.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Answer(Base):
    """The current answer of one session to one question."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "question_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    # Random per answer; the audit log holds sha256(salt + value), so the log can prove the
    # answer unchanged but reveals nothing once the answer (and its salt) is erased.
    salt: Mapped[str | None] = mapped_column(String(32))
    # The question's category of sensitive data (e.g. "religion"), so later work can seal these answers.
    sensitive: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Bumped by the store each time the participant changes the answer (see Session.revision).
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Event(Base):
    """Something that happened in a session: a stimulus shown, a clip played, a step not shown."""

    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    step_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    mono: Mapped[float | None] = mapped_column(Float)
    media_ms: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


class QualityFlag(Base):
    """A data-quality check a session failed (``survey/quality.py``): attention, straight-lining, speeding.

    ``page_id`` is the page whose submission raised it (None for the session's own time): a page's
    flags are those of its last submission. ``reason`` says in words what was found.
    """

    __tablename__ = "quality_flags"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(130))
    reason: Mapped[str] = mapped_column(Text)
    screen_out: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class AuditEntry(Base):
    """One link of the append-only, hash-chained audit log (see ``db/audit.py``).

    It names what happened (answer saved, page left, session ended...) and,
    for an answer, a salted digest of the value, never the value itself.
    ``session_id`` has no foreign key: entries outlive an erased session.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str | None] = mapped_column(String(64))
    # The entry's own salt and sha256(salt, kind, subject, digest), which the chain covers:
    # a withdrawal erases kind, subject, digest and salt, and the chain still holds.
    salt: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[str | None] = mapped_column(String(64))
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The newest link of the audit log (one row), written with it: cutting entries off the end is seen too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Tombstone(Base):
    """A withdrawn participant's session, by id only, so that sync can erase central copies."""

    __tablename__ = "tombstones"

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    study_id: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Invitation(Base):
    """A single-use invitation code of a study, imported by the moderator.

    Only a digest of the code is kept (``store.code_digest``): a used code stays
    refused after its participant withdrew, yet the file does not name them.
    """

    __tablename__ = "invitations"

    study_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class DialSample(Base):
    """One sample of a participant's dial while a clip played (10 a second by default).

    ``media_ms`` is the clip's time the sample belongs to, ``mono`` the
    station's monotonic clock at that moment; ``play`` counts the plays of the
    clip in the session (a replay starts again at ``seq`` 0) and ``segment``
    the backward seeks within a play.
    """

    __tablename__ = "dial_samples"
    __table_args__ = (UniqueConstraint("session_id", "step_id", "play", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(64))
    play: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    segment: Mapped[int] = mapped_column(Integer, default=0)
    media_ms: Mapped[int] = mapped_column(Integer)
    mono: Mapped[float] = mapped_column(Float)
    value: Mapped[int] = mapped_column(Integer)


class Recording(Base):
    """A kept recording of a ``recording`` question: its sealed file (in the station's recordings folder, ``db/recordings.py``)."""

    __tablename__ = "recordings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(128), unique=True)
    size: Mapped[int] = mapped_column(Integer)  # bytes of the sealed file
    sha256: Mapped[str] = mapped_column(String(64))  # of the sealed file
    seconds: Mapped[float] = mapped_column(Float)
    video: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class OutboxEntry(Base):
    """One write of a synced table still to send, or sent (``preview_tui/sync``).

    SQLite triggers add a row for every insert, update and delete of a synced
    table, in the writing transaction; sync moves ``state`` from pending to sent,
    and deletes the entry once the central database acknowledged it (or keeps
    it as conflict / rejected, with ``note``).
    """

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_tbl_state_seq", "tbl", "state", "seq"), {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tbl: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    note: Mapped[str | None] = mapped_column(Text)


class SyncState(Base):
    """This station's identity for the central database (made with the file) and its last sync (one row)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    station_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# -- the screening room's live state (local to the room computer, never synced; db/room.py) --


class Room(Base):
    """A screening room opened on this computer: the study it runs and the code seats join with."""

    __tablename__ = "rooms"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    study_id: Mapped[str] = mapped_column(String(64))
    join_code: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Every event of the shared clip up to this moment is in the log (the seats sample no further).
    published_mono: Mapped[float | None] = mapped_column(Float)


class RoomClipEvent(Base):
    """One event of the room's shared clip, as the room display's player reported it.

    ``mono`` is the room computer's monotonic clock (one clock for every process
    on that computer), so each seat rebuilds the room's media clock exactly.
    """

    __tablename__ = "room_clip_events"

    room: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    step_id: Mapped[str] = mapped_column(String(64))
    play: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    media_ms: Mapped[int | None] = mapped_column(Integer)
    length_ms: Mapped[int | None] = mapped_column(Integer)
    mono: Mapped[float] = mapped_column(Float)
    detail: Mapped[str | None] = mapped_column(Text)


class RoomSeat(Base):
    """A seat of the room as its process last reported it (``beat_mono``: when)."""

    __tablename__ = "room_seats"

    room: Mapped[str] = mapped_column(String(32), primary_key=True)
    seat: Mapped[str] = mapped_column(String(32), primary_key=True)
    pid: Mapped[int | None] = mapped_column(Integer)
    session_id: Mapped[str | None] = mapped_column(String(36))
    code: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    step: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    dial: Mapped[int | None] = mapped_column(Integer)
    problem: Mapped[str | None] = mapped_column(Text)
    last_input_mono: Mapped[float | None] = mapped_column(Float)
    beat_mono: Mapped[float] = mapped_column(Float)


class RoomCommand(Base):
    """A moderator's command to one seat, carried out (``done_mono``) by the seat's process."""

    __tablename__ = "room_commands"
    __table_args__ = (Index("ix_room_commands_pending", "room", "seat", "done_mono"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room: Mapped[str] = mapped_column(String(32))
    seat: Mapped[str] = mapped_column(String(32))
    command: Mapped[str] = mapped_column(String(16))
    created_mono: Mapped[float] = mapped_column(Float)
    done_mono: Mapped[float | None] = mapped_column(Float)
