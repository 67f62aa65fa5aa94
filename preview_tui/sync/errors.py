"""Failures of a sync, in words a moderator understands.

``classify`` sorts an exception into: ``credentials`` (the server refused who
we are, or the database is not there: stop at once, retrying will not help),
``connection`` (cannot reach the server, or the connection broke: retry with
backoff, then stop and say when the next try is) or ``record`` (the server
refused one record: keep it aside, go on with the others).
"""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime

CREDENTIALS, CONNECTION, RECORD = "credentials", "connection", "record"


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


def _chain(exc: BaseException):
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack += [getattr(e, "orig", None), e.__cause__, e.__context__]


def classify(exc: BaseException) -> str:
    import asyncpg

    for e in _chain(exc):
        if isinstance(e, (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidCatalogNameError, asyncpg.InsufficientPrivilegeError)):
            return CREDENTIALS
    for e in _chain(exc):
        if getattr(e, "connection_invalidated", False):
            return CONNECTION
        if isinstance(e, (OSError, asyncio.TimeoutError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.exceptions.OperatorInterventionError, asyncpg.TooManyConnectionsError, asyncpg.exceptions.ConnectionDoesNotExistError)):
            return CONNECTION
    return RECORD


def server_reason(exc: BaseException) -> str:
    """The server's (or the network's) own words, without SQLAlchemy's wrapping."""
    import asyncpg

    for e in _chain(exc):
        if isinstance(e, asyncpg.PostgresError):
            return e.args[0] if e.args else type(e).__name__
    for e in _chain(exc):
        if isinstance(e, OSError) and (e.strerror or e.args):
            return e.strerror or str(e)
        if isinstance(e, (asyncio.TimeoutError, TimeoutError)):
            return "no answer in time"
    return str(getattr(exc, "orig", None) or exc) or type(exc).__name__


def describe(exc: BaseException, where: str, user: str | None, database: str | None) -> str:
    """One sentence for the moderator: what went wrong, in the server's words too."""
    import asyncpg

    reason = server_reason(exc)
    for e in _chain(exc):
        if isinstance(e, asyncpg.InvalidPasswordError):
            return f"the central database at {where} refused the user '{user}': wrong password, or no such user (the server does not say which; server: {reason})"
        if isinstance(e, asyncpg.InvalidAuthorizationSpecificationError):
            return f"the central database at {where} does not let the user '{user}' in (server: {reason})"
        if isinstance(e, asyncpg.InvalidCatalogNameError):
            return f"there is no database '{database}' on the central server at {where} (server: {reason})"
        if isinstance(e, asyncpg.InsufficientPrivilegeError):
            return f"the user '{user}' may not write the central database at {where} (server: {reason})"
        if isinstance(e, asyncpg.exceptions.OperatorInterventionError):
            return f"the central server at {where} closed the connection (server: {reason})"
        if isinstance(e, asyncpg.TooManyConnectionsError):
            return f"the central server at {where} is busy: too many connections (server: {reason})"
        if isinstance(e, ConnectionRefusedError):
            return f"the central database at {where} cannot be reached: connection refused (is the server running, and is the address right?)"
        if isinstance(e, socket.gaierror):
            return f"the central database's host name in {where} is not known (network: {reason})"
        if isinstance(e, (asyncio.TimeoutError, TimeoutError)):
            return f"the central database at {where} did not answer in time (is the network up?)"
    if classify(exc) == CONNECTION:
        return f"the connection to the central database at {where} broke ({reason})"
    return f"the central database at {where} refused the request ({reason})"
