"""Memory: the resident set of the real ``preview-tui`` app through a session with a big study.

    python bench/memory.py [--questions 2000] [--pages N]

Writes the study ``bench/load_validate.py`` generates (every question type, three
languages, conditions and piping; ten questions a page), with every question made
optional so that a participant can go on without answering, and runs this
checkout's app (``python -m preview_tui``) in a tmux pane (``tests/tmux.py``). It
starts a session from the moderator's screen, chooses English, agrees to the
consent and goes through ``--pages`` pages (default: all of them, to the end).

It samples the app's VmRSS from ``/proc/<pid>/status`` while it walks and reads
VmHWM (the peak resident set the kernel recorded) at the end, and prints both
with the goal of 150 MB. In the same run it measures a bare Textual app the
same way, so the app's own share can be told from Textual's.
Exits 2 when tmux is missing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "bench", ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from load_validate import write_study  # noqa: E402
from room_seats import descendants  # noqa: E402
from tmux import TmuxSession  # noqa: E402

GOAL_MB = 150
BARE_APP = ROOT / "bench" / "bare_app.py"  # the start-up bench's baseline: a bare Textual app that draws one line


def optional_study(root: Path, questions: int) -> list[str]:
    """The generated study with every question optional; returns its pages' English titles, in the screening's order."""
    write_study(root, questions)
    titles = []
    for step in yaml.safe_load((root / "screens" / "main.yaml").read_text(encoding="utf-8"))["steps"]:
        path = root / "surveys" / f"{step['survey']}.yaml"
        survey = yaml.safe_load(path.read_text(encoding="utf-8"))
        for page in survey["pages"]:
            titles.append(page["title"]["en"])
            for q in page["questions"]:
                q["required"] = False
        path.write_text(yaml.safe_dump(survey, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return titles


def status_kb(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM); 0 once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else 0


def app_pid(term: TmuxSession, needle: str, timeout: float = 20.0) -> int:
    """The pid of the Python process under the pane's tmux server whose command line holds ``needle``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for pid in sorted(descendants(term._server_pid)):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "python" in cmdline and needle in cmdline:
                return pid
        time.sleep(0.05)
    raise RuntimeError(f"no process running {needle!r} under the tmux server")


class Sampler(threading.Thread):
    """VmRSS of one process every ``every`` seconds, keeping the largest seen."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb, self.samples = pid, every, 0, 0
        self.first_page_kb = 0  # VmRSS once the first page is shown: the study loaded, nothing answered yet
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            rss = status_kb(self.pid, "VmRSS")
            self.peak_kb, self.samples = max(self.peak_kb, rss), self.samples + 1
            self.done.wait(self.every)

    def stop(self) -> None:
        self.done.set()
        self.join()


def bare_app(env: dict[str, str], home: Path) -> int:
    """VmHWM (kB) of a bare Textual app once it has drawn its first screen."""
    with TmuxSession([sys.executable, str(BARE_APP)], env=env, cwd=home, cols=100, rows=30, name="bare") as term:
        term.wait_for("Participant code", timeout=30)
        time.sleep(0.5)
        return status_kb(app_pid(term, BARE_APP.name), "VmHWM")


def session(study: Path, db: Path, env: dict[str, str], titles: list[str], pages: int, timeout: float) -> tuple[int, Sampler]:
    """Walk the first ``pages`` pages (by their ``titles``); (VmHWM kB at the end, the sampler)."""
    command = [sys.executable, "-m", "preview_tui", "--database", str(db)]
    with TmuxSession(command, env=env, cwd=study, cols=100, rows=30, name="app") as term:
        term.wait_for("Participant code", timeout=timeout)
        sampler = Sampler(app_pid(term, "preview_tui"))
        sampler.start()
        try:
            term.send_text("MEM-1")
            term.send("Enter")
            term.wait_for("Please choose your language", timeout=timeout)
            term.send("Enter")  # English, the first
            term.wait_for("Before we begin", timeout=timeout)
            term.send("Enter")  # agree
            for n, title in enumerate(titles[:pages], 1):
                term.wait_for(re.compile(rf"{re.escape(title)}.*\[{n}/{len(titles)}\]", re.S), timeout=timeout)
                if n == 1:
                    sampler.first_page_kb = status_kb(sampler.pid, "VmRSS")
                term.send("C-n")
            term.wait_for("Thanks (en)" if pages == len(titles) else f"[{pages + 1}/{len(titles)}]", timeout=timeout)
            peak = status_kb(sampler.pid, "VmHWM")
        finally:
            sampler.stop()
    return peak, sampler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=None, help="pages to go through (default: every page, to the end)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for any one screen")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux is missing: ./dev test installs it", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        study = home / "study"
        titles = optional_study(study, args.questions)
        pages = len(titles) if args.pages is None else min(args.pages, len(titles))
        env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(home), "TEXTUAL_ANIMATIONS": "none", "PYTHONPATH": str(ROOT)}
        bare_kb = bare_app(env, home)
        started = time.monotonic()
        peak_kb, sampler = session(study, home / "station.sqlite", env, titles, pages, args.timeout)
        seconds = time.monotonic() - started
    mb = lambda kb: kb / 1024  # noqa: E731
    print(f"study: {args.questions} questions, {len(titles)} pages")
    print(f"session: {pages} pages in {seconds:.1f} s")
    print(f"bare Textual app, peak RSS (VmHWM): {mb(bare_kb):.1f} MB")
    print(f"preview-tui, RSS at the first page: {mb(sampler.first_page_kb):.1f} MB")
    print(f"preview-tui, largest RSS sampled: {mb(sampler.peak_kb):.1f} MB ({sampler.samples} samples)")
    print(f"preview-tui, peak RSS (VmHWM): {mb(peak_kb):.1f} MB (goal: {GOAL_MB} MB or less: {'met' if mb(peak_kb) <= GOAL_MB else 'NOT met'})")
    print(f"ratio preview-tui / bare: {peak_kb / bare_kb:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
