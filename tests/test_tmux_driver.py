"""Self-test of the tmux driver (tests/tmux.py) with small Python programs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tmux import TmuxSession

pytestmark = pytest.mark.real

# Prints its terminal, then echoes lines until it reads "quit".
ECHO = r"""
import os, shutil
size = shutil.get_terminal_size()
print(f"size={size.columns}x{size.lines} term={os.environ['TERM']} "
      f"foo={os.environ.get('FOO')} cwd={os.getcwd()}")
while True:
    line = input("input: ")
    if line == "quit":
        break
    print(f"got [{line}]")
print("bye")
raise SystemExit(3)
"""


def python(program: str) -> list[str]:
    return [sys.executable, "-c", program]


def test_environment_size_and_cwd(tmp_path):
    with TmuxSession(python(ECHO), env={"FOO": "a b=c"}, cwd=tmp_path, cols=90, rows=20) as tui:
        screen = tui.wait_for("size=")
        assert f"size=90x20 term=xterm-256color foo=a b=c cwd={tmp_path}" in screen


def test_text_keys_and_exit_status(tmp_path):
    with TmuxSession(python(ECHO), cwd=tmp_path) as tui:
        tui.wait_for("input:")
        tui.send_text("-l; Enter $HOME")  # literal: no key names, no shell
        tui.send("Enter")
        tui.wait_for("got [-l; Enter $HOME]")
        tui.send("h", "i", "Space", "Enter")
        tui.wait_for(re.compile(r"^got \[hi \]$", re.M))
        assert tui.alive()
        assert tui.exit_status() is None
        tui.send_text("quit")
        tui.send("Enter")
        assert tui.wait_exit() == 3
        assert not tui.alive()
        # remain-on-exit: the last output can still be read after the exit.
        assert "bye" in tui.last_output()
        assert "bye" in tui.wait_for("bye")


def test_ctrl_c(tmp_path):
    with TmuxSession(python("import time\nprint('busy')\ntime.sleep(60)"), cwd=tmp_path) as tui:
        tui.wait_for("busy")
        tui.send("C-c")
        status = tui.wait_exit()
        assert status not in (None, 0)
        assert "KeyboardInterrupt" in tui.last_output()


def test_wait_gone(tmp_path):
    program = (
        "import time\nprint('working', flush=True)\ntime.sleep(0.3)\n"
        "print('\\x1b[2J', end='', flush=True)\ntime.sleep(60)"
    )
    with TmuxSession(python(program), cwd=tmp_path) as tui:
        tui.wait_for("working")
        assert "working" not in tui.wait_gone("working", timeout=5)


def test_timeout_reports_last_screen(tmp_path):
    with TmuxSession(python(ECHO), cwd=tmp_path) as tui:
        tui.wait_for("input:")
        with pytest.raises(AssertionError, match=r"(?s)'never shown' not on screen.*\|input:"):
            tui.wait_for("never shown", timeout=0.3)
        with pytest.raises(AssertionError, match=r"still running"):
            tui.wait_exit(timeout=0.2)


def test_exited_command_fails_fast(tmp_path):
    with TmuxSession(python("print('done')"), cwd=tmp_path) as tui:
        with pytest.raises(AssertionError, match=r"(?s)exited \(status 0\).*done"):
            tui.wait_for("never shown", timeout=30)


def test_close_kills_only_its_own_server(tmp_path):
    with TmuxSession(python(ECHO), cwd=tmp_path) as first:
        with TmuxSession(python(ECHO), cwd=tmp_path) as second:
            second.wait_for("input:")
        first.wait_for("input:")
        assert first.alive()
        assert not second.alive()
    ran = subprocess.run(["tmux", "-L", first.socket, "has-session"], capture_output=True)
    assert ran.returncode != 0
