"""Where things sit in a study's files: pages, conditions and texts by their path in the YAML.

Shared by the loader's checks (``study_checks.py``, ``study_expressions.py``, ``places.py``)
and the sealing check (``sealing.py``), which all report problems at a file's line and column through these paths.
"""

from __future__ import annotations

from typing import Any, Iterator

from .schema import LANGUAGES, Page, Survey


def other_key(question_id: str) -> str:
    """Where the 'please specify' text of a choice question is kept (``q.other``)."""
    return f"{question_id}.other"


def pages_in(survey: Survey) -> Iterator[tuple[tuple, Any, Page]]:
    """(path, block or None, page) for every page of a survey, as written in its file."""
    if survey.blocks:
        for b, block in enumerate(survey.blocks):
            for p, page in enumerate(block.pages):
                yield ("blocks", b, "pages", p), block, page
    else:
        for p, page in enumerate(survey.pages):
            yield ("pages", p), None, page


def conditions_in(page: Page, at: tuple) -> Iterator[tuple[tuple, str, str]]:
    """(path, expression, kind) for each condition on a page and its questions."""
    if page.show_if:
        yield at + ("show_if",), page.show_if, "show_if"
    for i, rule in enumerate(page.screen_out):
        yield at + ("screen_out", i, "when"), rule.when, "screen_out"
    for q, question in enumerate(page.questions):
        if question.show_if:
            yield at + ("questions", q, "show_if"), question.show_if, "show_if"
        for i, rule in enumerate(question.screen_out):
            yield at + ("questions", q, "screen_out", i, "when"), rule.when, "screen_out"


_LANGS = frozenset(LANGUAGES)
_NOT_TEXT = frozenset(("show_if", "when", "value", "id", "image", "reason", "type", "code", "file", "survey", "screening", "database", "version", "min", "max"))


def texts_in(data: Any, at: tuple) -> Iterator[tuple[tuple, Any]]:
    """(path, text) for every string and per-language mapping in a file's plain data under ``at``."""
    if isinstance(data, dict):
        if data and _LANGS.issuperset(data):
            yield at, data
            return
        for key, value in data.items():
            if key not in _NOT_TEXT:
                yield from texts_in(value, at + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from texts_in(item, at + (i,))
    elif isinstance(data, str):
        yield at, data


def node_at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data
