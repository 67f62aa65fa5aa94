"""A researcher after a demo afternoon, in a real terminal (tmux): the results screen of the real app,
then the three commands from a shell (a labelled SPSS file, the codebook, the dial chart)."""

import asyncio
import shutil
import sys
import time
from pathlib import Path

import pyreadstat
import pytest

from conftest import own_key_pair
from preview_tui.survey.study import load_study
from test_export_cli import demo_afternoon
from tmux import TmuxSession

BIN = Path(sys.executable).with_name("preview-tui")


@pytest.fixture
def afternoon(demo_study, tmp_path):
    """The demo study with a key pair of the test's own, and a station file holding a finished afternoon."""
    key_file = tmp_path / "team" / "sealing.private-key"
    key_file.parent.mkdir()
    key_file.write_text(own_key_pair(demo_study))
    db = tmp_path / "station.sqlite"
    asyncio.run(demo_afternoon(demo_study, db))
    load_study(demo_study)  # the copy with the new key still loads
    return demo_study, db, key_file


def environment(tmp_path: Path) -> dict[str, str]:
    return {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path), "PS1": "$ "}


@pytest.mark.real
def test_the_results_screen_opens_from_the_console_of_the_real_app(afternoon, tmp_path):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    study, db, _ = afternoon
    with TmuxSession(f"{BIN} --database {db}", env=environment(tmp_path), cwd=study, cols=120, rows=40) as term:
        term.wait_for("Participant code", timeout=20)
        term.send("F9")
        term.wait_for("Sessions: completed 2, screened out 1", timeout=20)
        term.wait_for("How old are you?")
        for _ in range(40):  # page down to the dial traces at the end
            if "Dial: " in term.screen():
                break
            term.send("PageDown")
            time.sleep(0.3)
        screen = term.wait_for("Dial: ")
        assert "±1 SD" in term.wait_for("±1 SD"), screen
        term.send("Escape")
        term.wait_for("Participant code")
        assert term.alive()


@pytest.mark.real
def test_from_a_finished_afternoon_to_spss_codebook_and_dial_chart_with_three_commands(afternoon, tmp_path):
    study, db, key_file = afternoon
    out = tmp_path / "exports"
    commands = [
        ("EXPORT", f"{BIN} export --database {db} --format sav --language de --private-key {key_file} --out {out} --no-progress"),
        ("CODEBOOK", f"{BIN} codebook --out {out}"),
        ("CHART", f"{BIN} report --db {db} --split-by age_band --out {out}/dial.png"),
    ]
    with TmuxSession(["bash", "--norc", "--noprofile"], env=environment(tmp_path), cwd=study, cols=160, rows=50) as shell:
        for name, command in commands:
            time.sleep(0.2)
            shell.send_text(f"{command}; echo {name}-DONE-$?")
            shell.send("Enter")
            shell.wait_for(f"{name}-DONE-0", timeout=90)
        # The same report drawn in the terminal itself.
        shell.send_text(f"clear; {BIN} report --db {db} --split-by age_band | tail -n 40; echo TERMINAL-DONE-$?")
        shell.send("Enter")
        shell.wait_for("TERMINAL-DONE-0", timeout=90)
        drawn = shell.screen()
    assert "±1 SD" in drawn or "18 to 34" in drawn, drawn
    data, meta = pyreadstat.read_sav(out / "lighthouse_preview.sav", user_missing=True)
    data = data.set_index("participant_code")
    assert meta.column_names_to_labels["age_band"] == "Wie alt sind Sie?"
    assert data.loc["D1", "money_situation"] == -96.0  # sealed at the station, opened with the team's key: "prefer not to say"
    assert (out / "lighthouse_preview_codebook.md").read_text().count("money_situation") >= 1
    assert (out / "lighthouse_preview_codebook.csv").is_file()
    assert (out / "dial.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
