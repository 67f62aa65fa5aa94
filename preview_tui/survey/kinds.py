"""What an answer is in an expression: a number, a text, or not known (lists, grids, mixed codes).

``validate`` uses it to report a text compared with a number (``expr.type_problems``).
"""

from __future__ import annotations

from typing import Any, Iterable

from .expr import kind_of, parse
from .schema import CHOICE_TYPES, NPS, DateQuestion, ImageChoice, Numeric, OpenText, Rating, SingleChoice, Slider

# (kind of each known answer, special codes of each question, choice questions)
Kinds = tuple[dict[str, str], dict[str, set], set[str]]


def answer_kind(question: Any) -> str | None:
    """"number" or "text": what an answer to ``question`` is in an expression; None when not one of them."""
    if isinstance(question, (OpenText, DateQuestion)):
        return "text"
    if isinstance(question, (Numeric, Slider, Rating, NPS)):
        return "number"
    if isinstance(question, (SingleChoice, ImageChoice)):
        kinds = {"number" if isinstance(o.code, int) else "text" for o in question.options}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def answer_kinds(questions: dict[str, Any], calculations: Iterable[Any], texts: Iterable[str], numbers: Iterable[str]) -> Kinds:
    """The kinds of a study's answers: its questions, its calculations (in study order), and the
    other names known to be ``texts`` (participant fields, "please specify" texts) or ``numbers``."""
    kinds = {name: "text" for name in texts}
    kinds.update({name: "number" for name in numbers})
    for qid, question in questions.items():
        kind = answer_kind(question)
        if kind is not None:
            kinds[qid] = kind
    for calc in calculations:
        kind = kind_of(parse(calc.value).tree, kinds)
        if kind is not None and calc.id not in questions:
            kinds[calc.id] = kind
    specials = {qid: {s.code for s in question.special} for qid, question in questions.items()}
    coded = {qid for qid, question in questions.items() if isinstance(question, CHOICE_TYPES)}
    return kinds, specials, coded
