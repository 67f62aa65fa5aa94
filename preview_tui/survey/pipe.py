"""Piping: earlier answers and participant fields inside participant-facing texts.

``{name}`` is replaced by the answer to question ``name`` (an option's label,
in the participant's language, for choice questions), ``{participant.code}``
(``.language``, ``.seat``) by that field. ``{name|fallback}`` gives the text
used when there is no answer. ``{{`` and ``}}`` write a brace.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

PIPE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)(?:\|([^{}]*))?\}")


def references(text: str) -> Iterator[tuple[str, int]]:
    """(name, column from 1) of every piped name in ``text``."""
    for match in PIPE.finditer(text):
        if match.group(1):
            yield match.group(1), match.start(1) + 1


def pipe(text: str, lookup: Callable[[str], Any]) -> str:
    """``text`` with every ``{name}`` replaced by ``lookup(name)`` (or its fallback when empty)."""
    if "{" not in text and "}" not in text:
        return text

    def replace(match: re.Match) -> str:
        whole = match.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        value = lookup(match.group(1))
        if value is None or value == "" or value == []:
            return match.group(2) or ""
        return str(value)

    return PIPE.sub(replace, text)


def neutral(text: str) -> str:
    """``text`` as a label outside any session: every ``{name}`` (with or without fallback) becomes ``[name]``."""
    return pipe(text, lambda name: f"[{name}]")
