"""Starting fast: the validated study kept between starts, the console drawn before the station loads,
and the terminal's image support asked once per kind of terminal."""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback.fake import FakePlayer
from preview_tui.station import Station
from preview_tui.survey import cache
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app_later
from preview_tui.ui.moderator import STARTING, ModeratorScreen
from tmux import TmuxSession


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def kept(study_dir: Path):
    key = cache.study_key(study_dir)
    study = load_study(study_dir)
    cache.keep(key, study)
    return key, study


def test_a_kept_study_reads_back_as_it_was_checked(demo_study):
    key, study = kept(demo_study)
    assert cache.read_facts(key) == cache.facts_of(study)
    again = cache.read_study(key)
    assert again is not None and again.id == study.id and again.root == study.root
    assert [q.id for _, _, q in again.questions()] == [q.id for _, _, q in study.questions()]
    assert again.places == study.places and again.sealing == study.sealing
    facts = cache.read_facts(key)
    assert facts.languages == ("en", "fr", "de") and facts.pictures and facts.title


def test_any_change_to_the_study_or_its_media_is_a_new_key(demo_study):
    key, _ = kept(demo_study)
    survey = sorted((demo_study / "surveys").glob("*.yaml"))[0]
    survey.write_text(survey.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    changed = cache.study_key(demo_study)
    assert changed != key and cache.read_facts(changed) is None
    media = sorted(p for p in (demo_study / "media").rglob("*") if p.is_file())[0]
    stamp = media.stat().st_mtime_ns
    os.utime(media, ns=(stamp + 10**9, stamp + 10**9))
    assert cache.study_key(demo_study) not in (key, changed)
    (demo_study / "media" / "new.png").write_bytes(b"x")
    assert len({key, changed, cache.study_key(demo_study)}) == 3


def test_an_entry_others_could_write_or_cut_short_is_not_read(demo_study):
    key, _ = kept(demo_study)
    pickle_file = cache.cache_dir() / f"{key}.pickle"
    assert pickle_file.stat().st_mode & 0o777 == 0o600
    assert cache.cache_dir().stat().st_mode & 0o777 == 0o700
    pickle_file.chmod(0o666)
    assert cache.read_facts(key) is None and cache.read_study(key) is None
    pickle_file.chmod(0o600)
    assert cache.read_study(key) is not None
    if os.getuid() == 0:  # root can hand the file to another user
        os.chown(pickle_file, 65534, -1)
        assert cache.read_study(key) is None
        os.chown(pickle_file, 0, -1)
    pickle_file.write_bytes(pickle_file.read_bytes()[:100])
    assert cache.read_study(key) is None


def test_a_study_broken_after_it_was_kept_is_checked_and_refused(demo_study, tmp_path):
    kept(demo_study)
    config = demo_study / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("languages:", "languagez:", 1), encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([str(Path(sys.executable).with_name("preview-tui")), "--database", str(tmp_path / "s.sqlite")], cwd=demo_study, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "config.yaml:" in done.stderr and "languagez" in done.stderr
    assert "Traceback" not in done.stderr


def test_only_a_tiny_entry_per_study_is_kept(demo_study, tmp_path):
    copies = []
    for n in range(cache.KEEP + 3):
        copy = tmp_path / f"s{n}"
        copy.mkdir()
        shutil.copy(demo_study / "config.yaml", copy / "config.yaml")
        for part in ("screens", "surveys"):
            shutil.copytree(demo_study / part, copy / part)
        copies.append(kept(copy)[0])
    assert len(list(cache.cache_dir().glob("*.pickle"))) == cache.KEEP
    assert len(list(cache.cache_dir().glob("*.json"))) == cache.KEEP
    assert cache.read_facts(copies[-1]) is not None and cache.read_facts(copies[0]) is None


# -- the console before the station ---------------------------------------------------------


def later_app(demo_study: Path, tmp_path: Path, start_gate: threading.Event, fail: Exception | None = None):
    study = load_study(demo_study)
    db = tmp_path / "station.sqlite"
    upgrade(db)

    def start():
        assert start_gate.wait(20)
        if fail is not None:
            raise fail
        return Station(settings=study.config.station, study=study, store=Store(db)), FakePlayer

    return build_app_later(console=[cache.facts_of(study)], start=start), db


async def wait_for(pilot, condition, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def test_the_console_takes_a_code_and_pilot_before_the_station_has_loaded(demo_study, tmp_path):
    gate = threading.Event()
    app, db = later_app(demo_study, tmp_path, gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ModeratorScreen) and app.screen.query("#sessions"))
        assert app.station is None
        shown = app.screen.query_one("#station-notice").render()
        assert STARTING.split("…")[0] in str(shown)
        assert app.screen.query_one("#code").placeholder == "Participant code"
        app.screen.query_one("#pilot").value = True  # ticked while loading
        app.screen.query_one("#code").focus()
        await pilot.press(*"EARLY-1")
        await pilot.press("enter")  # taken at once: the session starts when the station is there
        await pilot.pause(0.3)
        assert app.station is None and app.flow is None
        assert "Starting as soon as" in str(app.screen.query_one("#form-problem").render())
        await pilot.press("tab", "x")  # the console answers meanwhile: the room field takes the key
        assert app.screen.query_one("#room").value.endswith("x")
        gate.set()
        await wait_for(pilot, lambda: app.flow is not None)
        assert app.flow.runner.participant.get("code") == "EARLY-1"
        assert app.flow.pilot  # the box ticked before the station was there counts
        assert not isinstance(app.screen, ModeratorScreen)
    rows = await asyncio.to_thread(_sessions, db)
    assert rows == [("EARLY-1", 1)]


def _sessions(db: Path):
    import sqlite3

    with sqlite3.connect(db) as con:
        return con.execute("SELECT participant_code, is_test FROM sessions").fetchall()


async def test_a_station_that_cannot_load_ends_the_app_with_its_reason(demo_study, tmp_path):
    gate = threading.Event()
    gate.set()
    app, _ = later_app(demo_study, tmp_path, gate, fail=OSError(28, "No space left on device [b]x[/b]"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
    assert app.station is None


# -- the terminal's image support --------------------------------------------------------------

ASK = """
import sys
from preview_tui.ui import image_support
image_support.ask_before_run(sys.argv[1])
asked = "textual_image.renderable" in sys.modules
cls = image_support.widget_class(sys.argv[1])
from textual_image import widget
print(asked, next(n for n in ("TGPImage", "SixelImage", "HalfcellImage", "UnicodeImage") if getattr(widget, n) is cls))
"""


def ask(tmp_path, setting="auto", **env):
    environ = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "TERM": "xterm-256color", **env}
    done = subprocess.run([sys.executable, "-c", ASK, setting], env=environ, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_terminal_is_asked_once_then_its_answer_is_kept(tmp_path):
    assert ask(tmp_path) == ["True", "UnicodeImage"]  # asked (no terminal here: textual-image says unicode)
    known = json.loads((tmp_path / "cache" / "preview-tui" / "terminals.json").read_text())
    assert list(known.values()) == ["unicode"]
    assert ask(tmp_path) == ["False", "UnicodeImage"]  # the same kind of terminal: not asked again
    # Another kind of terminal is asked; a kept answer is what is drawn with.
    assert ask(tmp_path, TERM_PROGRAM="WezTerm") == ["True", "UnicodeImage"]
    identity = next(iter(known))
    (tmp_path / "cache" / "preview-tui" / "terminals.json").write_text(json.dumps({identity: "sixel"}))
    assert ask(tmp_path) == ["False", "SixelImage"]


def test_a_renderer_set_in_the_config_never_asks(tmp_path):
    assert ask(tmp_path, "halfcell") == ["False", "HalfcellImage"]
    assert not (tmp_path / "cache" / "preview-tui" / "terminals.json").exists()


@pytest.mark.real
def test_a_second_start_in_a_real_terminal_takes_the_code_at_once(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    command = f"{Path(sys.executable).with_name('preview-tui')} --database {db}"
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)}
    with TmuxSession(command, env=env, cwd=demo_study, cols=80, rows=24) as term:  # checks the study, keeps it
        term.wait_for("Sessions on this station", timeout=30)
        term.send("C-q")
        time.sleep(1)
    assert list(cache.cache_dir().glob("*.pickle"))  # the fixture's folder: the terminal has this process's environment
    with TmuxSession(command, env=env, cwd=demo_study, cols=80, rows=24) as term:
        term.wait_for("Participant code", timeout=30)
        term.send_text("FAST-1")  # at once: the station may still be loading
        term.send("Enter")
        term.wait_for("Please choose your language", timeout=30)
        screen = term.screen()
        assert "FAST-1" not in screen and "Participant code" not in screen
    assert _sessions(db) == [("FAST-1", 0)]
    with TmuxSession(command, env=env, cwd=demo_study, cols=120, rows=40) as term:  # the console filled in, every part of it
        term.wait_for("FAST-1", timeout=30)  # the sessions list: the station has loaded
        time.sleep(0.5)
        screen = term.screen()
        lines = screen.splitlines()
        assert len(lines) == 40 and "^s Start" in lines[-1] and "f9 Results" in lines[-1], screen
        for shown in ("Preview: The Lighthouse Keeper", "Study lighthouse_preview · station demo-station", "Database station.sqlite in", "Participant chooses", "Pilot", "Start session", "Sessions on this station", "Started", "Status", "interrupted"):
            assert shown in screen, f"{shown!r} is off the console:\n{screen}"
        assert "Loading the study" not in screen


def test_a_file_in_a_media_subfolder_is_part_of_the_key(demo_study):
    key, _ = kept(demo_study)
    (demo_study / "media" / "extra").mkdir()
    assert cache.study_key(demo_study) == key  # an empty folder is no file
    (demo_study / "media" / "extra" / "board-9.png").write_bytes(b"x")
    assert cache.study_key(demo_study) != key


@pytest.mark.parametrize("argv, app_only", [
    ([], True), (["--study", "s"], True), (["--study=s", "--study", "t", "--db", "f.sqlite"], True), (["--database", "f", "--plain"], True),
    (["--study", "validate"], True), (["validate"], False), (["--stu", "s"], False), (["--database", "f", "export", "--format", "csv"], False),
    (["run", "--plain"], False), (["seat", "--room", "r"], False),
])
def test_the_apps_start_reads_its_options_as_the_whole_grammar_does(argv, app_only):
    from preview_tui.cli.parser import build_parser, runs_the_app

    assert runs_the_app(argv) == app_only
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv, said", [(["--study"], "expected one argument"), (["valdate"], "choose from"), (["--version"], "preview-tui"), (["--help"], "validate")])
def test_anything_else_gets_the_whole_grammar(argv, said, capsys):
    from preview_tui.cli.parser import build_parser, runs_the_app

    assert not runs_the_app(argv)
    with pytest.raises(SystemExit):
        build_parser(argv).parse_args(argv)
    out = capsys.readouterr()
    assert said in out.out + out.err
