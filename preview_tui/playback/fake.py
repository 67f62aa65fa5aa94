"""A player without libVLC, for unit and UI tests.

``FakePlayer`` plays a clip as a timer thread: ``opening``, ``playing``, a
``time`` event every ``tick_ms`` of media time, then ``ended`` (or ``error``,
or ``stopped`` on request) -- the same sequence and threading model as the
libVLC player (events arrive on another thread). ``speed`` scales the clock:
``speed=10`` plays a 2 s clip in 0.2 s of wall time, events still carrying
media times 0..2000.

Durations per path come from a mapping (keys are paths or strings, matched on
the full path first, then on the file name) or a callable. A ``None``
duration plays as a corrupt clip: ``opening``, ``playing``, ``error``. A path
that is neither mapped nor an existing file gives ``error`` like a missing
file does with libVLC; an existing file that is not mapped plays for
``default_ms``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from .base import EventKind, Listener, PlayerEvent

log = logging.getLogger(__name__)

_MISSING = object()

Durations = Mapping[str | os.PathLike[str], int | None] | Callable[[Path], int | None] | None


class _Run:
    __slots__ = (
        "path",
        "listener",
        "length",
        "media_ms",
        "started",
        "paused",
        "paused_at",
        "pause_total",
        "reported_paused",
        "stop",
        "finished",
        "thread",
    )

    def __init__(self, path: Path, listener: Listener, length: int | None) -> None:
        self.path = path
        self.listener = listener
        self.length = length
        self.media_ms = 0
        self.started = False  # "playing" sent
        self.paused = False  # asked for by pause()
        self.paused_at = 0.0
        self.pause_total = 0.0  # wall seconds spent paused
        self.reported_paused = False  # what the listener was last told
        self.stop = False
        self.finished = False
        self.thread: threading.Thread | None = None


class FakePlayer:
    """A deterministic stand-in for :class:`VlcPlayer` (same protocol).

    - ``durations``: mapping or callable giving a clip length in ms per path
      (``None`` = corrupt clip); see the module doc for the lookup rules.
    - ``default_ms``: length of an existing file that is not mapped.
    - ``tick_ms``: media time between two ``time`` events.
    - ``speed``: media ms per wall ms (10 = ten times faster than real time).
    - ``open_ms``: media-clock delay between ``opening`` and ``playing``.

    All events of a clip come from its own worker thread, in order; ``stop()``
    sends ``stopped`` from the caller's thread after joining the worker (as
    libVLC does). ``pause()`` before ``playing`` is ignored.

    ``played`` lists the paths given to ``play()``, ``events`` every event sent
    (handy in assertions); ``calls`` counts pause/resume/stop/close calls;
    ``listener_errors`` keeps exceptions raised by listeners (logged, not fatal).
    """

    name = "fake"

    def __init__(
        self,
        durations: Durations = None,
        *,
        default_ms: int = 1500,
        tick_ms: int = 100,
        speed: float = 1.0,
        open_ms: int = 0,
    ) -> None:
        if tick_ms <= 0 or speed <= 0:
            raise ValueError("tick_ms and speed must be positive")
        self._lookup: Callable[[Path], int | None] | None = None
        self._map: dict[str, int | None] = {}
        if callable(durations):
            self._lookup = durations
        elif durations is not None:
            self._map = {str(Path(k)): v for k, v in durations.items()}
        self.default_ms = default_ms
        self.tick_ms = tick_ms
        self.speed = speed
        self.open_ms = open_ms
        self.played: list[Path] = []
        self.events: list[PlayerEvent] = []
        self.calls: dict[str, int] = {"pause": 0, "resume": 0, "stop": 0, "close": 0}
        self.listener_errors: list[Exception] = []
        self._cond = threading.Condition()
        self._run: _Run | None = None
        self._closed = False

    # ------------------------------------------------------------ durations

    def duration_for(self, path: Path) -> int | None | object:
        """Length in ms, ``None`` for a corrupt clip, or the missing-file marker."""
        if self._lookup is not None:
            return self._lookup(path)
        for key in (str(path), path.name):
            if key in self._map:
                return self._map[key]
        if path.is_file():
            return self.default_ms
        return _MISSING

    # -------------------------------------------------------------- playing

    def _send(self, run: _Run, kind: EventKind, media_ms: int | None, detail: str = "") -> None:
        ev = PlayerEvent(kind, media_ms=media_ms, length_ms=run.length, detail=detail)
        self.events.append(ev)
        try:
            run.listener(ev)
        except Exception as exc:  # as with libVLC: the clip goes on; the error is kept
            self.listener_errors.append(exc)
            log.exception("player listener failed on %s", kind)

    def _finish(self, run: _Run, kind: EventKind, media_ms: int | None, detail: str = "") -> None:
        with self._cond:
            if run.finished:
                return
            run.finished = True
        self._send(run, kind, media_ms, detail)

    def _wait_until(self, run: _Run, media_target: int, start: float) -> bool:
        """Sleep until the media clock reaches ``media_target``; False if stopped.

        Sends ``paused``/``playing`` on pause and resume meanwhile. ``start`` is
        the wall time of media 0; time spent paused shifts it.
        """
        while True:
            with self._cond:
                if run.stop:
                    return False
                if run.paused != run.reported_paused:
                    run.reported_paused = run.paused
                    kind: EventKind = "paused" if run.paused else "playing"
                elif run.paused:
                    self._cond.wait()
                    continue
                else:
                    due = start + run.pause_total + media_target / 1000 / self.speed
                    left = due - time.monotonic()
                    if left <= 0:
                        return True
                    self._cond.wait(left)
                    continue
            self._send(run, kind, run.media_ms)

    def _worker(self, run: _Run, length: int | None) -> None:
        self._send(run, "opening", 0)
        start = time.monotonic() + self.open_ms / 1000 / self.speed
        if not self._wait_until(run, 0, start):
            return
        self._send(run, "playing", 0)
        with self._cond:
            run.started = True
        if length is None:
            self._finish(run, "error", 0, "the clip could not be decoded")
            return
        t = self.tick_ms
        while t < length:
            if not self._wait_until(run, t, start):
                return
            run.media_ms = t
            self._send(run, "time", t)
            t += self.tick_ms
        if not self._wait_until(run, length, start):
            return
        run.media_ms = length
        self._finish(run, "ended", length)

    def play(self, path: Path | str, listener: Listener) -> None:
        if self._closed:
            raise RuntimeError("FakePlayer is closed")
        path = Path(path)
        self.stop()
        self.calls["stop"] -= 1  # the implicit stop is not a caller's stop()
        self.played.append(path)
        d = self.duration_for(path)
        length = None if d is _MISSING or d is None else int(d)  # type: ignore[arg-type]
        run = _Run(path, listener, length)
        with self._cond:
            self._run = run
        if d is _MISSING:
            target, args = self._finish, (run, "error", None, f"file not found: {path}")
        else:
            target, args = self._worker, (run, length)
        run.thread = threading.Thread(target=target, args=args, name="fake-player", daemon=True)
        run.thread.start()

    def pause(self) -> None:
        self.calls["pause"] += 1
        with self._cond:
            run = self._run
            if run is None or not run.started or run.finished or run.paused or run.stop:
                return
            run.paused = True
            run.paused_at = time.monotonic()
            self._cond.notify_all()

    def resume(self) -> None:
        self.calls["resume"] += 1
        with self._cond:
            run = self._run
            if run is None or run.finished or not run.paused or run.stop:
                return
            run.paused = False
            run.pause_total += time.monotonic() - run.paused_at
            self._cond.notify_all()

    def stop(self) -> None:
        """Stop; the listener gets ``stopped`` unless the clip had finished."""
        self.calls["stop"] += 1
        with self._cond:
            run = self._run
            if run is None:
                return
            run.stop = True
            self._cond.notify_all()
        if run.thread is not None and run.thread is not threading.current_thread():
            run.thread.join()
        self._finish(run, "stopped", run.media_ms)

    def position(self) -> tuple[int | None, int | None]:
        run = self._run
        if run is None:
            return (None, None)
        return (run.media_ms, run.length)

    def close(self) -> None:
        self.stop()
        self.calls["stop"] -= 1
        self.calls["close"] += 1
        self._closed = True

    def __enter__(self) -> FakePlayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
