"""The room benchmark's figures, computed from what the run stored and observed.

Everything here works on plain data read after the run (the station file's
rows, the frame tap's frames, the trace watcher's history), so each figure
can be checked on its own and none of it needs the processes that made it.

- :func:`sample_errors_ms`: every seat's stored dial sample against the frame
  on the room display at the sample's moment (``bench/frame_timing.py``).
- :func:`dropped`: per seat, the media-time slots it should have sampled
  against the distinct slots it stored.
- :func:`probe_latencies`: for each dial key sent to a seat, the time until
  the observers' live trace had read the sample carrying the new value.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable, Sequence

from bench.frame_timing import pct, sample_errors, timing_errors


@dataclass(frozen=True)
class Stored:
    media_ms: int
    mono: float
    value: int


def stored_samples(db: Path, step_id: str, play: int = 1) -> dict[str, list[Stored]]:
    """Each session's dial samples of the clip's play, in the order they were stored."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT session_id, media_ms, mono, value FROM dial_samples WHERE step_id = ? AND play = ? ORDER BY rowid", (step_id, play)).fetchall()
    finally:
        con.close()
    out: dict[str, list[Stored]] = {}
    for session, media, mono, value in rows:
        out.setdefault(str(session).replace("-", ""), []).append(Stored(media, mono, value))
    return out


def sample_errors_ms(frames: Sequence[Any], samples: Iterable[Stored], fps: float) -> list[float]:
    return sample_errors(frames, [SimpleNamespace(media_ms=s.media_ms, mono=s.mono) for s in samples], fps)


def room_clock_errors_ms(frames: Sequence[Any], events: Sequence[Any], fps: float) -> list[float]:
    """The room's own clock (its clip log replayed) against each frame shown: the floor under every seat's error."""
    return timing_errors(frames, events, fps)


@dataclass
class Dropped:
    expected: int = 0
    stored: int = 0
    missing: int = 0
    extra: int = 0  # stored outside the expected slots (after the end, before the start)
    duplicates: int = 0
    worst: tuple[str, int] = ("", 0)  # the seat missing most, and how many


def dropped(samples: dict[str, list[Stored]], seats: dict[str, str], *, end_ms: int, period_ms: float, from_start: set[str]) -> Dropped:
    """``seats``: seat name -> session; ``from_start``: seats on the clip before it started (due from media 0).

    A seat that came later is due from its first sample on (the brief's "from its first").
    Slots are media times ``k * period_ms`` below ``end_ms``, as the dial sampler takes them.
    """
    out = Dropped()
    last = math.ceil(end_ms / period_ms - 1e-9)  # slots 0 .. last-1
    for seat, session in seats.items():
        mine = samples.get(session, [])
        first = 0 if seat in from_start or not mine else math.ceil(min(s.media_ms for s in mine) / period_ms - 1e-9)
        due = {round(k * period_ms) for k in range(first, last)}
        got = [s.media_ms for s in mine]
        distinct = set(got)
        missing = len(due - distinct)
        out.expected += len(due)
        out.stored += len(distinct & due)
        out.missing += missing
        out.extra += len(distinct - due)
        out.duplicates += len(got) - len(distinct)
        if missing > out.worst[1] or not out.worst[0]:
            out.worst = (seat, missing)
    return out


class TraceWatch(threading.Thread):
    """The observers' live trace, refreshed as their view does; notes when each refresh ended and what it knew."""

    def __init__(self, live: Any, period_s: float, split_by: str | None = None):
        super().__init__(name="trace-watch", daemon=True)
        self.live, self.period_s, self.split_by = live, period_s, split_by
        self.history: list[tuple[float, dict[str, int]]] = []  # (moment the refresh was drawn, samples known per session)
        self.costs: list[float] = []  # seconds each refresh + trace took (the observer's own work)
        self._stop_event = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        nxt = time.monotonic()
        while not self._stop_event.is_set():
            t = time.monotonic()
            try:
                play = self.live.refresh()
                if play is not None:
                    self.live.result(self.split_by)  # what the view draws from it
                    done = time.monotonic()
                    self.history.append((done, {s: len(v) for s, v in play.samples.items()}))
                    self.costs.append(done - t)
            except Exception as exc:  # noqa: BLE001 - reported with the figures
                self.error = exc
            nxt += self.period_s
            self._stop_event.wait(max(0.0, nxt - time.monotonic()))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


@dataclass
class Probe:
    seat: str
    session: str
    sent: float  # time.monotonic() just before the key went to tmux
    value: int  # the dial's value the key leads to


@dataclass
class Latencies:
    total: list[float] = field(default_factory=list)  # key sent -> on the observers' trace
    to_sample: list[float] = field(default_factory=list)  # key sent -> the sample with the new value (its moment)
    unseen: int = 0


def probe_latencies(probes: Sequence[Probe], samples: dict[str, list[Stored]], live_samples: dict[str, list[tuple[int, int, int]]], history: Sequence[tuple[float, dict[str, int]]]) -> Latencies:
    """For each probe: the first stored sample of its seat taken after the key with the new value, and
    the first refresh of the trace that had read it (the trace keeps each seat's samples in stored order)."""
    out = Latencies()
    for p in probes:
        hit = next((s for s in samples.get(p.session, []) if s.mono >= p.sent and s.value == p.value), None)
        read = live_samples.get(p.session, [])
        index = next((i for i, (_, media, _v) in enumerate(read) if hit is not None and media == hit.media_ms), None)
        seen = next((t for t, counts in history if index is not None and counts.get(p.session, 0) > index), None)
        if hit is None or seen is None:
            out.unseen += 1
            continue
        out.total.append(seen - p.sent)
        out.to_sample.append(hit.mono - p.sent)
    return out


def spread(values: Sequence[float], unit: str = "", digits: int = 2) -> str:
    """p50/p95/p99/max of the values."""
    if not values:
        return "no data"
    f = f"{{:.{digits}f}}{unit}"
    return f"p50 {f.format(pct(values, 50))}  p95 {f.format(pct(values, 95))}  p99 {f.format(pct(values, 99))}  max {f.format(max(values))}"


def mean_max(values: Sequence[float], fmt: str) -> str:
    if not values:
        return "no data"
    return f"mean {fmt.format(sum(values) / len(values))} max {fmt.format(max(values))}"
