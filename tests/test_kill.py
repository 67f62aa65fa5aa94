"""Kill the station at random moments (SIGKILL), restart it, and check that nothing confirmed was lost.

The scripted participant (kill_driver.py) runs the real Flow and store on a
real SQLite file. Every answer it reported as confirmed must be in the file
after the kill, the audit chain must hold, and the next start must take up
the interrupted session rather than start another. ``PREVIEW_TUI_KILLS``
sets the number of kills (default 50).
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import rows
from preview_tui.db.audit import verify

DRIVER = Path(__file__).with_name("kill_driver.py")
KILLS = int(os.environ.get("PREVIEW_TUI_KILLS", "50"))


def run_until_killed(study: Path, db: Path, seed: int, delay: float) -> list[list[str]]:
    """Start the driver, kill it ``delay`` seconds after its first line, return what it printed."""
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(study), str(db), "K", str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    if not first:
        raise AssertionError(f"the driver died before starting: {proc.stderr.read()}")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, err
    return [line.split(" ", 3) for line in [first.strip(), *out.splitlines()] if line.strip()]


@pytest.mark.real
def test_every_confirmed_answer_survives_a_kill_and_the_session_resumes(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    rng = random.Random(20261122)
    confirmed: dict[tuple[str, str], object] = {}  # (session, question) -> value
    resumed = finished = 0
    open_session = None  # the session that was in progress when the last kill came
    for kill in range(KILLS):
        lines = run_until_killed(demo_study, db, seed=kill, delay=rng.uniform(0.0, 0.6))
        first = lines[0]
        if open_session is not None:  # an interrupted session must be taken up, not a new one started
            assert first[0] == "RESUMED" and first[1] == open_session, (kill, first, open_session)
            resumed += 1
        open_session = None
        for line in lines:
            if line[0] == "CONFIRMED":
                _, sid, _page, values = line
                confirmed.update({(sid, q): v for q, v in json.loads(values).items()})
            if line[0] in ("STARTED", "RESUMED"):
                open_session = line[1]
            if line[0] == "FINISHED":
                open_session = None
                finished += 1
        stored = {(sid, q): json.loads(v) if isinstance(v, str) and v[:1] in '["' else v for sid, q, v in rows(db, "select session_id, question_id, value from answers")}
        missing = {k: v for k, v in confirmed.items() if stored.get(k) != v}
        assert not missing, f"kill {kill}: confirmed answers not in the file: {missing}"
        report = verify(db)
        assert report.ok, (kill, report.problems)
        status = rows(db, "select status, count(*) from sessions group by status")
        assert dict(status).get("in_progress", 0) <= 1, status
        if open_session is None:  # killed between sessions: nothing may be left in progress
            assert dict(status).get("in_progress", 0) == 0, status
    print(f"{KILLS} kills, {resumed} resumed sessions, {finished} sessions finished, {len(confirmed)} confirmed answers, none lost")
    assert resumed >= KILLS // 3  # the kills did land inside sessions
