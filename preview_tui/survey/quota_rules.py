"""Which sessions count toward a quota, and how many fall in each of its cells.

One rule for every count: the station's own before a page that decides a cell
(``quotas.py``), the other stations' from the central database
(``sync/quotas.py``) and the report's (``report/numbers.py``). Pure: each
caller reads the sessions where it reads them (it may narrow its reading to
the statuses below), and this decides.

- A session counts when it is completed and is not a pilot (test) session.
  A withdrawn participant's sessions are erased, and every reader leaves them
  out.
- Where places are held (the station's live count, ``holding``), a session
  still in progress counts too, so that seats answering at the same time
  cannot together overshoot a cell; which of those are still active is the
  caller's to read.
- A session falls in a cell when its answers meet the cell's condition (its
  ``when``, or one combination of its ``cross``). Answers are given as the
  caller could read them: one it could not (sealed) is left out, so a
  condition on it is not met (and ``validate`` refuses a quota that reads one).
- A cell is full when it counts its target.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from .expr import parse

COMPLETED, IN_PROGRESS = "completed", "in_progress"
COUNTED = (COMPLETED,)  # the statuses of a session that counts
HELD = (IN_PROGRESS,)  # ... and of one that holds a place while it goes on, where places are held

Cells = Sequence[tuple[str, str, Any]]  # (cell id, condition, quota), as ``Study.quota_cells`` gives them


def counts(status: str, is_test: bool, *, holding: bool = False) -> bool:
    """Whether a session with this status counts toward the quota cells its answers fall in."""
    if is_test:
        return False
    return status in COUNTED or (holding and status in HELD)


def cell_counts(cells: Cells, sessions: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many of ``sessions`` (each the answers of one session that counts) fall in each cell."""
    conditions = [(cell, parse(when)) for cell, when, _ in cells]
    found = dict.fromkeys((cell for cell, _ in conditions), 0)
    for answers in sessions:
        for cell, condition in conditions:
            if condition.holds(answers):
                found[cell] += 1
    return found


def full_cells(cells: Cells, found: Mapping[str, int]) -> set[str]:
    """The cells that count their quota's target."""
    return {cell for cell, _, quota in cells if found.get(cell, 0) >= quota.target}


def answer_key(value: Any) -> Any:
    """An answer as a key to count by: a list or a matrix's rows as their JSON text."""
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value


def by_answer(groups: Iterable[tuple[str, bool, Any, int]]) -> Counter:
    """The sessions that count, per answer: from (status, is_test, answer, how many) groups."""
    found: Counter = Counter()
    for status, is_test, value, n in groups:
        if counts(status, bool(is_test)):
            found[answer_key(value)] += n
    return found
