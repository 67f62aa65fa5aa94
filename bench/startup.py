"""Start-up time of ``preview-tui`` to its first screen, next to a bare Textual app.

Both run in a real terminal (tmux), one after the other, in the same run:
the clock starts when the command is launched and stops when the first
screen's text ("Participant code") is on the terminal. The demo study is
run against a fresh station database, already migrated, and a study already
checked once (as it is on every start but the very first). Also timed, the
same way: the first start (the study checked, the database made), and a seat
of a screening room (``preview-tui seat``) to its join screen, which a room
pays once per tablet or terminal. Prints the medians and the ratios.

    .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from tmux import TmuxSession  # noqa: E402

MARK = "Participant code"
SEAT_MARK = "Your participant code"


def time_to_screen(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 30.0, mark: str = MARK) -> float:
    started = time.perf_counter()
    with TmuxSession(command, cwd=cwd, env=env, cols=100, rows=30) as term:
        deadline = started + timeout
        while mark not in term.screen():
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{command[0]} showed no first screen within {timeout:.0f} s:\n{term.last_output()}")
            time.sleep(0.005)
        return time.perf_counter() - started


def compile_package() -> None:
    """Byte-compile the package, as pip does on a regular install (an editable install leaves it to the
    first start): the bare app's Textual is compiled, so both start from bytecode. Python is told it may
    write bytecode again, should this shell say otherwise."""
    import compileall

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(str(ROOT / "preview_tui"), quiet=1)


def measure(runs: int) -> dict[str, list[float]]:
    from preview_tui.db.migrate import upgrade
    from preview_tui.db.room import RoomDb
    from preview_tui.survey.study import load_study

    python = Path(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "station.sqlite"
        env = {"HOME": tmp, "DISPLAY": "", "WAYLAND_DISPLAY": "", "TEXTUAL_ANIMATIONS": "none"}
        app = [str(python.with_name("preview-tui")), "--database", str(db)]
        bare = [str(python), str(ROOT / "bench" / "bare_app.py")]
        seat_db = Path(tmp) / "room.sqlite"
        upgrade(seat_db)
        RoomDb(seat_db, "bench").open_room(load_study(ROOT).id, "123456")
        seat = [str(python.with_name("preview-tui")), "seat", "--database", str(seat_db), "--room", "bench", "--seat"]
        times: dict[str, list[float]] = {"first": [time_to_screen(app, cwd=ROOT, env=env)]}  # checks and keeps the study, makes the database
        time_to_screen(bare, cwd=ROOT, env=env)  # warms the file cache
        times |= {"bare": [], "app": [], "seat": []}
        for run in range(runs):  # interleaved, so all see the same machine load
            times["bare"].append(time_to_screen(bare, cwd=ROOT, env=env))
            times["app"].append(time_to_screen(app, cwd=ROOT, env=env))
            times["seat"].append(time_to_screen([*seat, f"S{run + 1}"], cwd=ROOT, env=env, mark=SEAT_MARK))
        return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    compile_package()
    times = measure(args.runs)
    bare, app, seat = (statistics.median(times[k]) for k in ("bare", "app", "seat"))

    def line(label: str, key: str) -> str:
        values = times[key]
        return f"{label}: median {statistics.median(values) * 1000:.0f} ms  (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, {len(values)} runs)"

    print(line("bare Textual app", "bare"))
    print(line("preview-tui demo", "app"))
    print(line("preview-tui seat", "seat"))
    print(f"first start (study checked, database made): {times['first'][0] * 1000:.0f} ms")
    print(f"ratio preview-tui / bare: {app / bare:.2f} (goal <= 1.3)")
    print(f"ratio seat / bare: {seat / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
