"""Benchmark: a real screening room on this machine.

    python bench/room.py [--seats 30] [--seconds 20] [--tabs 30] [--tmux shared|per-seat]

The room display runs in this process: a :class:`RoomDisplay` over a real
:class:`VlcPlayer` whose video goes into a :class:`FrameTap` (headless, dummy
audio), playing a stamped clip (``stamped_clip.py``: every frame carries its
number, so what is on the "screen" at any moment is known). The seats are real
``preview_tui seat`` processes of this checkout in tmux, on one station file;
the observers' side is a :class:`LiveTrace` refreshed here as the observers'
view refreshes it. The moderator's start goes through ``RoomDb.command``: the
benchmark measures the room, not the moderator's keys. Printed, one line a
figure, with its goal:

1. sample time error: every stored dial sample of every seat against the
   frame on the room display at the sample's moment (goal p99 <= 50 ms), and
   the room's own clock against the same frames (the floor under it);
2. dropped samples: per seat, the slots of media time it was present for
   (every 1000/rate_hz ms, from the clip's start or its first sample, to the
   clip's end) against the distinct slots stored (goal 0);
3. key to trace latency: dial keys sent to several seats at known moments
   (tmux send-keys), until the live trace has read the sample with the new
   value (goal p99 <= 1 s);
4. tabs interactive: N browser tabs opened at once on the seat server
   (textual-serve), until each shows the join screen and echoes a typed key;
5. CPU and memory per seat (from /proc, pids from room_seats): waiting for
   the moderator's start, waiting on the clip's screen, and during the clip;
   with the machine's load and the tmux servers' and this process's own share.

It exits 0 whatever the figures (it is a benchmark), 1 if the room could not
be run, 2 if libVLC or tmux is missing.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "bench")) if p not in sys.path]

import room_seats as seats_  # noqa: E402  (also puts tests/ on sys.path)
from browser import CHROMIUM  # noqa: E402
from bench.room_figures import Probe, TraceWatch, dropped, mean_max, probe_latencies, room_clock_errors_ms, sample_errors_ms, spread, stored_samples  # noqa: E402
from bench.frame_timing import pct  # noqa: E402

STEP = "trailer"  # the shared clip's step in room_helpers' study
PROBE_GAP_S = 0.5  # between two dial keys sent (to different seats, in turn)


def note(message: str) -> None:
    """Progress, on stderr (the report goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class RunFailure(RuntimeError):
    """The room could not be run (not a figure that missed its goal)."""


def make_study(root: Path, seconds: float, fps: int) -> Path:
    """The room tests' study, with only language and consent before the shared clip, which is a stamped clip."""
    import yaml

    from bench.stamped_clip import make_stamped_clip
    from room_helpers import write_room_study

    write_room_study(root, clip_seconds=0.5)
    make_stamped_clip(root / "media" / "clip.mp4", seconds, fps)
    main = root / "screens" / "main.yaml"
    screen = yaml.safe_load(main.read_text())
    screen["steps"] = [s for s in screen["steps"] if s.get("survey") != "about"]
    main.write_text(yaml.safe_dump(screen, sort_keys=False, allow_unicode=True))
    return root


def walk(terms: dict, job, what: str) -> dict[str, str]:
    """Run ``job(name, term)`` for every seat in parallel; the seats that failed, with why."""
    failures: dict[str, str] = {}

    def attempt(name, term) -> None:
        try:
            job(name, term)
        except Exception as exc:  # noqa: BLE001 - a seat that did not make it is reported
            failures[name] = f"{what}: {str(exc).splitlines()[0][:200]}"

    seats_.in_parallel([functools.partial(attempt, n, t) for n, t in terms.items()])
    return failures


def per_seat(window: seats_.Window, seat_pids: set[int]) -> str:
    rows = [(cpu, u) for pid, cpu, u in window.per_process() if pid in seat_pids]
    if not rows:
        return "no seat alive"
    cpu = [100 * c / window.seconds for c, _ in rows]
    rss = [u.rss_kb / 1024 for _, u in rows]
    pss = [u.pss_kb / 1024 for _, u in rows]
    return (f"CPU % of a core {mean_max(cpu, '{:.1f}')}; RSS MB {mean_max(rss, '{:.0f}')} (PSS mean {sum(pss) / len(pss):.0f}); "
            f"over {window.seconds:.1f} s, {len(rows)} seats; load {window.load}")


def share(window: seats_.Window, pids: list[int]) -> str:
    rows = [(cpu, u) for pid, cpu, u in window.per_process() if pid in pids]
    return f"CPU {100 * sum(c for c, _ in rows) / window.seconds:.0f}% of a core, RSS {sum(u.rss_kb for _, u in rows) / 1024:.0f} MB"


def send_probes(display, seat_terms: dict, sessions: dict[str, str], probers: list[str], until_ms: float) -> list[Probe]:
    """Dial keys, one seat after the other every PROBE_GAP_S, each seat's dial going 50 -> 55 -> 50 ..."""
    values = {name: 50 for name in probers}
    probes: list[Probe] = []
    k = 0
    nxt = time.monotonic()
    while display.state == "playing" and display.media_now() < until_ms:
        time.sleep(max(0.0, nxt - time.monotonic()))
        name = probers[k % len(probers)]
        key, value = ("Up", values[name] + 5) if values[name] == 50 else ("Down", values[name] - 5)
        sent = time.monotonic()
        seat_terms[name].send(key)
        values[name] = value
        probes.append(Probe(name, sessions[name], sent, value))
        k += 1
        nxt += PROBE_GAP_S
    return probes


def run(args: argparse.Namespace, tmp: Path) -> list[str]:
    from preview_tui.db.migrate import upgrade
    from preview_tui.db.room import RoomDb, new_join_code
    from preview_tui.playback.frames import FrameTap
    from preview_tui.playback.vlc_player import VlcPlayer
    from preview_tui.station.live import LiveTrace
    from preview_tui.station.room_clip import RoomDisplay, clock_of, event_of
    from preview_tui.survey.study import load_study
    from preview_tui.ui.observer import REFRESH_S

    from bench.stamped_clip import read_stamp
    from room_helpers import ROOM

    load_before, others = " ".join(Path("/proc/loadavg").read_text().split()[:3]), seats_.test_runs()
    test_watch = seats_.TestRunWatch()
    test_watch.start()
    study_dir = make_study(tmp / "study", args.seconds, args.fps)
    study = load_study(study_dir)
    db = tmp / "room.sqlite"
    upgrade(db)
    room = RoomDb(db, ROOM)
    join_code = new_join_code()
    room.open_room(study.id, join_code)
    rate_hz = study.screening.dial.rate_hz
    lines = [f"room bench: {args.seats} terminal seats ({'one tmux server' if args.tmux == 'shared' else 'a tmux server each'}), "
             f"stamped clip {args.seconds:g} s at {args.fps} fps, dial {rate_hz:g} Hz, {args.tabs} tabs; {os.cpu_count()} CPUs; "
             f"load before {load_before}; test runs (pytest) on the machine {others}"]

    tabs, no_tabs = None, "--tabs 0"
    if args.tabs and not os.access(CHROMIUM, os.X_OK):
        no_tabs = f"{CHROMIUM} is missing"
    elif args.tabs:
        from room_tabs import tabs_connecting

        note(f"{args.tabs} tabs connecting at once")
        tabs = tabs_connecting(study_dir, db, ROOM, args.tabs, typed=join_code, home=tmp)

    home = tmp / "home"
    home.mkdir()
    terms = seats_.SeatTerminals(cwd=study_dir, env=seats_.seat_env(home), shared=args.tmux == "shared")
    try:
        note(f"{args.seats} terminal seats joining")
        t_walk = time.monotonic()
        names = [f"T{i:02d}" for i in range(args.seats)]
        seat_terms = {name: terms.open(name, seats_.seat_command(study_dir, db, name)) for name in names}
        failures = walk(seat_terms, lambda n, t: seats_.join_seat(t, room, n, join_code, f"P{n[1:]}", args.timeout), "join")
        joined = {n: t for n, t in seat_terms.items() if n not in failures}
        if not joined:
            raise RunFailure(f"no seat joined the room: {next(iter(failures.values()), '')}")
        pids = {n: room.seat(n).pid for n in joined}
        seat_pids = set(pids.values())
        tmux_pids = terms.server_pids()
        waiting = seats_.Window([*seat_pids, *tmux_pids])
        time.sleep(args.idle)
        waiting.close()

        note(f"{len(joined)} seats started, walking to the clip")
        for name in joined:
            room.command(name, "start")
        failures |= walk(joined, lambda n, t: seats_.to_the_shared_clip(t, args.timeout), "to the clip")
        on_clip = {n: t for n, t in joined.items() if n not in failures}
        if not on_clip:
            raise RunFailure(f"no seat reached the clip: {next(iter(failures.values()), '')}")
        walked_s = time.monotonic() - t_walk
        sessions = {n: room.seat(n).session_id for n in on_clip}
        ready = seats_.Window([*seat_pids, *tmux_pids])
        time.sleep(args.idle)
        ready.close()

        note(f"{len(on_clip)} seats on the clip; playing it")
        tap = FrameTap(160, 120, decoder=read_stamp)
        player = VlcPlayer(video="headless", audio="dummy", log_file=tmp / "vlc.log", frame_tap=tap)
        display = RoomDisplay(player, RoomDb(db, ROOM), study.media)
        live = LiveTrace(study, RoomDb(db, ROOM), language="en")
        watch = TraceWatch(live, REFRESH_S)
        watch.start()
        playing = seats_.Window([*seat_pids, *tmux_pids, os.getpid()])
        try:
            display.start(STEP, "clip.mp4")
            seats_.wait_until(lambda: display.state != "starting", 30, "the room display playing")
            step = max(1, len(on_clip) // args.probe_seats)
            probers = list(on_clip)[::step][: args.probe_seats]
            length = args.seconds * 1000
            seats_.wait_until(lambda: display.media_now() >= 1000 or display.state != "playing", 30, "the clip's first second")
            probes = send_probes(display, on_clip, sessions, probers, until_ms=length - 1500)
            seats_.wait_until(lambda: display.state in ("ended", "error"), args.seconds + 60, "the clip's end")
            playing.close()
            behind = []
            try:
                seats_.wait_until(lambda: all((r := room.seat(n)) is not None and r.step != STEP for n in on_clip), 30, "seats past the clip")
            except RuntimeError:
                behind = [n for n in on_clip if (r := room.seat(n)) is None or r.step == STEP]
            time.sleep(2 * REFRESH_S)  # the trace's last refreshes
        finally:
            watch.stop()
            display.close()
            player.close()
        if display.state != "ended":
            raise RunFailure(f"the room display did not play the clip: {display.state} {display.problem or ''}")
    finally:
        terms.close()

    # -- the figures -----------------------------------------------------------
    frames = tap.frames()
    events = [event_of(r) for r in RoomDb(db, ROOM).clip_events() if r.play == 1]
    end_ms = clock_of([r for r in RoomDb(db, ROOM).clip_events() if r.play == 1]).end_ms or 0
    samples = stored_samples(db, STEP)
    mine = [s for n in on_clip for s in samples.get(sessions[n], [])]
    errors = [abs(e) for e in sample_errors_ms(frames, mine, args.fps)]
    clock_errors = [abs(e) for e in room_clock_errors_ms(frames, events, args.fps)]
    readable = sum(1 for f in frames if isinstance(f.data, int))
    lines.append(f"room display: {len(frames)} frames shown of {round(args.seconds * args.fps)}, {readable} stamps read; clip ended at {end_ms} ms; "
                 f"seats walked to the clip in {walked_s:.0f} s; seats failed {len(failures)}{' ' + str(sorted(failures.items())[:3]) if failures else ''}")
    p99 = pct(errors, 99)
    lines.append(f"1 sample time error vs frame shown |ms|: {spread(errors, digits=1)} (n={len(errors)} of {len(mine)} samples, {len(on_clip)} seats; {len(mine) - len(errors)} taken before the first frame was shown); "
                 f"room clock alone p99 {pct(clock_errors, 99):.1f}; goal p99 <= 50 ms: {'met' if p99 <= 50 else 'NOT met'}")
    lost = dropped(samples, {n: sessions[n] for n in on_clip}, end_ms=end_ms, period_ms=1000 / rate_hz, from_start=set(on_clip))
    lines.append(f"2 dropped samples: {lost.missing} of {lost.expected} expected ({len(on_clip)} seats; worst seat {lost.worst[0]} {lost.worst[1]}; "
                 f"extra {lost.extra}, duplicates {lost.duplicates}; seats still on the clip 30 s after its end {len(behind)}); goal 0: {'met' if lost.missing == 0 else 'NOT met'}")
    lat = probe_latencies(probes, samples, live.play.samples if live.play else {}, watch.history)
    lp99 = pct(lat.total, 99)
    rest = [t - k for t, k in zip(lat.total, lat.to_sample)]
    lines.append(f"3 key to trace latency s: {spread(lat.total)} (n={len(lat.total)} of {len(probes)} keys, {len(probers)} seats; key to sample p50 {pct(lat.to_sample, 50):.2f} max {max(lat.to_sample, default=float('nan')):.2f}, "
                 f"sample to trace p50 {pct(rest, 50):.2f} max {max(rest, default=float('nan')):.2f}; "
                 f"trace refreshed every {REFRESH_S:g} s, refresh+trace {mean_max(watch.costs, '{:.3f}')} s{'; trace error ' + repr(watch.error) if watch.error else ''}); "
                 f"goal p99 <= 1 s: {'met' if lp99 <= 1 else 'NOT met'}")
    if tabs is not None:
        rss = [r / 1024 for r in tabs.rss_kb]
        lines.append(f"4 tabs interactive s: p50 {pct(tabs.interactive, 50):.1f} max {max(tabs.interactive, default=float('nan')):.1f} total {tabs.total:.1f} "
                     f"({len(tabs.interactive)} of {tabs.tabs} tabs opened at once; join screen shown p50 {pct(tabs.shown, 50):.1f} max {max(tabs.shown, default=float('nan')):.1f}; "
                     f"tab seat RSS MB {mean_max(rss, '{:.0f}')}; CPU s meanwhile: seat processes {tabs.cpu_seats:.0f}, seat server {tabs.cpu_server:.0f}, "
                     f"chromium {tabs.cpu_browser:.0f} (on the room computer here, unlike tablets); failed {len(tabs.failures)}{' ' + tabs.failures[0] if tabs.failures else ''})")
    else:
        lines.append(f"4 tabs interactive s: not measured ({no_tabs})")
    lines.append(f"5 per seat, waiting for the start: {per_seat(waiting, seat_pids)}")
    lines.append(f"5 per seat, waiting on the clip: {per_seat(ready, seat_pids)}")
    lines.append(f"5 per seat, during the clip: {per_seat(playing, seat_pids)}")
    lines.append(f"machine during the clip: CPUs {100 * playing.machine:.0f}% busy; load {playing.load}; "
                 f"tmux ({len(tmux_pids)} server{'s' if len(tmux_pids) != 1 else ''}) {share(playing, tmux_pids)}; "
                 f"this process (room display, trace, drivers) {share(playing, [os.getpid()])}; test runs (pytest) on the machine now {seats_.test_runs()}, at most {test_watch.stop()} at once during the run")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seats", type=int, default=30, help="terminal seats (tmux)")
    ap.add_argument("--seconds", type=float, default=20.0, help="the shared clip's length")
    ap.add_argument("--tabs", type=int, default=30, help="browser tabs opened at once (0: none)")
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--tmux", choices=("shared", "per-seat"), default="shared", help="one tmux server for all seats, or one each")
    ap.add_argument("--probe-seats", type=int, default=5, help="seats whose dial keys are timed to the trace")
    ap.add_argument("--idle", type=float, default=5.0, help="seconds of each idle measurement")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds a seat may take for one step of its walk")
    args = ap.parse_args(argv)
    if args.seats < 1 or args.seconds < 3:
        ap.error("at least 1 seat and a clip of 3 s")

    from preview_tui.playback import probe_vlc

    probe = probe_vlc()
    if not probe.ok:
        print(f"libVLC is not usable: {probe.message()}", file=sys.stderr)
        return 2
    if shutil.which("tmux") is None:
        print("tmux is missing", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="room-bench-") as tmp:
        try:
            lines = run(args, Path(tmp))
        except RunFailure as exc:
            print(f"room bench could not run: {exc}", file=sys.stderr)
            return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
