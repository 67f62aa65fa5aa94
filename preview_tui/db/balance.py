"""Counterbalancing: what the flow receives to balance the stimulus orders.

A ``Balance`` counts the orders given so far to the sessions that count
(``stimulus_orders.py`` says which): ``local_balance`` counts this station's
sessions; ``sync/balance.py`` adds every other station's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Awaitable, Callable

from .stimulus_orders import order_counts  # the same query counts centrally (sync/balance.py)

if TYPE_CHECKING:
    from .store import Store

__all__ = ["CENTRAL", "LOCAL", "Balance", "OrderCounts", "local_balance", "order_counts"]

LOCAL, CENTRAL = "local", "central+local"


@dataclass
class OrderCounts:
    counts: dict[tuple[str, ...], int]  # order of the stimuli (their ids) -> sessions counted
    source: str  # LOCAL or CENTRAL
    reason: str | None = None  # why the centre was not counted


# Counts the orders given so far for a study's stimuli: (store, study id, the stimuli's ids sorted).
Balance = Callable[["Store", str, tuple[str, ...]], Awaitable[OrderCounts]]


async def local_balance(store: "Store", study_id: str, stimuli: tuple[str, ...]) -> OrderCounts:
    """This station's sessions only."""
    return OrderCounts(await store.stimulus_order_counts(study_id, stimuli), LOCAL)
