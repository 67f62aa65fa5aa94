"""The name the runner gives each condition it evaluates, e.g. ``page:intro:show_if``.

The runner reports conditions to a trace by this name, the loader records where
each is written under it, and the walker lists every one it must see both ways.
"""

from __future__ import annotations

from typing import Literal

Where = Literal["block", "page", "question", "quota"]
Rule = Literal["show_if", "screen_out"]


def condition_key(where: Where, ident: str, rule: Rule | None = None, index: int | None = None) -> str:
    """``page:<id>`` (a page itself), ``<where>:<id>:show_if``, ``<where>:<id>:screen_out:<i>`` or ``quota:<cell>``."""
    return ":".join(str(part) for part in (where, ident, rule, index) if part is not None)
