"""The moderator's results screen, driven through the real app (Pilot) on a real station file."""

import asyncio

import pytest
import yaml
from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Label, Select, Static

from preview_tui.ui.kiosk import WelcomeScreen
from preview_tui.ui.moderator import ModeratorScreen
from preview_tui.ui.results import Chart, ResultsScreen
from report_helpers import afternoon
from test_room_ui import PIN, wait_until
from test_walk_demo import make_app, walk


@pytest.fixture
def station(tmp_path):
    root, db = tmp_path / "study", tmp_path / "station.sqlite"
    asyncio.run(afternoon(root, db))
    return root, db


def chart_text(screen, selector: str) -> str:
    return screen.query_one(selector, Chart).render().plain


async def open_results(pilot):
    await walk(pilot, ["f9"])
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    await wait_until(pilot, lambda: screen.report is not None and screen.query(Chart))
    await pilot.pause(0.2)
    return screen


async def test_results_open_from_the_console_with_titles_and_charts_and_back(station):
    app = make_app(*station)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        screen = await open_results(pilot)
        titles = [str(label.render()) for label in screen.query(".result-title").results(Label)]
        assert "Liked it?  [liked]" in titles and "Recommend?  [recommend]" in titles and "Dial: Trailer  [trailer]" in titles
        assert screen.report.n == 5  # the pilot and the withdrawn participant are not counted
        assert "NPS +0.0" in str(screen.query_one("#q-recommend .result-summary", Static).render())
        liked = chart_text(screen, "#chart-liked")
        assert "Don't know" in liked and "┤" in liked
        dial = chart_text(screen, "#dial-trailer")
        assert "mean (n=4)" in dial and "±1 SD" in dial and "seconds of the clip" in dial
        body = screen.query_one("#results-body", VerticalScroll)
        assert body.max_scroll_y > 0
        body.focus()
        await walk(pilot, ["pagedown"])
        assert body.scroll_y > 0
        await walk(pilot, ["escape"])
        assert isinstance(app.screen, ModeratorScreen)


async def test_changing_the_split_changes_the_traces(station):
    app = make_app(*station)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        screen = await open_results(pilot)
        before = chart_text(screen, "#dial-trailer")
        assert "Woman" not in before
        screen.query_one("#split-by", Select).value = "gender"
        await pilot.pause(0.3)
        after = chart_text(screen, "#dial-trailer")
        assert "Woman (n=2)" in after and "Man (n=2)" in after and "mean (n=4)" not in after
        assert [t.label for t in screen.report.clips[0].split] == ["Woman", "Man"]
        assert "split by Gender? [gender]" in str(screen.query_one("#dial-summary-trailer", Static).render())
        screen.query_one("#split-by", Select).value = "age_band"
        await pilot.pause(0.3)
        assert "18 to 34 (n=2)" in chart_text(screen, "#dial-trailer")


async def test_pilot_sessions_only_when_ticked_and_then_said(station):
    app = make_app(*station)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        screen = await open_results(pilot)
        notice = screen.query_one("#results-notice", Static)
        assert "TEST DATA" not in str(notice.render())
        screen.query_one("#include-test", Checkbox).value = True
        await wait_until(pilot, lambda: screen.report.include_test)
        await pilot.pause(0.2)
        assert screen.report.n == 6
        assert "TEST DATA INCLUDED" in str(notice.render()) and "test-data" in notice.classes


async def test_the_palette_offers_results_on_the_console_only(station):
    app = make_app(*station)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await walk(pilot, ["ctrl+p"])
        assert isinstance(app.screen, CommandPalette)
        await walk(pilot, [*"Results of"], wait=0.6)
        await walk(pilot, ["enter"], wait=0.5)
        assert isinstance(app.screen, ResultsScreen)
        await walk(pilot, ["escape"])
        await walk(pilot, [*"P9", "enter"], ["enter"], ["enter"])  # a participant starts: language, consent
        assert app.flow is not None and app.flow.current.kind == "page"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "End session" in titles and "Results of this study" not in titles
        await walk(pilot, ["f9"])
        assert not isinstance(app.screen, ResultsScreen)


async def test_in_kiosk_mode_results_need_the_pin_and_the_console(station):
    root, db = station
    config = yaml.safe_load((root / "config.yaml").read_text())
    config["station"] = {"kiosk": True, "moderator_pin": _demo_pin_hash()}
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    app = make_app(root, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, WelcomeScreen)
        await walk(pilot, ["f9"])
        assert isinstance(app.screen, WelcomeScreen)
        app.unlocked = True  # as after the PIN: the palette's commands on the welcome screen
        assert "Results of this study" not in [c.title for c in app.get_system_commands(app.screen)]
        app.unlocked = False
        await walk(pilot, ["f12", *PIN, "enter"])
        await walk(pilot, [*"Moderator console"], wait=0.6)
        await walk(pilot, ["enter"], wait=0.5)
        assert isinstance(app.screen, ModeratorScreen)
        await walk(pilot, ["f12", *PIN, "enter"])
        await walk(pilot, [*"Results of"], wait=0.6)
        await walk(pilot, ["enter"], wait=0.5)
        assert isinstance(app.screen, ResultsScreen)


def _demo_pin_hash() -> str:
    """The demo config's moderator PIN hash (for PIN 2468)."""
    from conftest import ROOT

    line = next(l for l in (ROOT / "config.yaml").read_text().splitlines() if "moderator_pin:" in l)
    return line.split('"')[1]
