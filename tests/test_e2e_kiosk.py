"""Kiosk mode in a real terminal: every escape key leaves the participant in the flow; the PIN opens the console."""

import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import rows
from tmux import TmuxSession

ESCAPES = ["C-c", "C-q", "C-z", "C-p", "Escape", "C-\\", "C-d", "C-w", "F1", "F10", "M-x", "C-x"]


@pytest.mark.real
def test_kiosk_keeps_the_participant_in_the_flow_and_the_pin_opens_the_console(demo_study, tmp_path):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    config = demo_study / "config.yaml"
    config.write_text(config.read_text().replace("  kiosk: false", "  kiosk: true"))
    db = tmp_path / "station.sqlite"
    command = [str(Path(sys.executable).with_name("preview-tui")), "--database", str(db)]
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)}
    with TmuxSession(command, env=env, cwd=demo_study, cols=100, rows=30) as term:

        def press(*keys):
            for key in keys:
                time.sleep(0.25)
                term.send(key)

        def escapes_change_nothing(still_showing: str) -> None:
            for key in ESCAPES:
                press(key)
                time.sleep(0.2)
                assert term.alive(), f"{key} ended the app"
                screen = term.screen()
                assert still_showing in screen, f"after {key}:\n{screen}"
                assert "Moderator PIN" not in screen and "Search for commands" not in screen

        term.wait_for("Please wait for the moderator", timeout=20)
        escapes_change_nothing("Please wait for the moderator")
        press("F12")
        term.wait_for("Moderator PIN")
        term.send_text("1357")
        press("Enter")
        term.wait_for("Wrong PIN")
        press("Escape")
        term.wait_for("Please wait for the moderator")
        press("F12")
        term.wait_for("Moderator PIN")
        term.send_text("2468")
        press("Enter")
        term.wait_for("Moderator console")
        term.send_text("console")
        time.sleep(0.5)
        press("Enter")
        term.wait_for("Sessions on this station")
        term.send_text("KIOSK-1")
        press("Enter")
        term.wait_for("Please choose your language")
        escapes_change_nothing("Please choose your language")
        press("Enter")  # English
        term.wait_for("Before we begin")
        escapes_change_nothing("Before we begin")
        press("F12")
        term.wait_for("Moderator PIN")
        term.send_text("2468")
        press("Enter")
        term.wait_for("Withdraw participant")
        term.send_text("withdraw")
        time.sleep(0.5)
        press("Enter")
        term.wait_for("Withdraw and erase")
        press("Left", "Enter")
        term.wait_for("Please wait for the moderator")
        assert "KIOSK-1" not in term.screen()
        assert term.alive()
    assert rows(db, "select count(*) from sessions") == [(0,)]
    assert len(rows(db, "select session_id from tombstones")) == 1
