"""Sync against a real PostgreSQL cluster started by the tests (tests/pg.py)."""

import asyncio
import shutil
import sqlite3

import pytest

from preview_tui.sync.engine import SyncError, sync
from sync_helpers import central_data, fill_station, normalise, outbox_states, requeue_all, station_data, union

pytestmark = pytest.mark.real


def dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


async def test_three_stations_merge_without_collisions(tmp_path, central_url):
    dbs = [tmp_path / f"st{i}.sqlite" for i in range(3)]
    for i, db in enumerate(dbs):
        await fill_station(db, station=f"st{i}", sessions=6, seed=i)
    reports = [await sync(db, central_url) for db in dbs]
    assert all(r.total > 0 and not r.conflicts and not r.rejected for r in reports)
    central, counts = await central_data(dsn(central_url))
    expected = normalise(union(*(station_data(db) for db in dbs)))
    assert central == expected
    assert counts == {t: len(rows) for t, rows in expected.items()}  # no duplicates
    assert counts["sessions"] == 18 and counts["audit_log"] > 18
    for db in dbs:
        assert outbox_states(db) == {}  # every entry acknowledged, and pruned


async def test_second_sync_sends_only_what_is_new_and_resend_changes_nothing(tmp_path, central_url):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=3)
    first = await sync(db, central_url)
    assert first.total > 0
    again = await sync(db, central_url)
    assert again.total == 0
    # Sending everything a second time (as after a crash before the station noted the commit) changes nothing.
    requeue_all(db)
    before = await central_data(dsn(central_url))
    resent = await sync(db, central_url)
    assert resent.total == sum(len(rows) for rows in station_data(db).values()) and not resent.conflicts
    assert await central_data(dsn(central_url)) == before
    # New work after a sync: only that goes.
    await fill_station(db, station="a", sessions=1, seed=9)
    newer = await sync(db, central_url)
    assert 0 < newer.total < first.total
    central, _ = await central_data(dsn(central_url))
    assert central == normalise(station_data(db))


async def test_changed_answer_and_status_replace_older_revision(tmp_path, central_url):
    from preview_tui.db import models as m
    from preview_tui.db.store import Store

    db = tmp_path / "st.sqlite"
    (sid,) = await fill_station(db, station="a", sessions=1)
    await sync(db, central_url)
    async with Store(db) as store:
        await store.reopen(sid)
        await store.save_answers(sid, "post", {"rating": 99}, clear=["comment"])
        await store.finish(sid, m.ABANDONED)
    report = await sync(db, central_url)
    assert not report.conflicts
    central, _ = await central_data(dsn(central_url))
    assert central == normalise(station_data(db))
    assert any(a[2] == "rating" and a[3] == "99" for a in central["answers"])
    assert not any(a[2] == "comment" for a in central["answers"])


async def test_conflict_is_reported_and_kept_aside(tmp_path, central_url):
    """Two stations with the same session (a copied file) change it differently: same revision, other content."""
    from preview_tui.db.store import Store

    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    (sid,) = await fill_station(a, station="a", sessions=1)
    await sync(a, central_url)
    shutil.copy(a, b)
    async with Store(a) as store:
        await store.save_answers(sid, "post", {"rating": 1})
    async with Store(b) as store:
        await store.save_answers(sid, "post", {"rating": 7})
    assert not (await sync(a, central_url)).conflicts
    report = await sync(b, central_url)
    assert any(c.table == "answers" for c in report.conflicts)
    central, _ = await central_data(dsn(central_url))
    assert any(x[2] == "rating" and x[3] == "1" for x in central["answers"])  # station a's answer stands
    import asyncpg

    conn = await asyncpg.connect(dsn(central_url))
    try:
        kept = await conn.fetch("select table_name, reason, incoming from sync_conflicts where table_name = 'answers'")
    finally:
        await conn.close()
    import json

    assert len(kept) == 1 and json.loads(kept[0]["incoming"])["value"] == 7 and "same id and revision" in kept[0]["reason"]
    assert outbox_states(b).get("conflict", 0) >= 1
    # The conflict is not sent again and again.
    assert not (await sync(b, central_url)).conflicts


