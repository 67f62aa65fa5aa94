"""The moderator's room view, the observers' view and a seat in French, read from real terminals at 80×24 and 120×40."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time

import pytest

from room_helpers import PIN, command, join, press, rows, write_room_study
from tmux import TmuxSession

ROOM_KEYS = ["S start", "P pause/resume", "E end", "W withdraw", "A start all waiting", "⇧P pause all", "⇧E end all", "Ctrl+Q close the room", "C start", "Space pause/resume", "−/+5 s", "R play again"]
COLUMNS = ["Seat", "Code", "Lang", "Step", "Progress", "Idle", "Status", "Dial", "Problem"]


@pytest.mark.real
def test_the_room_and_the_back_room_show_everything_at_80_and_120_columns(tmp_path):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    study = write_room_study(tmp_path / "study", clip_seconds=90)
    db = tmp_path / "room.sqlite"
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path), "TEXTUAL_ANIMATIONS": "none"}
    base = ["--study", str(study), "--database", str(db)]
    with contextlib.ExitStack() as terms:
        room = terms.enter_context(TmuxSession(command("room", *base, "--code", "ROOM42"), env=env, cwd=study, cols=80, rows=24, name="room"))
        room.wait_for("Join code: ROOM42", timeout=60)  # open: a seat or an observer started before it is refused
        seat = terms.enter_context(TmuxSession(command("seat", *base, "--seat", "A1"), env=env, cwd=study, cols=80, rows=24, name="seat"))
        observer = terms.enter_context(TmuxSession(command("observe", *base), env=env, cwd=study, cols=80, rows=24, name="observer"))
        join(seat, "room42", "[b]P-1[/b]")  # a code is shown as typed, never as markup
        seat.wait_for("Bienvenue", timeout=30)
        room.wait_for(re.compile(r"(?m)^\s*\S*\s*A1\b.*\bwaiting\b"), timeout=20)  # the seat's row, not the key bar's "start all waiting"
        press(room, "s")
        seat.wait_for("Please choose your language", timeout=30)
        press(seat, "Down", "Enter")  # Français
        seat.wait_for("Acceptez-vous ?", timeout=30)
        press(seat, "Enter")
        seat.wait_for("Votre genre ?", timeout=30)
        press(seat, "Down", "Down", "Enter", "C-n")
        seat.wait_for("Veuillez regarder l'écran de la salle", timeout=30)
        observer.wait_for("Moderator PIN", timeout=60)
        observer.send_text(PIN)
        observer.send("Enter")
        observer.wait_gone("Moderator PIN", timeout=20)
        observer.wait_for("Split by", timeout=20)
        press(room, "c")
        seat.wait_for("En cours sur l'écran de la salle", timeout=30)
        press(seat, "Up", "Up")
        press(observer, "Enter", "Down", "Enter")  # split by gender
        for cols, height in ((80, 24), (120, 40)):
            for term in (room, seat, observer):
                term.resize(cols, height)
            screen = room.wait_for(re.compile(r"playing \d:\d\d"), timeout=20)
            for text in ["Join code: ROOM42", "1 of 1 seats on it", "[b]P-1[/b]", "fr", *COLUMNS, *ROOM_KEYS]:
                assert text in screen, (cols, text, screen)
            assert "error" not in screen.lower()  # nothing of libVLC's on the moderator's screen
            shown = observer.wait_for(re.compile(r"Another: now \d+\.\d"), timeout=20)
            for text in ["Back room · Room T", "Clip trailer · play 1 · playing", "1 seat(s) with samples", "Split by", "gender", "seconds of the clip", "^q Quit"]:
                assert text.lower() in shown.lower(), (cols, text, shown)
            watching = seat.wait_for(re.compile(rf"(?m)^ {{{(cols - 70) // 2}}}╭"), timeout=10)  # laid out again for this size: the 70-cell box centred
            for text in ["La bande-annonce", "En cours sur l'écran de la salle", "60"]:
                assert text in watching, (cols, text, watching)
            assert re.search(r"\b[01]:[0-5]\d / 1:30\b", watching), (cols, watching)  # the room clock's time, whole
            if os.environ.get("SHOW_SCREENS"):
                print(f"--- seat at {cols} columns ---\n{watching}")
        press(room, "]")  # seeks 5 s ahead on the room's screen
        press(room, "r")  # then the moderator plays it again from the start
        room.wait_for("every seat on it records a replay", timeout=20)
        seat.wait_for("En cours sur l'écran de la salle", timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # the seat's ledger is written as the room's events reach it
            ledger = [kind for (kind,) in rows(db, "select kind from events where kind like 'clip_%' order by at")]
            if ledger.count("clip_play") == 2:
                break
            time.sleep(0.2)
    assert "clip_seek" in ledger and "clip_replay" in ledger, ledger
    assert ledger.count("clip_play") == 2, ledger  # the seat's second play follows the room's
