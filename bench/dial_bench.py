"""Benchmark: the dial sampled on a real clip in real libVLC (headless, dummy outputs).

    .venv/bin/python bench/dial_bench.py [--seconds 180] [--rate 10]

Generates a clip (160x90, 12 fps, H.264/AAC), plays it through VlcPlayer with
``--vout=dummy --aout=dummy``, samples the dial with DialRecorder while a
thread turns the dial at random, and writes the samples in half-second
batches to a real SQLite station file, as the app does. Then it reports:

- dropped samples: slots of media time (0, 100, 200 ms ... before the clip's
  end) with no sample;
- sampling jitter: how far the interval between two consecutive samples'
  monotonic times is from the period (p50/p99/max), and how late after its
  moment the sampler thread took each sample (p50/p99/max);
- media-time error: each sample's media time against libVLC's own clock at
  the sample's moment (its ``time`` events, interpolated linearly), p50/p99/max;
- the slowest batch write.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from media_helpers import write_small_clip  # noqa: E402

from preview_tui.db.migrate import upgrade  # noqa: E402
from preview_tui.db.store import Store  # noqa: E402
from preview_tui.playback import PlayerEvent, probe_vlc  # noqa: E402
from preview_tui.playback.recorder import DialRecorder  # noqa: E402
from preview_tui.playback.vlc_player import VlcPlayer  # noqa: E402


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def reference_media(times: list[tuple[float, int]], mono: float) -> float:
    """libVLC's clock at ``mono``, linear between its reported (mono, media) points."""
    import bisect

    monos = [m for m, _ in times]
    i = bisect.bisect_right(monos, mono)
    if i == 0:
        m0, t0 = times[0]
        return t0 - (m0 - mono) * 1000
    if i == len(times):
        m1, t1 = times[-1]
        return t1 + (mono - m1) * 1000
    (m0, t0), (m1, t1) = times[i - 1], times[i]
    return t0 + (t1 - t0) * (mono - m0) / (m1 - m0) if m1 > m0 else t1


async def run(seconds: float, rate: float, workdir: Path) -> int:
    probe = probe_vlc()
    if not probe.ok:
        print(f"libVLC is not usable: {probe.message()}")
        return 2
    t0 = time.perf_counter()
    clip = write_small_clip(workdir / "bench.mp4", seconds)
    print(f"clip: {seconds:.0f} s generated in {time.perf_counter() - t0:.1f} s; libVLC {probe.version}")

    db = workdir / "station.sqlite"
    upgrade(db)
    store = Store(db)
    await store.open()
    sid = await store.create_session(study_id="bench", station="bench", code="B1")

    recorder = DialRecorder(rate, neutral=50).start()
    events: list[PlayerEvent] = []
    done = threading.Event()

    def listener(ev: PlayerEvent) -> None:
        events.append(ev)
        recorder.on_event(ev)
        if ev.kind in ("ended", "error", "stopped"):
            done.set()

    def turn_dial() -> None:
        rng = random.Random(4)
        while not done.is_set():
            time.sleep(rng.uniform(0.05, 0.6))
            recorder.set_value(recorder.value + rng.choice((-5, 5)))

    player = VlcPlayer(video="headless", audio="dummy", log_file=workdir / "vlc.log", start_timeout=10.0)
    threading.Thread(target=turn_dial, daemon=True).start()
    stored = 0
    flush_ms: list[float] = []
    late: list[float] = []  # how long after its moment each sample was taken (not stored)
    try:
        player.play(clip, listener)
        while not done.is_set():
            await asyncio.sleep(0.5)
            batch = recorder.drain()
            late.extend(x.late_ms for x in batch)
            if batch:
                f0 = time.perf_counter()
                await store.save_dial_samples(sid, "bench", 1, batch)
                flush_ms.append((time.perf_counter() - f0) * 1000)
                stored += len(batch)
        rest = recorder.stop()
        late.extend(x.late_ms for x in rest)
        if rest:
            await store.save_dial_samples(sid, "bench", 1, rest)
            stored += len(rest)
    finally:
        recorder.stop()
        await asyncio.to_thread(player.close)

    samples = await store.dial_samples(sid, "bench")
    await store.close()
    last = events[-1]
    if last.kind != "ended":
        print(f"the clip did not end normally: {last.kind} {last.detail}")
        return 1
    end_ms = recorder.clock.end_ms or 0
    period = 1000.0 / rate
    slots = math.ceil(end_ms / period - 1e-9)
    have = {round(s.media_ms / period) for s in samples}
    dropped = len(set(range(slots)) - have)
    monos = [s.mono for s in samples]
    jitter = [abs((b - a) * 1000 - period) for a, b in zip(monos, monos[1:])]
    times = [(e.mono, e.media_ms) for e in events if e.kind == "time" and e.media_ms is not None]
    errors = [abs(s.media_ms - reference_media(times, s.mono)) for s in samples]
    steps = [b[1] - a[1] for a, b in zip(times, times[1:])]

    print(f"clip length {last.media_ms} ms; clock stopped at {end_ms} ms; libVLC time steps p50 {pct(steps, 50):.0f} ms")
    print(f"samples: {len(samples)} stored ({stored} written in {len(flush_ms)} batches), {slots} expected at {rate:g} Hz")
    print(f"dropped samples: {dropped}")
    print(f"sampling jitter |interval - {period:.0f} ms|: p50 {pct(jitter, 50):.2f} ms, p99 {pct(jitter, 99):.2f} ms, max {max(jitter):.2f} ms")
    print(f"sampler lateness: p50 {pct(late, 50):.2f} ms, p99 {pct(late, 99):.2f} ms, max {max(late):.2f} ms")
    print(f"media-time error vs libVLC's clock: p50 {pct(errors, 50):.1f} ms, p99 {pct(errors, 99):.1f} ms, max {max(errors):.1f} ms")
    print(f"slowest batch write: {max(flush_ms):.1f} ms (p50 {pct(flush_ms, 50):.1f} ms)")
    ok = dropped == 0 and pct(errors, 99) <= 50
    print("goal (0 dropped, error p99 <= 50 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--rate", type=float, default=10.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dial-bench-") as d:
        return asyncio.run(run(args.seconds, args.rate, Path(d)))


if __name__ == "__main__":
    sys.exit(main())
