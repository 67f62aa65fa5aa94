"""The study checks of the data-quality keys: an attention check asks for a code the question offers."""

from __future__ import annotations

from typing import Any

from .errors import suggest
from .schema import CHOICE_TYPES, Matrix
from .yamlfile import Document


def attention_problems(doc: Document, at: tuple, question: Any) -> list:
    """``file:line:col`` problems of the question's ``attention`` (and its rows' and options')."""
    problems = []
    if isinstance(question, Matrix):
        scale = [o.code for o in question.scale]
        for r, row in enumerate(question.rows):
            if row.attention is not None and row.attention.expect not in scale:
                problems.append(doc.error(at + ("rows", r, "attention", "expect"), _unknown(row.attention.expect, scale, "the scale's")))
        for s, point in enumerate(question.scale):
            if point.attention is not None:
                problems.append(doc.error(at + ("scale", s, "attention"), "'attention' goes on a matrix row (or a choice question), not on a point of the scale"))
        return problems
    for o, option in enumerate(getattr(question, "options", None) or []):
        if option.attention is not None:
            problems.append(doc.error(at + ("options", o, "attention"), "'attention' goes on the question (or a matrix row), not on an option"))
    check = getattr(question, "attention", None)
    if check is not None and isinstance(question, CHOICE_TYPES):
        codes = [o.code for o in question.options]
        if check.expect not in codes:
            problems.append(doc.error(at + ("attention", "expect"), _unknown(check.expect, codes, "the options'")))
    return problems


def _unknown(code: Any, codes: list, what: str) -> str:
    return f"attention expects {code!r}, which is not one of {what} codes ({', '.join(map(repr, codes))}){suggest(str(code), [str(c) for c in codes])}"
