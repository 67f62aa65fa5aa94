"""The store's frequent writes (direct.py) against real SQLite files.

They run hand-written statements on the kept aiosqlite connection, beside the
ORM's writes on other connections: both must store rows the same way, chain
one audit log, and fail without losing or half-writing anything.
"""

import sqlite3
import uuid

import pytest

from conftest import rows
from preview_tui.db import audit
from preview_tui.db.audit import verify
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store, StoreError
from preview_tui.seal import Sealer


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "station.sqlite"
    upgrade(path)
    return path


async def test_direct_rows_read_back_like_the_orms(db):
    async with Store(db) as st:
        sid = await st.create_session(study_id="s1", station="st", code="P1")  # written by the ORM
        values = {"age": 34, "genres": ["drama", "comedy"], "score": 7.5, "whole": 12.0, "note": "naïve « ok »", "nothing": None, "money": Sealer.throwaway().seal(3)}
        await st.save_answers(sid, "survey", values, sensitive={"money": "finances"}, events=[("order_shown", {"what": "options", "of": "genres", "order": [1, 0]})], page_id="p1")
        await st.record_event(sid, "clip_started", step_id="trailer", media_ms=0, mono=12.5, detail={"play": 1})
        assert await st.answers(sid) == values
        events = await st.events(sid)
        assert [(e.kind, e.step_id, e.session_id) for e in events] == [("order_shown", "survey", sid), ("clip_started", "trailer", sid)]
        assert events[1].media_ms == 0 and events[1].mono == 12.5 and events[1].at.tzinfo is not None
        progress = await st.saved_progress(sid)
        assert progress.pages_left == {"p1"} and progress.orders_recorded == {"options:genres"}
    # Same text forms in the file as the ORM's rows: ids as 32 hex digits, times as SQLite's datetime text.
    (session_hex, started), = rows(db, "select id, started_at from sessions")
    stored = rows(db, "select session_id, answered_at, sensitive from answers where question_id = 'money'")
    assert stored[0][0] == session_hex == sid.hex
    assert len(stored[0][1]) == len(started) and stored[0][1][10] == started[10] == " "
    assert stored[0][2] == "finances"
    assert verify(db).ok


async def test_two_stores_on_one_file_keep_one_chain(db):
    """A CLI command writing beside the running app: each store's cached head goes stale and is read again."""
    async with Store(db) as app, Store(db) as cli:
        sid = await app.create_session(study_id="s1", station="st", code="P1")
        for i in range(6):
            await app.save_answers(sid, "survey", {f"q{i}": i}, page_id=f"p{i}")  # direct path
            await cli.import_invitations("s1", [f"CODE-{i}"])  # ORM path, on another connection
            await cli.record_event(sid, "note", detail={"i": i})  # direct path of the other store
            await app.set_language(sid, "fr" if i % 2 else "en")  # ORM path
    report = verify(db)
    assert report.ok, report.problems
    seqs = [s for (s,) in rows(db, "select seq from audit_log order by seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert rows(db, "select seq, hash from audit_head") == rows(db, "select seq, hash from audit_log order by seq desc limit 1")


def test_the_file_refuses_an_entry_that_is_not_on_top_of_the_head(db):
    con = sqlite3.connect(db)
    at = "2026-01-01 00:00:00.000000"
    ok_hash = audit.entry_hash(1, at, None, "note", None, None, audit.GENESIS)
    with pytest.raises(sqlite3.IntegrityError, match="audit log head moved"):
        con.execute("insert into audit_log (seq, at, kind, prev, hash) values (2, ?, 'note', ?, ?)", (at, audit.GENESIS, "a" * 64))  # skips seq 1
    with pytest.raises(sqlite3.IntegrityError, match="audit log head moved"):
        con.execute("insert into audit_log (seq, at, kind, prev, hash) values (1, ?, 'note', ?, ?)", (at, "b" * 64, ok_hash))  # wrong prev
    con.execute("insert into audit_log (seq, at, kind, prev, hash) values (1, ?, 'note', ?, ?)", (at, audit.GENESIS, ok_hash))
    assert con.execute("select seq, hash from audit_head").fetchall() == [(1, ok_hash)]
    con.rollback()
    con.close()


async def test_a_full_disk_loses_nothing_and_the_session_goes_on(db):
    async with Store(db) as st:
        sid = await st.create_session(study_id="s1", station="st", code="P1")
        await st.save_answers(sid, "survey", {"q1": "kept"}, page_id="p1")
        # The kept connection may grow the file no further: the next page does not fit.
        pages = rows(db, "pragma page_count")[0][0]
        await st._direct._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="disk is full"):
            await st.save_answers(sid, "survey", {"q2": "x" * 200_000}, page_id="p2")
        assert await st.answers(sid) == {"q1": "kept"}
        await st._direct._db.execute("PRAGMA max_page_count = 1073741823")
        await st.save_answers(sid, "survey", {"q2": "retried"}, page_id="p2")
        assert await st.answers(sid) == {"q1": "kept", "q2": "retried"}
    report = verify(db)
    assert report.ok, report.problems


async def test_an_unknown_session_is_refused_and_writes_nothing(db):
    async with Store(db) as st:
        before = rows(db, "select count(*) from audit_log")
        with pytest.raises(StoreError):
            await st.save_answers(uuid.uuid4(), "survey", {"q1": 1}, page_id="p1")
        assert rows(db, "select count(*) from audit_log") == before
        assert rows(db, "select count(*) from answers") == [(0,)]


async def test_a_page_is_saved_in_one_trip_to_the_database_thread(db, monkeypatch):
    """A page's answers, events, audit entries and the commit: one call into aiosqlite's thread."""
    import aiosqlite

    trips = []
    original = aiosqlite.Connection._execute  # not public API: the pin in pyproject.toml and this test guard it

    async def counted(self, fn, *args, **kwargs):
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    async with Store(db) as st:
        sid = await st.create_session(study_id="s1", station="st", code="P1")
        await st.save_answers(sid, "survey", {"warm": 0}, page_id="p0")  # the kept connection is opened here
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        await st.save_answers(sid, "survey", {"q1": 1, "q2": "two"}, clear=["warm"], events=[("order_shown", {"what": "pages"})], page_id="p1")
        assert trips == ["_in_transaction"]
        await st.record_event(sid, "clip_shown", step_id="trailer", closes_step=True)
        assert trips == ["_in_transaction"] * 2
        assert await st.answers(sid) == {"q1": 1, "q2": "two"}
    assert verify(db).ok
