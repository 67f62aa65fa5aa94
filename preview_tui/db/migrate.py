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

HEAD = "0009"  # the newest revision in migrations/versions (a test keeps this true)
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
    kind, version = station_file.check(path, int(HEAD))
    if kind == station_file.STATION and version == int(HEAD):
        return
    if kind == station_file.NEW and not path.exists():
        private_file(path, exclusive=True)
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
            # A migration that rebuilds a synced table drops its outbox triggers with it.
            from ..sync.tables import create_triggers

            create_triggers(connection)
    finally:
        engine.dispose()
    station_file.stamp(path, int(HEAD))
