"""The room, driven through the real app (Pilot) on a real SQLite file: kiosk, PIN, pause, idle, resume, withdraw, invitations."""

from pathlib import Path

from textual.command import CommandPalette

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from preview_tui.ui.kiosk import PausedScreen, PinScreen, StillThereScreen, WelcomeScreen
from preview_tui.ui.moderator import ModeratorScreen
from preview_tui.ui.participant import ParticipantScreen
from test_walk_demo import ABOUT_YOU, HABITS, make_app, walk

UNDER_18 = ["enter", "tab", "enter", "ctrl+n"]  # the first age band, and a gender

PIN = "2468"  # the demo config's PIN
ESCAPES = ["ctrl+q", "ctrl+c", "ctrl+p", "ctrl+z", "escape", "ctrl+backslash", "ctrl+d", "ctrl+w"]


def set_station(study: Path, **values) -> None:
    config = study / "config.yaml"
    text = config.read_text()
    for key, value in values.items():
        line = next(l for l in text.splitlines() if l.startswith(f"  {key}:"))
        text = text.replace(line, f"  {key}: {value}")
    config.write_text(text)


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"not reached within {timeout} s; screen: {pilot.app.screen!r}")


async def moderator_command(pilot, command: str) -> None:
    """F12, the PIN, then a command from the palette."""
    await walk(pilot, ["f12"])
    assert isinstance(pilot.app.screen, PinScreen)
    await walk(pilot, [*PIN, "enter"])
    assert isinstance(pilot.app.screen, CommandPalette)
    await walk(pilot, [*command], wait=0.6)
    await walk(pilot, ["enter"], wait=0.5)


async def test_in_kiosk_mode_no_key_leaves_the_flow_and_the_pin_opens_the_console(demo_study, tmp_path):
    set_station(demo_study, kiosk="true")
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, WelcomeScreen)
        await walk(pilot, ESCAPES)
        assert isinstance(app.screen, WelcomeScreen) and app.is_running
        await walk(pilot, ["f12", *"1111", "enter"])  # a wrong PIN
        assert isinstance(app.screen, PinScreen) and "Wrong PIN" in str(app.screen.query_one("#pin-problem").render())
        await walk(pilot, ["escape"])
        assert isinstance(app.screen, WelcomeScreen)
        await moderator_command(pilot, "Moderator console")
        assert isinstance(app.screen, ModeratorScreen)
        await walk(pilot, [*"K001", "enter"], ["enter"], ["enter"])  # start; English; agree
        assert app.flow.current.kind == "page"
        page = app.screen
        await walk(pilot, ESCAPES)
        assert app.screen is page and app.is_running and not CommandPalette.is_open(app)
        await moderator_command(pilot, "Pause session")
        assert isinstance(app.screen, PausedScreen)
        await walk(pilot, ["enter", "space", *ESCAPES])
        assert isinstance(app.screen, PausedScreen)  # the participant cannot resume
        await moderator_command(pilot, "Resume session")
        assert app.screen is page
        await moderator_command(pilot, "End session")
        assert isinstance(app.screen, WelcomeScreen) and app.flow is None
    assert rows(db, "select participant_code, status, outcome_reason, room from sessions") == [("K001", "abandoned", "ended_by_moderator", "Screening room 1")]


async def test_after_the_thank_you_the_kiosk_resets_to_the_welcome_screen(demo_study, tmp_path):
    set_station(demo_study, kiosk="true", end_screen_seconds="1.5")
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await moderator_command(pilot, "Moderator console")
        await walk(pilot, [*"K002", "enter"], ["enter"], ["enter"], UNDER_18)  # screened out
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        assert app.flow is None
        assert "K002" not in "".join(str(w.render()) for w in app.screen.query("Static"))
    assert rows(db, "select participant_code, status, outcome_reason from sessions") == [("K002", "screened_out", "under_18")]


async def test_an_idle_participant_is_asked_then_the_session_is_saved_as_abandoned(demo_study, tmp_path):
    # Long enough for the walk to the second page on a loaded machine (each key resets the clock).
    set_station(demo_study, idle_timeout="3", idle_warning="3")
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"I001", "enter"], ["enter"], ["enter"], ABOUT_YOU)
        assert app.flow.current.kind == "page" and not isinstance(app.screen, StillThereScreen)
        assert sorted(rows(db, "select question_id from answers")) == [("age_band",), ("gender",)]
        await wait_until(pilot, lambda: isinstance(app.screen, StillThereScreen))
        await walk(pilot, ["space"])  # still there
        assert isinstance(app.screen, ParticipantScreen) and app.flow is not None
        await wait_until(pilot, lambda: isinstance(app.screen, StillThereScreen))  # idle again, and this time no answer
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        assert app.flow is None
    assert rows(db, "select status, outcome_reason from sessions") == [("abandoned", "idle_timeout")]
    assert sorted(rows(db, "select question_id from answers")) == [("age_band",), ("gender",)]  # what was given stays


