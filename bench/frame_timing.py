"""Benchmark: the dial's media clock against the frame actually shown.

    python bench/frame_timing.py [--seconds 20] [--fps 25] [--no-audio]

Plays a stamped clip (each frame carries its own number, see
``stamped_clip.py``) through a real :class:`VlcPlayer` whose video goes into a
:class:`FrameTap` (headless, dummy audio, no display needed). The player's
events feed a :class:`DialRecorder`'s media clock as the app feeds it, and the
tap notes the monotonic moment libVLC displays each frame. Reported, in ms:

- clock vs frame: at each displayed frame, the media clock's time at that
  moment minus the frame's own time (``n * 1000 / fps``), p50/p95/p99/max of
  the absolute error and the median signed error (its bias);
- libVLC's reports alone: the same with the last ``time`` event's media time
  in place of the clock, which is what a player without interpolation gives;
- dial samples vs screen: each 10 Hz dial sample's media time against the
  frame on the screen at the sample's moment;
- unreadable frames (stamp not decoded), and frames never shown (numbers
  skipped by libVLC).

:func:`timing_errors` and :func:`last_report_errors` are the comparison,
importable for the room benchmark (``from bench.frame_timing import ...``).
"""

from __future__ import annotations

import argparse
import bisect
import math
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.stamped_clip import make_stamped_clip, read_stamp, stamp_ms  # noqa: E402
from preview_tui.playback.base import PlayerEvent  # noqa: E402
from preview_tui.playback.dial import DialSample, MediaClock  # noqa: E402

Record = Any  # a TappedFrame (mono, data = frame number or None) or a (mono, frame number | None) pair


def _readable(records: Iterable[Record]) -> list[tuple[float, int]]:
    """(mono, frame number) of the frames whose stamp was read, by display time."""
    out = []
    for r in records:
        mono, n = (r.mono, r.data) if hasattr(r, "mono") else r
        if isinstance(n, int):
            out.append((float(mono), n))
    out.sort()
    return out


def timing_errors(records: Iterable[Record], clock_events: Sequence[PlayerEvent], fps: float = 25.0) -> list[float]:
    """Signed error (ms) of the media clock at each displayed, readable frame.

    The events are replayed into a fresh :class:`MediaClock` in the order
    they came: at a frame's display moment the clock has seen exactly the
    events stamped (``ev.mono``) at or before it, as a live clock fed from the
    player's listener would have. Error = ``clock.media_at(mono)`` minus the
    frame's media time; positive means the clock runs ahead of the screen.
    """
    events = sorted(clock_events, key=lambda e: e.mono)
    clock = MediaClock()
    out: list[float] = []
    i = 0
    for mono, n in _readable(records):
        while i < len(events) and events[i].mono <= mono:
            clock.on_event(events[i])
            i += 1
        if clock.anchor_mono is None:
            continue  # no event yet: no clock to compare
        out.append(clock.media_at(mono) - stamp_ms(n, fps))
    return out


def last_report_errors(records: Iterable[Record], clock_events: Sequence[PlayerEvent], fps: float = 25.0) -> list[float]:
    """Signed error (ms) of libVLC's last reported time at each displayed frame.

    What a dial sampled on the raw ``time`` events (no interpolation) would
    be off by; frames before the first report are left out.
    """
    reports = sorted((e.mono, e.media_ms) for e in clock_events if e.kind == "time" and e.media_ms is not None)
    monos = [m for m, _ in reports]
    out: list[float] = []
    for mono, n in _readable(records):
        k = bisect.bisect_right(monos, mono)
        if k:
            out.append(reports[k - 1][1] - stamp_ms(n, fps))
    return out


def shown_media_at(records: Iterable[Record], mono: float, fps: float = 25.0) -> float | None:
    """Media time on the screen at ``mono``: the last frame shown by then, plus the
    time since it was shown (at most one frame); None before the first frame."""
    shown = _readable(records)
    k = bisect.bisect_right([m for m, _ in shown], mono)
    if not k:
        return None
    at, n = shown[k - 1]
    return stamp_ms(n, fps) + min(mono - at, 1.0 / fps) * 1000.0


def sample_errors(records: Iterable[Record], samples: Sequence[DialSample], fps: float = 25.0) -> list[float]:
    """Signed error (ms) of each dial sample's media time against the screen at its moment."""
    shown = _readable(records)
    out: list[float] = []
    for s in samples:
        media = shown_media_at(shown, s.mono, fps)
        if media is not None:
            out.append(s.media_ms - media)
    return out


