"""Export from the real central PostgreSQL after a real sync: the same rows as the stations', withdrawals erased."""

import csv
import subprocess
import sys

import pyreadstat
import pytest

from export_helpers import afternoon, export_study
from preview_tui.db.store import Store
from preview_tui.db.reader import Source
from preview_tui.export.run import export
from preview_tui.sync.engine import sync

pytestmark = pytest.mark.real


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["session_id"]: row for row in csv.DictReader(f)}


async def test_central_export_equals_the_stations_exports(tmp_path, central_url):
    study = export_study(tmp_path / "study")
    stations = [tmp_path / "one.sqlite", tmp_path / "two.sqlite"]
    ids = [await afternoon(db, study) for db in stations]
    for db in stations:
        assert not (await sync(db, central_url)).conflicts
    async with Store(stations[0]) as store:  # a participant withdraws after their answers reached the centre
        await store.withdraw(ids[0]["A"])
    assert not (await sync(stations[0], central_url)).conflicts

    expected = {}
    for i, db in enumerate(stations):
        await export(study, Source(db), tmp_path / f"station{i}", formats=("csv",))
        expected.update(read_csv(tmp_path / f"station{i}" / "tasting.csv"))
    assert len(expected) == 7  # A, B, C, F of each station, less the withdrawn A

    out = tmp_path / "central"
    proc = subprocess.run(
        [sys.executable, "-m", "preview_tui", "export", "--central", central_url.replace("+asyncpg", ""), "--format", "csv", "--format", "dta", "--out", str(out), "--no-progress"],
        cwd=tmp_path / "study", capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    central = read_csv(out / "tasting.csv")
    assert central == expected
    gone = {ids[0]["A"].hex} | {i[k].hex for i in ids for k in "DE"}
    for name in ("tasting_events.csv", "tasting_dial.csv"):
        with open(out / name, newline="", encoding="utf-8") as f:
            seen = {row["session_id"] for row in csv.DictReader(f)}
        assert seen == set(expected) and not seen & gone
    data, _ = pyreadstat.read_dta(out / "tasting.dta", user_missing=True)
    assert sorted(data["session_id"]) == sorted(expected)


async def test_a_central_database_no_station_has_synced_to_says_so(tmp_path, central_url):
    from preview_tui.db.reader import SourceError

    study = export_study(tmp_path / "study")
    with pytest.raises(SourceError, match="holds no preview-tui data yet"):
        await export(study, Source(central_url), tmp_path / "out")
    assert not (tmp_path / "out").exists()
