"""SVG screenshots of every screen, participant and moderator, at 80x24 and 120x40 in French.

Each screenshot must show the labels that a person on that screen has to read or press (read
back from the SVG's own text). With ``PREVIEW_TUI_SCREENS=docs/screens`` the screenshots are
written to the repository (``docs/screens/``); otherwise to a temporary directory.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from textual.command import CommandPalette

from preview_tui.ui.kiosk import PinScreen, StillThereScreen
from preview_tui.ui.moderator import ModeratorScreen
from preview_tui.ui.page import PageScreen
from test_room_ui import wait_until
from test_walk_demo import ABOUT_YOU, make_app, walk

ROOT = Path(__file__).resolve().parents[1]
TEXT = re.compile(r'<text[^>]*\bx="([\d.]+)"[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def svg_lines(svg: str) -> list[str]:
    """The terminal's lines as the SVG draws them (its text elements, row by row)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, content in TEXT.findall(svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(re.sub(r"<[^>]+>", "", content))))
    return ["".join(t for _, t in sorted(parts)).replace("\xa0", " ") for _, parts in sorted(rows.items())]


class Shots:
    def __init__(self, app, out: Path, size: tuple[int, int]):
        self.app, self.out, self.size = app, out, size
        self.problems: list[str] = []
        self.names: list[str] = []

    async def take(self, name: str, *labels: str, pilot=None, wait: float = 5.0) -> None:
        """The screen as an SVG file; a problem for each label it does not show once the screen has settled.

        A loaded machine may draw a screen's last parts (the footer, a mounted list) a moment late:
        the shot is taken again, for up to ``wait`` seconds, while a label is missing.
        """
        width, height = self.size
        file = f"{name}-{width}x{height}.svg"
        waited = 0.0
        while True:
            svg = self.app.export_screenshot(title=f"{name} {width}x{height}")
            text = "\n".join(svg_lines(svg))
            missing = [label for label in labels if label not in text]
            if not missing or pilot is None or waited >= wait:
                break
            await pilot.pause(0.1)
            waited += 0.1
        (self.out / file).write_text(svg, encoding="utf-8")
        self.names.append(file)
        if missing:
            self.problems.append(f"{file}: not on screen: {missing}")


    def thumbnails_whole(self, app) -> None:
        """An image choice's labels whole under their pictures: each word shown twice, there and in the list of answers."""
        from preview_tui.survey.schema import ImageChoice

        text = re.sub(r"[\u2500-\u259f\u25cb\u25cf]", " ", " ".join(svg_lines(self.app.export_screenshot())))  # frames and radio glyphs apart
        for q in app.flow.current.page.questions:
            if isinstance(q, ImageChoice):
                for option in q.options:
                    label = app.flow.runner.text(option.label)
                    short = [w for w in label.split() if len(re.findall(rf"(?<!\S){re.escape(w)}(?!\S)", text)) < 2]
                    if short:
                        self.problems.append(f"{q.id} at {self.size}: thumbnail label {label!r} cut: {short} shown once")


@pytest.fixture
def out_dir(tmp_path) -> Path:
    chosen = os.environ.get("PREVIEW_TUI_SCREENS")
    path = (ROOT / chosen) if chosen and not Path(chosen).is_absolute() else Path(chosen) if chosen else tmp_path / "screens"
    path.mkdir(parents=True, exist_ok=True)
    return path


def page_title(app) -> str:
    return app.flow.runner.text(app.flow.current.page.title)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])  # 200x60: tests/test_visibility_tmux.py