@pytest.mark.parametrize("order", ["withdrawal_first", "copy_first"])
async def test_withdrawal_erases_centrally_and_is_not_resurrected(tmp_path, central_url, order):
    from preview_tui.db.store import Store

    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    gone, kept = await fill_station(a, station="a", sessions=2)
    await sync(a, central_url)
    shutil.copy(a, b)  # another station holds the same records (a restored copy)
    requeue_all(b)
    async with Store(a) as store:
        await store.withdraw(gone)
    if order == "withdrawal_first":
        await sync(a, central_url)
        await sync(b, central_url)
    else:
        await sync(b, central_url)
        await sync(a, central_url)
    central, _ = await central_data(dsn(central_url))
    assert gone.hex not in {s[0] for s in central["sessions"]}
    assert not any(x[1] == gone.hex for x in central["answers"] | central["events"])
    assert kept.hex in {s[0] for s in central["sessions"]}
    assert (gone.hex,) in central["tombstones"]


async def test_server_unreachable_says_why_and_loses_nothing(tmp_path, pg_cluster):
    from pg import free_port

    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=1)
    url = pg_cluster.url("postgres", port=free_port())
    queued = outbox_states(db)
    assert set(queued) == {"pending"} and queued["pending"] > 0
    with pytest.raises(SyncError) as err:
        await sync(db, url, attempts=2, backoff=0.01)
    text = err.value.explain()
    assert "cannot be reached" in text and "Nothing is lost" in text and "Next try" in text
    assert outbox_states(db) == queued  # every entry still pending: none marked sent, none pruned


async def test_wrong_database_stops_at_once(tmp_path, pg_cluster):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=1)
    slept = []

    async def no_sleep(s):
        slept.append(s)

    with pytest.raises(SyncError) as err:
        await sync(db, pg_cluster.url("no_such_db"), sleep=no_sleep)
    assert "no database 'no_such_db'" in str(err.value)
    assert slept == []  # credentials and missing databases are not retried


async def test_one_sync_at_a_time(tmp_path, central_url):
    from preview_tui.sync.engine import station_lock

    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=1)
    with station_lock(db):
        with pytest.raises(SyncError, match="already running"):
            await sync(db, central_url)
    assert (await sync(db, central_url)).total > 0


def run_cli(*args, env_url=None, cwd=None):
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("PREVIEW_TUI_CENTRAL_DATABASE", None)
    if env_url:
        env["PREVIEW_TUI_CENTRAL_DATABASE"] = env_url
    return subprocess.run([sys.executable, "-m", "preview_tui", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


async def test_cli_sync_prints_summary_then_nothing_new(tmp_path, central_url):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=2)
    first = await asyncio.to_thread(run_cli, "--database", str(db), "sync", env_url=central_url)
    assert first.returncode == 0, first.stderr
    assert "Sent" in first.stdout and "Traceback" not in first.stderr
    second = await asyncio.to_thread(run_cli, "--database", str(db), "sync", "--no-progress", env_url=central_url)
    assert second.returncode == 0 and "Nothing new" in second.stdout


async def test_cli_sync_from_config_and_bad_urls(tmp_path, demo_study, central_url):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=1)
    missing = await asyncio.to_thread(run_cli, "--study", str(demo_study), "--database", str(db), "sync")
    assert missing.returncode == 1 and "no central database is set" in missing.stderr
    config = demo_study / "config.yaml"
    config.write_text(config.read_text().replace("station:\n", f"station:\n  central_database: {central_url}\n", 1))
    from_config = await asyncio.to_thread(run_cli, "--study", str(demo_study), "--database", str(db), "sync")
    assert from_config.returncode == 0, from_config.stderr
    wrong = await asyncio.to_thread(run_cli, "--database", str(db), "sync", env_url="mysql://x@y/z")
    assert wrong.returncode == 1 and "must be PostgreSQL" in wrong.stderr and "Traceback" not in wrong.stderr


async def test_quota_counts_include_every_station_and_fall_back_offline(tmp_path, central_url, pg_cluster):
    from pg import free_port
    from preview_tui.sync.quotas import QuotaOffline, central_completed_counts, local_counts

    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    await fill_station(a, station="a", sessions=5, seed=1)
    await fill_station(b, station="b", sessions=7, seed=2)
    await sync(b, central_url)
    _, mine = local_counts(a, "demo")
    _, theirs = local_counts(b, "demo")
    both = await central_completed_counts(central_url, "demo", station_db=a)
    assert both.source == "central+local" and both.counts[None] == mine[None] + theirs[None]
    by_gender = await central_completed_counts(central_url, "demo", station_db=a, by="gender")
    assert sum(by_gender.counts.values()) == both.counts[None] and set(by_gender.counts) <= {"f", "m", "x"}
    down = pg_cluster.url("postgres", port=free_port())
    alone = await central_completed_counts(down, "demo", station_db=a)
    assert alone.source == "local" and alone.counts[None] == mine[None] and "cannot be reached" in alone.reason
    with pytest.raises(QuotaOffline, match="cannot be reached"):
        await central_completed_counts(down, "demo", station_db=a, offline="closed")


