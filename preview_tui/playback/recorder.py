"""The dial sampled on its own thread (:class:`DialRecorder`), its samples collected for a consumer
that drains them in batches (the app writes a batch to the database every half second, or every quarter
second on a room's shared clip, off the interface's loop)."""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from .base import PlayerEvent
from .dial import DialSample, DialSampler, MediaClock
from .horizon import Horizon


class DialRecorder:
    """A :class:`DialSampler` driven by its own thread; samples collected for ``drain()``.

    The thread wakes at each sample's moment on the media clock (or at least
    every ``period``, and at once on player events), so the interface's loop
    being busy never delays or loses a sample. ``on_sample`` (optional) is
    called on that thread for every sample.
    """

    def __init__(self, rate_hz: float = 10.0, neutral: int = 50, *, on_sample: Callable[[DialSample], None] | None = None, horizon: Horizon | None = None) -> None:
        # ``horizon``: up to which moment the clock's events are known (a room's seat hears of the room
        # display's pause one read later); nothing after it is sampled, so no sample runs past a pause.
        self.horizon = horizon
        self.sampler = DialSampler(rate_hz, neutral)
        self._on_sample = on_sample
        self._cond = threading.Condition()
        self._pending: list[DialSample] = []
        self._stop = False
        self.count = 0
        # [from, to) moments the dial is held (a seat whose session is paused): samples come due as ever, and
        # one whose own moment falls in a hold is not kept, however late it is collected.
        self._holds: list[list[float]] = []
        self._thread = threading.Thread(target=self._run, name="dial-sampler", daemon=True)

    @property
    def clock(self) -> MediaClock:
        return self.sampler.clock

    @property
    def value(self) -> int:
        return self.sampler.value

    def start(self) -> DialRecorder:
        if self.horizon is not None:
            self.horizon.subscribe(self._wake)
        self._thread.start()
        return self

    def _wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def set_value(self, value: int, mono: float | None = None) -> int:
        return self.sampler.set_value(value, mono)

    def on_event(self, ev: PlayerEvent) -> None:
        """Feed a player event (from any thread, libVLC's included)."""
        self.sampler.on_event(ev)
        with self._cond:
            self._cond.notify_all()

    @property
    def held(self) -> bool:
        with self._cond:
            return self._holding()

    def _holding(self) -> bool:
        return bool(self._holds) and self._holds[-1][1] == math.inf

    def hold(self, held: bool, mono: float | None = None) -> None:
        """From ``mono`` (now by default) on, keep no sample (``held``), or keep them again."""
        mono = time.monotonic() if mono is None else mono
        with self._cond:
            if held and not self._holding():
                self._holds.append([mono, math.inf])
            elif not held and self._holding():
                self._holds[-1][1] = max(mono, self._holds[-1][0])

    def _kept(self, sample: DialSample) -> bool:
        return not any(start <= sample.mono < end for start, end in self._holds)

    def drain(self) -> list[DialSample]:
        """The samples taken since the last drain, oldest first."""
        with self._cond:
            out, self._pending = self._pending, []
        return out

    def stop(self) -> list[DialSample]:
        """Stop the thread, take what is still due (the rest before a clip's end) and drain."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        if self.horizon is not None:
            self.horizon.unsubscribe(self._wake)
        self._collect(time.monotonic())
        return self.drain()

    def _collect(self, now: float) -> None:
        if self.horizon is not None:
            now = min(now, self.horizon())
        samples = self.sampler.due(now)
        with self._cond:
            samples = [s for s in samples if self._kept(s)]
        if not samples:
            return
        if self._on_sample is not None:
            for s in samples:
                self._on_sample(s)
        with self._cond:
            self._pending.extend(samples)
            self.count += len(samples)

    def _run(self) -> None:
        period = self.sampler.period_ms / 1000.0
        while True:
            with self._cond:
                if self._stop:
                    return
            now = time.monotonic()
            self._collect(now)
            nxt = self.sampler.next_due()
            wait = period if nxt is None else min(period, max(0.0, nxt - time.monotonic()))
            with self._cond:
                if self._stop:
                    return
                if self.horizon is not None and nxt is not None and nxt > self.horizon():
                    wait = period  # due, but not yet known to be: the horizon's advance wakes the thread (under this lock: no wake lost)
                if wait > 0:
                    self._cond.wait(wait)