async def test_every_screen_in_french_shows_what_must_be_read_or_pressed(demo_study, tmp_path, out_dir, size):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=size) as pilot:
        shots = Shots(app, out_dir, size)
        await pilot.pause(0.5)
        await shots.take("console", "Participant code", "Pilot", "Start session", "Sessions on this station", "Results", "Help", pilot=pilot)
        await walk(pilot, ["f1"])
        await shots.take("console-help", "moderator console", "F5", "F9", "Esc or F1: close", pilot=pilot)
        await walk(pilot, ["escape"])
        app.screen.query_one("#pilot").value = True
        await pilot.pause(0.3)
        await shots.take("console-pilot-ticked", "PILOT: the next session is a test run", "Start session", pilot=pilot)
        app.screen.query_one("#pilot").value = False
        await walk(pilot, [*"FR01", "enter"])
        await shots.take("language", "Français", "Deutsch", "English", "Entrée : continuer dans cette langue", pilot=pilot)
        await walk(pilot, ["down", "enter"])
        await shots.take("consent", "Avant de commencer", "ans ou plus et j'accepte", "Je refuse", "Entrée : appuyer", pilot=pilot)
        await walk(pilot, ["enter"])
        await shots.take("page-about_you", page_title(app), "Quel âge avez-vous", "Suivant", "Ctrl+N : page suivante", pilot=pilot)
        await walk(pilot, ["?"])
        await shots.take("page-help", "Touches", "Tab", "question suivante", "Échap ou F1 : fermer", pilot=pilot)
        await walk(pilot, ["escape"])
        await walk(pilot, ["ctrl+n"])
        await shots.take("page-problem", "Veuillez répondre à cette question.", pilot=pilot)
        await walk(pilot, ABOUT_YOU)
        assert app.flow.current.page.id == "habits"
        await shots.take("page-habits", page_title(app), "Suivant", "Ctrl+N : page suivante", pilot=pilot)
        await walk(pilot, ["enter", "tab", "space", "tab", *"12,5", "ctrl+n"])
        assert app.flow.current.page.id == "household"
        await shots.take("page-household", page_title(app), "Suivant", "Ctrl+N : page suivante", pilot=pilot)
        await walk(pilot, ["enter", "ctrl+n"])
        await wait_until(pilot, lambda: app.flow.current.kind == "storyboard")
        await shots.take("storyboard", "Image 1 sur", "→ Entrée : image suivante", pilot=pilot)
        await walk(pilot, ["right", "right"])
        await shots.take("storyboard-last", "Entrée : continuer", "← : image précédente", pilot=pilot)
        await walk(pilot, ["enter"], wait=0.5)
        await wait_until(pilot, lambda: app.flow.current.kind == "clip")
        await wait_until(pilot, lambda: getattr(app.screen, "state", "") == "playing")
        await shots.take("clip", "En cours de lecture", "↑ + : j'aime davantage", "↓ - : j'aime moins", pilot=pilot)
        await app.pause_session()
        await pilot.pause(0.3)
        await shots.take("paused", "La session est en pause", pilot=pilot)
        await app.resume_session()
        await wait_until(pilot, lambda: isinstance(app.screen, PageScreen), timeout=20)
        await pilot.pause(app.keys_guard.window)
        app.push_screen(StillThereScreen(app.flow.language, 30))
        await pilot.pause(0.3)
        await shots.take("still-there", "Êtes-vous toujours là", pilot=pilot)
        await walk(pilot, ["space"])
        await shots.take("page-overall", page_title(app), "Suivant", "Ctrl+N : page suivante", pilot=pilot)
        await walk(pilot, ["right", "right", "right", "enter", "tab", "enter", "ctrl+n"])
        while app.flow.current.kind == "page" and app.flow.current.page.id != "final":  # every question type, page by page
            await shots.take(f"page-{app.flow.current.page.id}", page_title(app), "Suivant", "Ctrl+N : page suivante", pilot=pilot)
            shots.thumbnails_whole(app)
            await walk(pilot, ["ctrl+n"])
        await shots.take("page-final", page_title(app), "Suivant", "Ctrl+N : page suivante", pilot=pilot)
        await walk(pilot, [*["right"] * 9, "enter", "ctrl+n"])
        await shots.take("end", "Merci", "Entrée : terminer", pilot=pilot)
        await walk(pilot, ["enter"], wait=0.5)
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        await shots.take("sessions", "FR01", "Sessions on this station", pilot=pilot)
        await walk(pilot, ["f9"], wait=1.0)
        await shots.take("results", "Results", "Split the dial by", "Include pilot sessions", "Back to the console", pilot=pilot)
        await walk(pilot, ["escape"])
        await wait_until(pilot, lambda: isinstance(app.screen, ModeratorScreen))
        await walk(pilot, ["f8"])
        await shots.take("confirm-withdraw", "Withdraw FR01", "Withdraw and erase", "Cancel", pilot=pilot)
        await walk(pilot, ["escape"])
        app.push_screen(PinScreen(""))
        await pilot.pause(0.3)
        await shots.take("pin", "Moderator PIN", pilot=pilot)
        await walk(pilot, ["escape"])
        await walk(pilot, ["ctrl+p"], wait=0.6)
        assert CommandPalette.is_open(app)
        await shots.take("palette", "Results of this study", "Theme", pilot=pilot)
        await walk(pilot, ["escape"])
        # A pilot session: the engine's state beside the participant's screen, and the jump list.
        app.screen.query_one("#pilot").value = True
        app.screen.query_one("#code").focus()
        await walk(pilot, [*"FR02", "enter"], ["down", "enter"], ["enter"])
        await shots.take("pilot-panel", "PILOT", "Step", "Answers", "Quel âge avez-vous", pilot=pilot)
        await walk(pilot, ["f7"])
        await shots.take("jump-list", "Jump to a step", "about_you", pilot=pilot)
        await walk(pilot, ["escape"])
    assert not shots.problems, "\n".join(shots.problems)
    assert len(shots.names) >= 25
