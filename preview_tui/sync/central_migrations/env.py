"""Alembic environment of the central database: runs on the connection handed over by ``sync.central``."""

from alembic import context

from preview_tui.sync.central import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
