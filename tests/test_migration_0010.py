"""A station file at 0009 upgrades to 0010, which makes every outbox trigger that is missing."""

import sqlite3

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from preview_tui.db import station_file
from preview_tui.db.migrate import HEAD, MIGRATIONS, current_revision, upgrade
from preview_tui.db.outbox import trigger_names
from preview_tui.sync.tables import SYNCED


def test_a_0009_file_upgrades_and_gets_its_outbox_triggers(tmp_path):
    db = tmp_path / "station.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
    engine.dispose()
    station_file.stamp(db, 9)
    con = sqlite3.connect(db)
    for name in trigger_names("audit_log"):  # as a rebuild of the table leaves it
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    con.commit()
    con.close()

    upgrade(db)

    assert current_revision(db) == HEAD
    con = sqlite3.connect(db)
    present = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {n for spec in SYNCED for n in trigger_names(spec.name)} <= present
    con.close()
