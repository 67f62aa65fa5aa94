"""Pilot tests of the screening: storyboard stepping, the dial, must-watch, moderator controls.

The clip plays in the fake player (real time, 10 ms ticks are not needed: libVLC's
coarse 250 ms steps are imitated); everything lands in a real SQLite file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app

AFTER = {
    "id": "after",
    "pages": [
        {"id": "seen", "show_if": "watched.trailer >= 90", "questions": [{"id": "liked", "type": "rating", "points": 5, "text": "Did you like it?"}]},
        {"id": "missed", "show_if": "not completed.trailer", "questions": [{"id": "why_not", "type": "text", "required": False, "text": "Why not?"}]},
    ],
}


def make_study(root: Path, *, clip: dict, board: dict | None = None) -> Path:
    steps = [
        {"type": "storyboard", "id": "boards", "frames": [{"image": "board-1.png", "caption": "One"}, {"image": "board-2.png", "caption": "Two"}], **(board or {})},
        {"type": "clip", "id": "trailer", "title": "Trailer", "file": "trailer.mp4", **clip},
        {"type": "survey", "survey": "after"},
    ]
    (root / "screens" / "main.yaml").write_text(yaml.safe_dump({"id": "main", "steps": steps}, allow_unicode=True))
    (root / "surveys" / "after.yaml").write_text(yaml.safe_dump(AFTER))
    for name in ("screener", "reactions"):
        (root / "surveys" / f"{name}.yaml").unlink()
    config = yaml.safe_load((root / "config.yaml").read_text())
    config["study"].pop("quotas", None)  # they count answers of the questionnaires removed above
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    return root


def make_app(study_dir: Path, db: Path, clip_ms: int = 2000):
    study = load_study(study_dir)
    upgrade(db)
    player = FakePlayer({"trailer.mp4": clip_ms}, tick_ms=250)
    app = build_app(settings=study.config.station, study=study, store=Store(db), player_factory=lambda: player)
    return app, player


async def to_storyboard(pilot, code="P1"):
    for keys in ([*code, "enter"], ["enter"], ["enter"]):  # code, English, consent
        await pilot.press(*keys)
        await pilot.pause(0.3)


async def wait_for(pilot, app, kind: str, timeout: float = 6.0) -> None:
    waited = 0.0
    while (app.flow.current.kind if app.flow else None) != kind:
        assert waited < timeout, f"still on {app.flow.current.kind if app.flow else None}, waiting for {kind}"
        await pilot.pause(0.1)
        waited += 0.1


async def until_playing(pilot, app, media_ms: float = 0.0, timeout: float = 30.0) -> None:
    """Wait until the clip screen plays and its clock has reached ``media_ms``: a loaded machine mounts it late."""
    started = time.monotonic()
    while True:
        screen = app.screen
        if getattr(screen, "state", None) == "playing" and screen.clock.media_at(time.monotonic()) >= media_ms:
            return
        assert time.monotonic() - started < timeout, f"the clip did not play to {media_ms} ms: {screen!r} {getattr(screen, 'state', None)}"
        await pilot.pause(0.02)


def ledger(db: Path) -> list[tuple[str, dict]]:
    return [(k, json.loads(d) if d else {}) for k, d in rows(db, "select kind, detail from events where kind like 'clip_%' order by at")]


async def test_storyboard_steps_by_key_and_records_each_dwell(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, _ = make_app(make_study(demo_study, clip={}), db)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        assert app.flow.current.kind == "storyboard"
        assert "Image 1 of 2" in str(app.screen.query_one("#frame-count").render())
        await pilot.press("left")  # nothing before the first frame
        await pilot.pause(0.3)
        await pilot.press("right")
        await pilot.pause(0.4)
        assert "Image 2 of 2" in str(app.screen.query_one("#frame-count").render())
        await pilot.press("enter")
        await wait_for(pilot, app, "clip")
    views = [json.loads(d) for (d,) in rows(db, "select detail from events where kind = 'frame_viewed' order by at")]
    assert [(v["frame"], v["by"]) for v in views] == [(0, "key"), (1, "key")]
    assert views[1]["dwell_ms"] >= 300


async def test_storyboard_frames_advance_after_their_time(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, _ = make_app(make_study(demo_study, clip={}, board={"frame_seconds": 0.5}), db)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await wait_for(pilot, app, "clip", timeout=3)
        # The clip screen is up and playing before the app closes: leaving while it mounts
        # would close the app under its on_mount (a NoMatches, not what this test is about).
        started = time.monotonic()
        while getattr(app.screen, "state", None) != "playing":
            assert time.monotonic() - started < 30, f"the clip screen did not start: {app.screen!r}"
            await pilot.pause(0.05)
    views = [json.loads(d) for (d,) in rows(db, "select detail from events where kind = 'frame_viewed' order by at")]
    assert [(v["frame"], v["by"]) for v in views] == [(0, "timer"), (1, "timer")]
    assert all(450 <= v["dwell_ms"] <= 1200 for v in views), views


async def test_dial_keys_are_sampled_on_the_media_clock_and_stored(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, _ = make_app(make_study(demo_study, clip={"dial": True}), db, clip_ms=3000)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await until_playing(pilot, app, 500)
        await pilot.press("up", "up", "plus")  # 65
        await pilot.pause(0.5)
        assert "65" in str(app.screen.query_one("#dial").render())
        await pilot.press("down", "minus", "left")  # 50
        await pilot.pause(0.3)
        await pilot.press("right")  # 55
        # Samples reach the file while the clip plays (a crash loses at most the last second).
        assert len(rows(db, "select seq from dial_samples")) >= 7
        await wait_for(pilot, app, "page", timeout=4)
        assert app.flow.runner.exposure == {"watched.trailer": 100.0, "completed.trailer": True}
        assert app.flow.current.page.id == "seen"  # show_if on watched.trailer
    samples = rows(db, "select seq, media_ms, value, mono, play, segment from dial_samples order by seq")
    assert 29 <= len(samples) <= 31  # 3 s at 10 Hz
    assert [s[0] for s in samples] == list(range(len(samples)))
    assert all(b[1] > a[1] for a, b in zip(samples, samples[1:]))
    assert {s[4] for s in samples} == {1} and {s[5] for s in samples} == {0}
    values = [s[2] for s in samples]
    assert values[0] == 50 and 65 in values and values[-1] == 55
    kinds = [k for k, _ in ledger(db)]
    assert kinds == ["clip_play", "clip_end", "clip_exposure", "clip_shown"]
    exposure = dict(ledger(db))["clip_exposure"]
    assert exposure["completed"] is True and exposure["percent_watched"] == 100.0


async def test_moderator_pauses_and_resumes_and_sampling_stops_meanwhile(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, player = make_app(make_study(demo_study, clip={"dial": True}), db, clip_ms=1500)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await until_playing(pilot, app, 500)
        await pilot.press("f2")
        await pilot.pause(1.2)
        assert app.screen.state == "paused" and app.flow.current.kind == "clip"
        assert "Paused" in str(app.screen.query_one("#clip-status").render())
        await pilot.press("f2")
        await wait_for(pilot, app, "page", timeout=4)
    book = ledger(db)
    assert [k for k, _ in book] == ["clip_play", "clip_pause", "clip_resume", "clip_end", "clip_exposure", "clip_shown"]
    assert book[1][1]["by"] == "moderator" and book[2][1]["by"] == "moderator"
    assert dict(book)["clip_exposure"]["pauses"] == 1
    samples = rows(db, "select media_ms, mono from dial_samples order by seq")
    assert 14 <= len(samples) <= 16  # 1.5 s of media at 10 Hz, however long the pause
    gaps = [b[1] - a[1] for a, b in zip(samples, samples[1:])]
    assert max(gaps) > 1.0 and sorted(gaps)[len(gaps) // 2] < 0.15  # one long gap: the pause


async def test_must_watch_clip_cannot_be_skipped_until_it_ends(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, _ = make_app(make_study(demo_study, clip={"must_watch": True}), db, clip_ms=1500)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await pilot.press("f4", "s", "enter", "ctrl+n")
        await pilot.pause(0.5)
        assert app.flow.current.kind == "clip"
        await wait_for(pilot, app, "page", timeout=3)
    assert "clip_skip" not in [k for k, _ in ledger(db)]


async def test_participant_may_skip_a_skippable_clip_and_the_questionnaire_knows(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, _ = make_app(make_study(demo_study, clip={"skippable": True}), db, clip_ms=5000)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await until_playing(pilot, app, 1000)
        await pilot.press("s")
        await wait_for(pilot, app, "page", timeout=2)
        assert app.flow.current.page.id == "missed"
        exposure = app.flow.runner.exposure
        assert exposure["completed.trailer"] is False and 10 <= exposure["watched.trailer"] <= 40
    book = ledger(db)
    assert [k for k, _ in book] == ["clip_play", "clip_skip", "clip_exposure", "clip_skipped"]
    assert book[1][1]["by"] == "participant"


async def test_moderator_replays_and_the_second_play_has_its_own_samples(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, player = make_app(make_study(demo_study, clip={"dial": True}), db, clip_ms=3000)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await until_playing(pilot, app, 600)
        await pilot.press("f3")
        await wait_for(pilot, app, "page", timeout=8)
    kinds = [k for k, _ in ledger(db)]
    assert kinds == ["clip_play", "clip_replay", "clip_exposure", "clip_play", "clip_end", "clip_exposure", "clip_shown"]
    plays = dict(rows(db, "select play, count(*) from dial_samples group by play"))
    assert set(plays) == {1, 2} and 29 <= plays[2] <= 31 and 1 <= plays[1] <= 29
    assert len(player.played) == 2


async def test_without_a_player_the_moderator_is_told_and_skips(demo_study, tmp_path):
    from preview_tui.playback import PlayerUnavailable

    def no_player():
        raise PlayerUnavailable("libVLC is not installed. Install it: apt-get install libvlc5")

    db = tmp_path / "s.sqlite"
    study = load_study(make_study(demo_study, clip={"must_watch": True}))
    upgrade(db)
    app = build_app(settings=study.config.station, study=study, store=Store(db), player_factory=no_player)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await pilot.pause(0.3)
        assert any("libVLC is not installed" in n.message for n in app._notifications)
        await pilot.press("f4")  # a failed clip can be skipped even when it is must-watch
        await wait_for(pilot, app, "page", timeout=2)
    book = ledger(db)
    assert [k for k, _ in book] == ["clip_error", "clip_skip", "clip_not_shown"]
    assert book[0][1]["reason"] == "no_player" and book[2][1] == {"by": "moderator", "reason": "no_player"}


async def test_a_jump_in_the_media_clock_is_a_seek_in_the_ledger(demo_study, tmp_path):
    from preview_tui.playback import PlayerEvent
    from preview_tui.ui.clip import ClipScreen

    db = tmp_path / "s.sqlite"
    app, _ = make_app(make_study(demo_study, clip={}), db, clip_ms=1500)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await until_playing(pilot, app, 500)
        screen = app.screen
        screen.post_message(ClipScreen.PlayerMessage(PlayerEvent("seeked", media_ms=5000), screen.play_no))
        await wait_for(pilot, app, "page", timeout=4)
    seeks = [d for k, d in ledger(db) if k == "clip_seek"]
    assert seeks and seeks[0]["vlc_ms"] == 5000 and 300 <= seeks[0]["from_ms"] <= 1500


def test_conditions_may_name_only_the_screenings_clips(demo_study):
    import pytest

    from preview_tui.survey.study import StudyError

    make_study(demo_study, clip={})
    after = demo_study / "surveys" / "after.yaml"
    after.write_text(after.read_text().replace("not completed.trailer", "not completed.teaser"))
    with pytest.raises(StudyError) as err:
        load_study(demo_study)
    assert "unknown name 'completed.teaser'" in str(err.value)


async def test_the_apps_timers_tick_harmlessly_while_it_closes(demo_study, tmp_path):
    # The idle check and the moderator's pause run from the app's timers and links, not a screen's: one that
    # comes as the app closes finds no screen at all, and must do nothing rather than fail the closing app.
    db = tmp_path / "s.sqlite"
    app, _ = make_app(make_study(demo_study, clip={}), db)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        assert app.flow is not None
    assert not app.screen_stack  # closed: every screen gone, the session still there
    app._check_idle()
    await app.pause_session()
    await app.resume_session()
    assert not app.screen_stack
