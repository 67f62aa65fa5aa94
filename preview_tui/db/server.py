"""The central PostgreSQL server as every part that talks to it names it: its address checked, and its failures in words.

``server_url`` turns a ``postgresql://`` address into the SQLAlchemy URL for
asyncpg (or says in one line why it cannot). ``classify`` sorts a failure
into: ``credentials`` (the server refused who we are, or the database is not
there: retrying will not help), ``connection`` (cannot reach the server, or
the connection broke) or ``record`` (the server refused one request).
``describe`` says what went wrong in one sentence for the moderator, in the
server's words too.
"""

from __future__ import annotations

import asyncio
import socket

CREDENTIALS, CONNECTION, RECORD = "credentials", "connection", "record"


class AddressError(ValueError):
    """The central database's address is not a PostgreSQL URL; the message says why, in one line."""


def server_url(url: str):
    """The central database's address as a SQLAlchemy URL for asyncpg; ``postgresql://`` and ``postgres://`` are accepted as written."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise AddressError(f"the central database address is not a database URL: {url!r} (expected postgresql://user:password@host:5432/database)") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername != "postgresql+asyncpg":
        raise AddressError(f"the central database must be PostgreSQL: the address starts with '{parsed.drivername}://', expected 'postgresql://' (or 'postgresql+asyncpg://')")
    return parsed


def where(parsed) -> str:
    """How a person names the server of a parsed URL: host:port/database."""
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


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
