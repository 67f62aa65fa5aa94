"""The station's session service without any front end: start, pause, abandon, withdraw, the idle
rule, a page that could not be sealed, and what a sync tells the moderator. On a real SQLite file."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Participant
from preview_tui.seal import SealError
from preview_tui.station import Station
from preview_tui.station.sync_runner import reported, stopped
from preview_tui.survey.schema import StationSettings
from preview_tui.survey.study import load_study
from preview_tui.sync.engine import SyncReport
from preview_tui.sync.errors import SyncError
from studies import opts, page, q, write_study


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def study_in(root, study_id="t"):
    return load_study(write_study(
        root,
        [page("p1", q("g", "single", options=opts(1, 2)))],
        steps=[{"type": "survey", "survey": "s"}, {"type": "clip", "id": "trailer", "title": "Trailer", "file": "trailer.mp4"}],
        id=study_id,
    ))


@pytest.fixture
async def parts(tmp_path, monkeypatch):
    monkeypatch.delenv("PREVIEW_TUI_CENTRAL_DATABASE", raising=False)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        yield db, store, study_in(tmp_path / "s")


def station_of(store, study, clock=None, **settings):
    return Station(settings=StationSettings(name="t", **settings), study=study, store=store, **({"clock": clock} if clock else {}))


async def to_clip(flow):
    await flow.choose_language("en")
    await flow.consent(True)
    assert await flow.submit_page({"g": 1}) == []
    assert flow.current.kind == "clip"


async def test_start_pause_resume_and_abandon_marks_the_session_abandoned(parts):
    db, store, study = parts
    clock = Clock()
    station = station_of(store, study, clock)
    assert await station.start(Participant(code="A1")) == []  # no quotas: nothing to tell
    session = station.flow.session_id
    assert not station.paused
    assert station.pause() and station.paused
    assert not station.pause()  # already paused
    clock.now = 50
    assert station.resume_paused() and not station.paused
    assert station.last_input == 50  # the pause was no idle time of the participant's
    assert not station.resume_paused()
    assert await station.abandon()
    assert station.flow is None and not station.paused
    assert not await station.abandon()  # nothing running
    assert rows(db, "select id, status, outcome_reason from sessions") == [(session.hex, "abandoned", "ended_by_moderator")]


async def test_an_abandoned_session_is_taken_up_again_where_it_stopped(parts):
    db, store, study = parts
    station = station_of(store, study)
    await station.start(Participant(code="A1"))
    session = station.flow.session_id
    await to_clip(station.flow)
    station.pause()
    await station.abandon()
    assert await station.resume(session) == []
    assert station.flow.session_id == session and station.flow.current.kind == "clip" and not station.paused
    assert rows(db, "select status from sessions") == [("in_progress",)]


async def test_a_pilot_lasts_one_session(parts):
    db, store, study = parts
    station = station_of(store, study)
    station.next_session.pilot = True
    await station.start(Participant(code="P1"))
    assert station.flow.pilot and not station.next_session.pilot  # cleared once it started
    await station.abandon()
    await station.start(Participant(code="L1"))
    assert not station.flow.pilot
    assert rows(db, "select participant_code, is_test from sessions order by started_at") == [("P1", 1), ("L1", 0)]


async def test_new_sessions_start_in_the_chosen_study(parts, tmp_path):
    _, store, study = parts
    other = study_in(tmp_path / "other", study_id="other")
    station = Station(settings=StationSettings(), study=study, store=store, more_studies=[other])
    assert set(station.studies) == {"t", "other"}
    assert station.choose_study("other") is other
    await station.start(Participant(code="O1"))
    assert station.flow.study is other
    with pytest.raises(KeyError):
        station.choose_study("nope")
    assert station.study is other


async def test_a_withdrawal_erases_and_ends_the_running_session_only_when_it_is_that_one(parts):
    db, store, study = parts
    station = station_of(store, study)
    await station.start(Participant(code="OLD"))
    old = station.flow.session_id
    await to_clip(station.flow)
    await station.abandon()
    await station.start(Participant(code="NOW"))
    running = station.flow
    withdrawal = await station.withdraw(old)  # from the console's list: the running session goes on
    assert not withdrawal.ended and station.flow is running
    assert "erased" in withdrawal.notice.text
    await station.flow.choose_language("en")
    withdrawal = await station.withdraw(running.session_id)
    assert withdrawal.ended and station.flow is None
    assert rows(db, "select count(*) from sessions") == [(0,)]
    assert rows(db, "select count(*) from answers") == [(0,)]
    assert sorted(rows(db, "select session_id from tombstones")) == sorted([(old.hex,), (running.session_id.hex,)])


async def test_idle_is_due_after_the_timeout_unless_paused_or_on_a_clip_or_the_end(parts):
    _, store, study = parts
    clock = Clock()
    station = station_of(store, study, clock, idle_timeout=30)
    assert not station.idle_due()  # no session
    clock.now = 100
    await station.start(Participant(code="I1"))  # a start counts as input
    assert not station.idle_due(129.9) and station.idle_due(130)
    clock.now = 120
    station.touch()
    assert not station.idle_due(149) and station.idle_due(150)
    clock.now = 1000
    assert station.idle_due()  # the station's own clock when no time is given
    station.pause()
    assert not station.idle_due(5000)  # the moderator holds the session
    station.resume_paused()
    assert not station.idle_due(1029) and station.idle_due(1030)
    await to_clip(station.flow)
    assert not station.idle_due(10_000)  # watching a clip is not idling
    await station.flow.finish_stimulus("clip_shown")
    assert station.flow.current.kind == "end"
    assert not station.idle_due(10_000)  # the end screen resets by itself
    never = station_of(store, study, clock, idle_timeout=0)
    await never.start(Participant(code="I2"))
    assert not never.idle_due(10**9)


async def test_no_answer_to_the_idle_question_abandons_the_session(parts):
    db, store, study = parts
    clock = Clock()
    station = station_of(store, study, clock, idle_timeout=30)
    await station.start(Participant(code="I1"))
    clock.now = 40
    assert not await station.idle_answered(True)
    assert station.flow is not None and station.last_input == 40
    assert await station.idle_answered(None)  # the question ran out
    assert station.flow is None
    assert rows(db, "select status, outcome_reason from sessions") == [("abandoned", "idle_timeout")]
    assert not await station.idle_answered(False)  # nothing left to abandon


async def test_a_page_that_could_not_be_sealed_stops_the_session_as_abandoned(parts):
    db, store, study = parts
    station = station_of(store, study)
    assert await station.sealing_failed(SealError("no key")) is None  # nothing running
    await station.start(Participant(code="S1"))
    notice = await station.sealing_failed(SealError("the key is broken"))
    assert notice.error and notice.seconds == 60
    assert "could not be sealed (the key is broken)" in notice.text and "resume" in notice.text
    assert station.flow is None
    assert rows(db, "select status, outcome_reason from sessions") == [("abandoned", "sealing_failed")]


def test_a_failed_sync_is_retried_when_the_error_says_so():
    now = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
    later = stopped(SyncError("cannot be reached", next_try=now + timedelta(seconds=90)), now)
    assert later.failed and later.retry_in == 90
    assert later.message.startswith("Sync failed: cannot be reached") and "Next try" in later.message
    overdue = stopped(SyncError("cannot be reached", next_try=now - timedelta(minutes=3)), now)
    assert overdue.retry_in == 1.0  # due already: soon, but not at once
    assert stopped(SyncError("bad password", kind="credentials"), now).retry_in is None  # retrying will not help


def test_a_sync_that_kept_records_aside_counts_as_failed():
    import uuid

    from preview_tui.sync.engine import Conflict

    clean = reported(SyncReport(station_id=uuid.uuid4(), sent={"sessions": 2}))
    assert not clean.failed and clean.retry_in is None and clean.message.startswith("Sent 2 record(s)")
    kept = reported(SyncReport(station_id=uuid.uuid4(), conflicts=[Conflict("answers", "k", "other content")]))
    assert kept.failed and "conflict" in kept.message


async def test_a_sync_to_an_address_that_is_no_postgresql_says_why_and_never_raises(parts):
    _, store, study = parts
    station = station_of(store, study, central_database="mysql://u@h/db")
    outcome = await asyncio.to_thread(station.sync)  # blocking, as a front end runs it: in a thread of its own
    assert outcome.failed and outcome.retry_in is None
    assert outcome.message.startswith("Sync failed: the central database must be PostgreSQL")
