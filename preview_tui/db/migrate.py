"""Bring a station database to the current schema before the app starts.

The file is checked first (``station_file.check``): a file that is not a
station file, or cannot be written, is refused before anything is written.
A new file is created 0600 in 0700 folders (``files``). Alembic is imported
only when the file is behind: a station file that is already current costs
reading its first 100 bytes at start-up.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

HEAD = "0011"  # the newest revision in migrations/versions (a test keeps this true)
MIGRATIONS = Path(__file__).with_name("migrations")


def current_revision(path: Path) -> str | None:
    if not Path(path).exists():
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
    return row[0] if row else None


def upgrade(path: Path) -> None:
    """Create or upgrade the station database at ``path`` to the newest schema.

    Raises ``station_file.StationFileError`` (a one-line reason) for a file that cannot be a station file.
    """
    from ..files import private_file
    from . import station_file

    path = Path(path)
    try:
        kind, version = station_file.check(path, int(HEAD))
        if kind == station_file.STATION and version == int(HEAD):
            return
    except station_file.StationFileError:
        pass  # perhaps another process is making it right now: checked again below, once it is done
    with _migrating(path):  # a room's processes start together: one makes or upgrades the file, the others wait
        kind, version = station_file.check(path, int(HEAD))
        if kind == station_file.STATION and version == int(HEAD):
            return
        if kind == station_file.NEW and not path.exists():
            private_file(path, exclusive=True)
        _migrate(path)


def _migrating(path: Path):
    """An exclusive lock for migrating this file, for as long as the ``with`` lasts.

    The lock file lives in the temporary folder, named after the station file's absolute path: nothing
    is made beside the station file (nor its folders) before the check has said it may be.
    """
    import contextlib
    import fcntl
    import hashlib
    import os
    import tempfile

    name = hashlib.sha256(str(path.absolute()).encode()).hexdigest()[:24]
    lock = Path(tempfile.gettempdir()) / f"preview-tui-migrate-{os.getuid()}-{name}.lock"

    @contextlib.contextmanager
    def held():
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    return held()


def _migrate(path: Path) -> None:
    from . import station_file

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event

    from .engine import apply_pragmas, sqlite_url

    engine = create_engine(sqlite_url(path, driver="pysqlite"))
    event.listen(engine, "connect", apply_pragmas)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    station_file.stamp(path, int(HEAD))
