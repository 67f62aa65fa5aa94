"""Files at rest: the station file, its -wal and -shm, the logs and the exports are 0600 in 0700 folders under umask 022;
a file that cannot be the station file is refused at start with one line, and left as it was."""

import asyncio
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from preview_tui.db.migrate import HEAD, upgrade
from preview_tui.db.station_file import APPLICATION_ID
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study

PREVIEW_TUI = str(Path(sys.executable).with_name("preview-tui"))


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def preview_tui(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command under umask 022, with no terminal (a refused file stops it before the app would start)."""
    return subprocess.run([PREVIEW_TUI, *args], cwd=cwd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})}, preexec_fn=lambda: os.umask(0o022))


def pragma(db: Path, name: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


def test_a_new_station_file_and_its_wal_and_shm_are_0600_in_0700_folders_under_umask_022(demo_study, tmp_path):
    db = tmp_path / "stations" / "room-1" / "station.sqlite"
    codes = tmp_path / "codes.txt"
    codes.write_text("INV-1\n")
    done = preview_tui("--study", str(demo_study), "--database", str(db), "invite", str(codes), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert mode(db) == 0o600 and mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    assert pragma(db, "application_id") == APPLICATION_ID and pragma(db, "user_version") == int(HEAD)

    async def session_open() -> dict[str, int]:
        study = load_study(demo_study)
        async with Store(db) as store:
            flow = await Flow.start(study, store, Participant(code="P1"), station="test")
            await flow.choose_language("en")
            return {suffix: mode(Path(f"{db}{suffix}")) for suffix in ("", "-wal", "-shm")}

    with umask(0o022):
        assert asyncio.run(session_open()) == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


def test_the_log_file_is_0600_in_0700_folders_under_umask_022(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    script = "import logging; from preview_tui.cli import _setup_logging; _setup_logging(); logging.info('started')"
    env = {**os.environ, "HOME": str(home)}
    env.pop("XDG_STATE_HOME", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    log = home / ".local" / "state" / "preview-tui" / "log" / "preview-tui.log"
    assert "started" in log.read_text()
    assert mode(log) == 0o600
    assert [mode(folder) for folder in (log.parent, log.parent.parent, home / ".local" / "state", home / ".local")] == [0o700] * 4


def test_exports_and_reports_are_0600_in_a_0700_folder_under_umask_022(demo_study, tmp_path):
    from test_export_cli import demo_afternoon

    db = tmp_path / "station.sqlite"
    asyncio.run(demo_afternoon(demo_study, db))
    out = tmp_path / "results" / "exports"
    done = preview_tui("--study", str(demo_study), "export", "--database", str(db), "--out", str(out), "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    files = sorted(out.iterdir())
    assert {f.suffix for f in files} == {".csv", ".json", ".sav", ".dta"}
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert mode(out) == 0o700 and mode(out.parent) == 0o700
    for name in ("report.html", "report.svg"):
        done = preview_tui("--study", str(demo_study), "report", "--db", str(db), "--out", str(out / name), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert mode(out / name) == 0o600


def test_the_libvlc_log_is_0600_under_umask_022(tmp_path, monkeypatch):
    from preview_tui import settings
    from preview_tui.playback import probe
    from preview_tui.survey.schema import StationSettings

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setattr(probe, "make_player", lambda **options: options["log_file"])
    with umask(0o022):
        log = settings.player_factory(StationSettings())()
    assert log == tmp_path / ".local" / "state" / "preview-tui" / "log" / "vlc.log"
    assert mode(log) == 0o600 and mode(log.parent) == 0o700


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("kind", ["other program", "application id", "not sqlite"])
def test_another_programs_file_is_refused_and_left_byte_identical(demo_study, tmp_path, kind):
    folder = tmp_path / "theirs"
    folder.mkdir()
    theirs = folder / "data.sqlite"
    if kind == "not sqlite":
        theirs.write_text("name,score\nRex,3\n")
    else:
        con = sqlite3.connect(theirs)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO notes (body) VALUES ('keep me')")
        if kind == "application id":
            con.execute("PRAGMA application_id = 1598903374")  # Fossil's
        con.commit()
        con.close()
    before = _listing(folder)
    for args in ([], ["invite", "-"], ["pin", "--unlock"]):
        done = preview_tui("--study", str(demo_study), "--database", str(theirs), *args, cwd=tmp_path)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert "does not write to it" in done.stderr and str(theirs) in done.stderr
        assert _listing(folder) == before  # byte-identical, and no -wal, -shm or -journal beside it


def test_a_station_file_of_an_older_version_opens_and_is_stamped(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA application_id = 0")
    con.execute("PRAGMA user_version = 0")
    con.commit()
    con.close()
    upgrade(db)
    assert pragma(db, "application_id") == APPLICATION_ID and pragma(db, "user_version") == int(HEAD)


def test_a_station_file_from_a_newer_version_is_refused(tmp_path):
    from preview_tui.db.station_file import StationFileError

    db = tmp_path / "station.sqlite"
    upgrade(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    with pytest.raises(StationFileError, match="made by a newer preview-tui"):
        upgrade(db)


def test_a_station_file_of_the_first_schema_is_recognised_and_upgraded(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from preview_tui.db.migrate import MIGRATIONS, current_revision

    db = tmp_path / "station.sqlite"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")  # as the first version left it: no application_id
    engine.dispose()
    assert current_revision(db) == "0001" and pragma(db, "application_id") == 0
    upgrade(db)
    assert current_revision(db) == HEAD and pragma(db, "application_id") == APPLICATION_ID


def _refused(demo_study: Path, tmp_path: Path, database: str, words: str, *, prefix: list[str] | None = None) -> str:
    done = subprocess.run([*(prefix or []), PREVIEW_TUI, "--study", str(demo_study), "--database", database], cwd=tmp_path, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert words in done.stderr, done.stderr
    return done.stderr


def test_dev_null_is_refused_and_no_journal_is_left_beside_it(demo_study, tmp_path):
    Path("/dev/null-journal").unlink(missing_ok=True)
    _refused(demo_study, tmp_path, "/dev/null", "/dev/null is a device, not a file")
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null-wal").exists()


def test_a_folder_is_refused(demo_study, tmp_path):
    folder = tmp_path / "stations"
    folder.mkdir()
    _refused(demo_study, tmp_path, str(folder), f"is a folder, not a file: give --database a file name, e.g. {folder / 'station.sqlite'}")
    assert list(folder.iterdir()) == []


def test_a_file_in_proc_is_refused(demo_study, tmp_path):
    _refused(demo_study, tmp_path, "/proc/version", "the folder /proc cannot be written")


def _chattr(flag: str, path: Path) -> bool:
    return shutil.which("chattr") is not None and subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_an_immutable_station_file_is_refused_at_start_not_when_a_session_starts(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    before = _listing(tmp_path)
    if not _chattr("+i", db):
        pytest.skip("chattr +i is not available here")
    try:
        _refused(demo_study, tmp_path, str(db), "cannot be written (read-only or immutable)")
        assert _listing(tmp_path) == before
    finally:
        _chattr("-i", db)


def test_an_immutable_folder_is_refused_and_nothing_is_created_in_it(demo_study, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    if not _chattr("+i", folder):
        pytest.skip("chattr +i is not available here")
    try:
        _refused(demo_study, tmp_path, str(folder / "sub" / "station.sqlite"), f"the folder {folder} cannot be written")
        assert list(folder.iterdir()) == []
    finally:
        _chattr("-i", folder)


def test_a_read_only_mount_is_refused(demo_study, tmp_path):
    folder = tmp_path / "mounted"
    folder.mkdir()
    upgrade(folder / "station.sqlite")
    before = _listing(folder)
    ro = ["unshare", "-m", "sh", "-c", f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && exec "$@"', "sh"]
    probe = subprocess.run([*ro, "true"], capture_output=True) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("no private read-only bind mount here (unshare -m needs CAP_SYS_ADMIN)")
    _refused(demo_study, tmp_path, str(folder / "station.sqlite"), "cannot be written (read-only or immutable)", prefix=ro)
    _refused(demo_study, tmp_path, str(folder / "new.sqlite"), f"the folder {folder} cannot be written", prefix=ro)
    assert _listing(folder) == before


def test_doctor_says_where_the_logs_are_and_what_is_wrong_with_the_station_file(demo_study, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_STATE_HOME": ""}
    db = tmp_path / "station.sqlite"
    done = preview_tui("--study", str(demo_study), "--database", str(db), "doctor", cwd=tmp_path, env=env)
    assert f"ok  logs: {home / '.local' / 'state' / 'preview-tui' / 'log'}" in done.stdout
    assert f"ok  station database: {db} (not created yet)" in done.stdout and not db.exists()
    upgrade(db)
    db.chmod(0o644)
    done = preview_tui("--study", str(demo_study), "--database", str(db), "doctor", cwd=tmp_path, env=env)
    assert done.returncode == 1 and f"NO  station database: {db} can be read by other users: chmod 600 {db}" in done.stdout
    done = preview_tui("--study", str(demo_study), "--database", "/dev/null", "doctor", cwd=tmp_path, env=env)
    assert done.returncode == 1 and "NO  station database: /dev/null is a device, not a file" in done.stdout
