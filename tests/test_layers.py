import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_engine_store_and_playback_never_import_textual():
    lint = Path(__import__("sys").executable).with_name("lint-imports")
    out = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "KEPT" in out.stdout
