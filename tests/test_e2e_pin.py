"""The PIN and the keyboard in a real terminal (tmux): the wait and the lockout, which a restart keeps, and a paste with no end."""

import asyncio
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import rows
from preview_tui.db.audit import verify
from preview_tui.db.migrate import upgrade
from preview_tui.pin import ACCEPTED, LIMIT, REFUSED, UNLOCKED
from test_pin import wrong_pins
from test_room_ui import PIN
from tmux import TmuxSession

PREVIEW_TUI = str(Path(sys.executable).with_name("preview-tui"))


def kiosk_station(study: Path, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    config = study / "config.yaml"
    config.write_text(config.read_text().replace("  kiosk: false", "  kiosk: true"))
    command = [PREVIEW_TUI, "--database", str(tmp_path / "station.sqlite")]
    return command, {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)}


@pytest.mark.real
def test_wrong_pins_wait_then_lock_and_a_restart_keeps_the_lockout(demo_study, tmp_path, monkeypatch):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    command, env = kiosk_station(demo_study, tmp_path)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    asyncio.run(wrong_pins(db, LIMIT - 2, timedelta(minutes=1), monkeypatch))  # three wrong PINs a minute ago
    with TmuxSession(command, env=env, cwd=demo_study, cols=100, rows=30) as term:
        term.wait_for("Please wait for the moderator", timeout=30)
        term.send("F12")
        term.wait_for("2 tries left")
        term.send_text("1357")
        given = time.monotonic()
        term.send("Enter")
        term.wait_for("Try again in")  # the 4th wrong PIN in a row: 4 s
        assert "1 try left" in term.screen()
        term.wait_gone("Try again in", timeout=30)
        assert time.monotonic() - given >= 3.5, "the field opened again before the wait was over"
        term.send_text("1357")
        term.send("Enter")
        term.wait_for("The PIN is locked")
    with TmuxSession(command, env=env, cwd=demo_study, cols=100, rows=30) as term:  # killed and started again
        term.wait_for("Please wait for the moderator", timeout=30)
        term.send("F12")
        term.wait_for("The PIN is locked")
        term.send_text(PIN)
        term.send("Enter")
        time.sleep(1.0)
        assert "The PIN is locked" in term.screen() and "Search for commands" not in term.screen()
        unlock = subprocess.run([PREVIEW_TUI, "pin", "--unlock", "--database", str(db)], capture_output=True, text=True, timeout=60)
        assert unlock.returncode == 0, unlock.stderr
        term.wait_gone("The PIN is locked")  # the open PIN screen sees the unlock
        term.send_text(PIN)
        term.send("Enter")
        term.wait_for("Moderator console")
    kinds = [kind for (kind,) in rows(db, "select kind from audit_log where kind like 'pin_%' order by seq")]
    assert kinds == [REFUSED] * LIMIT + [UNLOCKED, ACCEPTED]
    assert verify(db).ok


@pytest.mark.real
def test_a_bracketed_paste_with_no_end_lets_go_of_the_keyboard(demo_study, tmp_path):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    command, env = kiosk_station(demo_study, tmp_path)
    with TmuxSession(command, env=env, cwd=demo_study, cols=100, rows=30) as term:
        term.wait_for("Please wait for the moderator", timeout=30)
        term.send_text("\x1b[200~")  # a paste's start, and no end ever
        started = time.monotonic()
        time.sleep(1.0)
        while "Moderator PIN" not in term.screen():
            assert time.monotonic() - started < 15, f"F12 still swallowed by the paste:\n{term.screen()}"
            term.send("F12")
            time.sleep(1.0)
        term.send_text(PIN)
        term.send("Enter")
        term.wait_for("Moderator console")
        assert term.alive()
