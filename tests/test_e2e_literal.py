"""Text is text in a real terminal (tmux): codes, answers and study texts never act on the terminal or the app."""

import asyncio
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
import yaml

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.pin import hash_pin
from preview_tui.survey.study import load_study
from literal_helpers import study_with
from tmux import TmuxSession

pytestmark = pytest.mark.real

APP = str(Path(sys.executable).with_name("preview-tui"))
OSC = {"title": "\x1b]0;pwned\x07", "title2": "\x1b]2;owned\x1b\\", "clipboard": "\x1b]52;c;aGVsbG8=\x07", "link": "\x1b]8;;https://x.example\x1b\\here\x1b]8;;\x1b\\"}


def station(root: Path, **values) -> Path:
    config = yaml.safe_load((root / "config.yaml").read_text())
    config["station"] = values
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    return root


def terminal(root: Path, db: Path, tmp_path: Path) -> TmuxSession:
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)}
    return TmuxSession([APP, "--study", str(root), "--database", str(db)], env=env, cwd=tmp_path, cols=100, rows=30)


def pane_title(term: TmuxSession) -> str:
    return term._tmux("display-message", "-p", "-t", term.pane, "#{pane_title}").strip()


def press(term: TmuxSession, *keys: str) -> None:
    for key in keys:
        time.sleep(0.3)
        term.send(key)


def quit_during_a_session(term) -> None:
    """Ctrl+Q while a session runs asks first; the session stays interrupted."""
    press(term, "C-q")
    term.wait_for("Quit preview-tui?", timeout=20)
    press(term, "Left", "Enter")  # Cancel has the focus; Quit is left of it


def test_a_participant_code_of_markup_survives_a_restart(tmp_path):
    root, db = study_with(tmp_path / "s"), tmp_path / "station.sqlite"
    with terminal(root, db, tmp_path) as term:
        term.wait_for("Sessions on this station", timeout=30)
        term.send_text("[/]")
        press(term, "Enter")
        term.wait_for("Please choose your language", timeout=20)
        quit_during_a_session(term)
        assert term.wait_exit(timeout=20) == 0
    with terminal(root, db, tmp_path) as term:  # the code is in the station file now
        screen = term.wait_for(re.compile(r"\[/\] +interrupted"), timeout=30)
        assert "Traceback" not in screen and term.alive()


def test_a_piped_answer_of_markup_is_shown_as_typed_and_again_after_a_resume(tmp_path):
    root, db = study_with(tmp_path / "s", question="Hi"), tmp_path / "station.sqlite"
    with terminal(root, db, tmp_path) as term:
        term.wait_for("Sessions on this station", timeout=30)
        term.send_text("P1")
        press(term, "Enter")
        term.wait_for("Please choose your language", timeout=20)
        press(term, "Enter")
        term.wait_for("I agree", timeout=20)
        press(term, "Enter")
        term.wait_for("Next", timeout=20)
        time.sleep(0.5)
        term.send_text("Rex[/i]")  # the open question has the focus
        term.wait_for("Rex[/i]", timeout=10)
        press(term, "C-n")
        term.wait_for("Hi Rex[/i]", timeout=20)
        quit_during_a_session(term)
        assert term.wait_exit(timeout=20) == 0
    with terminal(root, db, tmp_path) as term:
        term.wait_for("interrupted", timeout=30)
        press(term, "F5")
        screen = term.wait_for("Hi Rex[/i]", timeout=20)
        assert "Traceback" not in screen


def test_in_kiosk_mode_a_mouse_click_on_action_markup_does_not_open_the_console(tmp_path):
    root = study_with(tmp_path / "s", welcome="[@click=app.pop_screen]Touch here to begin[/]")
    station(root, kiosk=True, moderator_pin=hash_pin("2468"))
    with terminal(root, tmp_path / "station.sqlite", tmp_path) as term:
        screen = term.wait_for("Touch here to begin", timeout=30)
        assert "[@click=app.pop_screen]" in screen  # shown as written
        row = next(i for i, line in enumerate(screen.splitlines()) if "Touch here" in line)
        col = screen.splitlines()[row].index("Touch here") + 3
        for _ in range(2):  # an SGR mouse press and release, as the terminal sends them (1-based cells)
            term.send_text(f"\x1b[<0;{col + 1};{row + 1}M")
            term.send_text(f"\x1b[<0;{col + 1};{row + 1}m")
            time.sleep(0.5)
        time.sleep(1.0)
        screen = term.screen()
        assert "Touch here to begin" in screen and "Sessions on this station" not in screen
        assert term.alive()


def test_escape_sequences_in_stored_values_and_study_texts_leave_the_pane_title_alone(tmp_path):
    root, db = study_with(tmp_path / "s", question="Hi"), tmp_path / "station.sqlite"
    code = "C" + OSC["title"] + OSC["clipboard"]
    answer = "A" + OSC["title2"] + OSC["link"]

    async def stored() -> None:  # as a station file holds them after a paste, an import or a sync
        async with Store(db) as store:
            flow = await Flow.start(load_study(root), store, Participant(code=code), station="s")
            await flow.choose_language("en")
            await flow.consent(True)
            await flow.submit_page({"pick": 1, "name": answer})

    upgrade(db)
    asyncio.run(stored())
    with terminal(root, db, tmp_path) as term:
        term.wait_for("Sessions on this station", timeout=30)
        term.wait_for("C\\u001b]0;pwned", timeout=20)
        press(term, "F5")
        screen = term.wait_for("Hi A\\u001b]2;owned", timeout=20)
        assert "\\u001b]8;;https://x.example" in screen
        time.sleep(0.5)
        title = pane_title(term)
        assert "pwned" not in title and "owned" not in title, title
    # A study whose texts hold them: the loader may refuse it (a located error), or it is shown
    # with the sequences visible; the terminal's title is never set either way.
    texts = study_with(tmp_path / "t", question="Q" + OSC["title"] + OSC["link"], title="T" + OSC["title2"] + OSC["clipboard"])
    with terminal(texts, tmp_path / "other.sqlite", tmp_path) as term:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and term.alive() and "Sessions on this station" not in term.screen():
            time.sleep(0.1)
        time.sleep(0.5)
        title, screen = pane_title(term), term.last_output()
        assert "T\\u001b]2;owned" in screen or re.search(r"config\.yaml:\d+:\d+", screen), screen
        assert "pwned" not in title and "owned" not in title, title
