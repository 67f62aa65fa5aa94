"""A recording question on screen: countdown, recording, playback, keep or record again; keys in the hint line."""

import time

from preview_tui import seal
from preview_tui.db import recordings
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.playback.capture import AvCapture, Sources, synthetic_sources
from preview_tui.survey.answers import NOT_AVAILABLE
from preview_tui.ui.app import build_app
from preview_tui.ui.recording import RecordingPanel
from preview_tui.words import word
from conftest import rows
from recording_helpers import recording_station


def make_app(tmp_path, capture):
    study, db, private = recording_station(tmp_path)
    app = build_app(settings=study.config.station, study=study, store=Store(db), player_factory=lambda: FakePlayer(default_ms=500))
    app.capture_factory = capture
    return app, db, seal.parse_private_key(private)


async def until(pilot, condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.1)


def hint(app) -> str:
    return "\n".join(app.screen.query_one("#key-bar").lines(200))


def panel(app) -> RecordingPanel:
    return app.screen.query_one(RecordingPanel)


async def to_first_page(app, pilot):
    await pilot.press(*"P1", "enter")
    await until(pilot, lambda: app.flow is not None and app.flow.current.kind == "language")
    await pilot.press("enter")
    await until(pilot, lambda: app.flow.current.kind == "consent")
    await pilot.press("enter")
    await until(pilot, lambda: app.flow.current.kind == "page" and app.screen.query(RecordingPanel))


async def test_record_play_back_keep_and_record_again(tmp_path):
    app, db, key = make_app(tmp_path, lambda: AvCapture(synthetic_sources()))
    async with app.run_test(size=(100, 30)) as pilot:
        await to_first_page(app, pilot)
        assert app.flow.current.page.id == "p1"
        assert f"R: {word('do_record', 'en')}" in hint(app)
        await pilot.press("r")
        await until(pilot, lambda: panel(app).state == "countdown")
        assert "Recording starts in" in str(panel(app).render())
        await until(pilot, lambda: panel(app).state == "recording")
        await until(pilot, lambda: panel(app).state == "recorded")  # max_seconds: 1
        text = hint(app)
        assert word("do_play_back", "en") in text and word("do_keep_recording", "en") in text
        assert word("do_record_again", "en") not in text  # retake: false
        await pilot.press("p")
        await until(pilot, lambda: panel(app).state == "playing")
        await until(pilot, lambda: panel(app).state == "recorded")  # the fake player's 0.5 s
        await pilot.press("k")
        await until(pilot, lambda: panel(app).state == "kept")
        assert rows(db, "select question_id from recordings") == [("face",)]
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.flow.current.page.id == "p2" and app.screen.query(RecordingPanel))
        await pilot.press("r")
        await until(pilot, lambda: panel(app).state == "recording" and panel(app).take.capture.elapsed() > 0.3)
        await pilot.press("s")
        await until(pilot, lambda: panel(app).state == "recorded")
        first = panel(app).take.plain
        assert word("do_record_again", "en") in hint(app)
        await pilot.press("a")
        await until(pilot, lambda: panel(app).state == "countdown")
        assert not first.exists()  # the first take is thrown away
        await until(pilot, lambda: panel(app).state == "recording" and panel(app).take.capture.elapsed() > 0.3)
        await pilot.press("s")
        await until(pilot, lambda: panel(app).state == "recorded")
        await pilot.press("k")
        await until(pilot, lambda: panel(app).state == "kept")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.flow.current.page.id == "p3")
        session = app.flow.session_id
    assert sorted(rows(db, "select question_id from recordings")) == [("face",), ("voice",)]
    answers = dict(rows(db, f"select question_id, value from answers where session_id = '{session.hex}'"))
    files = {name for (name,) in rows(db, "select file_name from recordings")}
    assert {seal.open_value(answers[q], key)["file"] for q in ("face", "voice")} == files
    assert {p.name for p in recordings.folder(db).glob("*.sealed")} == files
    assert not list(recordings.work_folder(db).iterdir())


async def test_without_devices_the_participant_is_told_and_the_question_is_not_available(tmp_path):
    app, db, key = make_app(tmp_path, lambda: AvCapture(Sources(None, None)))
    async with app.run_test(size=(100, 30)) as pilot:
        await to_first_page(app, pilot)
        assert panel(app).state == "unavailable"
        assert "not possible on this station (no camera and no microphone on this station)" in str(panel(app).render())
        assert any("Recording not available" in str(n.message) for n in app._notifications)
        assert word("do_record", "en") not in hint(app)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.flow.current.page.id == "p2")
        session = app.flow.session_id
    (value,) = rows(db, f"select value from answers where question_id = 'face' and session_id = '{session.hex}'")
    assert seal.open_value(value[0], key) == NOT_AVAILABLE
    assert rows(db, "select count(*) from recordings") == [(0,)]


def test_the_recording_words_are_in_every_language():
    for key in ("rec_ready", "rec_countdown", "rec_recording", "rec_recorded", "rec_recorded_once", "rec_kept", "rec_unavailable", "do_record", "do_play_back", "do_keep_recording", "do_record_again", "category_audio_visual"):
        texts = {lang: word(key, lang, n=3, s=2, reason="x") for lang in ("en", "fr", "de")}
        assert len(set(texts.values())) == 3, (key, texts)
