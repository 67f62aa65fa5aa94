"""Pilot tests: the demo study walked through the real app, checked in the real SQLite file."""

import json
from pathlib import Path

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.seal import is_sealed
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app


async def walk(pilot, *groups, wait=0.3):
    """Press each group of keys, then let the app settle."""
    for keys in groups:
        await pilot.press(*keys)
        await pilot.pause(wait)


def make_app(study_dir: Path, db: Path):
    study = load_study(study_dir)
    upgrade(db)
    return build_app(settings=study.config.station, study=study, store=Store(db), player_factory=lambda: FakePlayer(default_ms=2500))


# Keys for the screener, as a participant types them: 18-34 and "Woman"; "Never" and Drama.
ABOUT_YOU = ["down", "enter", "tab", "enter", "ctrl+n"]
HABITS = ["enter", "tab", "space", "ctrl+n"]


async def test_demo_walks_to_the_end_and_every_answer_is_stored(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        async def step(*keys, wait=0.3):
            await walk(pilot, keys, wait=wait)
            return app.flow.current.kind if app.flow else None

        def page():
            return app.flow.current.page.id

        assert await step(*"P001", "enter") == "language"
        assert await step("down", "enter") == "consent"  # Français
        assert await step("enter") == "page"
        assert await step(*ABOUT_YOU) == "page" and page() == "habits"
        assert await step("enter", "tab", "space", "tab", *"12,5", "ctrl+n") == "page"  # budget with a decimal comma
        assert page() == "household"  # one genre only: the follow-up page is skipped
        assert await step("enter", "ctrl+n") == "storyboard"  # the first session sees the storyboard first
        assert await step("right", "left", "right", "right", "enter", wait=0.5) == "clip"
        for _ in range(60):  # the clip, however slow the machine
            if await step(wait=0.1) == "page":
                break
        assert app.flow.current.kind == "page"
        await pilot.pause(app.keys_guard.window)  # arrows right after the clip's end are taken for the dial and dropped
        assert await step("right", "right", "right", "enter", "tab", "enter", "ctrl+n") == "page"  # 4 stars, definitely
        assert page() == "details"
        shown = []
        while page() != "final":
            shown.append(page())
            await step("ctrl+n")
        assert await step(*["right"] * 9, "enter", "ctrl+n") == "end"  # recommend: 9
        await step("enter", wait=0.5)
        assert type(app.screen).__name__ == "ModeratorScreen"
    # The blocks between the first and the last come in this participant's order; the keen see one more.
    runner_pages = [item.page.id for item in app_runner_items(demo_study, "P001")]
    assert shown == [p for p in runner_pages if p in ("details", "frames", "priorities", "music_and_mood", "keen_viewers")]
    assert "keen_viewers" in shown
    assert rows(db, "select status, participant_code, language, consent_version from sessions") == [("completed", "P001", "fr", "2026-11-a")]
    assert len(rows(db, "select consent_hash from sessions")[0][0]) == 64
    answers = dict(rows(db, "select question_id, value from answers"))
    assert is_sealed(answers.pop("money_situation"))  # sealed with the demo's public key: the station cannot read it
    assert answers == {"age_band": 2, "gender": 1, "cinema_visits": 1, "genres": '["drama"]', "budget": 12.5,
                       "trailer_rating": 4, "would_watch": 1, "keen": "true", "recommend": 9}
    assert rows(db, "select question_id, sensitive from answers where sensitive is not null") == [("money_situation", "finances")]
    kinds = [k for (k,) in rows(db, "select kind from events order by at")]
    assert kinds.count("frame_viewed") == 5 and "storyboard_done" in kinds
    assert kinds.index("clip_play") < kinds.index("clip_end") < kinds.index("clip_exposure") < kinds.index("clip_shown")
    orders = {json.loads(d)["what"] + ":" + json.loads(d).get("of", ""): json.loads(d)["order"] for (d,) in rows(db, "select detail from events where kind = 'order_shown'")}
    assert orders["stimuli:"] == ["opening_boards", "trailer"]
    assert orders["blocks:reactions"][0] == "first_look" and orders["blocks:reactions"][-1] == "wrap_up"


def app_runner_items(study_dir, code):
    from preview_tui.survey.runner import Runner

    return [item for item in Runner(load_study(study_dir), code=code).items if item.kind == "page"]


async def test_under_18_is_screened_out_and_nothing_after_is_kept(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"P002", "enter"], ["enter"], ["enter"], ["enter", "tab", "enter", "ctrl+n"])  # English, agree, under 18
        assert app.flow.current.kind == "end" and app.flow.current.outcome == "screened_out"
    assert rows(db, "select status, outcome_reason from sessions") == [("screened_out", "under_18")]
    assert rows(db, "select question_id from answers") == [("age_band",)]  # the gender, asked after the age, is not kept


async def test_a_declined_session_does_not_move_the_counterbalancing(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"P010", "enter"], ["enter"], ["tab", "enter"])  # declines: a session all the same
        await walk(pilot, ["enter"], wait=0.5)
        assert type(app.screen).__name__ == "ModeratorScreen"
        await walk(pilot, [*"P011", "enter"], ["enter"], ["enter"], ABOUT_YOU, HABITS, ["ctrl+n"], ["ctrl+n"])  # soft warning, then household
        assert app.flow.current.kind == "storyboard"  # the first row of the square: the refusal never reached the stimuli


async def test_declining_consent_stores_only_the_refusal(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"P003", "enter"], ["enter"], ["tab", "enter"])  # English, "I do not agree"
        assert app.flow.current.kind == "end" and app.flow.current.outcome == "declined"
    assert rows(db, "select status, participant_code, language, consent_hash from sessions") == [("declined", None, None, None)]
    assert rows(db, "select count(*) from answers") == [(0,)]


async def test_a_missing_clip_is_recorded_as_not_shown_and_the_session_goes_on(demo_study, tmp_path):
    (demo_study / "media" / "trailer.mp4").unlink()
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"P004", "enter"], ["enter"], ["enter"], ABOUT_YOU, HABITS, ["ctrl+n"], ["ctrl+n"], ["enter", "enter", "enter"])
        assert app.flow.current.kind == "clip"
        await pilot.pause(1.0)
        assert app.flow.current.kind == "clip"  # the participant waits for the moderator
        await walk(pilot, ["f4"])
        assert app.flow.current.kind == "page"
    kinds = [k for (k,) in rows(db, "select kind from events order by at")]
    assert kinds[-3:] == ["clip_error", "clip_skip", "clip_not_shown"]
    assert '"by": "moderator"' in rows(db, "select detail from events where kind = 'clip_not_shown'")[0][0]
