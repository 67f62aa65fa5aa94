"""The room benchmark's terminal seats: real seat processes in tmux, walked to the shared clip.

Each seat is ``python -m preview_tui seat`` of this checkout in a tmux pane
(``tests/tmux.py``'s :class:`TmuxSession` drives it, as the room's tests do).
The panes can share one tmux server (``shared=True``, one window a seat) or
have a server each: a tmux server costs a few MB and some CPU of its own, and
the benchmark is about the seats, so the lighter way is the default and the
servers' own cost is reported beside the seats'.

Seats are walked in parallel (a few threads): started all at once, 50 seat
processes take tens of seconds to draw their first screen on two cores, and a
walk one seat after the other would spend minutes waiting. The moderator's
"start" goes through :meth:`RoomDb.command`, as the room view sends it.

:func:`proc_usage` reads a process's resident memory and CPU time from
``/proc``, which is what the benchmark's per-seat figures are made of.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from room_helpers import join, press  # noqa: E402
from tmux import TmuxSession  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
WALKERS = 6  # threads walking seats at once (each polls its pane 20 times a second)


def seat_command(study: Path, db: Path, seat: str) -> list[str]:
    """This checkout's seat (the venv's console script would import another checkout's package)."""
    return [sys.executable, "-m", "preview_tui", "seat", "--study", str(study), "--database", str(db), "--seat", seat]


def seat_env(home: Path) -> dict[str, str]:
    return {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(home), "TEXTUAL_ANIMATIONS": "none", "PYTHONPATH": str(ROOT)}


class SeatTerminals:
    """Terminals for seats: windows of one tmux server, or one server each (``shared``)."""

    def __init__(self, *, cwd: Path, env: dict[str, str], shared: bool = True, cols: int = 80, rows: int = 24):
        self.cwd, self.env, self.shared, self.cols, self.rows = cwd, env, shared, cols, rows
        self.terms: list[TmuxSession] = []

    def open(self, name: str, command: list[str]) -> TmuxSession:
        term = TmuxSession(command, env=self.env, cwd=self.cwd, cols=self.cols, rows=self.rows, name=name)
        if not self.shared or not self.terms:
            term.start()
        else:
            first = self.terms[0]
            term.socket, term._socket_path, term._server_pid = first.socket, first._socket_path, first._server_pid
            # The same command line TmuxSession.start builds, as a new window of the first seat's server.
            argv = ["env", "-u", "COLUMNS", "-u", "LINES", *(f"{k}={v}" for k, v in term.env.items()), *command]
            term.pane = term._tmux("new-window", "-d", "-P", "-F", "#{pane_id}", "-t", f"{first.name}:", "-c", str(self.cwd), *argv).strip()
        self.terms.append(term)
        return term

    def server_pids(self) -> list[int]:
        pids = {t._server_pid for t in self.terms if t._server_pid}
        return sorted(pids)

    def close(self) -> None:
        for term in reversed(self.terms if not self.shared else self.terms[:1]):
            term.close()
        self.terms = []


def in_parallel(jobs: Iterable[Callable[[], object]], workers: int = WALKERS) -> list[object]:
    """Run the jobs on a few threads; the first failure is raised once all are done."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job) for job in jobs]
    return [f.result() for f in futures]


def wait_until(condition: Callable[[], object], timeout: float, what: str, poll: float = 0.1) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not after {timeout:g} s")
        time.sleep(poll)


def join_seat(term: TmuxSession, room, seat: str, join_code: str, code: str, timeout: float) -> None:
    """From the seat's first screen to the room's waiting screen (the moderator has not started it yet)."""
    term.wait_for("Room code", timeout=timeout)  # many seats starting at once: longer than join()'s own wait
    join(term, join_code, code)
    wait_until(lambda: (row := room.seat(seat)) is not None and row.status == "waiting", timeout, f"seat {seat} waiting")


def to_the_shared_clip(term: TmuxSession, timeout: float) -> None:
    """Language (English, the first) and consent, then the shared clip's screen, waiting for the room."""
    term.wait_for("Please choose your language", timeout=timeout)
    for _ in range(5):  # a seat's first Enter after the moderator's start is sometimes not taken (README, known issues)
        press(term, "Enter")
        try:
            term.wait_for("Do you agree?", timeout=4)
            break
        except AssertionError:
            continue
    term.wait_for("Do you agree?", timeout=timeout)
    press(term, "Enter")
    term.wait_for("watch the room's screen", timeout=timeout)


@dataclass(frozen=True)
class Usage:
    rss_kb: int
    cpu_s: float  # user + system since the process started
    pss_kb: int = 0  # the process's share of its pages: libraries shared by all seats count once in the sum


def proc_usage(pid: int, *, pss: bool = False) -> Usage | None:
    """VmRSS and utime+stime of a running process (and its PSS, which costs a walk of its mappings); None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text() if pss else ""
    except OSError:
        return None
    rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    shared = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    fields = stat.rpartition(")")[2].split()  # the name in parentheses may hold spaces
    return Usage(rss, (int(fields[11]) + int(fields[12])) / CLK_TCK, shared)  # fields 14 and 15 of proc(5)


def usage_of(pids: Iterable[int], *, pss: bool = False) -> dict[int, Usage]:
    out = {}
    for pid in pids:
        u = proc_usage(pid, pss=pss)
        if u is not None:
            out[pid] = u
    return out


def parents() -> dict[int, int]:
    """Every process's parent, from /proc."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out[int(entry.name)] = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    return out


def descendants(pid: int, tree: dict[int, int] | None = None) -> set[int]:
    tree = parents() if tree is None else tree
    out, grew = set(), True
    while grew:
        fresh = {child for child, parent in tree.items() if (parent == pid or parent in out) and child not in out}
        out |= fresh
        grew = bool(fresh)
    return out


def test_runs() -> int:
    """Test runs (pytest processes) on the machine: another suite's load is in every figure."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            count += any(Path(a.decode(errors="replace")).name == "pytest" for a in argv)
    return count


class TestRunWatch(threading.Thread):
    """The most test runs seen on the machine at once during the benchmark (one that came and went is in the figures too)."""

    def __init__(self, every_s: float = 2.0):
        super().__init__(name="test-run-watch", daemon=True)
        self.every_s, self.most = every_s, test_runs()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every_s):
            self.most = max(self.most, test_runs())

    def stop(self) -> int:
        self._stop_event.set()
        return self.most


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


class Window:
    """CPU and memory of a set of processes over a stretch of time, and the machine's."""

    def __init__(self, pids: Iterable[int]):
        self.pids = list(pids)
        self.start_mono = time.monotonic()
        self.before = usage_of(self.pids)
        self.machine_before = machine_busy()
        self.after: dict[int, Usage] = {}
        self.seconds = 0.0
        self.machine = 0.0  # the machine's CPUs busy, 0..1
        self.load = ""

    def close(self) -> Window:
        self.after = usage_of(self.pids, pss=True)
        self.seconds = time.monotonic() - self.start_mono
        busy, total = machine_busy()
        db, dt = busy - self.machine_before[0], total - self.machine_before[1]
        self.machine = db / dt if dt else 0.0
        self.load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        return self

    def per_process(self) -> list[tuple[int, float, Usage]]:
        """(pid, CPU seconds in the window, usage at its end) of each process alive at both ends."""
        return [(pid, self.after[pid].cpu_s - self.before[pid].cpu_s, self.after[pid]) for pid in self.pids if pid in self.before and pid in self.after]
