"""A whole afternoon on one station in kiosk mode, in a real terminal with real libVLC.

Four participants: one completes the demo, one is under age, one is interrupted
by a SIGKILL of the station and resumed after the restart, one withdraws. Then
the file is checked: statuses, the audit chain, and no byte of the withdrawn
participant.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import rows
from preview_tui.survey.runner import Runner
from preview_tui.survey.study import load_study
from tmux import TmuxSession

PIN = "2468"  # the demo config's moderator PIN
MIDDLE = {"frames": "The storyboard", "priorities": "What matters most", "music_and_mood": "Music and mood"}


class Station:
    """The preview-tui command in tmux, and what a moderator and a participant do with it."""

    def __init__(self, study: Path, db: Path, home: Path):
        command = [str(Path(sys.executable).with_name("preview-tui")), "--database", str(db)]
        env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(home)}
        self.term = TmuxSession(command, env=env, cwd=study, cols=110, rows=32)
        self.study = study

    def __enter__(self) -> "Station":
        self.term.start()
        self.term.wait_for("Please wait for the moderator", timeout=20)
        return self

    def __exit__(self, *exc) -> None:
        self.term.close()

    def press(self, *keys: str) -> None:
        for key in keys:
            time.sleep(0.25)
            self.term.send(key)

    def wait(self, text: str, timeout: float = 10) -> None:
        self.term.wait_for(text, timeout=timeout)

    def moderator(self, command: str) -> None:
        """F12, the PIN, a command from the palette."""
        self.press("F12")
        self.wait("Moderator PIN")
        self.term.send_text(PIN)
        self.press("Enter")
        self.wait("Search for commands")
        self.term.send_text(command)
        time.sleep(0.6)
        self.press("Enter")

    def start(self, code: str) -> None:
        self.moderator("console")
        self.wait("Sessions on this station")
        self.term.send_text(code)
        self.press("Enter")
        self.wait("Please choose your language")
        self.press("Enter")  # English
        self.wait("Before we begin")

    def screener(self) -> None:
        self.wait("How old are you")
        self.press("Down", "Enter", "Tab", "Enter", "C-n")  # 18 to 34, a woman
        self.habits()

    def habits(self) -> None:
        self.wait("How often do you go to the cinema")
        self.press("Enter", "Tab", "Space", "C-n")  # never, drama; the spending question is soft-required
        self.wait("Press Ctrl+N again")
        self.press("C-n")
        self.wait("Your household")
        self.press("C-n")

    def stimuli(self) -> str:
        """Wait for the first stimulus: the storyboard or the trailer, as the Latin square gives them."""
        screen = self.term.wait_for(re.compile(r"Image 1 of 3|Now playing"), timeout=15)
        return "storyboard" if "Image 1 of 3" in screen else "trailer"

    def stimuli_and_reactions(self, code: str) -> None:
        if self.stimuli() == "storyboard":
            self.press("Right", "Right", "Enter")
            self.wait("Now playing", timeout=15)
            self.press("Up", "Up")  # the dial
        else:
            self.press("Up", "Up")  # the dial
            self.wait("Image 1 of 3", timeout=30)  # the real 8 s clip ended in libVLC
            time.sleep(1)  # arrows just after the clip's end are taken for the dial and dropped
            self.press("Right", "Right", "Enter")
        self.wait("Overall, how much did you like the trailer", timeout=30)
        time.sleep(1)  # arrows just after the clip's end are taken for the dial and dropped
        self.press("Right", "Right", "Enter", "Tab", "Enter", "C-n")  # 3 of 5, definitely: not keen
        self.wait("What did you like")
        self.press("C-n")
        order = [item.page.id for item in Runner(load_study(self.study), code=code).items if item.kind == "page" and item.page.id in MIDDLE]
        for page_id in order:
            self.wait(MIDDLE[page_id])
            self.press("C-n")
        self.wait("Last questions")
        self.press("C-n")
        self.wait("Press Ctrl+N again")
        self.press("C-n")
        self.wait("Thank you! Your answers have been saved")
        self.press("Enter")
        self.wait("Please wait for the moderator")  # the next participant sees nothing of this one

    def kill(self) -> None:
        pid = int(self.term._tmux("display-message", "-p", "-t", self.term.pane, "#{pane_pid}").strip())
        os.kill(pid, signal.SIGKILL)
        status = self.term.wait_exit(timeout=10)
        assert status == -signal.SIGKILL, status


@pytest.mark.real
def test_an_afternoon_in_kiosk_mode(demo_study, tmp_path):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    config = demo_study / "config.yaml"
    config.write_text(config.read_text().replace("  kiosk: false", "  kiosk: true"))
    db = tmp_path / "station.sqlite"

    with Station(demo_study, db, tmp_path) as station:
        # 1. A participant goes through the whole preview.
        station.start("AFT-1")
        station.press("Enter")  # agree
        station.screener()
        station.stimuli_and_reactions("AFT-1")
        assert "AFT-1" not in station.term.screen()

        # 2. Under age: the session ends politely, keeping nothing of them.
        station.start("AFT-2")
        station.press("Tab", "Tab", "Enter")  # "I am under 18"
        station.wait("looking for a different audience")
        station.press("Enter")
        station.wait("Please wait for the moderator")

        # 3. The station is killed in the middle of a session.
        station.start("AFT-3")
        station.press("Enter")
        station.wait("How old are you")
        station.press("Down", "Down", "Enter", "Tab", "Enter", "C-n")  # 35 to 54, a woman
        station.wait("How often do you go to the cinema")
        station.kill()

    with Station(demo_study, db, tmp_path) as station:
        # ... and after the restart the moderator resumes it where it stopped.
        station.moderator("console")
        station.wait("1 interrupted session")
        station.press("F5")  # the newest session is selected: AFT-3
        station.habits()
        station.stimuli_and_reactions("AFT-3")

        # 4. A participant withdraws in the middle: everything of theirs is erased.
        station.start("AFT-4")
        station.press("Enter")
        station.screener()
        station.stimuli()
        station.moderator("withdraw")
        station.wait("Withdraw and erase")
        station.press("Left", "Enter")
        station.wait("Please wait for the moderator")

    sessions = rows(db, "select participant_code, status, outcome_reason from sessions order by started_at")
    assert sessions == [("AFT-1", "completed", None), (None, "screened_out", "under_age"), ("AFT-3", "completed", None)]
    resumed = rows(db, "select count(*) from audit_log where kind = 'session_started' and subject = 'resumed'")
    assert resumed == [(1,)]
    answers = dict(rows(db, "select question_id, value from answers where session_id = (select id from sessions where participant_code = 'AFT-3')"))
    assert answers["age_band"] == 3 and answers["cinema_visits"] == 1  # before and after the kill
    assert len(rows(db, "select session_id from tombstones")) == 1
    assert rows(db, "select count(*) from dial_samples") != [(0,)]
    verify = subprocess.run([sys.executable, "-m", "preview_tui", "audit", "verify", "--database", str(db)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert b"AFT-1" in raw and b"AFT-4" not in raw
