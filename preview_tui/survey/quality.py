"""The data-quality checks: which answers and timings are flagged, and why.

Pure: the caller hands in the answers, the seconds a page or session took and
the usual durations counted elsewhere (``Norms``); nothing here reads a clock
or a database.

- **Attention** (``attention: {expect: CODE}`` on a choice question or a matrix
  row): an answer other than the one asked for is flagged. A single or image
  choice passes with that option, a multi with that option alone, a ranking
  with that option first, a matrix row with that point of the scale. A
  question left unanswered is not flagged (``required`` handles that).
- **Straight-lining** (``study.quality.straightlining``, or a matrix's own
  ``straightlining: true``): a matrix with at least ``min_rows`` rows answered,
  every one the same answer. ``straightlining: false`` leaves a matrix out.
- **Speeding** (``study.quality.speeding``): a page submitted, or a session
  completed, in less than ``page_floor_s`` / ``session_floor_s`` seconds, or
  in less than ``median_fraction`` of the median of the completed sessions
  (a page's median: that page's time in them) once ``median_min_sessions``
  are counted. The time exactly at a threshold passes.

A flag with ``screen_out`` set ends the session with that reason code.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from .schema import CHOICE_TYPES, Matrix, MultipleChoice, Ranking, StraightLining

ATTENTION, STRAIGHTLINING, SPEEDING_PAGE, SPEEDING_SESSION = "attention", "straightlining", "speeding_page", "speeding_session"
KINDS = (ATTENTION, STRAIGHTLINING, SPEEDING_PAGE, SPEEDING_SESSION)


@dataclass(frozen=True)
class Flag:
    """A failed check: its kind, what it is about (question, ``grid.row``, page; None for the session), why."""

    kind: str
    subject: str | None
    reason: str
    screen_out: str | None = None  # the reason code the session ends with, when the study says so
    question: str | None = None  # the question whose answer raised it (what a screen-out keeps up to)


@dataclass(frozen=True)
class Norms:
    """The usual durations, in seconds, of the study's completed sessions (and of each of their pages)."""

    sessions: tuple[float, ...] = ()
    pages: dict[str, tuple[float, ...]] = field(default_factory=dict)
    source: str = "none"  # where they were counted: "local", "central+local", or "none"

    def median(self, values: Iterable[float], at_least: int) -> float | None:
        values = list(values)
        return statistics.median(values) if len(values) >= max(1, at_least) else None


def _seconds(value: float) -> str:
    return f"{value:.1f} s"


def _measured(value: float) -> str:
    """A time measured, cut (not rounded) to a tenth: 4.99 s under a floor of 5 s reads 4.9 s, never 5.0 s."""
    return f"{math.floor(value * 10) / 10:.1f} s"


def attention(question: Any, value: Any) -> list[Flag]:
    """Attention flags of one question's answer (the question's own check, and each checked matrix row's)."""
    if value is None:
        return []
    if isinstance(question, Matrix):
        out = []
        for row in question.rows:
            check = row.attention
            if check is None or not isinstance(value, dict) or row.code not in value or value[row.code] == check.expect:
                continue
            subject = f"{question.id}.{row.code}"
            out.append(Flag(ATTENTION, subject, f"attention check {subject}: answered {value[row.code]!s}, expected {check.expect!s}", check.screen_out, question.id))
        return out
    check = getattr(question, "attention", None)
    if check is None or not isinstance(question, CHOICE_TYPES):
        return []
    if isinstance(question, MultipleChoice):
        passed = value == [check.expect]
    elif isinstance(question, Ranking):
        passed = isinstance(value, list) and bool(value) and value[0] == check.expect
    else:
        passed = value == check.expect
    if passed:
        return []
    given = " ".join(map(str, value)) if isinstance(value, list) else str(value)
    return [Flag(ATTENTION, question.id, f"attention check {question.id}: answered {given}, expected {check.expect!s}", check.screen_out, question.id)]


