"""The room's shared clip: played once on the room display, followed by every seat.

The room display (:class:`RoomDisplay`, in the moderator's process) plays the
clip through the room's one player and writes every event the player reports,
unchanged, to the room's clip log (``db/room.py``): the same
:class:`~preview_tui.playback.base.PlayerEvent` fields, with the monotonic time
of the room computer, which every process on that computer shares.

A seat plays the clip through :class:`SharedClip`, a
:class:`~preview_tui.playback.base.Player` that opens no media: it reads the
log and hands the room's events to the seat's clip screen. The seat's
:class:`~preview_tui.playback.dial.MediaClock` is therefore fed exactly what the
room's own clock was fed, so every seat's dial samples are keyed to the room's
clock, and the seat's exposure ledger records every play, pause, seek, replay
and end with the kinds a clip on its own station uses.

A seat that arrives while the clip plays starts at the clip's current time: it
is handed one ``playing`` event at the room clock's time of now (and a
``paused`` one if the clip is paused), then the events that follow. A new play
of the same clip (the moderator's replay) reaches the seat as a replay: the
seat follows the log until the play ends, so a replay is seen however long the
room's player takes between stopping the old play and starting the new one, and
a play that failed can be tried again.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import queue
import threading
import time
from pathlib import Path
from typing import Callable

from ..db.room import ClipRow, RoomDb
from ..playback.base import Listener, Player, PlayerEvent
from ..playback.dial import MediaClock
from ..playback.horizon import Horizon

log = logging.getLogger(__name__)

POLL_S = 0.1  # how often a seat reads the clip log (its dial samples are taken then: 10 Hz keeps them near the trace)
PUBLISH_S = 0.03  # how often the room display says the log is complete up to now
BY_MODERATOR = "moderator"  # an event's detail when the moderator caused it (the seat's ledger says by: moderator)
FINAL = ("ended", "error", "stopped")


def event_of(row: ClipRow) -> PlayerEvent:
    return PlayerEvent(row.kind, media_ms=row.media_ms, length_ms=row.length_ms, mono=row.mono, detail=row.detail)  # type: ignore[arg-type]


def clock_of(rows: list[ClipRow]) -> MediaClock:
    """The room's media clock after these events (one play's)."""
    clock = MediaClock()
    for row in rows:
        clock.on_event(event_of(row))
    return clock


class RoomDisplay:
    """The room's player and its clip log: start, pause, resume, seek and replay, by the moderator."""

    def __init__(self, player: Player, room: RoomDb, media: Callable[[str], Path | None]):
        self.player, self.room, self._media = player, room, media
        self.step_id: str | None = None
        self.play = 0
        self.clock = MediaClock()
        self.state = "idle"  # idle | starting | playing | paused | ended | error
        self.problem: str | None = None
        self._pending_by: str | None = None
        self._queue: queue.Queue[tuple[str, int, PlayerEvent] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._published = float("-inf")  # the moment last said to be complete (no event may be logged before it)
        self._file = ""
        self._writer = threading.Thread(target=self._write_loop, name="room-clip-log", daemon=True)
        self._writer.start()

    def start(self, step_id: str, file: str) -> None:
        """Play the clip from its start, as a new play; seats on it follow. Blocks briefly (libVLC's stop): off the UI loop."""
        path = self._media(file)
        with self._lock:
            self.step_id, self._file = step_id, file
            self.play += 1
            self.clock = MediaClock()
            self.problem = None
            self.state = "starting"
            play = self.play
        if path is None or not path.is_file():
            self._on_event(step_id, play, PlayerEvent("error", detail=f"media/{file} is missing"))
            return
        self.player.play(path, lambda ev: self._on_event(step_id, play, ev))

    def pause(self) -> None:
        if self.state == "playing":
            self._pending_by = BY_MODERATOR
            self.player.pause()

    def resume(self) -> None:
        if self.state == "paused":
            self._pending_by = BY_MODERATOR
            self.player.resume()

    def seek(self, media_ms: int) -> None:
        seek = getattr(self.player, "seek", None)
        if seek is not None and self.state in ("playing", "paused"):
            length = self.clock.length_ms
            seek(max(0, min(int(media_ms), (length - 500) if length else int(media_ms))))

    def replay(self) -> None:
        """The same clip again from its start: every seat on it records a replay. Blocks briefly: off the UI loop."""
        if self.step_id is None:
            return
        file = self._file
        self.player.stop()
        self.start(self.step_id, file)

    def media_now(self) -> float:
        with self._lock:
            return self.clock.media_at(time.monotonic())

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(timeout=5)

    def _on_event(self, step_id: str, play: int, ev: PlayerEvent) -> None:
        # On libVLC's thread: bookkeeping and a queue, never a call into the player or a wait on the disk.
        if ev.kind in ("paused", "playing") and self._pending_by:
            ev = dataclasses.replace(ev, detail=ev.detail or self._pending_by)
            self._pending_by = None
        with self._lock:
            if ev.mono <= self._published:
                # Stamped before a moment already published (this thread was held up between the stamp and
                # here): it happens just after that moment, for the room and every seat alike, so no seat has
                # sampled past it unaware.
                ev = dataclasses.replace(ev, mono=math.nextafter(self._published, math.inf))
            if play == self.play:
                self.clock.on_event(ev)
                if ev.kind == "playing":
                    self.state = "playing"
                elif ev.kind == "paused":
                    self.state = "paused"
                elif ev.kind == "ended":
                    self.state = "ended"
                elif ev.kind == "error":
                    self.state, self.problem = "error", ev.detail or "the player reported an error"
            self._queue.put((step_id, play, ev))  # under the lock: the publisher sees it queued, or it comes after

    def _write_loop(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=PUBLISH_S)
            except queue.Empty:
                if self.state in ("starting", "playing", "paused"):
                    self._publish()
                continue
            if item is None:
                return
            step_id, play, ev = item
            try:
                self.room.append_clip(step_id, play, ev.kind, mono=ev.mono, media_ms=ev.media_ms, length_ms=ev.length_ms, detail=ev.detail)
            except Exception:  # noqa: BLE001 - the room display goes on; seats see the next event
                log.exception("could not log the room clip's %s event", ev.kind)

    def _publish(self) -> None:
        # Nothing queued means every event before now is in the log: one stamped before now but not yet
        # handed over is moved to just after it (``_on_event``).
        with self._lock:
            if not self._queue.empty():
                return  # written first, then published
            self._published = now = time.monotonic()
        try:
            self.room.publish(now)
        except Exception:  # noqa: BLE001 - seats wait for the next one
            log.warning("could not publish the room clip's progress", exc_info=True)


class SharedClip:
    """A seat's player for a shared clip: the room's events, read from the clip log (see the module's docstring)."""

    name = "room"

    def __init__(self, room: RoomDb, step_id: str, *, on_replay: Callable[[], None], poll_s: float = POLL_S):
        self.room, self.step_id, self.on_replay, self.poll_s = room, step_id, on_replay, poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.clock = MediaClock()
        self.play_no: int | None = None  # the room's play this seat follows
        self._since = time.monotonic()
        self._whole: int | None = None  # the room's play that replaced the one followed: taken from its first event, however late
        self.horizon = Horizon()  # up to which moment this seat knows the room's clip events (the dial samples no further)

    def play(self, path: Path, listener: Listener) -> None:
        self.stop()
        self._since = time.monotonic()  # a play that starts after this is followed from its first event (and so is ``_whole``)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, args=(listener, self._stop), name="shared-clip", daemon=True)
        self._thread.start()

    def pause(self) -> None:
        """A seat does not pause the room's clip (the moderator does, for the room)."""

    def resume(self) -> None:
        """See ``pause``."""

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._thread = None

    def position(self) -> tuple[int | None, int | None]:
        return (round(self.clock.media_at(time.monotonic())), self.clock.length_ms)

    def close(self) -> None:
        self.stop()

    def _follow(self, listener: Listener, stop: threading.Event) -> None:
        seen, sent, joined = 0, 0, False
        rows_of_play: list[ClipRow] = []  # the events of the play this seat follows
        while not stop.is_set():
            try:
                published, rows = self.room.clip_since(seen)
                polled = min(time.monotonic(), published)  # the log is complete up to here
            except Exception:  # noqa: BLE001 - a busy file: read again at the next poll
                log.warning("could not read the room's clip log", exc_info=True)
                stop.wait(self.poll_s)
                continue
            replayed: int | None = None
            for row in rows:
                if row.step_id != self.step_id:
                    seen = row.seq
                    continue
                if row.play != self.play_no:
                    if joined:
                        replayed = row.play  # the moderator played it again: the rest of this play first
                        break
                    self.play_no, rows_of_play = row.play, []
                seen = row.seq
                rows_of_play.append(row)
            if not joined and rows_of_play:
                joined = self._join(rows_of_play, listener, polled)
            elif joined:
                for row in rows_of_play[sent:]:
                    self._hand(listener, event_of(row))
            sent = len(rows_of_play)
            self.horizon.advance(polled)
            if replayed is not None:
                self._whole = replayed
                self.on_replay()  # the seat's screen starts a new play, which follows the replay from its first event
                return
            if joined and rows_of_play and rows_of_play[-1].kind == "ended":
                return  # watched to its end: the seat goes on. After a stop or an error the moderator may play it again
            stop.wait(self.poll_s)

    def _join(self, rows: list[ClipRow], listener: Listener, known_to: float) -> bool:
        """Catch up with a play already under way: what the room's clock says at ``known_to`` (up to which
        the log is complete), not its past."""
        if rows[-1].kind in FINAL:
            if rows[-1].kind == "ended":
                return False  # that play is over: wait for the next one (the moderator's replay)
            self._hand(listener, event_of(rows[-1]))
            return True
        clock = clock_of(rows)
        if clock.anchor_mono is None or rows[0].mono >= self._since or rows[0].play == self._whole:  # on time for this play: every event of it
            for row in rows:
                self._hand(listener, event_of(row))
            return True
        at = max(known_to, rows[-1].mono)
        media = round(clock.media_at(at))
        length = clock.length_ms
        self._hand(listener, PlayerEvent("playing", media_ms=media, length_ms=length, mono=at))
        if not clock.running:  # paused, and by whom: the seat's ledger says so as the room's does
            by = next((row.detail for row in reversed(rows) if row.kind == "paused"), "")
            self._hand(listener, PlayerEvent("paused", media_ms=media, length_ms=length, mono=at, detail=by))
        return True

    def _hand(self, listener: Listener, ev: PlayerEvent) -> None:
        self.clock.on_event(ev)
        try:
            listener(ev)
        except Exception:  # noqa: BLE001 - a failing listener must not stop the follower
            log.exception("shared clip listener failed on %s", ev.kind)

