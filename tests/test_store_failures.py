"""A station file that cannot be used (locked by another program) fails as one error of ours, StoreUnavailable,
with a reason the moderator understands; nothing half written, nothing given lost; the same write works once
the file is free. On a real SQLite file, through the store and through the screens."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import OperationalError

from conftest import rows
from preview_tui.db import engine
from preview_tui.db.audit import verify
from preview_tui.db.failures import StoreError, StoreUnavailable, describe_failure
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.ui.moderator import ModeratorScreen
from test_walk_demo import ABOUT_YOU, make_app, walk

LOCKED = "the station database is locked by another program: close it, then try again"


@pytest.fixture
def db(tmp_path, monkeypatch):
    # A write waits this long for the lock instead of 5 s: the test stays short.
    monkeypatch.setattr(engine, "PRAGMAS", tuple(p for p in engine.PRAGMAS if "busy_timeout" not in p) + ("PRAGMA busy_timeout=50",))
    path = tmp_path / "station.sqlite"
    upgrade(path)
    return path


@contextmanager
def locked(path):
    """Another program holds the file's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_failure_of_ours_says_the_same_as_the_library_error_it_stands_for():
    library = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))
    ours = StoreUnavailable(describe_failure(library))
    assert ours.reason == describe_failure(ours) == str(ours) == LOCKED
    assert StoreError("database or disk is full").reason == "the station's disk is full: free some space, then try again"


async def test_a_locked_file_fails_every_kind_of_write_with_a_reason_and_loses_nothing(db):
    async with Store(db) as st:
        sid = await st.create_session(study_id="s1", station="st", code="P1")
        await st.save_answers(sid, "survey", {"q1": "kept"}, page_id="p1")
        with locked(db):
            with pytest.raises(StoreUnavailable) as through_session:
                await st.create_session(study_id="s1", station="st", code="P2")
            with pytest.raises(StoreUnavailable) as direct:
                await st.save_answers(sid, "survey", {"q2": "x"}, page_id="p2")
        for failure in (through_session.value, direct.value):
            assert failure.reason == LOCKED
            assert isinstance(failure.__cause__, (OperationalError, sqlite3.OperationalError))  # the library's error stays in the traceback
        assert rows(db, "select participant_code from sessions") == [("P1",)]
        assert await st.answers(sid) == {"q1": "kept"}
        await st.save_answers(sid, "survey", {"q2": "retried"}, page_id="p2")
        await st.create_session(study_id="s1", station="st", code="P2")
        assert await st.answers(sid) == {"q1": "kept", "q2": "retried"}
    report = verify(db)
    assert report.ok, report.problems


async def test_the_screens_tell_the_moderator_why_and_keep_the_participant_on_the_page(db, demo_study):
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        with locked(db):
            await walk(pilot, [*"P300", "enter"], wait=0.5)
            assert app.flow is None and isinstance(app.screen, ModeratorScreen)
            assert f"Could not start the session: {LOCKED}." in str(app.screen.query_one("#form-problem").render())
        app.screen.query_one("#code").focus()
        await walk(pilot, ["enter"], ["enter"], ["enter"])  # started once the file is free: language, consent
        assert app.flow is not None and app.flow.current.kind == "page"
        first = app.flow.current.page.id
        with locked(db):
            await walk(pilot, ABOUT_YOU, wait=0.5)
            assert app.flow.current.page.id == first  # not saved: the participant stays where they are
            assert any(f"Moderator: {LOCKED}." in str(n.message) for n in app._notifications)
        await walk(pilot, ["ctrl+n"], wait=0.5)
        assert app.flow.current.page.id != first
    answers = dict(rows(db, "select question_id, value from answers"))
    assert len(answers) >= 2  # the screener's answers, given while the file was locked, were saved on the retry
