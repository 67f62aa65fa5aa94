"""The real `preview-tui` command in a real terminal (tmux), real libVLC headless, then the SQLite file."""

import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import rows
from preview_tui.survey.runner import Runner
from preview_tui.survey.study import load_study
from tmux import TmuxSession


@pytest.mark.real
def test_participant_walks_the_demo_study_in_a_real_terminal(demo_study, tmp_path):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    db = tmp_path / "station.sqlite"
    command = f"{Path(sys.executable).with_name('preview-tui')} --database {db}"
    env = {"PREVIEW_TUI_DATABASE": str(db), "DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)}
    with TmuxSession(command, env=env, cwd=demo_study, cols=100, rows=30) as term:

        def press(*keys):  # one key at a time, as a person types
            for key in keys:
                time.sleep(0.25)
                term.send(key)

        term.wait_for("Participant code", timeout=20)
        term.send_text("E2E-1")
        term.send("Enter")
        term.wait_for("Please choose your language")
        press("Down", "Down", "Enter")  # Deutsch
        term.wait_for("Bevor wir beginnen")
        press("Enter")
        term.wait_for("Wie alt sind Sie")
        press("Down", "Enter", "Tab", "Enter", "C-n")  # 18-34, Frau
        term.wait_for("Wie oft gehen Sie ins Kino")
        # Nie, Drama; the spending question is soft-required. Sent in one write, as a busy station
        # reads keys typed faster than it takes them: each still acts in turn, Ctrl+N last.
        term.send("Enter", "Tab", "Space", "C-n")
        term.wait_for("erneut Strg+N")
        press("C-n")
        term.wait_for("Ihr Haushalt")
        press("C-n")
        term.wait_for("Bild 1 von 3")
        press("Right")
        term.wait_for("Bild 2 von 3")
        press("Right")
        term.wait_for("Bild 3 von 3")
        press("Enter")
        term.wait_for("Teaser-Trailer")
        term.wait_for("Regler")  # the dial and how to turn it
        term.wait_for("▶", timeout=10)
        press("Up", "Up", "Up", "Down")  # the dial: 50 -> 65 -> 60
        term.wait_for(" 60")
        term.wait_for("Wie hat Ihnen der Trailer", timeout=30)  # the real 8 s clip ended in libVLC
        time.sleep(1)  # arrows just after the clip's end are taken for the dial and dropped
        press("Right", "Right", "Enter", "Tab", "Enter", "C-n")  # 3 of 5, auf jeden Fall: not keen
        term.wait_for("Was hat Ihnen gefallen")
        press("C-n")
        # The middle blocks come in this participant's seeded order.
        titles = {"frames": "Das Storyboard", "priorities": "Was am meisten zählt", "music_and_mood": "Musik und Stimmung"}
        order = [item.page.id for item in Runner(load_study(demo_study), code="E2E-1").items if item.kind == "page" and item.page.id in titles]
        for page_id in order:
            term.wait_for(titles[page_id])
            press("C-n")
        term.wait_for("Letzte Fragen")
        press("C-n")
        term.wait_for("erneut Strg+N")
        press("C-n")
        term.wait_for("Vielen Dank")
        press("Enter")
        term.wait_for("Sessions on this station")
        term.wait_for("completed")
    assert rows(db, "select status, participant_code, language from sessions") == [("completed", "E2E-1", "de")]
    assert dict(rows(db, "select question_id, value from answers")) == {"age_band": 2, "gender": 1, "cinema_visits": 1, "genres": '["drama"]', "trailer_rating": 3, "would_watch": 1, "keen": "false"}
    kinds = [k for (k,) in rows(db, "select kind from events")]
    assert "clip_end" in kinds and "clip_shown" in kinds
    samples = rows(db, "select media_ms, value from dial_samples order by seq")
    assert abs(len(samples) - 80) <= 2  # 8 s at 10 Hz
    assert all(b[0] > a[0] for a, b in zip(samples, samples[1:]))
    assert samples[0][1] == 50 and samples[-1][1] == 60
