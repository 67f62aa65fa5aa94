"""A step that ends while a modal screen is over it (the moderator's palette, the PIN): the modal stays, its
callback runs, and the next step comes once it closes (Textual's pilot, fake player, real SQLite)."""

from __future__ import annotations

import yaml
from textual.command import CommandPalette

from preview_tui.ui.clip import ClipScreen
from preview_tui.ui.kiosk import PinScreen
from preview_tui.ui.moderator import ModeratorScreen
from preview_tui.ui.page import PageScreen
from test_screening_ui import make_app, make_study, to_storyboard, until_playing, wait_for


def names(app) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack]


async def test_the_palette_open_as_the_clip_ends_stays_and_the_page_comes_when_it_closes(demo_study, tmp_path):
    app, _ = make_app(make_study(demo_study, clip={}), tmp_path / "s.sqlite", clip_ms=1500)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await until_playing(pilot, app)
        app.action_command_palette()
        await pilot.pause(0.2)
        assert CommandPalette.is_open(app)
        await wait_for(pilot, app, "page", timeout=10)  # the clip ended under the palette
        await pilot.pause(0.5)
        assert CommandPalette.is_open(app), names(app)  # not replaced by the next page
        assert isinstance(app.screen_stack[-2], ClipScreen), names(app)
        await pilot.press("escape")
        await pilot.pause(0.5)
        assert isinstance(app.screen, PageScreen), names(app)
        assert not any(isinstance(s, (ClipScreen, CommandPalette)) for s in app.screen_stack), names(app)


async def test_in_kiosk_mode_the_palette_relocks_when_it_closes_even_if_the_clip_ended_meanwhile(demo_study, tmp_path):
    study = make_study(demo_study, clip={})
    config = yaml.safe_load((study / "config.yaml").read_text())
    config["station"]["kiosk"] = True
    (study / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    app, _ = make_app(study, tmp_path / "s.sqlite", clip_ms=2500)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        app.unlocked = True
        await app.unlock_console()
        await pilot.pause(0.3)
        app.unlocked = False
        assert isinstance(app.screen, ModeratorScreen), names(app)
        await to_storyboard(pilot, code="K1")
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        await until_playing(pilot, app)
        await pilot.press("f12")
        await pilot.pause(0.3)
        assert isinstance(app.screen, PinScreen), names(app)
        await pilot.press(*"2468", "enter")
        await pilot.pause(0.5)
        assert CommandPalette.is_open(app) and app.unlocked, names(app)
        await wait_for(pilot, app, "page", timeout=10)
        await pilot.pause(0.5)
        assert CommandPalette.is_open(app) and app.unlocked, names(app)
        await pilot.press("escape")
        await pilot.pause(0.5)
        assert not app.unlocked  # locked again: the participant's keys reach nothing of the moderator's
        assert isinstance(app.screen, PageScreen), names(app)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert not CommandPalette.is_open(app)
