"""Station side of sync: revisions bump on updates, every write lands in the outbox."""

import uuid

from preview_tui.db import models as m
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store

from conftest import rows


async def test_writes_queue_in_outbox_and_bump_revisions(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        sid = await store.create_session(study_id="s", station="a", code="P1")
        await store.set_language(sid, "en")
        await store.save_answers(sid, "q", {"age": 1, "film": "x"})
        await store.save_answers(sid, "q", {"age": 2})
        await store.record_event(sid, "shown", step_id="clip")
        await store.finish(sid, m.COMPLETED)
    hexid = sid.hex
    assert rows(db, f"select revision, status from sessions where id = '{hexid}'") == [(3, m.COMPLETED)]
    assert sorted(rows(db, "select question_id, revision from answers")) == [("age", 2), ("film", 1)]
    queued = rows(db, "select tbl, state from sync_outbox order by seq")
    assert {t for t, _ in queued} == {"sessions", "answers", "events", "audit_log"}
    assert all(state == "pending" for _, state in queued)
    assert sum(1 for t, _ in queued if t == "sessions") == 3  # created, language, finished
    assert sum(1 for t, _ in queued if t == "answers") == 3
    (station_id,) = rows(db, "select station_id from sync_state")[0]
    assert uuid.UUID(station_id)


async def test_withdrawal_queues_deletes_and_tombstone(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        sid = await store.create_session(study_id="s", station="a", code="P1")
        await store.save_answers(sid, "q", {"age": 1})
        await store.withdraw(sid)
    hexid = sid.hex
    keys = rows(db, "select tbl, key from sync_outbox where tbl in ('sessions', 'answers', 'tombstones')")
    assert ("tombstones", hexid) in keys
    assert rows(db, f"select count(*) from sessions where id = '{hexid}'") == [(0,)]


def test_migration_queues_rows_already_there(tmp_path):
    """A station upgraded from 0004 with data queues what it holds."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from preview_tui.db.migrate import MIGRATIONS

    db = tmp_path / "old.sqlite"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        conn.execute(sa.text("insert into sessions (id, study_id, station, status, is_test, started_at) values ('00000000000000000000000000000001', 's', 'a', 'completed', 0, '2026-01-01 00:00:00')"))
    engine.dispose()
    upgrade(db)
    assert rows(db, "select tbl, key, state from sync_outbox") == [("sessions", "00000000000000000000000000000001", "pending")]
    assert rows(db, "select revision from sessions") == [(1,)]
    names = {n for (n,) in rows(db, "select name from sqlite_master where type = 'trigger'")}
    assert "sync_outbox_answers_update" in names
