"""Keys a person can see and use, through the real app (Pilot) on a real SQLite file: the help
screen, Ctrl+C and quitting, the pilot choice that lasts one session, the dial keys swallowed
after a clip, hints that say what the keys do, complaints that go once answered, themes."""

from __future__ import annotations

import json

import pytest
import yaml
from textual.widgets import Checkbox, RadioSet

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app
from preview_tui.ui.inputs import RankList
from preview_tui.ui.help import HelpPanel
from preview_tui.ui.keys import KeyBar
from preview_tui.ui.kiosk import ConfirmScreen
from preview_tui.ui.moderator import ModeratorScreen
from preview_tui.ui.scales import Scale
from preview_tui.ui.page import PageScreen, QuestionBlock
from test_room_ui import wait_until
from test_screening_ui import make_study
from test_screening_ui import make_app as make_clip_app
from test_walk_demo import ABOUT_YOU, HABITS, make_app, walk

UNDER_18 = ["enter", "tab", "enter", "ctrl+n"]


def help_text(app) -> str:
    panel = app.screen.query_one(HelpPanel)
    return " ".join([panel.heading, *(f"{key} {does}" for key, does in panel.rows)])


async def test_f1_and_question_mark_show_the_keys_of_the_screen_in_front(demo_study, tmp_path):
    app = make_app(demo_study, tmp_path / "s.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await walk(pilot, ["f1"])
        text = help_text(app)
        assert "moderator console" in text and "F5" in text and "F9" in text and "F8" in text
        await walk(pilot, ["escape"])
        assert isinstance(app.screen, ModeratorScreen) and not app.screen.query(HelpPanel)
        await walk(pilot, ["?"])  # the code field has focus: ? is a character of the code
        assert isinstance(app.screen, ModeratorScreen) and app.screen.query_one("#code").value == "?"
        app.screen.query_one("#code").value = ""
        await walk(pilot, [*"H001", "enter"], ["down", "enter"], ["enter"])  # Français, agree
        assert isinstance(app.screen, PageScreen)
        await walk(pilot, ["?"])  # the focus is on a list of answers, not a text field
        text = help_text(app)
        assert "Touches" in text and "page suivante" in text and "Ctrl+N" in text and "question suivante" in text
        assert "F5" not in text and "F7" not in text  # never the moderator's keys to a participant
        await walk(pilot, ["down", "enter"])  # the keys it lists still work while it is open
        assert app.screen.query_one(RadioSet).pressed_index == 1
        await walk(pilot, ["f1"])  # F1 again closes it
        assert isinstance(app.screen, PageScreen) and not app.screen.query(HelpPanel)


async def test_ctrl_c_never_ends_in_a_traceback_and_quitting_a_session_asks_then_keeps_it_interrupted(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await walk(pilot, ["ctrl+c"])
        assert app.is_running and any("quit" in str(n.message) for n in app._notifications)
        await walk(pilot, [*"Q001", "enter"], ["enter"], ["enter"], ["ctrl+c"])
        assert app.is_running and isinstance(app.screen, PageScreen)
        await walk(pilot, ["ctrl+q"])
        assert isinstance(app.screen, ConfirmScreen) and "Q001" in str(app.screen.query_one("#confirm-text").render())
        await walk(pilot, ["escape"])
        assert isinstance(app.screen, PageScreen) and app.is_running
        await walk(pilot, ["ctrl+q"], ["left", "enter"])  # Quit
        await wait_until(pilot, lambda: not app.is_running)
    assert app.return_code in (None, 0)
    assert rows(db, "select participant_code, status from sessions") == [("Q001", "in_progress")]  # listed as interrupted, for F5


async def test_the_pilot_box_is_cleared_after_a_pilot_session(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        console = app.screen
        box = console.query_one("#pilot", Checkbox)
        await walk(pilot, ["tab"] * 4, ["space"])  # code, room, seat, language, then the box
        assert box.value and console.query_one("#pilot-next").display  # the console says the next session is a pilot
        console.query_one("#code").focus()
        await walk(pilot, [*"PILOT1", "enter"], ["enter"], ["enter"], UNDER_18)
        await walk(pilot, ["enter"], wait=0.5)  # the end screen
        await wait_until(pilot, lambda: app.screen is console)
        assert not box.value and not console.query_one("#pilot-next").display and not app.station.next_session.pilot
        await walk(pilot, [*"REAL1", "enter"], ["enter"], ["enter"], UNDER_18, ["enter"])
        await wait_until(pilot, lambda: app.screen is console)
    assert rows(db, "select participant_code, is_test from sessions order by started_at") == [("PILOT1", 1), ("REAL1", 0)]


async def test_dial_keys_held_as_the_clip_ends_do_not_act_on_the_next_page(demo_study, tmp_path):
    db = tmp_path / "s.sqlite"
    app, _ = make_clip_app(make_study(demo_study, clip={"dial": True}), db, clip_ms=1500)
    app.keys_guard.window = 2.0  # generous: the keys below come slower on a loaded machine
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"D1", "enter"], ["enter"], ["enter"], ["right", "enter"], wait=0.4)
        assert app.flow.current.kind == "clip"
        for _ in range(200):  # the participant keeps turning the dial up as the clip ends
            await pilot.press("right")
            await pilot.pause(0.05)
            if isinstance(app.screen, PageScreen):
                break
        assert isinstance(app.screen, PageScreen)
        await pilot.press("right", "right", "up")
        scale = app.screen.query_one(Scale)
        assert scale.has_focus
        await pilot.pause(app.keys_guard.window + 0.3)
        await walk(pilot, ["enter"])
        assert scale.chosen == 0  # the cursor never moved: the first point
        await walk(pilot, ["right", "enter"])  # once the keys were let go, they act again
        assert scale.chosen == 1


async def test_the_last_storyboard_image_stays_on_right_and_enter_continues(demo_study, tmp_path):
    app, _ = make_clip_app(make_study(demo_study, clip={}), tmp_path / "s.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, [*"S1", "enter"], ["enter"], ["enter"], ["right"], ["right"], ["right"])
        assert app.flow.current.kind == "storyboard" and app.screen.index == 1
        bar = " ".join(app.screen.query_one(KeyBar).lines(76))
        assert "Enter: continue" in bar and "→" not in bar and "←: previous image" in bar
        await walk(pilot, ["enter"])
        assert app.flow.current.kind == "clip"


async def test_a_complaint_goes_once_the_answer_is_given(demo_study, tmp_path):
    app = make_app(demo_study, tmp_path / "s.sqlite")
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"E1", "enter"], ["enter"], ["enter"], ["ctrl+n"])
        blocks = {b.question.id: b for b in app.screen.query(QuestionBlock)}
        assert blocks["age_band"].has_class("-invalid") and blocks["gender"].has_class("-invalid")
        await walk(pilot, ["down", "enter"])  # an age band
        assert not blocks["age_band"].has_class("-invalid")
        assert str(blocks["age_band"].query_one(".problem").render()) == ""
        assert blocks["gender"].has_class("-invalid")  # not answered yet: still said


