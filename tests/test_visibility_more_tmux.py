"""The moderator's console, and the participant's scales beside the pilot panel, in a real terminal (tmux).

The same real `preview-tui` over ``tests/data/long_labels`` as in test_visibility_tmux.py,
whose helpers read the captured screens here. One app start per size:

* the console: every field, the language selector, the Pilot box, Start, the list's
  header and every footer key are whole on screen, each box closed on its right edge;
* a pilot session (Pilot ticked on the console): every page (each question type) shows
  every option, point, both end labels, the buttons and the key hint with the
  panel beside them (narrower under 120 columns), scrolling with Page Down where the
  "more below" cue says so.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from preview_tui.survey.study import load_study, text
from preview_tui.words import word
from test_visibility_tmux import FRAME, STUDY, Walk, check, expected, on_one_line, page_hint
from tmux import TmuxSession

SIZES = [(80, 24), (120, 40), (200, 60)]
FIELDS = ["Participant code", "Screening room 1", "Seat", "Participant chooses", "Pilot"]  # each in its own box
FOOTER = ["^s Start", "f5 Resume", "f6 Abandon", "f8 Withdraw", "f9 Results", "f1 Help"]
BANNER = "PILOT · test data"


def run(tmp_path: Path, cols: int, rows: int) -> TmuxSession:
    """The app on a copy of the long-label study (with its pictures) in a terminal of ``cols`` × ``rows``."""
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    study_dir = tmp_path / "study"
    shutil.copytree(STUDY, study_dir)
    (study_dir / "media").mkdir(exist_ok=True)
    for name in ("board-1.png", "board-2.png", "board-3.png"):
        shutil.copy(ROOT / "media" / name, study_dir / "media" / name)
    command = [str(Path(sys.executable).with_name("preview-tui")), "--database", str(tmp_path / "station.sqlite")]
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path), "PREVIEW_TUI_SETTINGS": str(tmp_path / "settings.json")}
    return TmuxSession(command, env=env, cwd=study_dir, cols=cols, rows=rows)


def boxed(label: str, screen: str) -> bool:
    """``label`` whole on a line and followed, after blanks or the selector's ▼, by the right edge ▎ of its box."""
    return any(re.search(re.escape(label) + r"[ ▼]*▎", line) for line in screen.split("\n"))


def console_problems(screen: str, cols: int) -> list[str]:
    lines = screen.split("\n")
    problems = [f"{label!r} not whole in its box" for label in FIELDS if not boxed(label, screen)]
    problems += [f"{label!r} not whole" for label in ["Start session", "Sessions on this station"] if not on_one_line(label, [screen])]
    start = next((line for line in lines if "Start session" in line), "")
    if start and start.index("Start session") + len("Start session") + 2 > cols:  # the button's own padding
        problems.append("the Start button touches the right edge")
    footer = " ".join(FRAME.sub(" ", lines[-1]).split()).lower() if lines else ""
    problems += [f"footer key {key!r} missing" for key in FOOTER if key.lower() not in footer]
    return problems


@pytest.mark.real
@pytest.mark.parametrize("size", SIZES, ids=[f"{c}x{r}" for c, r in SIZES])
def test_the_console_shows_every_field_button_and_key_whole(tmp_path, size):
    cols, rows = size
    with run(tmp_path, cols, rows) as term:
        walk = Walk(term, "en")
        term.wait_for("Sessions on this station", timeout=30)
        term.wait_for("f1 Help", timeout=15)
        screen = walk.settled()
        problems = console_problems(screen, cols)
        assert not problems, f"console at {cols}x{rows}: {problems}\n{screen}"


@pytest.mark.real
@pytest.mark.parametrize(("size", "lang"), [((80, 24), "fr"), ((120, 40), "de"), ((200, 60), "fr")], ids=["80x24-fr", "120x40-de", "200x60-fr"])
def test_the_scales_are_whole_beside_the_pilot_panel(tmp_path, size, lang):
    cols, rows = size
    survey = load_study(STUDY).surveys["long"]
    w = lambda key, **v: word(key, lang, **v)  # noqa: E731
    with run(tmp_path, cols, rows) as term:
        walk = Walk(term, lang)

        def press(*keys: str) -> None:
            for key in keys:
                time.sleep(0.2)
                term.send(key)

        term.wait_for("Sessions on this station", timeout=30)
        term.send_text("PILOT-VIS")
        press("Tab", "Tab", "Tab", "Tab", "Space")  # room, seat, language, then the Pilot box
        term.wait_for("PILOT: the next session is a test run", timeout=10)
        press("C-s")  # start (Shift+Tab back to the code is an escape sequence, which a loaded machine can split)
        term.wait_for("Français", timeout=20)
        press(*{"fr": ["Down"], "de": ["Down", "Down"]}[lang])
        press("Enter")
        term.wait_for(w("consent_title"), timeout=20)
        press("Enter")  # Agree has the focus
        pages = list(survey.all_pages())
        for n, page in enumerate(pages):
            title = text(page.title, lang)
            screens = walk.page(title)
            whole = [w("next"), w("back")] if n else [w("next")]
            words = page_hint(lang) + [BANNER, "Step", page.id]  # the panel is there, beside the page
            for q in page.questions:
                q_whole, q_words = expected(q, lang)
                whole += q_whole
                words += q_words
            check(screens, whole, words, f"page {page.id} at {cols}x{rows} in {lang} with the pilot panel")
            if page.id == "p_nps":  # the top of the scale can be reached and is shown chosen
                term.send("End", "Enter")
                term.wait_for("● 10", timeout=10)
            press("C-n")
            if n + 1 < len(pages):
                term.wait_gone(title, timeout=20)