def pct(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``; nan when empty."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def summary(errors: Sequence[float]) -> str:
    a = [abs(e) for e in errors]
    return (
        f"p50 {pct(a, 50):6.1f}  p95 {pct(a, 95):6.1f}  p99 {pct(a, 99):6.1f}  max {max(a, default=float('nan')):6.1f}"
        f"  bias {pct(list(errors), 50):+6.1f}  (n={len(a)})"
    )


def play(clip: Path, workdir: Path, *, timeout: float, rate_hz: float = 10.0) -> tuple[list[Any], list[PlayerEvent], list[DialSample], Any]:
    """Play ``clip`` through a VlcPlayer with a FrameTap; (frames, events, dial samples, tap)."""
    from preview_tui.playback.recorder import DialRecorder
    from preview_tui.playback.frames import FrameTap
    from preview_tui.playback.vlc_player import VlcPlayer

    tap = FrameTap(160, 120, decoder=read_stamp)
    recorder = DialRecorder(rate_hz).start()
    events: list[PlayerEvent] = []
    done = threading.Event()

    def listener(ev: PlayerEvent) -> None:  # libVLC's thread: hand over only, as the app does
        events.append(ev)
        recorder.on_event(ev)
        if ev.kind in ("ended", "error", "stopped"):
            done.set()

    player = VlcPlayer(video="headless", audio="dummy", log_file=workdir / "vlc.log", frame_tap=tap)
    try:
        player.play(clip, listener)
        if not done.wait(timeout):
            raise RuntimeError(f"the clip did not end within {timeout:.0f} s")
    finally:
        samples = recorder.stop()
        player.close()
    return tap.frames(), events, samples, tap


def skipped(numbers: Sequence[int], total: int) -> int:
    """Frames of the clip never seen on the screen."""
    return total - len(set(numbers))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--crf", type=int, default=36, help="libx264 quality (higher: fewer bits)")
    ap.add_argument("--no-audio", action="store_true", help="a clip without a sound track")
    args = ap.parse_args(argv)

    from preview_tui.playback import probe_vlc

    probe = probe_vlc()
    if not probe.ok:
        print(f"libVLC is not usable: {probe.message()}")
        return 2
    with tempfile.TemporaryDirectory(prefix="frame-timing-") as tmp:
        workdir = Path(tmp)
        t0 = time.perf_counter()
        clip = make_stamped_clip(workdir / "stamped.mp4", args.seconds, args.fps, audio=not args.no_audio, crf=args.crf)
        total = round(args.seconds * args.fps)
        sound = "no sound" if args.no_audio else "AAC sound"
        print(f"clip: {args.seconds:g} s, {args.fps} fps, 320x240 H.264 crf {args.crf}, {sound}; "
              f"written in {time.perf_counter() - t0:.1f} s; libVLC {probe.version}")
        frames, events, samples, tap = play(clip, workdir, timeout=args.seconds + 20)

    ended = events[-1]
    numbers = [f.data for f in frames if isinstance(f.data, int)]
    unreadable = sum(1 for f in frames if not isinstance(f.data, int))
    backwards = sum(1 for a, b in zip(numbers, numbers[1:]) if b < a)
    times = [e for e in events if e.kind == "time"]
    print(f"end: {ended.kind} {ended.detail}".rstrip())
    print(f"frames displayed: {len(frames)} of {total}; unreadable {unreadable}; never shown {skipped(numbers, total)};"
          f" out of order {backwards}; tap failures {tap.failures}")
    print(f"libVLC time events: {len(times)} (every {1000 * args.seconds / max(1, len(times)):.0f} ms on average)")
    if len(numbers) >= 2:
        shown = [(f.mono, f.data) for f in frames if isinstance(f.data, int)]
        (m0, n0), (m1, n1) = shown[0], shown[-1]
        print(f"frame rate on screen: {(n1 - n0) / (m1 - m0):.2f} fps (wall {m1 - m0:.2f} s for {n1 - n0} frame steps)")
    print("error |ms|, clock vs frame shown:   " + summary(timing_errors(frames, events, args.fps)))
    print("error |ms|, libVLC's last report:   " + summary(last_report_errors(frames, events, args.fps)))
    print("error |ms|, dial samples vs screen: " + summary(sample_errors(frames, samples, args.fps)))
    return 0 if ended.kind == "ended" and numbers else 1


if __name__ == "__main__":
    raise SystemExit(main())
