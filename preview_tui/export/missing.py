"""Missing values: the study's band of codes, and which code a variable holds when a session has no answer.

A numeric variable holds negative codes for why it has no answer, declared as
missing in SPSS and Stata (see ``Codes``): screened out before the question, not
shown (its condition was false), sealed (a sensitive answer the export could not
open) and the question's own special answers ("Don't know", "Prefer not to say"),
numbered study-wide. A question shown but left empty, or not reached in an
unfinished session, is system-missing (empty). Text variables hold the same codes
as text ("-98").
"""

from __future__ import annotations

from typing import Any, Callable

from ..survey.expr import parse
from ..survey.schema import Numeric, Slider
from ..survey.study import Study
from .context import texts
from .model import MAX_SPECIALS, Codes, ExportError
from ..db.sessions import SessionRecord


def codes(study: Study, languages: list[str]) -> Codes:
    """The study's codes: a band below its lowest valid value, its special answers numbered study-wide."""
    specials: dict[str, int] = {}
    labels: dict[str, dict[str, str]] = {}
    base = 99
    while -base + 2 + MAX_SPECIALS >= _lowest_valid(study):
        base = base * 10 + 9
    for _, _, q in study.questions():
        for s in q.special:
            if s.code not in specials:
                if len(specials) == MAX_SPECIALS:
                    raise ExportError(f"the study uses more than {MAX_SPECIALS} different special answer codes; exports can declare {MAX_SPECIALS} as missing values")
                specials[s.code] = -base + 3 + len(specials)
                labels[s.code] = texts(s.label, languages)
    return Codes(base, specials, labels)


def _lowest_valid(study: Study) -> float:
    """The lowest value the study declares valid anywhere (option codes, scales, slider and numeric minimums)."""
    low = 0.0
    for _, _, q in study.questions():
        for item in (getattr(q, "options", None) or []) + (getattr(q, "scale", None) or []):
            if isinstance(item.code, int):
                low = min(low, item.code)
        if isinstance(q, (Slider, Numeric)) and q.min is not None:
            low = min(low, q.min)
    return low


def absent(codes: Codes, page_id: str, shown_if: tuple[str, ...], key: str | None = None) -> Callable[[SessionRecord], int | None]:
    """Why a question (or calculation ``key``) has no answer in a session: its code, or None (system-missing).

    A screen-out clears the rest of its page and every later page, even pages left before the
    participant went back: those are "screened out" too.
    """
    exprs = [parse(c) for c in shown_if]
    screened_out, not_shown = codes.screened_out, codes.not_shown

    def reason(rec: SessionRecord) -> int | None:
        cut = rec.screened if rec.status == "screened_out" else None
        if cut is not None and ((page_id == cut.get("page") and key not in cut.get("asked", ())) or page_id in cut.get("pages", ())):
            return screened_out
        if page_id in rec.pages_left:
            if exprs:
                env = rec.env()
                if not all(e.holds(env) for e in exprs):
                    return not_shown
            return None
        if rec.status == "screened_out":
            return screened_out
        if rec.status == "completed":
            return not_shown
        return None

    return reason


def in_band(rec: SessionRecord, qid: str, value: Any, codes: Codes) -> ExportError:
    """The error for a valid answer that would read as one of the missing-value codes."""
    low, high = codes.band
    return ExportError(
        f"session {rec.id.hex}: the answer {value!r} to '{qid}' lies among the missing-value codes ({low} to {high}); give the question a 'min' so the export can move its codes lower"
    )