async def test_plus_moves_a_ranked_item_up_and_minus_down_as_the_hint_says():
    ranking = RankList([("a", "A"), ("b", "B"), ("c", "C")])
    ranking.cursor = 1
    ranking.action_move(-1)  # what + is bound to
    assert ranking.order() == ["b", "a", "c"]
    bound = {}
    for binding in RankList.BINDINGS:
        for key in binding.key.split(","):
            bound[key] = binding.action
    assert bound["plus"] == bound["shift+up"] == "move(-1)" and bound["minus"] == bound["shift+down"] == "move(1)"


async def test_the_key_bars_fit_at_80_columns_in_every_language(demo_study, tmp_path):
    for lang in ("de", "fr", "en"):
        app = make_app(demo_study, tmp_path / f"{lang}.sqlite")
        async with app.run_test(size=(80, 24)) as pilot:
            down = {"en": [], "fr": ["down"], "de": ["down", "down"]}[lang]
            await walk(pilot, [*f"W{lang}", "enter"])
            for keys in (down + ["enter"], ["enter"], ABOUT_YOU, HABITS):
                bar = app.screen.query_one(KeyBar)
                assert bar.region.right <= 80 and all(len(line) <= bar.content_size.width for line in bar.lines(bar.content_size.width))
                assert bar.region.height >= len(bar.lines(bar.content_size.width))
                await walk(pilot, keys)


