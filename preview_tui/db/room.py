"""The screening room's shared state, in the room's station file.

Every process of a room runs on the room computer: the moderator's room view
with the room display's player, one process per seat (a terminal, or a browser
tab through textual-serve) and the observers' views. They share one SQLite file
in WAL mode, so SQLite itself carries the live state: readers never wait for the
writer, a write is atomic, and a seat killed at any moment leaves nothing half
written. No network protocol of our own: what crosses processes is rows.

- ``rooms``: the open room, its study and its join code;
- ``room_clip_events``: every event of the shared clip's player, in order;
- ``room_seats``: what each seat's process last reported (a heartbeat);
- ``room_commands``: the moderator's commands to seats, marked done by the seat.

These rows are live state, not research data: they are written with
``synchronous=NORMAL`` (durable against a crash of the process, which is what a
heartbeat needs) and never synced. Answers, events and dial samples stay with
the seat's own :class:`~preview_tui.db.store.Store`, with all its guarantees.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterator

BEAT_STALE_S = 3.0  # a seat whose process has not reported for this long is shown as disconnected


@dataclass(frozen=True)
class ClipRow:
    seq: int
    step_id: str
    play: int
    kind: str
    media_ms: int | None
    length_ms: int | None
    mono: float
    detail: str


@dataclass(frozen=True)
class SeatRow:
    seat: str
    pid: int | None
    session_id: str | None
    code: str | None
    language: str | None
    step: str | None
    progress: str | None
    status: str
    dial: int | None
    problem: str | None
    last_input_mono: float | None
    beat_mono: float

    def connected(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) - self.beat_mono < BEAT_STALE_S


@dataclass(frozen=True)
class SampleRow:
    rowid: int
    session_id: str
    media_ms: int
    mono: float
    value: int


SEAT_FIELDS = ("pid", "session_id", "code", "language", "step", "progress", "status", "dial", "problem", "last_input_mono")


class RoomDb:
    """One process's access to one room's live rows (thread-safe: one connection behind a lock)."""

    def __init__(self, path: Path, room: str):
        self.path, self.room = Path(path), room
        self._lock = threading.Lock()
        self._con = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
        for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=10000"):
            self._con.execute(pragma)

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        with self._lock:
            cur = self._con.execute(sql, args)
            return cur.lastrowid or 0

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction under the lock, holding the file's write lock from its start."""
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    # -- the room ------------------------------------------------------------

    def open_room(self, study_id: str, join_code: str) -> None:
        """Open (or open again) the room with a fresh join code; the clip log starts empty."""
        with self._transaction():
            self._con.execute(
                "INSERT INTO rooms (name, study_id, join_code, opened_at, closed_at) VALUES (?, ?, ?, ?, NULL) "
                "ON CONFLICT (name) DO UPDATE SET study_id = excluded.study_id, join_code = excluded.join_code, opened_at = excluded.opened_at, closed_at = NULL",
                (self.room, study_id, join_code, _utc_now()),
            )
            self._con.execute("DELETE FROM room_clip_events WHERE room = ?", (self.room,))
            self._con.execute("DELETE FROM room_commands WHERE room = ?", (self.room,))

    def close_room(self) -> None:
        self._write("UPDATE rooms SET closed_at = ? WHERE name = ?", (_utc_now(), self.room))

    def room_info(self) -> tuple[str, str] | None:
        """(study id, join code) of the room while it is open."""
        rows = self._rows("SELECT study_id, join_code FROM rooms WHERE name = ? AND closed_at IS NULL", (self.room,))
        return (rows[0][0], rows[0][1]) if rows else None

    def code_matches(self, code: str) -> bool:
        info = self.room_info()
        return info is not None and _same_code(info[1], code)

    # -- the shared clip's event log -------------------------------------------

    def append_clip(self, step_id: str, play: int, kind: str, *, mono: float, media_ms: int | None = None, length_ms: int | None = None, detail: str = "") -> int:
        """Add one event at the end of the log; returns its sequence number."""
        with self._transaction():
            (seq,) = self._con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM room_clip_events WHERE room = ?", (self.room,)).fetchone()
            self._con.execute(
                "INSERT INTO room_clip_events (room, seq, step_id, play, kind, media_ms, length_ms, mono, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.room, seq, step_id, play, kind, media_ms, length_ms, mono, detail or None),
            )
        return seq

    def publish(self, mono: float) -> None:
        """Every event of the shared clip up to ``mono`` is in the log."""
        self._write("UPDATE rooms SET published_mono = ? WHERE name = ?", (mono, self.room))

    def clip_since(self, after_seq: int = 0) -> tuple[float, list[ClipRow]]:
        """(published, events after ``after_seq``), read in one statement, so in one snapshot: every
        event up to ``published`` is among them."""
        rows = self._rows(
            "SELECT r.published_mono, e.seq, e.step_id, e.play, e.kind, e.media_ms, e.length_ms, e.mono, COALESCE(e.detail, '') "
            "FROM rooms r LEFT JOIN room_clip_events e ON e.room = r.name AND e.seq > ? WHERE r.name = ? ORDER BY e.seq",
            (after_seq, self.room),
        )
        published = rows[0][0] if rows and rows[0][0] is not None else float("-inf")
        return published, [ClipRow(*row[1:]) for row in rows if row[1] is not None]

    def clip_events(self, after_seq: int = 0) -> list[ClipRow]:
        rows = self._rows(
            "SELECT seq, step_id, play, kind, media_ms, length_ms, mono, COALESCE(detail, '') FROM room_clip_events WHERE room = ? AND seq > ? ORDER BY seq",
            (self.room, after_seq),
        )
        return [ClipRow(*row) for row in rows]

    def last_play(self) -> tuple[str, int] | None:
        """(step id, play number) of the newest play of the shared clip."""
        rows = self._rows("SELECT step_id, play FROM room_clip_events WHERE room = ? ORDER BY seq DESC LIMIT 1", (self.room,))
        return (rows[0][0], rows[0][1]) if rows else None

    # -- seats -----------------------------------------------------------------

    def beat(self, seat: str, **fields: Any) -> None:
        """What a seat's process reports about itself, now (a heartbeat)."""
        unknown = set(fields) - set(SEAT_FIELDS)
        if unknown:
            raise TypeError(f"unknown seat fields: {sorted(unknown)}")
        values = {name: fields.get(name) for name in SEAT_FIELDS}
        values["status"] = values["status"] or "joined"
        names = ", ".join(SEAT_FIELDS)
        marks = ", ".join("?" for _ in SEAT_FIELDS)
        updates = ", ".join(f"{name} = excluded.{name}" for name in SEAT_FIELDS)
        self._write(
            f"INSERT INTO room_seats (room, seat, {names}, beat_mono) VALUES (?, ?, {marks}, ?) ON CONFLICT (room, seat) DO UPDATE SET {updates}, beat_mono = excluded.beat_mono",
            (self.room, seat, *(values[name] for name in SEAT_FIELDS), time.monotonic()),
        )

    def claim(self, prefix: str = "S") -> str:
        """The first free seat name ``S1``, ``S2``... (no live process reports it), taken at once: two tabs
        opened together never get the same one."""
        with self._transaction():
            now = time.monotonic()
            taken = {seat for seat, beat in self._con.execute("SELECT seat, beat_mono FROM room_seats WHERE room = ?", (self.room,)) if now - beat < BEAT_STALE_S}
            n = 1
            while f"{prefix}{n}" in taken:
                n += 1
            name = f"{prefix}{n}"
            self._con.execute(
                "INSERT INTO room_seats (room, seat, status, beat_mono) VALUES (?, ?, 'joined', ?) ON CONFLICT (room, seat) DO UPDATE SET status = 'joined', "
                + ", ".join(f"{f} = NULL" for f in SEAT_FIELDS if f != "status")
                + ", beat_mono = excluded.beat_mono",
                (self.room, name, now),
            )
        return name

    def seats(self) -> list[SeatRow]:
        rows = self._rows(f"SELECT seat, {', '.join(SEAT_FIELDS)}, beat_mono FROM room_seats WHERE room = ? ORDER BY seat", (self.room,))
        return [SeatRow(*row) for row in rows]

    def seat(self, seat: str) -> SeatRow | None:
        return next((row for row in self.seats() if row.seat == seat), None)

    def forget_seat(self, seat: str) -> None:
        """The seat's row goes (its code and session with it): after a withdrawal, or when the room closes."""
        self._write("DELETE FROM room_seats WHERE room = ? AND seat = ?", (self.room, seat))

    # -- commands ----------------------------------------------------------------

    def command(self, seat: str, command: str) -> int:
        return self._write("INSERT INTO room_commands (room, seat, command, created_mono) VALUES (?, ?, ?, ?)", (self.room, seat, command, time.monotonic()))

    def pending(self, seat: str) -> list[tuple[int, str]]:
        return [(row[0], row[1]) for row in self._rows("SELECT id, command FROM room_commands WHERE room = ? AND seat = ? AND done_mono IS NULL ORDER BY id", (self.room, seat))]

    def done(self, command_id: int) -> None:
        self._write("UPDATE room_commands SET done_mono = ? WHERE id = ?", (time.monotonic(), command_id))

    # -- what the observers read ---------------------------------------------------

    def samples(self, step_id: str, *, since_mono: float, after_rowid: int = 0, until_mono: float | None = None) -> list[SampleRow]:
        """Dial samples of the room's live sessions for a clip, newer than ``after_rowid``, taken from ``since_mono`` on."""
        rows = self._rows(
            "SELECT d.rowid, d.session_id, d.media_ms, d.mono, d.value FROM dial_samples d JOIN sessions s ON s.id = d.session_id "
            "WHERE d.rowid > ? AND d.step_id = ? AND s.room = ? AND s.is_test = 0 AND d.mono >= ? AND d.mono <= ? ORDER BY d.rowid",
            (after_rowid, step_id, self.room, since_mono, until_mono if until_mono is not None else float("inf")),
        )
        return [SampleRow(*row) for row in rows]

    def answers_of(self, question_id: str, sessions: Iterator[str] | list[str]) -> dict[str, Any]:
        """The stored answers of the given sessions to one question (JSON text, as stored)."""
        ids = list(sessions)
        found: dict[str, Any] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for session_id, value in self._rows(f"SELECT session_id, value FROM answers WHERE question_id = ? AND session_id IN ({marks})", (question_id, *chunk)):
                found[session_id] = value
        return found


def _same_code(expected: str, given: str) -> bool:
    import hmac

    return hmac.compare_digest(expected.strip().upper().encode(), given.strip().upper().encode())


def _utc_now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")


def new_join_code() -> str:
    """A join code for the moderator's screen: six letters and digits, none that read alike (0/O, 1/I/L)."""
    import secrets

    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))
