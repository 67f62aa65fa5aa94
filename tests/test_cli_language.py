"""One command language: the real ``preview-tui`` command, every subcommand.

Every subcommand takes --study and --database in the same place with the same
help, and --central where it reads the central database; a postgresql:// URL works
everywhere; every --out makes its folder; ``pin`` refuses a mismatch from a pipe;
``doctor`` passes on a headless station and names each of its checks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from preview_tui.cli.parser import CENTRAL_HELP, DATABASE_HELP, STUDY_HELP, build_parser, subcommands
from test_export_cli import demo_afternoon

COMMAND = [sys.executable, "-m", "preview_tui"]
CENTRAL_COMMANDS = {"doctor", "audit verify", "sync", "export", "report"}


def preview_tui(*args: str, cwd: Path, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([*COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=120, input=stdin, env={**os.environ, "COLUMNS": "200", **(env or {})})


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_subcommand_shares_study_and_database_with_one_help(tmp_path):
    names = subcommands(build_parser())
    assert {"run", "validate", "doctor", "audit", "audit verify", "invite", "pin", "sync", "export", "codebook", "report", "keys", "keys generate"} <= set(names)
    for name in names:
        shown = flat(preview_tui(*name.split(), "--help", cwd=tmp_path).stdout)
        assert "--study DIR" in shown and flat(STUDY_HELP) in shown, name
        assert "--database FILE" in shown and flat(DATABASE_HELP) in shown, name
        if name in CENTRAL_COMMANDS:
            assert "--central URL" in shown and flat(CENTRAL_HELP) in shown, name


@pytest.mark.real
async def test_study_and_database_before_or_after_the_subcommand_and_postgresql_urls(demo_study, tmp_path, central_url):
    db = tmp_path / "station.sqlite"
    await demo_afternoon(demo_study, db)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (["export", "--study", str(demo_study), "--database", str(db)], ["--study", str(demo_study), "--database", str(db), "export"]):
        done = preview_tui(*args, "--format", "csv", "--out", str(tmp_path / "deep" / "new" / "folder"), "--no-progress", cwd=elsewhere)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "deep" / "new" / "folder" / "lighthouse_preview.csv").is_file()
    done = preview_tui("codebook", "--study", str(demo_study), "--out", str(tmp_path / "cb"), cwd=elsewhere)
    assert done.returncode == 0 and (tmp_path / "cb" / "lighthouse_preview_codebook.csv").is_file(), done.stderr
    done = preview_tui("report", "--study", str(demo_study), "--database", str(db), "--out", str(tmp_path / "no" / "dir" / "x.html"), cwd=elsewhere)
    assert done.returncode == 0 and (tmp_path / "no" / "dir" / "x.html").is_file(), done.stderr

    plain = central_url.replace("postgresql+asyncpg://", "postgresql://")
    assert plain.startswith("postgresql://")
    done = preview_tui("sync", "--study", str(demo_study), "--database", str(db), "--central", plain, "--no-progress", cwd=elsewhere)
    assert done.returncode == 0 and "Sent" in done.stdout, done.stderr
    done = preview_tui("export", "--study", str(demo_study), "--central", plain, "--format", "csv", "--out", str(tmp_path / "central"), "--no-progress", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "central" / "lighthouse_preview.csv").read_text() == (tmp_path / "deep" / "new" / "folder" / "lighthouse_preview.csv").read_text()
    done = preview_tui("audit", "verify", "--study", str(demo_study), "--database", str(db), "--central", plain, cwd=elsewhere)
    assert done.returncode == 0 and "extends all" in done.stdout, done.stdout + done.stderr
    done = preview_tui("doctor", "--study", str(demo_study), "--database", str(db), "--central", plain, cwd=elsewhere, env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert done.returncode == 0, done.stdout
    assert re.search(r"^ok  central database: reachable, schema c\d+$", done.stdout, re.M), done.stdout


def test_pin_from_a_pipe_refuses_two_different_pins(tmp_path):
    done = preview_tui("pin", cwd=tmp_path, stdin="1234\n5678\n")
    assert done.returncode == 1 and "differ" in done.stderr and "moderator_pin" not in done.stdout
    done = preview_tui("pin", cwd=tmp_path, stdin="1234\n1234\n")
    assert done.returncode == 0 and 'moderator_pin: "scrypt$' in done.stdout


@pytest.mark.real
def test_doctor_passes_on_a_headless_station_and_names_each_check(demo_study, tmp_path):
    from preview_tui.db.migrate import upgrade

    db = tmp_path / "station.sqlite"
    upgrade(db)
    done = preview_tui("doctor", "--database", str(db), cwd=demo_study, env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert all(line.startswith("ok  ") for line in lines), done.stdout
    for check in ("libVLC", "no display", "images: ", "study 'lighthouse_preview'", f"station database: {db}", "station database schema: ", "audit chain: holds", "central database: none configured", "logs: "):
        assert any(check in line for line in lines), (check, done.stdout)
    # a window asked for on a station without a display is the one thing that fails it
    config = demo_study / "config.yaml"
    config.write_text(re.sub(r"(\n\s+video:\s*)auto", r"\1window", config.read_text()))
    assert "video: window" in config.read_text()
    done = preview_tui("doctor", "--database", str(db), cwd=demo_study, env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)})
    assert done.returncode == 1 and "NO  no display" in done.stdout, done.stdout
