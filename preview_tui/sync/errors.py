"""Failures of a sync, in words a moderator understands.

How a failure of the central server is sorted and said is ``db/server.py``'s
(``classify``: ``credentials`` stop at once, ``connection`` retry with backoff,
then stop and say when the next try is, ``record`` keep it aside and go on
with the others; ``describe``); a ``SyncError`` is a sync that stopped, with
what to do next.
"""

from __future__ import annotations

from datetime import datetime

from ..db.server import CONNECTION, CREDENTIALS, RECORD, classify, describe, server_reason

__all__ = ["CONNECTION", "CREDENTIALS", "RECORD", "SyncError", "classify", "describe", "server_reason"]


class SyncError(Exception):
    """A sync that stopped; ``str()`` is the reason for the moderator, ``next_try`` when it is worth trying again."""

    def __init__(self, message: str, *, kind: str = CONNECTION, next_try: datetime | None = None):
        super().__init__(message)
        self.kind = kind
        self.next_try = next_try
        self.already_sent = ""  # what the centre had confirmed before the sync stopped ("12 records (...)"), if anything

    def explain(self, *, console: bool = True) -> str:
        """The reason and what to do; ``console``: the moderator console's own retry time too (the command line has none)."""
        text = str(self)
        if self.already_sent:
            text += f"\nBefore it stopped, the central database confirmed {self.already_sent}; they are not sent again."
        if self.kind in (CONNECTION, CREDENTIALS):
            text += "\nNothing is lost: the station keeps every record until the central database confirms it."
        if console and self.next_try is not None:
            text += f"\nNext try: {self.next_try.astimezone().strftime('%H:%M')} (the moderator console retries by itself)."
        elif self.next_try is not None:
            text += "\nRun `preview-tui sync` again once the central database is back."
        elif self.kind == CREDENTIALS:
            text += "\nFix the central database address or its user and password in config.yaml (station.central_database) or PREVIEW_TUI_CENTRAL_DATABASE, then sync again."
        return text