async def test_the_console_resumes_an_interrupted_session_where_it_stopped(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = load_study(demo_study)

    async def interrupted_session():
        async with Store(db) as store:
            flow = await Flow.start(study, store, Participant(code="R001"), station="s")
            await flow.choose_language("fr")
            await flow.consent(True)
            assert await flow.submit_page({"age_band": 3, "gender": 2}) == []

    await interrupted_session()
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert "1 interrupted session" in str(app.screen.query_one("#station-notice").render())
        await walk(pilot, ["tab"] * 5, ["f5"])  # to the list, then resume the selected row
        assert app.flow is not None and app.flow.current.kind == "page" and app.flow.current.page.id == "habits"
        assert app.flow.language == "fr" and app.flow.runner.answers == {"age_band": 3, "gender": 2}
        await walk(pilot, HABITS, ["ctrl+n"], ["ctrl+n"])
        assert app.flow.current.kind == "storyboard"
    assert rows(db, "select participant_code, status, language from sessions") == [("R001", "in_progress", "fr")]
    answers = dict(rows(db, "select question_id, value from answers"))
    assert {k: answers[k] for k in ("age_band", "gender", "cinema_visits", "genres")} == {"age_band": 3, "gender": 2, "cinema_visits": 1, "genres": '["drama"]'}


async def test_the_console_withdraws_a_participant_after_confirmation(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"W001", "enter"], ["enter"], ["enter"], UNDER_18)  # screened out
        await walk(pilot, ["enter"], wait=0.5)
        assert isinstance(app.screen, ModeratorScreen)
        await walk(pilot, ["tab"] * 5, ["f8"], ["enter"])  # the dialog starts on Cancel
        assert rows(db, "select count(*) from sessions") == [(1,)]
        await walk(pilot, ["f8"], ["left", "enter"], wait=0.6)  # now "Withdraw and erase"
        table = app.screen.query_one("#sessions")
        assert [[str(cell) for cell in table.get_row_at(i)[1:6:4]] for i in range(table.row_count)] == [["—", "withdrawn"]]
    assert rows(db, "select count(*) from sessions") == [(0,)]
    assert rows(db, "select count(*) from answers") == [(0,)]
    assert len(rows(db, "select session_id from tombstones")) == 1


async def test_a_station_can_offer_several_studies(demo_study, tmp_path):
    import shutil

    from preview_tui.playback import FakePlayer
    from preview_tui.ui.app import build_app

    other = tmp_path / "other"
    shutil.copytree(demo_study, other)
    config = other / "config.yaml"
    config.write_text(config.read_text().replace("id: lighthouse_preview", "id: harbour_preview").replace("Preview: The Lighthouse Keeper", "Preview: The Harbour"))
    db = tmp_path / "station.sqlite"
    upgrade(db)
    first, second = load_study(demo_study), load_study(other)
    app = build_app(settings=first.config.station, study=first, store=Store(db), player_factory=lambda: FakePlayer(), more_studies=[second])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        app.screen.query_one("#study").value = "harbour_preview"
        await pilot.pause(0.5)
        assert app.study is second and "The Harbour" in str(app.screen.query_one(".title").render())
        app.screen.query_one("#code").focus()
        await walk(pilot, [*"H001", "enter"], ["enter"])
        assert app.flow is not None and app.flow.study is second
    assert rows(db, "select study_id, participant_code from sessions") == [("harbour_preview", "H001")]


async def test_an_unknown_or_used_invitation_code_is_refused_in_the_console(demo_study, tmp_path):
    config = demo_study / "config.yaml"
    config.write_text(config.read_text().replace("  screening: main\n", "  screening: main\n  invitations: true\n"))
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        await store.import_invitations("lighthouse_preview", ["INV-1"])
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"NOPE", "enter"])
        assert app.flow is None and "not an invitation" in str(app.screen.query_one("#form-problem").render())
        await walk(pilot, ["backspace"] * 4, [*"INV-1", "enter"])
        assert app.flow is not None
        await walk(pilot, ["enter"], ["tab", "enter"], wait=0.4)  # declines consent
        await walk(pilot, ["enter"], wait=0.5)
        assert isinstance(app.screen, ModeratorScreen)
        await walk(pilot, [*"INV-1", "enter"])
        assert app.flow is None and "already used" in str(app.screen.query_one("#form-problem").render())
        assert "1 imported, 1 used" in str(app.screen.query_one("#station-notice").render())


async def test_a_pilot_session_shows_the_engines_state_jumps_anywhere_and_is_marked_as_test(demo_study, tmp_path):
    from preview_tui.ui.pilot import JumpScreen

    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause(0.3)
        app.screen.query_one("#pilot").value = True
        app.screen.query_one("#code").focus()
        await walk(pilot, [*"PILOT1", "enter"], ["enter"], ["enter"])
        assert app.flow.pilot and app.flow.current.kind == "page"
        state = str(app.screen.query_one("#pilot-state").render())
        assert "about_you" in state and "code: PILOT1" in state and '"' not in state  # readable, not JSON
        await walk(pilot, ["f7"])
        assert isinstance(app.screen, JumpScreen)
        target = next(i for i, item in enumerate(app.flow.runner.items) if getattr(getattr(item, "page", None), "id", None) == "final")
        listing = app.screen.query_one("#jump-list")
        listing.highlighted = target
        await walk(pilot, ["enter"], wait=0.5)
        assert app.flow.current.page.id == "final"
        assert "final" in str(app.screen.query_one("#pilot-state").render())
    assert rows(db, "select participant_code, is_test from sessions") == [("PILOT1", 1)]
    assert ("pilot_jump", "final") in rows(db, "select kind, subject from audit_log")
    async with Store(db) as store:
        assert await store.stimulus_order_counts("lighthouse_preview", ("opening_boards", "trailer")) == {}  # pilots never move the counterbalancing


async def test_the_jump_key_does_nothing_in_a_real_session(demo_study, tmp_path):
    from preview_tui.ui.pilot import JumpScreen

    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"REAL1", "enter"], ["enter"], ["enter"], ["f7"])
        assert not isinstance(app.screen, JumpScreen) and not app.screen.query("#pilot-panel")
