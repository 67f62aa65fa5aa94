"""What a sync says: records counted once however often they changed, what was already confirmed when the
server went away mid-sync, and no console retry time on the command line."""

from __future__ import annotations

import sqlite3

import pytest

from preview_tui.sync.engine import SyncError, Syncer
from sync_helpers import fill_station
from test_sync_faults import Proxy


def outbox_by_table(db) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT tbl, COUNT(*) FROM sync_outbox GROUP BY tbl").fetchall())
    finally:
        con.close()


def rows(db, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


@pytest.mark.real
async def test_a_record_changed_many_times_is_counted_once(tmp_path, central_url):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=4)
    entries = outbox_by_table(db)
    assert entries["sessions"] > rows(db, "sessions") == 4  # each session was written several times
    report = await Syncer(db, central_url).run()
    assert report.sent["sessions"] == 4 and report.sent["answers"] == rows(db, "answers")
    assert "4 sessions" in report.summary() and f"{entries['sessions']} sessions" not in report.summary()


@pytest.mark.real
async def test_a_server_gone_mid_sync_says_what_it_had_already_confirmed(tmp_path, central_url, pg_cluster):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=6)
    proxy = Proxy(pg_cluster.port)
    await proxy.up()
    url = pg_cluster.url(central_url.rsplit("/", 1)[1], port=proxy.port)
    confirmed = []

    def on_progress(done: int, total: int, table: str) -> None:
        if done and not confirmed:  # the first batch is in: the server goes away
            confirmed.append(done)
            proxy.server.close()
            proxy.cut()

    with pytest.raises(SyncError) as err:
        await Syncer(db, url, progress=on_progress, batch_size=5, attempts=1, backoff=0.01).run()
    assert confirmed
    console, command = err.value.explain(), err.value.explain(console=False)
    assert "Before it stopped, the central database confirmed" in command and "record(s) (" in command
    assert "Next try" in console and "Next try" not in command and "preview-tui sync" in command
    await proxy.down()
    report = await Syncer(db, central_url).run()  # the rest, and nothing sent twice
    assert report.total > 0 and sum(outbox_by_table(db).values()) == 0