def straightlining(question: Any, value: Any, settings: Any) -> Flag | None:
    """The straight-lining flag of a matrix's answer, if it has one; ``settings``: the study's ``quality``."""
    if not isinstance(question, Matrix) or not isinstance(value, dict) or question.straightlining is False:
        return None
    study_rule = getattr(settings, "straightlining", None)
    if study_rule is None and not question.straightlining:
        return None
    rule = study_rule or StraightLining()
    points = list(value.values())
    if len(points) < rule.min_rows or len({repr(p) for p in points}) != 1:
        return None
    return Flag(STRAIGHTLINING, question.id, f"straight-lining {question.id}: all {len(points)} rows answered {points[0]!s}", rule.screen_out, question.id)


def _speeding(kind: str, subject: str | None, what: str, seconds: float, rule: Any, floor: float | None, usual: Iterable[float], norms: Norms) -> Flag | None:
    median = norms.median(usual, rule.median_min_sessions) if rule.median_fraction is not None else None
    if floor is not None and seconds < floor:
        return Flag(kind, subject, f"speeding: {what} in {_measured(seconds)}, under the floor of {floor:g} s", rule.screen_out)
    if median is not None and seconds < rule.median_fraction * median:
        limit = rule.median_fraction * median
        return Flag(kind, subject, f"speeding: {what} in {_measured(seconds)}, under {rule.median_fraction:g} of the median {_seconds(median)} ({_seconds(limit)}; {norms.source})", rule.screen_out)
    return None


def page_speeding(page_id: str, seconds: float | None, settings: Any, norms: Norms) -> Flag | None:
    """The speeding flag of a page answered in ``seconds`` (None: not timed whole, never flagged)."""
    rule = getattr(settings, "speeding", None)
    if rule is None or seconds is None:
        return None
    return _speeding(SPEEDING_PAGE, page_id, f"page {page_id}", seconds, rule, rule.page_floor_s, norms.pages.get(page_id, ()), norms)


def session_speeding(seconds: float | None, settings: Any, norms: Norms) -> Flag | None:
    """The speeding flag of a session completed in ``seconds``."""
    rule = getattr(settings, "speeding", None)
    if rule is None or seconds is None:
        return None
    return _speeding(SPEEDING_SESSION, None, "session", seconds, rule, rule.session_floor_s, norms.sessions, norms)


def page_flags(questions: list[Any], answers: dict[str, Any], settings: Any, *, page_id: str, seconds: float | None = None, norms: Norms = Norms()) -> list[Flag]:
    """Every flag of a page: its shown ``questions`` (in the order shown) with the page's normalised ``answers``."""
    flags: list[Flag] = []
    for q in questions:
        value = answers.get(q.id)
        flags += attention(q, value)
        found = straightlining(q, value, settings)
        if found is not None:
            flags.append(found)
    found = page_speeding(page_id, seconds, settings, norms)
    if found is not None:
        flags.append(found)
    return flags


def wants_times(settings: Any) -> bool:
    """Whether the study checks speeding at all (so pages are timed and medians counted)."""
    return getattr(settings, "speeding", None) is not None


def wants_medians(settings: Any) -> bool:
    rule = getattr(settings, "speeding", None)
    return rule is not None and rule.median_fraction is not None


def conditions(study: Any) -> Iterator[str]:
    """The checks that screen out, said as conditions, so the walker tries the answers they tell apart.

    (``walk_values.sources``: an attention check reads its question or row; a straight-lined matrix
    is told apart by its first row.) Speeding needs times, which a walk has not.
    """
    quality = study.settings.quality
    for _, _, q in study.questions():
        check = getattr(q, "attention", None)
        if check is not None and check.screen_out:
            yield f"answered({q.id})" if isinstance(q, (MultipleChoice, Ranking)) else f"{q.id} == {_literal(check.expect)}"
            if isinstance(q, MultipleChoice):
                yield f"selected({q.id}, {_literal(check.expect)}) and count({q.id}) == 1"
        if isinstance(q, Matrix):
            for row in q.rows:
                if row.attention is not None and row.attention.screen_out:
                    yield f"{q.id}.{row.code} == {_literal(row.attention.expect)}"
            rule = getattr(quality, "straightlining", None) or (StraightLining() if q.straightlining else None)
            if rule is not None and rule.screen_out and q.straightlining is not False:
                yield f"{q.id}.{q.rows[0].code} == {_literal(q.scale[0].code)}"


def _literal(code: Any) -> str:
    return str(code) if isinstance(code, int) else f'"{code}"'
