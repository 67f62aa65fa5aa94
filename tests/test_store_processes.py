"""Several processes writing one station file at once (a screening room's seats): one audit chain, nothing refused."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from preview_tui.db.audit import verify
from preview_tui.db.migrate import upgrade

WRITER = """
import asyncio, sys, time
from pathlib import Path
from preview_tui.db.store import Store

async def main(db, n, start):
    async with Store(Path(db)) as store:
        sid = await store.create_session(study_id="s", station="room", code=sys.argv[4])
        while time.time() < start:
            await asyncio.sleep(0.001)
        for i in range(n):
            await store.record_event(sid, "clip_shown", step_id=f"step{i}", closes_step=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
"""


def test_seats_writing_at_the_same_moment_keep_one_audit_chain(tmp_path: Path):
    db = tmp_path / "room.sqlite"
    upgrade(db)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    start = time.time() + 2.0  # every process is running and connected before the first write
    procs = [subprocess.Popen([sys.executable, str(script), str(db), "25", str(start), f"P{i}"], stderr=subprocess.PIPE, text=True) for i in range(5)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in results), [err[-400:] for _, err in results]
    report = verify(db)
    assert report.ok, report.problems
    assert report.entries >= 5 * 25


def test_processes_starting_together_on_a_new_file_make_it_once(tmp_path: Path):
    db = tmp_path / "new" / "room.sqlite"
    start = time.time() + 1.5
    script = tmp_path / "opener.py"
    script.write_text("import sys, time\nfrom pathlib import Path\nfrom preview_tui.db.migrate import upgrade\nwhile time.time() < float(sys.argv[2]):\n    pass\nupgrade(Path(sys.argv[1]))\n")
    procs = [subprocess.Popen([sys.executable, str(script), str(db), str(start)], stderr=subprocess.PIPE, text=True) for _ in range(6)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in results), [err[-400:] for _, err in results]
    from preview_tui.db.migrate import HEAD, current_revision

    assert current_revision(db) == HEAD
    assert oct(db.stat().st_mode & 0o777) == "0o600"
