"""A report from the real central PostgreSQL database after a real sync of two stations."""

import pytest

from preview_tui.db.store import Store
from preview_tui.report import build_report
from preview_tui.report.source import fetch_sessions
from preview_tui.sync.engine import sync
from report_helpers import POST_DEFAULT, afternoon, session

pytestmark = pytest.mark.real


def numbers(report):
    return (
        report.n,
        {q.id: [b.count for b in q.bars] for q in report.questions},
        [(c.cell, c.count) for c in report.quotas],
        [(t.label, t.n, t.mean, t.sd) for clip in report.clips for t in [clip.overall, *clip.split]],
    )


async def test_report_from_the_central_database_counts_every_station_once(tmp_path, central_url):
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    info = await afternoon(tmp_path / "study", first)
    study = info["study"]
    await afternoon(tmp_path / "study2", second)  # a second station with the same afternoon
    async with Store(second) as store:
        extra = await session(study, store, "B-X", {"age_band": 3, "gender": 2}, dial=[10] * 40, post={**POST_DEFAULT, "recommend": 0})
    for db in (first, second):
        report = await sync(db, central_url)
        assert not report.conflicts and not report.rejected

    plain = central_url.replace("postgresql+asyncpg://postgres@", "postgresql://postgres:secret@")  # the test cluster trusts any password
    central = build_report(study, await fetch_sessions(plain, "rs"), split_by="gender")
    one = build_report(study, await fetch_sessions(first, "rs"), split_by="gender")
    assert central.n == 2 * one.n + 1 and central.withdrawn == 2
    assert central.source.startswith("central database 127.0.0.1:") and "secret" not in central.source and "postgres@" not in central.source
    recommend = {q.id: q for q in central.questions}["recommend"]
    assert recommend.bars[0].count == 1 and [b.count for b in recommend.bars[1:]] == [2 * b.count for b in {q.id: q for q in one.questions}["recommend"].bars[1:]]
    assert central.clips[0].overall.n == 2 * one.clips[0].overall.n + 1
    assert dict((label, n) for label, n in central.outcomes)["completed"] == 11

    # The extra participant withdraws on their station: after the next sync the centre no longer counts them.
    async with Store(second) as store:
        await store.withdraw(extra.session_id)
    await sync(second, central_url)
    after = build_report(study, await fetch_sessions(central_url, "rs"), split_by="gender")
    doubled = build_report(study, await fetch_sessions(first, "rs"), split_by="gender")
    assert after.withdrawn == 3
    # Two identical stations: every count doubles, the means are those of one station.
    assert numbers(after)[0] == 2 * numbers(doubled)[0]
    assert numbers(after)[1] == {k: [2 * c for c in v] for k, v in numbers(doubled)[1].items()}
    assert [(label, n) for label, n, _, _ in numbers(after)[3]] == [(label, 2 * n) for label, n, _, _ in numbers(doubled)[3]]
    for (_, _, central_mean, _), (_, _, station_mean, _) in zip(numbers(after)[3], numbers(doubled)[3]):
        assert central_mean == pytest.approx(station_mean)
    with_test = build_report(study, await fetch_sessions(central_url, "rs", include_test=True))
    assert with_test.n == after.n + 2 and with_test.include_test  # one pilot per station
    # The same from the command line, and a clear line when the centre cannot be reached.
    import subprocess
    import sys
    from pathlib import Path

    command = [str(Path(sys.executable).with_name("preview-tui")), "report", "--study", str(tmp_path / "study")]
    out = subprocess.run([*command, "--db", plain], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "completed                           10" in out.stdout and "withdrawn (erased, not counted)      3" in out.stdout
    from pg import free_port

    down = subprocess.run([*command, "--db", f"postgresql://postgres@127.0.0.1:{free_port()}/x"], capture_output=True, text=True, timeout=120)
    assert down.returncode == 1 and "cannot be reached: connection refused" in down.stderr and len(down.stderr.splitlines()) == 1
