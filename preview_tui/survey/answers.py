"""What each question type accepts as an answer, and how an answer is stored.

``check`` says what is wrong with a value (a key into the app's words, with the
values to fill in); ``normalise`` turns an accepted value into what is stored.
A question's ``special`` codes ("Don't know", "Prefer not to say") are accepted
by every type and stored as the code itself, never as a missing answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from .schema import (
    NPS,
    DateQuestion,
    ImageChoice,
    Matrix,
    MultipleChoice,
    Numeric,
    OpenText,
    Ranking,
    Rating,
    Recording,
    SingleChoice,
    Slider,
)

Check = tuple[str, tuple[tuple[str, Any], ...]] | None
# A recording question's answer when the station has no camera or microphone: the question was skipped.
NOT_AVAILABLE = "not_available"


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def special_codes(q: Any) -> set[str]:
    return {s.code for s in q.special}


def scale(q: Any) -> tuple[int, int]:
    """The lowest and highest value of a rating, NPS or slider."""
    if isinstance(q, Rating):
        return 1, q.points
    if isinstance(q, NPS):
        return 0, 10
    return q.min, q.max


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_number(q: Numeric, value: Any) -> float | int | None:
    """The number in ``value`` (text typed or a number), or None when it is not one."""
    if _int(value) or isinstance(value, float):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def check(q: Any, value: Any, other_text: Any = None) -> Check:
    """What is wrong with ``value`` as an answer to ``q`` (None when it is acceptable or empty)."""
    if is_empty(value):
        return None
    if isinstance(value, str) and value in special_codes(q):
        return None
    if isinstance(q, (SingleChoice, ImageChoice)):
        codes = {o.code: o for o in q.options}
        if isinstance(value, (list, dict)) or value not in codes:
            return ("invalid_choice", ())
        if codes[value].other and is_empty(other_text):
            return ("specify", ())
    elif isinstance(q, MultipleChoice):
        codes = {o.code: o for o in q.options}
        if not isinstance(value, list) or any(isinstance(v, (list, dict)) or v not in codes for v in value):
            return ("invalid_choice", ())
        if len(value) > 1 and any(codes[v].exclusive for v in value):
            return ("exclusive", (("option", next(v for v in value if codes[v].exclusive)),))
        if len(set(value)) < q.min_selected and not any(codes[v].exclusive for v in value):
            return ("min_selected", (("n", q.min_selected),))
        if q.max_selected is not None and len(set(value)) > q.max_selected:
            return ("max_selected", (("n", q.max_selected),))
        if any(codes[v].other for v in value) and is_empty(other_text):
            return ("specify", ())
    elif isinstance(q, Ranking):
        codes = [o.code for o in q.options]
        if not isinstance(value, list) or sorted(map(str, value)) != sorted(map(str, codes)) or len(set(map(str, value))) != len(value):
            return ("invalid_choice", ())
    elif isinstance(q, (Rating, NPS, Slider)):
        low, high = scale(q)
        if not _int(value) or not low <= value <= high:
            return ("out_of_range", (("low", low), ("high", high)))
    elif isinstance(q, Numeric):
        number = parse_number(q, value)
        if number is None:
            return ("not_a_number", ())
        if not q.decimal and not _int(number):
            return ("not_whole", ())
        if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
            return ("out_of_range", (("low", _show(q.min, "…")), ("high", _show(q.max, "…"))))
    elif isinstance(q, OpenText):
        if not isinstance(value, str):
            return ("invalid_choice", ())
        if len(value.strip()) < q.min_length:
            return ("too_short", (("n", q.min_length),))
        if len(value) > q.max_length:
            return ("too_long", (("n", q.max_length),))
    elif isinstance(q, DateQuestion):
        day = parse_date(value)
        if day is None:
            return ("not_a_date", ())
        if (q.min and day < dt.date.fromisoformat(q.min)) or (q.max and day > dt.date.fromisoformat(q.max)):
            return ("out_of_range", (("low", q.min or "…"), ("high", q.max or "…")))
    elif isinstance(q, Recording):
        if value != NOT_AVAILABLE and not (isinstance(value, dict) and isinstance(value.get("file"), str) and value["file"]):
            return ("invalid_choice", ())
    elif isinstance(q, Matrix):
        rows = {o.code for o in q.rows}
        points = {o.code for o in q.scale}
        if not isinstance(value, dict) or any(k not in rows or v not in points for k, v in value.items() if v is not None):
            return ("invalid_choice", ())
        if q.required and any(value.get(r) is None for r in rows):
            return ("incomplete", ())
    return None


def _show(number: float | None, missing: str) -> Any:
    if number is None:
        return missing
    return int(number) if float(number).is_integer() else number


def normalise(q: Any, value: Any) -> Any:
    """What is stored for an accepted, non-empty answer."""
    if isinstance(value, str) and value in special_codes(q):
        return value
    if isinstance(q, MultipleChoice):
        order = [o.code for o in q.options]
        return sorted(set(value), key=order.index)
    if isinstance(q, Numeric):
        return parse_number(q, value)
    if isinstance(q, OpenText):
        return value.strip()
    if isinstance(q, DateQuestion):
        return parse_date(value).isoformat()
    if isinstance(q, Ranking):
        by_text = {str(o.code): o.code for o in q.options}
        return [by_text[str(v)] for v in value]
    if isinstance(q, Matrix):
        return {str(k): v for k, v in value.items() if v is not None}
    return value
