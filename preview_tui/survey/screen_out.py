"""What a screen-out keeps of the page that triggers it.

A participant screened out ends with the answers given up to and including
the question that triggered the screen-out: the rest of that page and every
later page are cleared (the exports code them as screened out). The question
that triggers a rule is the last one of the page, in the order the
participant saw it, that the rule reads: directly, through a "please
specify" text, a matrix row (``grid.row``) or a calculation of the page. A
question's own rule is triggered by that question at the earliest.
"""

from __future__ import annotations

from typing import Iterable

from .expr import parse
from .schema import Page


def questions_read(page: Page, names: Iterable[str]) -> set[str]:
    """The questions of ``page`` whose answers the names read (following the page's calculations)."""
    ids = {q.id for q in page.questions}
    calcs = {c.id: parse(c.value).names for c in page.calculate}
    found: set[str] = set()
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in calcs:
            todo.extend(calcs[name])
        elif name in ids:
            found.add(name)
        elif name.split(".", 1)[0] in ids:  # "q.other" or a matrix row "grid.row"
            found.add(name.split(".", 1)[0])
    return found


def asked_until(ordered: list[str], read: set[str]) -> list[str]:
    """The page's questions (in the participant's order) up to and including the last one in ``read``; none when it reads none."""
    last = max((i for i, qid in enumerate(ordered) if qid in read), default=-1)
    return ordered[: last + 1]


def calculations_kept(page: Page, asked: Iterable[str]) -> list[str]:
    """The page's calculations that read only questions in ``asked``."""
    asked = set(asked)
    return [c.id for c in page.calculate if questions_read(page, parse(c.value).names) <= asked]
