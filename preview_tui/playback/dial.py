"""The media clock between libVLC's coarse steps, and the dial sampled on it.

libVLC reports a clip's time in steps of 250-500 ms. :class:`MediaClock`
turns its events into a continuous clock: it anchors on each event (media
time, ``time.monotonic()`` of the event) and runs at the media's rate (1.0)
between them. A ``time`` event that disagrees with the clock by more than
``SEEK_MS`` is a seek (or a skip in the stream): the clock jumps there. One
exception: a report behind the clock that is still ahead of the last report
is a late report, not a backward seek. libVLC's thread calls into Python only
once it holds the GIL, so a long garbage collection of a big heap (hours of a
station, a long test session) stamps the report that waited with the moment it
got in, seconds after libVLC made it. Such a report is left out; a second one
in a row is a real lag, and the clock jumps to it.
Pauses, ends, errors and stops freeze the clock. The clock also keeps the
ranges of media time that were actually played, for "percent watched".

:class:`DialSampler` samples a dial on that clock. Sample ``k`` of a segment
belongs to media time ``start + k * period``: it is taken at the monotonic
moment the clock reaches that media time, and carries the dial's value at
that moment (the dial keeps the times of its changes), so a late wake-up
never loses or shifts a sample; it only makes it known later. Media times
are strictly increasing within a segment; a backward seek starts a new
segment. While the clock is frozen nothing is sampled.

``recorder.py`` runs a sampler on its own thread.

Everything here is thread-safe and pure Python: it never calls libVLC, so a
player listener (on libVLC's thread) may feed events in directly.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from dataclasses import dataclass, replace

from .base import PlayerEvent

SEEK_MS = 1200  # a time event further than this from the clock is a seek, not drift


@dataclass(frozen=True)
class DialSample:
    seq: int  # 0, 1, 2 ... within one play of a clip
    media_ms: int  # the media time the sample belongs to
    mono: float  # time.monotonic() at which the clock reached media_ms
    value: int  # the dial at that moment
    segment: int = 0  # bumps on each backward seek (media times restart)
    late_ms: float = 0.0  # how long after ``mono`` the sample was taken (diagnostics)


class MediaClock:
    """Media time at any monotonic moment, from a player's events.

    Feed it every :class:`PlayerEvent` of one play (``on_event``); ask it
    ``media_at(mono)`` and ``mono_at(media_ms)``. Not thread-safe by itself:
    :class:`DialSampler` guards it with its lock.
    """

    def __init__(self, rate: float = 1.0) -> None:
        self.rate = rate
        self.running = False  # the media clock advances
        self.finished = False  # ended, error or stopped: nothing more will come
        self.anchor_media = 0.0
        self.anchor_mono: float | None = None
        self.length_ms: int | None = None
        self.end_ms: int | None = None  # where the clock stopped when the clip ended
        self.generation = 0  # bumps on every jump (seek), so samplers can tell
        self.backward = False  # the last jump went backwards
        self.ranges: list[list[float]] = []  # watched [from, to] media ranges
        self._range_open = False
        self.reported = -math.inf  # the media time of the last time report
        self.late = 0  # late reports left out (a report that waited for the GIL)
        self._late_before = False  # the last time report was left out as late

    # ---------------------------------------------------------------- reading

    def media_at(self, mono: float) -> float:
        if self.anchor_mono is None:
            return 0.0
        if not self.running:
            return self.anchor_media
        return self.anchor_media + max(0.0, mono - self.anchor_mono) * 1000.0 * self.rate

    def mono_at(self, media_ms: float) -> float | None:
        """When the clock reaches ``media_ms`` on its current course; None while frozen."""
        return self.mono_on_course(media_ms) if self.running else None

    def mono_on_course(self, media_ms: float) -> float | None:
        """When the clock passes ``media_ms`` on its last course, frozen or not; None before it started."""
        if self.anchor_mono is None:
            return None
        return self.anchor_mono + (media_ms - self.anchor_media) / 1000.0 / self.rate

    def watched_ms(self, mono: float | None = None) -> float:
        """Media time actually played (the union of the played ranges)."""
        spans = sorted((a, b) for a, b in self._ranges_now(mono) if b > a)
        total, reach = 0.0, -math.inf
        for a, b in spans:
            if b <= reach:
                continue
            total += b - max(a, reach)
            reach = b
        return total

    def percent_watched(self, mono: float | None = None) -> float | None:
        if not self.length_ms:
            return None
        return max(0.0, min(100.0, 100.0 * self.watched_ms(mono) / self.length_ms))

    def _ranges_now(self, mono: float | None) -> list[list[float]]:
        spans = [list(r) for r in self.ranges]
        if self._range_open and spans and mono is not None:
            spans[-1][1] = max(spans[-1][1], self.media_at(mono))
        return spans

    # ---------------------------------------------------------------- feeding

    def _set(self, media: float, mono: float) -> None:
        self.anchor_media, self.anchor_mono = media, mono

    def _open_range(self) -> None:
        self.ranges.append([self.anchor_media, self.anchor_media])
        self._range_open = True

    def _close_range(self) -> None:
        if self._range_open:
            self.ranges[-1][1] = max(self.ranges[-1][1], self.anchor_media)
            self._range_open = False

    def on_event(self, ev: PlayerEvent) -> None:
        if self.finished:
            return
        if ev.length_ms:
            self.length_ms = ev.length_ms
        kind = ev.kind
        if kind == "playing":
            if not self.running:
                start = self.anchor_media if self.anchor_mono is not None else float(ev.media_ms or 0)
                self._set(start, ev.mono)
                self.running = True
                self._open_range()
        elif kind == "time" and ev.media_ms is not None:
            if self.anchor_mono is None:  # a time before "playing": take it as the start
                self.reported = float(ev.media_ms)
                self._set(float(ev.media_ms), ev.mono)
                self.running = True
                self._open_range()
                return
            predicted = self.media_at(ev.mono)
            late = self.running and ev.media_ms >= self.reported and predicted - ev.media_ms > SEEK_MS
            self.reported = float(ev.media_ms)
            if late and not self._late_before:
                self._late_before = True
                self.late += 1
                return
            self._late_before = False
            if abs(ev.media_ms - predicted) > SEEK_MS:
                self._jump(float(ev.media_ms), ev.mono, predicted)
            elif self.running:
                self._close_range_at(predicted)
                self._set(float(ev.media_ms), ev.mono)
                self._reopen_at(float(ev.media_ms))
        elif kind == "seeked" and ev.media_ms is not None:
            self._jump(float(ev.media_ms), ev.mono, self.media_at(ev.mono))
        elif kind == "paused":
            if self.running:
                self._set(self.media_at(ev.mono), ev.mono)
                self.running = False
                self._close_range()
        elif kind in ("ended", "error", "stopped"):
            # libVLC reports the end ~100 ms before its clock reaches the
            # clip's length: the clock stops where it is, and sampling with it
            # (never past the end, should the report come late).
            media = self.media_at(ev.mono)
            if kind == "ended" and ev.media_ms:
                media = min(media, float(ev.media_ms))
            if self.running:
                self._set(media, ev.mono)
            self.running = False
            watched_to = media
            if kind == "ended":
                self.end_ms = int(media)
                if ev.media_ms:  # played to the end: the whole tail counts as watched
                    watched_to = max(media, float(ev.media_ms))
            if self._range_open:
                self.ranges[-1][1] = max(self.ranges[-1][1], watched_to)
                self._range_open = False
            self.finished = True

    def _close_range_at(self, media: float) -> None:
        if self._range_open:
            self.ranges[-1][1] = max(self.ranges[-1][1], media)

    def _reopen_at(self, media: float) -> None:
        # A small correction: the range goes on (no gap is counted as watched twice).
        if self._range_open:
            self.ranges[-1][1] = max(self.ranges[-1][1], media)

    def _jump(self, media: float, mono: float, predicted: float) -> None:
        self._close_range_at(predicted)
        self._range_open = False
        self.backward = media < predicted
        self.generation += 1
        self._set(media, mono)
        if self.running:
            self._open_range()


class DialSampler:
    """Samples a dial at ``rate_hz`` of media time on a :class:`MediaClock`.

    ``set_value`` records a change of the dial with its monotonic time;
    ``on_event`` feeds the clock; ``due(now)`` returns every sample whose
    moment has come. All methods may be called from any thread.
    """

    def __init__(self, rate_hz: float = 10.0, neutral: int = 50, *, clock: MediaClock | None = None) -> None:
        if rate_hz <= 0:
            raise ValueError("rate_hz must be positive")
        self.period_ms = 1000.0 / rate_hz
        self.clock = clock or MediaClock()
        self._lock = threading.Lock()
        self._changes_mono: list[float] = [-math.inf]
        self._changes_value: list[int] = [int(neutral)]
        self._seq = 0
        self._segment = 0
        self._slot = 0  # the next slot: media time slot * period_ms
        self._generation = 0
        self._last_mono = -math.inf
        self._before_event: list[DialSample] = []  # taken by on_event, handed out by the next due()
        self.value = int(neutral)

    # -- inputs --------------------------------------------------------------

    def set_value(self, value: int, mono: float | None = None) -> int:
        """The dial moved to ``value`` (clamped to 0..100) at ``mono`` (now by default)."""
        value = max(0, min(100, int(value)))
        mono = time.monotonic() if mono is None else mono
        with self._lock:
            if mono < self._changes_mono[-1]:
                mono = self._changes_mono[-1]
            self._changes_mono.append(mono)
            self._changes_value.append(value)
            self.value = value
        return value

    def on_event(self, ev: PlayerEvent) -> None:
        with self._lock:
            started = self.clock.anchor_mono is None
            if not started:
                # The samples due before the event are taken on the course the clock had then, however late
                # ``due`` is called: every reader of the same events (the seats of a room) keys them alike.
                self._before_event.extend(self._take_due(ev.mono))
            self.clock.on_event(ev)
            if started and self.clock.anchor_mono is not None:  # a clock that starts mid-clip (a seat joining late) samples from there
                self._slot = math.ceil(self.clock.anchor_media / self.period_ms - 1e-9)
            if self.clock.generation != self._generation:
                self._generation = self.clock.generation
                if self.clock.backward:
                    self._segment += 1
                self._slot = math.ceil(self.clock.anchor_media / self.period_ms - 1e-9)

    # -- outputs -------------------------------------------------------------

    def value_at(self, mono: float) -> int:
        with self._lock:
            return self._value_at(mono)

    def _value_at(self, mono: float) -> int:
        i = bisect.bisect_right(self._changes_mono, mono) - 1
        return self._changes_value[max(0, i)]

    def next_due(self) -> float | None:
        """The monotonic moment of the next sample on the clock's current course (None while frozen)."""
        with self._lock:
            return self.clock.mono_at(self._slot * self.period_ms)

    def due(self, now: float | None = None) -> list[DialSample]:
        """Every sample whose moment is at or before ``now`` and not taken yet.

        After the clip ends, the samples before its end are all due.
        """
        now = time.monotonic() if now is None else now
        with self._lock:
            out = [replace(x, late_ms=max(0.0, (now - x.mono) * 1000.0)) for x in self._before_event]
            self._before_event = []
            out.extend(self._take_due(now))
        return out

    def _take_due(self, now: float) -> list[DialSample]:
        out: list[DialSample] = []
        clock = self.clock
        while True:
            media = self._slot * self.period_ms
            if clock.end_ms is not None:
                if media >= clock.end_ms:
                    break
                at = clock.mono_on_course(media)
                if at is None:
                    break
            else:
                if clock.length_ms and media >= clock.length_ms:
                    break  # the clock ran past the end before the end was reported
                at = clock.mono_at(media)
                if at is None and media < clock.anchor_media:  # paused: a slot before the pause point was due before it
                    at = clock.mono_on_course(media)
                if at is None or at > now:
                    break
            at = max(at, self._last_mono)  # never before the last sample
            self._last_mono = at
            out.append(DialSample(self._seq, int(round(media)), at, self._value_at(at), self._segment, max(0.0, (now - at) * 1000.0)))
            self._seq += 1
            self._slot += 1
        return out
