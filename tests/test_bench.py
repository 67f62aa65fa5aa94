"""The benchmark script runs (with a tiny study); the real figure comes from `python bench/load_validate.py`."""

import subprocess
import sys

from conftest import ROOT


def test_benchmark_script_runs_and_prints_the_ratio():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "load_validate.py"), "--questions", "40", "--repeat", "1"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "40 questions" in out.stdout and "ratio:" in out.stdout
