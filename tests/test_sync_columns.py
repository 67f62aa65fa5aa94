"""The station's rows as the central COPY takes them: times, booleans and JSON values converted, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from preview_tui.sync import tables as t
from preview_tui.sync.central import central_metadata
from preview_tui.sync.columns import Columns, utc_time


def _columns(table: str) -> Columns:
    return Columns(t.BY_NAME[table], central_metadata().tables[table])


def test_station_times_are_utc_with_or_without_a_zone_written():
    assert utc_time("2026-12-07 13:46:18.123456") == datetime(2026, 12, 7, 13, 46, 18, 123456, tzinfo=UTC)
    assert utc_time("2026-12-07 13:46:18") == datetime(2026, 12, 7, 13, 46, 18, tzinfo=UTC)
    # A zone written into the text does not move the time: the station's times are UTC (as before).
    assert utc_time("2026-12-07 13:46:18+02:00") == datetime(2026, 12, 7, 13, 46, 18, tzinfo=UTC)
    assert utc_time("2026-12-07 13:46:18.5").utcoffset().total_seconds() == 0


def test_answer_rows_become_copy_records():
    cols = _columns("answers")
    raw = {c: None for c in cols.station_cols} | {"id": "a" * 32, "session_id": "b" * 32, "value": 7, "answered_at": "2026-12-07 10:00:00.000001", "revision": 3}
    (record,) = cols.central_rows([tuple(raw[c] for c in cols.station_cols)], "c" * 32)
    got = dict(zip(cols.all_cols, record))
    assert got["value"] == "7"  # JSON that SQLite stored as a number goes as JSON text
    assert got["answered_at"] == datetime(2026, 12, 7, 10, 0, 0, 1, tzinfo=UTC)
    assert (got["id"], got["session_id"], got["revision"], got["origin_station"]) == ("a" * 32, "b" * 32, 3, "c" * 32)
    floats = cols.central_rows([tuple({**raw, "value": 0.1 + 0.2}[c] for c in cols.station_cols)], "c" * 32)
    assert dict(zip(cols.all_cols, floats[0]))["value"] == repr(0.1 + 0.2)


def test_session_booleans_are_booleans_as_postgresql_casts_integers_and_odd_values_are_left_for_the_centre():
    cols = _columns("sessions")
    base = {c: None for c in cols.station_cols} | {"id": "a" * 32, "started_at": "2026-12-07 10:00:00"}
    rows = [tuple({**base, "is_test": v, "rewards_opt_in": w}[c] for c in cols.station_cols) for v, w in ((0, 1), (1, None), (2, 0), ("yes", 0))]
    got = [dict(zip(cols.all_cols, r)) for r in cols.central_rows(rows, "c" * 32)]
    assert [(g["is_test"], g["rewards_opt_in"]) for g in got] == [(False, True), (True, None), (True, False), ("yes", False)]
    assert all(type(g["is_test"]) is bool for g in got[:3])
    assert got[0]["consented_at"] is None and got[0]["started_at"] == datetime(2026, 12, 7, 10, tzinfo=UTC)
