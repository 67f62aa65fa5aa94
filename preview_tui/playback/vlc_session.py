"""One ``play()`` of the libVLC player: its state, and what libVLC's events mean for it.

libVLC says little about a clip that cannot be played (stack-notes facts 6
and 16): a missing file fires only an error, a truncated or undecodable one may
fire ``Playing`` then ``EndReached``. :meth:`PlaySession.on_event` turns
libVLC's events into the :class:`PlayerEvent` sequence the module doc of
``vlc_player.py`` promises, with one terminal event, and says why a clip failed.
It runs on libVLC's threads and never calls libVLC.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from .base import EventKind, Listener, PlayerEvent

log = logging.getLogger(__name__)

UNDECODABLE = "the clip could not be decoded"
NO_PICTURE = "the clip's picture could not be shown"
# Media time after which a clip with a video track must have a video output.
PICTURE_DEADLINE_MS = 1500


class PlaySession:
    """State of one ``play()``; touched by libVLC's thread and the caller's (under ``lock``)."""

    __slots__ = (
        "id",
        "path",
        "listener",
        "headless",
        "lock",
        "length",
        "max_time",
        "started",
        "paused",
        "finished",
        "stop_requested",
        "run_since",
        "run_s",
        "watchdog",
        "video_tracks",
        "vouts",
    )

    def __init__(self, sid: int, path: Path, listener: Listener, *, headless: bool) -> None:
        self.id = sid
        self.path = path
        self.listener = listener
        self.headless = headless  # no window: a missing picture is not about window outputs
        self.lock = threading.Lock()  # the bookkeeping below; never held across libVLC calls
        self.length = 0  # from MediaPlayerLengthChanged; 0 = unknown
        self.max_time = -1  # largest media time seen in TimeChanged
        self.started = False  # Playing seen
        self.paused = False
        self.finished = False  # the terminal event (ended/error/stopped) went out
        self.stop_requested = False
        self.run_since: float | None = None  # monotonic time of the last Playing
        self.run_s = 0.0  # wall seconds spent playing (not paused), before run_since
        self.watchdog: threading.Timer | None = None
        self.video_tracks = 0  # video ES seen (MediaPlayerESAdded)
        self.vouts = 0  # largest video output count seen (MediaPlayerVout)

    def wall_played_ms(self, now: float) -> int:
        run = self.run_s + ((now - self.run_since) if self.run_since is not None else 0.0)
        return int(run * 1000)

    @property
    def last_ms(self) -> int:
        """The largest media time seen, 0 before any."""
        return max(self.max_time, 0)

    def emit(self, kind: EventKind, media_ms: int | None = None, detail: str = "") -> None:
        ev = PlayerEvent(
            kind,
            media_ms=media_ms,
            length_ms=self.length if self.length > 0 else None,
            detail=detail,
        )
        try:
            self.listener(ev)
        except Exception:  # a failing listener must not kill libVLC's thread
            log.exception("player listener failed on %s", kind)

    def finish(self, kind: EventKind, media_ms: int | None = None, detail: str = "") -> None:
        """Send the one terminal event of this session (the first caller wins)."""
        with self.lock:
            if self.finished:
                return
            self.finished = True
            if self.run_since is not None:
                self.run_s += time.monotonic() - self.run_since
                self.run_since = None
            timer, self.watchdog = self.watchdog, None
        if timer is not None:
            timer.cancel()
        self.emit(kind, media_ms, detail)

    def no_picture(self) -> str:
        why = "no video decoder or no video output for it"
        if not self.headless:
            why += "; a window needs vlc-plugin-video-output"
        return f"{NO_PICTURE} ({why})"

    def end_verdict(self) -> tuple[EventKind, str]:
        """EndReached: a real end, or a clip that never decoded or stopped short?"""
        if self.length <= 0 and self.max_time <= 0:
            return "error", UNDECODABLE
        if self.video_tracks and not self.vouts and self.max_time > 0:
            return "error", self.no_picture()
        if self.length > 0:
            played = max(self.max_time, self.wall_played_ms(time.monotonic()))
            slack = max(1000, self.length // 20)  # TimeChanged steps are 250-500 ms
            if played < self.length - slack:
                return "error", (
                    f"{UNDECODABLE}: playback stopped at {played / 1000:.1f} s of "
                    f"{self.length / 1000:.1f} s (truncated file or unsupported codec)"
                )
        return "ended", ""

    def on_event(self, kind: str | None, event: Any, stop_soon: Callable[["PlaySession"], None]) -> None:
        """One libVLC event (``kind`` from the player's table); ``stop_soon`` stops a clip found unplayable."""
        now = time.monotonic()
        if kind == "time":
            t = int(event.u.new_time)
            if t > self.max_time:
                self.max_time = t
            if self.video_tracks and not self.vouts and t >= PICTURE_DEADLINE_MS:
                # Sound but no picture (no decoder, or no window output).
                self.finish("error", t, self.no_picture())
                stop_soon(self)
                return
            if not self.paused:  # a late clock update after Paused is not news
                self.emit("time", t)
        elif kind == "vout":
            # new_count is an int inside a wider union: read the low 32 bits.
            self.vouts = max(self.vouts, int(event.u.new_count) & 0xFFFFFFFF)
        elif kind == "es":
            # es_changed = {int i_type; int i_id}; python-vlc's union has no
            # field for it, so take i_type from the low 32 bits (1 = video).
            if ctypes.c_int32(int(event.u.new_count) & 0xFFFFFFFF).value == 1:
                self.video_tracks += 1
        elif kind == "length":
            self.length = max(0, int(event.u.new_length))
        elif kind == "playing":
            with self.lock:
                self.started = True
                self.paused = False
                if self.run_since is None:
                    self.run_since = now
                timer, self.watchdog = self.watchdog, None
            if timer is not None:
                timer.cancel()
            self.emit("playing", self.last_ms)
        elif kind == "paused":
            with self.lock:
                self.paused = True
                if self.run_since is not None:
                    self.run_s += now - self.run_since
                    self.run_since = None
            self.emit("paused", self.last_ms)
        elif kind == "ended":
            verdict, detail = self.end_verdict()
            media_ms = self.length if (verdict == "ended" and self.length > 0) else self.last_ms
            self.finish(verdict, media_ms, detail)
        elif kind == "error":
            self.finish("error", self.last_ms, f"libVLC could not play {self.path.name}")
        elif kind == "stopped":
            # libVLC also sends Stopped by itself after EndReached/EncounteredError
            # (already finished then); only a requested stop ends a session here.
            if self.stop_requested:
                self.finish("stopped", self.last_ms)
        elif kind == "buffering":
            self.emit("buffering", None, f"{float(event.u.new_cache):.0f}%")
        elif kind == "opening":
            self.emit("opening", 0)


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be played, judged before libVLC sees it; None if fine."""
    try:
        if not path.exists():
            return f"file not found: {path}"
        if not path.is_file():
            return f"not a file: {path}"
        if not os.access(path, os.R_OK):
            return f"file not readable: {path}"
        if path.stat().st_size == 0:
            return f"{UNDECODABLE}: empty file {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    return None
