"""The benchmarks run and print their figures (the figures themselves are read by people, not asserted)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.real
def test_startup_benchmark_measures_the_app_the_seat_and_the_bare_app():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "startup.py"), "--runs", "1"], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    lines = dict(line.split(":", 1) for line in out.strip().splitlines())
    assert set(lines) == {"bare Textual app", "preview-tui demo", "preview-tui seat", "first start (study checked, database made)", "ratio preview-tui / bare", "ratio seat / bare"}
    assert float(lines["ratio preview-tui / bare"].split()[0]) > 0
    assert float(lines["ratio seat / bare"]) > 0


def test_answer_latency_benchmark_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "answer_latency.py"), "--answers", "20"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    figures = dict(line.split(":", 1) for line in proc.stdout.strip().splitlines())
    for name in ("store (save_answers)", "raw sqlite3, one row", "raw sqlite3, same work"):
        assert "20 answers" in figures[name]
    assert float(figures["ratio to raw sqlite3, same work"].split("p50")[1].split(",")[0]) > 0


def test_export_csv_benchmark_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "export_csv.py"), "--participants", "300", "--repeat", "1", "--from-database"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    figures = dict(line.split(":", 1) for line in proc.stdout.strip().splitlines())
    assert figures["participants x variables"].strip() == "300 x 100"
    assert float(figures["ratio preview-tui / pandas"]) > 0


@pytest.mark.real
def test_frame_timing_benchmark_reads_the_frames_and_prints_the_errors():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "frame_timing.py"), "--seconds", "2"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "frames displayed:" in out and "unreadable" in out
    for name in ("clock vs frame shown", "libVLC's last report", "dial samples vs screen"):
        assert f"error |ms|, {name}:" in out and "p95" in out, out


@pytest.mark.real
def test_room_benchmark_runs_a_tiny_room_and_prints_every_figure():
    """Two terminal seats, a 4 s clip and two tabs: every figure's line is printed, with numbers."""
    import re

    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "room.py"), "--seats", "2", "--seconds", "4", "--tabs", "2", "--idle", "1.5", "--timeout", "60"],
        capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    number = r"\d+(?:\.\d+)?"
    expected = {
        "1 sample time error vs frame shown": rf"p50 {number}  p95 {number}  p99 {number}  max {number} \(n=[1-9]\d* of",
        "2 dropped samples": r": \d+ of [1-9]\d* expected \(2 seats",
        "3 key to trace latency": rf"p99 {number}  max {number} \(n=[1-9]\d* of",
        "4 tabs interactive": rf"p50 {number} max {number} total {number} \(2 of 2 tabs",
        "5 per seat, waiting for the start": rf"mean {number} max {number}; RSS MB mean {number} max {number}",
        "5 per seat, waiting on the clip": rf"mean {number} max {number}; RSS MB mean {number}",
        "5 per seat, during the clip": rf"mean {number} max {number}; RSS MB mean {number}",
        "machine during the clip": rf"CPUs {number}% busy; load {number}",
    }
    for start, pattern in expected.items():
        line = next((line for line in out.splitlines() if line.startswith(start)), None)
        assert line is not None, (start, out, proc.stderr[-2000:])
        assert re.search(pattern, line) and "nan" not in line, (line, pattern)


@pytest.mark.real
def test_memory_benchmark_walks_a_session_and_prints_the_peak_with_the_goal():
    """A tiny study, two pages of the real app in tmux: the peak RSS is read from /proc and printed with the goal."""
    import re

    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "memory.py"), "--questions", "40", "--pages", "2"], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = dict(line.split(":", 1) for line in proc.stdout.strip().splitlines())
    assert figures["study"].strip() == "40 questions, 4 pages"
    assert figures["session"].strip().startswith("2 pages in ")
    bare = float(figures["bare Textual app, peak RSS (VmHWM)"].split()[0])
    first = float(figures["preview-tui, RSS at the first page"].split()[0])
    peak = re.fullmatch(r" (\d+\.\d) MB \(goal: 150 MB or less: (met|NOT met)\)", figures["preview-tui, peak RSS (VmHWM)"])
    assert peak, figures
    assert 0 < bare < first <= float(peak.group(1))  # the app holds more than a bare Textual app, and its peak is at least what it held
    assert float(figures["ratio preview-tui / bare"]) > 1
