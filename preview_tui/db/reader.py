"""Where a reader of stored sessions reads them: a station's file, or the central database by URL.

Every reader (the exports, the report, the results screen) opens its source
here and gets one-line ``SourceError``s for a person: a missing file, a file
that is not a station's, an address that is not PostgreSQL's, a server that
cannot be reached or holds nothing yet. A station's file is opened read only,
whatever its name: reading never changes a station. ``sessions.py`` says what
is read.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

from .reading import is_url


class SourceError(Exception):
    """The database cannot be read; the message is one line for the researcher."""


class SealedAnswerError(SourceError):
    """A sealed answer the private key given cannot open; the message names the session and question."""


class Source:
    """A station's SQLite file, or the central PostgreSQL database given by URL."""

    def __init__(self, location: str | Path, *, connect_timeout: float = 10.0):
        self.location = location
        self.connect_timeout = connect_timeout
        self.central = is_url(location)

    def __str__(self) -> str:
        """The file's path, or the server's host:port/database (never its password)."""
        if not self.central:
            return str(self.location)
        from .server import where

        return where(self._url())

    @property
    def title(self) -> str:
        """What it is, for a heading: "station file x.sqlite" or "central database host:port/database"."""
        return f"central database {self}" if self.central else f"station file {Path(self.location).name}"

    def _url(self):
        from .server import AddressError, server_url

        try:
            return server_url(str(self.location))
        except AddressError as exc:
            raise SourceError(str(exc)) from None

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Any]:
        """An open connection (in one transaction), with failures as one-line SourceErrors."""
        from sqlalchemy.exc import SQLAlchemyError

        engine = self._engine()
        try:
            try:
                conn = await engine.connect()
            except Exception as exc:  # noqa: BLE001 - any failure to connect is reported in words
                raise SourceError(self.explain(exc)) from None
            try:
                async with conn.begin():
                    yield conn
            except SQLAlchemyError as exc:  # a query failed: not a preview-tui database, a broken connection...
                raise SourceError(self.explain(exc)) from None
            finally:
                await conn.close()
        finally:
            await engine.dispose()

    def _engine(self):
        from sqlalchemy.ext.asyncio import create_async_engine

        if self.central:
            settings = {"application_name": "preview-tui-reader"}
            return create_async_engine(self._url(), connect_args={"timeout": self.connect_timeout, "server_settings": settings})
        path = Path(self.location)
        if not path.is_file():
            raise SourceError(f"no station database at {path}")
        import aiosqlite

        # Read only, by a URI of its own: SQLAlchemy's URL would not carry every file name.
        uri = path.resolve().as_uri() + "?mode=ro"
        return create_async_engine("sqlite+aiosqlite://", async_creator=lambda: aiosqlite.connect(uri, uri=True, timeout=self.connect_timeout))

    def explain(self, exc: BaseException) -> str:
        """One sentence on why the database could not be read."""
        if not self.central:
            from .failures import describe_failure

            reason = describe_failure(exc).replace("could not be written", "could not be read")
            return f"cannot read the station database {self.location}: {reason}"
        from .server import describe

        parsed = self._url()
        reason = describe(exc, str(self), parsed.username, parsed.database)
        text = str(getattr(exc, "orig", None) or exc)
        if "does not exist" in text and "relation" in text:
            reason = f"the central database at {self} holds no preview-tui data yet (no station has synced to it: sync one with `preview-tui sync`)"
        return f"cannot read the central database: {reason}"
