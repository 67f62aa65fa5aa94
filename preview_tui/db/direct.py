"""The store's frequent writes: one trip to the database thread per write.

A participant waits on every page for its answers to be on disk. Through
SQLAlchemy's session each statement costs three trips to aiosqlite's thread
(open a cursor, run it, close it) and the session's own bookkeeping, about
3–5 ms a page on a small laptop; through aiosqlite's public calls it is still
a trip a statement and one for the commit. The frequent writes (a page's
answers, an event) therefore run as one function in aiosqlite's thread, on the
connection of one pooled SQLAlchemy connection that the store keeps checked
out: their statements and the commit, in one trip.

That function is handed to aiosqlite's ``Connection._execute``, the way its
own ``execute`` hands over a statement. It is not public API: the version is
pinned (pyproject.toml) and ``tests/test_store_direct.py`` fails if it moves.

The statements are plain SQL on the tables of ``models.py``; every value is
converted by its column's own SQLAlchemy type (``bind_processor``), so a row
written here is stored exactly as the session would store it, and reads back
through the ORM unchanged. The connection has the engine's PRAGMAs (WAL,
``synchronous=FULL``) like any other.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, Iterable, Sequence, TypeVar

from sqlalchemy import Column, Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import models as m
from .audit import GENESIS

T = TypeVar("T")


# What the file says when an audit entry is not the next one on top of the head (migration 0007).
HEAD_MOVED = "audit log head moved"


def head_moved(message: str) -> bool:
    """Whether an insert into the audit log failed because another process extended it first: the
    head's trigger says so, or (with this store's head out of date) the entry's number is taken."""
    return HEAD_MOVED in message or "audit_log.seq" in message or "audit_log.hash" in message


class Statement:
    """An INSERT (optionally with an ON CONFLICT clause) of some columns of a table, with their converters."""

    def __init__(self, engine: AsyncEngine, table: Table, columns: Sequence[str], conflict: str = ""):
        self.columns = tuple(columns)
        self.sql = f"INSERT INTO {table.name} ({', '.join(self.columns)}) VALUES ({', '.join('?' for _ in self.columns)}){conflict}"
        dialect = engine.sync_engine.dialect
        self._convert: list[Callable[[Any], Any] | None] = [table.c[name].type.bind_processor(dialect) for name in self.columns]

    def params(self, row: dict[str, Any]) -> tuple:
        return tuple(value if convert is None else convert(value) for convert, value in zip(self._convert, (row[c] for c in self.columns)))


def converter(engine: AsyncEngine, column: Column) -> Callable[[Any], Any]:
    """How ``column``'s type stores a value (e.g. a UUID as its hex text), for a parameter of a hand-written statement."""
    convert = column.type.bind_processor(engine.sync_engine.dialect)
    return convert or (lambda value: value)


class Statements:
    """The frequent writes' statements, made once per engine."""

    def __init__(self, engine: AsyncEngine):
        answers, events, log = m.Answer.__table__, m.Event.__table__, m.AuditEntry.__table__
        self.event = Statement(engine, events, ("id", "session_id", "kind", "step_id", "at", "media_ms", "mono", "detail"))
        self.answer = Statement(
            engine,
            answers,
            ("id", "session_id", "survey_id", "question_id", "value", "salt", "sensitive", "answered_at"),
            " ON CONFLICT (session_id, question_id) DO UPDATE SET value = excluded.value, salt = excluded.salt, answered_at = excluded.answered_at,"
            " survey_id = excluded.survey_id, sensitive = excluded.sensitive, revision = answers.revision + 1",
        )
        self.flag = Statement(engine, m.QualityFlag.__table__, ("id", "session_id", "page_id", "kind", "subject", "reason", "screen_out", "at"))
        self.audit_entry = Statement(engine, log, ("seq", "at", "session_id", "kind", "subject", "digest", "salt", "payload", "prev", "hash"))
        self.session_id = converter(engine, answers.c.session_id)
        self.ended_at = converter(engine, m.Session.__table__.c.ended_at)

    # A session ended by a page (a screen-out), with its next revision for sync; RETURNING says it was there.
    end_session = "UPDATE sessions SET status = ?, outcome_reason = ?, ended_at = ?, revision = revision + 1 WHERE id = ? RETURNING 1"

    # A page's quality flags, replaced by those of its newest submission.
    clear_flags = "DELETE FROM quality_flags WHERE session_id = ? AND page_id = ?"

    @staticmethod
    def clear_answers(count: int) -> str:
        return f"DELETE FROM answers WHERE session_id = ? AND question_id IN ({', '.join(['?'] * count)}) RETURNING question_id"

    read_head = "SELECT seq, hash FROM audit_head WHERE id = 1"


class Transaction:
    """The statements of one write, run in the database thread on the sqlite3 connection; committed by ``run``."""

    def __init__(self, con: sqlite3.Connection, statements: "Statements"):
        self._con, self._sql = con, statements

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._con.execute(sql, params).fetchall()

    def insert(self, statement: Statement, rows: Iterable[dict[str, Any]]) -> None:
        params = [statement.params(row) for row in rows]
        if len(params) == 1:
            self._con.execute(statement.sql, params[0])
        elif params:
            self._con.executemany(statement.sql, params)

    def read_head(self) -> tuple[int, str]:
        """The audit log's head (seq, hash)."""
        found = self.run(Statements.read_head)
        return (found[0][0], found[0][1]) if found else (0, GENESIS)

    def append_audit(self, rows: list[dict[str, Any]]) -> bool:
        """Add audit entries on top of the head; False when the file says they are not the next ones."""
        try:
            self.insert(self._sql.audit_entry, rows)
        except sqlite3.IntegrityError as exc:
            if head_moved(str(exc)):
                return False
            raise
        return True


class DirectConnection:
    """One connection of the engine's pool, kept for the store's frequent writes."""

    def __init__(self, engine: AsyncEngine, statements: Statements):
        self._engine, self._sql = engine, statements
        self._conn: AsyncConnection | None = None
        self._db: Any = None  # the aiosqlite connection underneath

    async def _driver(self) -> Any:
        if self._db is None:
            self._conn = await self._engine.connect()
            self._db = (await self._conn.get_raw_connection()).driver_connection
        return self._db

    async def run(self, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` and commit, in one trip to the database thread; roll back if anything fails."""
        db = await self._driver()
        return await db._execute(self._in_transaction, db._conn, work)

    def _in_transaction(self, con: sqlite3.Connection, work: Callable[[Transaction], T]) -> T:
        # sqlite3 begins the transaction at the first statement that writes.
        try:
            result = work(Transaction(con, self._sql))
            con.commit()
            return result
        except BaseException:
            try:
                con.rollback()
            except sqlite3.Error:
                pass  # the connection is gone; the transaction went with it
            raise

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
        self._conn = self._db = None