async def test_the_palette_theme_is_kept_and_participants_see_the_studys_high_contrast(demo_study, tmp_path):
    prefs = tmp_path / "settings.json"
    config = yaml.safe_load((demo_study / "config.yaml").read_text())
    config["study"]["participant_theme"] = "high-contrast"
    (demo_study / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    study = load_study(demo_study)
    db = tmp_path / "s.sqlite"
    upgrade(db)

    def app():
        return build_app(settings=study.config.station, study=study, store=Store(db), player_factory=lambda: FakePlayer(), prefs=prefs)

    first = app()
    async with first.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        first.theme = "nord"  # what the palette's theme list does
        await pilot.pause(0.3)
        assert json.loads(prefs.read_text())["theme"] == "nord"
        await walk(pilot, [*"T1", "enter"])
        assert first.theme == "preview-high-contrast"
        await walk(pilot, ["enter"], ["enter"], UNDER_18, ["enter"])
        await wait_until(pilot, lambda: isinstance(first.screen, ModeratorScreen))
        assert first.theme == "nord"
    assert json.loads(prefs.read_text())["theme"] == "nord"  # the participants' theme is not the moderator's choice
    second = app()
    async with second.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert second.theme == "nord"


def whole(app, widget) -> bool:
    """The widget is on screen, not cut by the screen's edges, and not hidden under another."""
    screen = app.screen.region
    region = widget.region
    return widget.display and region.area > 0 and screen.contains_region(region) and widget.visible


async def test_the_console_is_whole_with_pilot_start_and_every_footer_key_at_each_size(demo_study, tmp_path):
    from textual.widgets._footer import FooterKey

    for width, height in ((80, 24), (120, 40), (200, 60)):
        app = make_app(demo_study, tmp_path / f"c{width}.sqlite")
        async with app.run_test(size=(width, height)) as pilot:
            await pilot.pause(0.3)
            console = app.screen
            console.query_one("#pilot", Checkbox).value = True  # the banner takes its lines too
            await pilot.pause(0.3)
            for name in ("#code", "#room", "#seat", "#language", "#pilot", "#start", "#pilot-next", "#sessions"):
                assert whole(app, console.query_one(name)), f"{name} at {width}x{height}: {console.query_one(name).region}"
            assert console.query_one("#room").content_size.width >= len("Screening room 1") + 1
            assert console.query_one("#sessions").region.height >= 3
            keys = {k.key: k for k in console.query(FooterKey)}
            for key in ("ctrl+s", "f5", "f6", "f8", "f9", "f1"):
                assert key in keys and whole(app, keys[key]), f"{key} at {width}x{height}"
            regions = sorted((k.region for k in keys.values()), key=lambda r: r.x)
            assert all(a.right <= b.x for a, b in zip(regions, regions[1:])), "footer keys overlap"


async def test_the_console_points_f5_at_an_interrupted_session_and_keeps_withdrawn_rows_in_start_order(demo_study, tmp_path):
    from textual.widgets import DataTable

    from preview_tui.flow import Flow, Participant

    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = load_study(demo_study)
    async with Store(db) as store:
        for code in ("OLD1", "MID1", "NEW1"):  # the first is left in the middle of its screener: interrupted
            flow = await Flow.start(study, store, Participant(code=code), station="s")
            await flow.choose_language("en")
            await flow.consent(True)
            if code != "OLD1":
                await flow.submit_page({"age_band": 1, "gender": 1})  # under 18: screened out
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        table = app.screen.query_one("#sessions", DataTable)
        codes = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert codes == ["NEW1", "MID1", "OLD1"] and table.cursor_row == 2  # on the interrupted session
        table.move_cursor(row=0)
        await walk(pilot, ["f8"], ["left", "enter"], wait=0.5)  # withdraw the newest, confirmed
        assert "Withdrawn: NEW1" in str(app.screen.query_one("#form-problem").render())
        statuses = [str(table.get_row_at(i)[5]) for i in range(table.row_count)]
        assert statuses == ["withdrawn", "screened out", "interrupted"]  # still where it started
        assert table.cursor_row == 2
        await walk(pilot, ["f5"])
        assert app.flow is not None and app.flow.runner.participant["code"] == "OLD1"


@pytest.mark.parametrize("size,lang", [((80, 24), "de"), ((80, 24), "fr"), ((120, 40), "fr"), ((200, 60), "en")])
async def test_the_moderators_dialogs_and_the_pilot_panel_are_whole(demo_study, tmp_path, size, lang):
    from preview_tui.ui.kiosk import PinScreen
    from preview_tui.ui.pilot import JumpScreen

    app = make_app(demo_study, tmp_path / "s.sqlite")
    down = {"en": [], "fr": ["down"], "de": ["down", "down"]}[lang]
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        app.screen.query_one("#pilot", Checkbox).value = True
        app.screen.query_one("#code").focus()
        await walk(pilot, [*"PANEL1", "enter"], down + ["enter"], ["enter"])
        panel = app.screen.query_one("#pilot-panel")
        assert whole(app, panel) and whole(app, app.screen.query_one("#pilot-banner"))
        assert whole(app, app.screen.query_one(KeyBar)) and whole(app, app.screen.query_one("#next"))
        await walk(pilot, ["f7"])
        assert isinstance(app.screen, JumpScreen) and whole(app, app.screen.query_one("#jump-box"))
        await walk(pilot, ["escape"])
        await app.withdraw_session()
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)
        for name in ("#confirm-text", "#yes", "#no"):
            assert whole(app, app.screen.query_one(name)), name
        await walk(pilot, ["escape"])
        app.push_screen(PinScreen(""))
        await pilot.pause(0.3)
        assert whole(app, app.screen.query_one("#pin-box"))
