"""Orders that vary between participants: seeded shuffles and balanced Latin squares.

A shuffle is seeded by the study, the participant and what is shuffled, so the
same participant always sees the same order (and a re-run reproduces it).
"""

from __future__ import annotations

import hashlib
import random
from typing import Sequence, TypeVar

T = TypeVar("T")


def rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def shuffle(items: Sequence[T], anchored: Sequence[bool], generator: random.Random) -> list[T]:
    """``items`` shuffled, except that anchored items keep their places."""
    free = [i for i, a in enumerate(anchored) if not a]
    moved = [items[i] for i in free]
    generator.shuffle(moved)
    out = list(items)
    for place, item in zip(free, moved):
        out[place] = item
    return out


def latin_square_row(n: int, row: int) -> list[int]:
    """Row ``row`` of a balanced (Williams) Latin square over ``n`` conditions.

    Each condition appears once in every position, and each condition follows
    every other equally often, across ``n`` rows (``2n`` rows when ``n`` is odd).
    """
    if n <= 0:
        return []
    order: list[int] = []
    low, high = 0, 0
    for i in range(n):
        if i < 2 or i % 2 == 1:
            value = low
            low += 1
        else:
            value = n - high - 1
            high += 1
        order.append((value + row) % n)
    if n % 2 == 1 and (row // n) % 2 == 1:
        order.reverse()
    return order


def least_used(orders: Sequence[Sequence[T]], counts: dict[tuple, int]) -> int:
    """The index of the order given least often so far (``counts``: order as a tuple -> times).

    Among orders used equally little, the first at or after the total count (cyclically), so a
    station counting on its own goes through the rows in turn.
    """
    used = [counts.get(tuple(order), 0) for order in orders]
    low, start = min(used), sum(used) % len(orders)
    return next(i for k in range(len(orders)) if used[i := (start + k) % len(orders)] == low)
