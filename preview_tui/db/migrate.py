"""Bring a station database to the current schema before the app starts.

Alembic is imported only when the file is behind: a database that is already
current costs one small SQLite query at start-up.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

HEAD = "0008"  # the newest revision in migrations/versions (a test keeps this true)
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
    """Create or upgrade the station database at ``path`` to the newest schema."""
    path = Path(path)
    if current_revision(path) == HEAD:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
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