async def test_a_refused_record_is_kept_aside_and_the_others_go(tmp_path, central_url):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=3)
    # An answer whose session the station does not hold (written behind the store's back):
    # the central database refuses it (foreign key), the rest of its batch must still arrive.
    con = sqlite3.connect(db)
    con.execute("insert into answers (id, session_id, survey_id, question_id, value, answered_at, revision) values ('ffffffffffffffffffffffffffffffff', 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'post', 'orphan', '1', '2026-01-01 00:00:00', 1)")
    con.commit()
    con.close()
    report = await sync(db, central_url)
    assert [(r.table, r.key) for r in report.rejected] == [("answers", "ffffffffffffffffffffffffffffffff")]
    assert "foreign key" in report.rejected[0].reason
    central, _ = await central_data(dsn(central_url))
    expected = normalise(station_data(db))
    assert central["answers"] == {a for a in expected["answers"] if a[2] != "orphan"}
    assert central["sessions"] == expected["sessions"] and central["audit_log"] == expected["audit_log"]
    assert outbox_states(db).get("rejected") == 1
    assert not (await sync(db, central_url)).rejected  # kept aside, not sent again


async def test_triggers_lost_to_a_table_rebuild_are_restored_and_nothing_is_missed(tmp_path, central_url):
    from preview_tui.db.store import Store

    db = tmp_path / "st.sqlite"
    (sid,) = await fill_station(db, station="a", sessions=1)
    await sync(db, central_url)
    con = sqlite3.connect(db)
    con.execute("drop trigger sync_outbox_answers_insert")
    con.commit()
    con.close()
    async with Store(db) as store:
        await store.save_answers(sid, "late", {"extra": 5})  # not queued: its trigger is gone
    await sync(db, central_url)
    central, _ = await central_data(dsn(central_url))
    assert central == normalise(station_data(db))


async def test_a_batch_on_its_way_writes_nothing_on_the_station_and_the_app_goes_on(tmp_path, central_url, monkeypatch):
    """Taking a batch writes nothing: while the centre writes it the station's outbox is as it was, no write lock
    is held, and what the app writes meanwhile is sent by this sync or the next."""
    from preview_tui.db.store import Store
    from preview_tui.sync import writes

    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=4)
    before = outbox_states(db)
    arrived, release = asyncio.Event(), asyncio.Event()
    apply = writes.CentralWrites.apply

    async def held(self, cols, rows, gone):
        if not arrived.is_set():
            arrived.set()
            await release.wait()
        return await apply(self, cols, rows, gone)

    monkeypatch.setattr(writes.CentralWrites, "apply", held)
    run = asyncio.create_task(sync(db, central_url, batch_size=7))
    await asyncio.wait_for(arrived.wait(), 30)
    assert outbox_states(db) == before  # nothing marked, nothing deleted yet
    con = sqlite3.connect(db, timeout=0)  # no waiting: a write lock held by the sync would fail this at once
    con.execute("BEGIN IMMEDIATE")
    con.execute("ROLLBACK")
    con.close()
    async with Store(db) as store:  # the app writes while the batch is on its way
        sid = (await store.list_sessions())[0].id
        await asyncio.wait_for(store.save_answers(sid, "late", {"extra": 42}), 30)
    release.set()
    first = await run
    assert first.total > 0 and not first.conflicts
    await sync(db, central_url)
    assert outbox_states(db) == {}
    central, _ = await central_data(dsn(central_url))
    assert central == normalise(station_data(db))


async def test_entries_an_older_version_left_sent_go_again(tmp_path, central_url):
    db = tmp_path / "st.sqlite"
    await fill_station(db, station="a", sessions=2)
    con = sqlite3.connect(db)
    con.execute("UPDATE sync_outbox SET state = 'sent' WHERE seq % 2 = 0")  # a sync of that version killed mid-batch
    con.commit()
    con.close()
    report = await sync(db, central_url)
    assert report.total > 0 and outbox_states(db) == {}
    central, _ = await central_data(dsn(central_url))
    assert central == normalise(station_data(db))
