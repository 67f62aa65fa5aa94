"""How the store's writes take turns and extend the hash-chained audit log (``audit.py``).

One write at a time (one lock per store). Each write adds its entries on top of
the log's head inside its own transaction, so the log and the data can never
disagree. The head as this store last committed it is kept, which saves a read
per write; another process writing to the log (a CLI command) is caught by the
head's compare-and-set in the file (migration 0007's trigger), and the head is
then read again.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Iterable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from . import audit
from . import models as m
from .direct import head_moved
from .failures import StoreError

Head = tuple[int, str]  # (seq, hash) of the newest entry


class AuditChain:
    """The turns of one store's writes, and the audit log's head they leave."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self._head: Head | None = None
        self._next_head: Head | None = None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """One write at a time; the head cache follows what was committed."""
        async with self.lock:
            self._next_head = None
            try:
                yield
            except BaseException:
                self._head = None  # rolled back: what the cache says may not be in the file
                raise
            if self._next_head is not None:
                self._head = self._next_head

    @staticmethod
    def _entries(first: Head, links: list[audit.Link]) -> tuple[list[dict[str, Any]], Head]:
        """The log entries for ``links`` after the entry ``first``, and the new head."""
        seq, prev = first
        rows = []
        for link in links:
            seq = seq + 1
            rows.append(audit.new_entry(seq, m.now(), link, prev))
            prev = rows[-1]["hash"]
        return rows, (seq, prev)

    def extend(self, links: Iterable[audit.Link], read_head: Callable[[], Head], append: Callable[[list[dict[str, Any]]], bool]) -> None:
        """Add the entries for ``links`` on top of the head, inside the write's transaction.

        The file moves the head as each entry goes in, and refuses an entry that
        is not the next one. Another process that extended the log since this
        store last wrote makes ``append`` return False; the head is then read again.
        """
        links = list(links)
        if not links:
            return
        for _attempt in range(2):
            rows, head = self._entries(self._head or read_head(), links)
            if append(rows):
                self._next_head = head
                return
            self._head = None
        raise StoreError("the audit log changed during a write; try again")

    async def extend_in(self, s: AsyncSession, links: Iterable[audit.Link]) -> None:
        """``extend`` for a write through SQLAlchemy's session."""

        def read_head(sync: Any) -> Head:
            head = sync.execute(select(m.AuditHead.seq, m.AuditHead.hash).where(m.AuditHead.id == 1)).first()
            return (head[0], head[1]) if head is not None else (0, audit.GENESIS)

        def append(sync: Any, rows: list[dict[str, Any]]) -> bool:
            try:
                sync.execute(insert(m.AuditEntry.__table__), rows)  # Core: the ORM's bulk machinery is not needed here
            except IntegrityError as exc:
                if head_moved(str(exc.orig)):
                    return False
                raise
            return True

        links = list(links)
        await s.run_sync(lambda sync: self.extend(links, lambda: read_head(sync), lambda rows: append(sync, rows)))
