"""Counterbalancing across stations: the stimulus orders every station has given.

``CentralBalance`` is a ``db.balance.Balance`` for the flow: the orders this
station gave (from its own file, synced or not) plus those of every other
station in the central database, counted the same way (``db.balance.order_counts``
on both). The central copy of another station is as fresh as its last sync.

When the centre cannot be reached within ``timeout`` seconds (2 by default: the
participant waits that long at most before the stimuli), the count is this
station's alone, and says so in ``source``: stations working offline each keep
their own rows balanced, and together may stray from balance by what they
collect meanwhile.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING

from ..db.balance import CENTRAL, LOCAL, OrderCounts, order_counts

if TYPE_CHECKING:
    from ..db.store import Store

TIMEOUT = 2.0


async def central_order_counts(url: str, study_id: str, stimuli: tuple[str, ...], *, other_than, timeout: float = TIMEOUT) -> dict[tuple[str, ...], int]:
    """The orders other stations' counted sessions were given, from the central database (raises if unreachable)."""
    from sqlalchemy.exc import ProgrammingError
    from sqlalchemy.ext.asyncio import create_async_engine

    from .engine import check_url

    engine = create_async_engine(check_url(url), connect_args={"timeout": timeout, "command_timeout": timeout, "server_settings": {"application_name": "preview-tui-balance"}})
    try:
        async with engine.connect() as conn:
            try:
                return await order_counts(conn, study_id, stimuli, other_than=other_than)
            except ProgrammingError as exc:
                if "relation" in str(exc) and "does not exist" in str(exc):  # no station has synced yet: nothing to count there
                    return {}
                raise
    finally:
        await engine.dispose()


class CentralBalance:
    """Balance the orders over every station's sessions when the centre answers, else this station's."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT):
        self.url, self.timeout = url, timeout

    async def __call__(self, store: "Store", study_id: str, stimuli: tuple[str, ...]) -> OrderCounts:
        from .errors import server_reason

        local = await store.stimulus_order_counts(study_id, stimuli)
        try:
            others = await asyncio.wait_for(central_order_counts(self.url, study_id, stimuli, other_than=await store.station_id(), timeout=self.timeout), self.timeout)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the centre falls back to this station's count
            reason = "no answer within the time allowed" if isinstance(exc, (asyncio.TimeoutError, TimeoutError)) else server_reason(exc)
            return OrderCounts(local, LOCAL, f"the central database could not be counted ({self.timeout:g} s at most): {reason}")
        return OrderCounts(dict(Counter(local) + Counter(others)), CENTRAL)
