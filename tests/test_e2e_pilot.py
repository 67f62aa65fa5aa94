"""The console's Pilot box in a real terminal: ticked for one session, cleared after it, so the next
participant is stored as a real participant (checked in the station file)."""

import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import rows
from tmux import TmuxSession

UNDER_18 = ["Enter", "Tab", "Enter", "C-n"]  # the first age band and a gender: screened out at once


@pytest.mark.real
def test_the_pilot_box_lasts_one_session_in_the_real_app(demo_study, tmp_path):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    db = tmp_path / "station.sqlite"
    command = [str(Path(sys.executable).with_name("preview-tui")), "--database", str(db)]
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path), "PREVIEW_TUI_SETTINGS": str(tmp_path / "settings.json")}
    with TmuxSession(command, env=env, cwd=demo_study, cols=100, rows=30) as term:

        def press(*keys):
            for key in keys:
                time.sleep(0.2)
                term.send(key)

        def session(code: str, *, pilot: bool = False) -> None:
            term.send_text(code)
            if pilot:  # Tab on to the Pilot box, tick it, start with Ctrl+S (no Shift+Tab back: its escape sequence can split under load)
                press("Tab", "Tab", "Tab", "Tab", "Space")  # room, seat, language, then the Pilot box
                term.wait_for("PILOT: the next session is a test run", timeout=10)
                press("C-s")
            else:
                press("Enter")
            term.wait_for("Please choose your language", timeout=20)
            press("Enter")
            term.wait_for("Before we begin", timeout=20)
            press("Enter")
            term.wait_for("How old are you", timeout=20)
            press(*UNDER_18)
            term.wait_for("looking for a different audience", timeout=20)
            press("Enter")  # leave the end screen
            term.wait_for("Sessions on this station", timeout=20)

        term.wait_for("Sessions on this station", timeout=30)
        press("C-c")  # says how to quit; never a traceback
        term.wait_for("to quit", timeout=10)
        assert term.alive()
        session("PILOT1", pilot=True)
        term.wait_for("PILOT1 (pilot)", timeout=20)
        assert "PILOT: the next session" not in term.screen()
        session("REAL1")
        term.wait_for("REAL1", timeout=20)
        press("C-q")  # no session runs: quits at once
        term.wait_exit(timeout=20)
        assert "Traceback" not in term.last_output()
    assert rows(db, "select participant_code, is_test from sessions order by started_at") == [("PILOT1", 1), ("REAL1", 0)]
