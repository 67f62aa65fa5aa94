"""Start-up time of ``preview-tui`` to its first screen, next to a bare Textual app.

Both run in a real terminal (tmux), one after the other, in the same run:
the clock starts when the command is launched and stops when the first
screen's text ("Participant code") is on the terminal. The demo study is
run against a fresh station database, already migrated (as it is on every
start but the very first). Prints the medians and their ratio.

    .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from tmux import TmuxSession  # noqa: E402

MARK = "Participant code"


def time_to_screen(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 30.0) -> float:
    started = time.perf_counter()
    with TmuxSession(command, cwd=cwd, env=env, cols=100, rows=30) as term:
        deadline = started + timeout
        while MARK not in term.screen():
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{command[0]} showed no first screen within {timeout:.0f} s:\n{term.last_output()}")
            time.sleep(0.005)
        return time.perf_counter() - started


def measure(runs: int) -> dict[str, list[float]]:
    python = Path(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "station.sqlite"
        env = {"HOME": tmp, "DISPLAY": "", "WAYLAND_DISPLAY": "", "TEXTUAL_ANIMATIONS": "none"}
        app = [str(python.with_name("preview-tui")), "--database", str(db)]
        bare = [str(python), str(ROOT / "bench" / "bare_app.py")]
        time_to_screen(app, cwd=ROOT, env=env)  # creates and migrates the database; warms the file cache
        time_to_screen(bare, cwd=ROOT, env=env)
        times: dict[str, list[float]] = {"bare": [], "app": []}
        for _ in range(runs):  # interleaved, so both see the same machine load
            times["bare"].append(time_to_screen(bare, cwd=ROOT, env=env))
            times["app"].append(time_to_screen(app, cwd=ROOT, env=env))
        return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    times = measure(args.runs)
    bare, app = statistics.median(times["bare"]), statistics.median(times["app"])
    print(f"bare Textual app: median {bare * 1000:.0f} ms  (min {min(times['bare']) * 1000:.0f}, max {max(times['bare']) * 1000:.0f}, {args.runs} runs)")
    print(f"preview-tui demo: median {app * 1000:.0f} ms  (min {min(times['app']) * 1000:.0f}, max {max(times['app']) * 1000:.0f}, {args.runs} runs)")
    print(f"ratio preview-tui / bare: {app / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
