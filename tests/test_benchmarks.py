"""The benchmarks run and print their figures (the figures themselves are read by people, not asserted)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.real
def test_startup_benchmark_measures_both_apps():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "startup.py"), "--runs", "1"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    lines = dict(line.split(":", 1) for line in out.strip().splitlines())
    assert set(lines) == {"bare Textual app", "preview-tui demo", "ratio preview-tui / bare"}
    assert float(lines["ratio preview-tui / bare"]) > 0


def test_answer_latency_benchmark_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "answer_latency.py"), "--answers", "20"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    figures = dict(line.split(":", 1) for line in proc.stdout.strip().splitlines())
    assert "20 answers" in figures["store (save_answers)"] and "20 answers" in figures["raw sqlite3 commit"]
    assert float(figures["ratio p50"]) > 0


@pytest.mark.real
def test_sync_benchmark_runs_tiny():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "sync.py"), "--answers", "200"], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "throughput ratio sync/COPY" in proc.stdout and "incremental sync of 10 new answers after 200 sent" in proc.stdout
    ratio = float(proc.stdout.split("throughput ratio sync/COPY:")[1].split()[0])
    assert ratio > 0
