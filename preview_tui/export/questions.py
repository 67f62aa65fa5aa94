"""The variables of a questionnaire's questions, one builder per kind of answer.

- single choice, image choice: one numeric variable, the option's code (string
  codes are numbered 1, 2, ... in the order written; the codebook lists them);
- multi: one 0/1 variable per option, ``<question>_<code>``;
- ranking: one variable per option, ``<question>_<code>``, its rank (1 = first);
- matrix: one variable per row, ``<question>_<row>``, the scale's code;
- rating, NPS, slider, numeric: one numeric variable; text and date: one text
  variable (dates as YYYY-MM-DD); recording: one text variable, the file's name;
- an option with ``other: true``: also ``<question>_specify``, the text typed.

A special answer ("Don't know") or a sealed answer fills every variable of its
question with its code; text variables hold the codes as text ("-98").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..seal import SEALED
from ..survey.schema import NPS, DateQuestion, ImageChoice, Matrix, MultipleChoice, Numeric, OpenText, Ranking, Rating, Recording, SingleChoice, Slider
from ..survey.study import other_key
from .context import Context, joined
from .missing import absent, in_band
from .model import NUMERIC, TEXT, ExportError, Group, Variable
from ..db.sessions import SessionRecord


@dataclass
class _Asked:
    """What every variable of one question shares: its text, its missing codes with their labels, and how it is absent."""

    qid: str
    text: dict[str, str]
    miss: dict[int | float, dict[str, str]]
    common: dict[str, Any]
    absent: Callable[[SessionRecord], int | None]
    specials: dict[str, int]
    sealed: int

    def special_or(self, value: Any) -> int | None:
        if value is SEALED:
            return self.sealed
        return self.specials.get(value) if isinstance(value, str) else None

    def coded(self, rec: SessionRecord, value: Any) -> int:
        """A value that is not an answer of the question's own shape: its special (or sealed) code."""
        number = self.special_or(value)
        if number is None:
            raise _unknown(rec, self.qid, value)
        return number


def question(ctx: Context, survey_id: str, page_id: str, q: Any, shown_if: tuple[str, ...]) -> Group:
    codes = ctx.codes
    specials = {s.code: codes.specials[s.code] for s in q.special}
    missing = (codes.screened_out, codes.not_shown) + ((codes.sealed,) if q.sensitive else ()) + tuple(specials.values())
    miss = ctx.missing_labels(missing)
    for s in q.special:  # the question's own words for its special answers
        miss[specials[s.code]] = ctx.texts(s.label)
    common = dict(source="question", question=q.id, question_type=q.type, survey=survey_id, page=page_id, shown_if=shown_if, sensitive=q.sensitive, missing=missing)
    asked = _Asked(q.id, ctx.texts(q.text), miss, common, absent(codes, page_id, shown_if, q.id), specials, codes.sealed)
    for types, build in _BUILDERS:
        if isinstance(q, types):
            return build(ctx, q, asked)
    raise ExportError(f"question '{q.id}' has a type the export does not know: {q.type}")  # pragma: no cover - every type is handled


def _choice(ctx: Context, q: Any, a: _Asked) -> Group:
    numbers, stored = _numbering(q.options)
    values = {numbers[o.code]: ctx.texts(o.label) for o in q.options}
    variable = Variable(q.id, NUMERIC, a.text, values={**values, **a.miss}, stored=stored, **a.common)
    qid = q.id

    def fill(rec: SessionRecord) -> list[Any]:
        value = rec.answers.get(qid)
        if value is None:
            return [a.absent(rec)]
        number = numbers.get(value)
        return [a.coded(rec, value) if number is None else number]

    return Group([variable], fill)


def _options(ctx: Context, q: Any, a: _Asked) -> Group:
    multi = isinstance(q, MultipleChoice)
    option_codes = [o.code for o in q.options]
    if multi:
        values = {1: ctx.words("selected"), 0: ctx.words("not_selected"), **a.miss}
        variables = [Variable(f"{q.id}_{o.code}", NUMERIC, joined(a.text, ctx.texts(o.label)), values=dict(values), **a.common) for o in q.options]
    else:
        rank = ctx.words("rank")
        variables = [
            Variable(f"{q.id}_{o.code}", NUMERIC, joined(a.text, {lang: f"{ctx.texts(o.label)[lang]} ({rank[lang]})" for lang in ctx.languages}), values=dict(a.miss), **a.common)
            for o in q.options
        ]
    width, known, qid = len(option_codes), set(option_codes), q.id

    def fill(rec: SessionRecord) -> list[Any]:
        value = rec.answers.get(qid)
        if value is None:
            return [a.absent(rec)] * width
        if not isinstance(value, list):
            return [a.coded(rec, value)] * width
        if not known.issuperset(value):
            raise _unknown(rec, qid, next(v for v in value if v not in known))
        if multi:
            chosen = set(value)
            return [1 if c in chosen else 0 for c in option_codes]
        position = {c: i for i, c in enumerate(value, 1)}
        return [position.get(c) for c in option_codes]

    return Group(variables, fill)


def _matrix(ctx: Context, q: Any, a: _Asked) -> Group:
    numbers, stored = _numbering(q.scale)
    values = {numbers[o.code]: ctx.texts(o.label) for o in q.scale}
    variables = [
        Variable(f"{q.id}_{row.code}", NUMERIC, joined(a.text, ctx.texts(row.label)), values={**values, **a.miss}, stored=dict(stored), **a.common) for row in q.rows
    ]
    row_keys = [str(row.code) for row in q.rows]
    width, qid = len(row_keys), q.id

    def fill(rec: SessionRecord) -> list[Any]:
        value = rec.answers.get(qid)
        if value is None:
            return [a.absent(rec)] * width
        if not isinstance(value, dict):
            return [a.coded(rec, value)] * width
        out = []
        for key in row_keys:
            point = value.get(key)
            if point is None:
                out.append(None)
            elif point in numbers:
                out.append(numbers[point])
            else:
                raise _unknown(rec, qid, point)
        return out

    return Group(variables, fill)


def _number(ctx: Context, q: Any, a: _Asked) -> Group:
    labelled = isinstance(q, Rating) and bool(q.labels)  # a label on every point: categories; otherwise the ends of a scale
    variable = Variable(q.id, NUMERIC, a.text, values={**scale_labels(ctx, q), **a.miss}, categorical=labelled, **a.common)
    codes, qid = ctx.codes, q.id
    low, high = codes.band

    def fill(rec: SessionRecord) -> list[Any]:
        value = rec.answers.get(qid)
        if value is None:
            return [a.absent(rec)]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if low <= value <= high:
                raise in_band(rec, qid, value, codes)
            return [value]
        return [a.coded(rec, value)]

    return Group([variable], fill)


def _text(ctx: Context, q: Any, a: _Asked) -> Group:
    text_missing = {str(code): labels for code, labels in a.miss.items()}
    variable = Variable(q.id, TEXT, a.text, values=text_missing, **a.common)
    qid = q.id

    def fill(rec: SessionRecord) -> list[Any]:
        value = rec.answers.get(qid)
        if value is None:
            reason = a.absent(rec)
            return [None if reason is None else str(reason)]
        number = a.special_or(value)
        return [str(number) if number is not None else str(value["file"] if isinstance(value, dict) else value)]

    return Group([variable], fill)


_BUILDERS: tuple[tuple[tuple[type, ...], Callable[[Context, Any, _Asked], Group]], ...] = (
    ((SingleChoice, ImageChoice), _choice),
    ((MultipleChoice, Ranking), _options),
    ((Matrix,), _matrix),
    ((Rating, NPS, Slider, Numeric), _number),
    ((OpenText, DateQuestion), _text),
    ((Recording,), _text),  # a recording: its file's name (export/recordings.py lists the files)
)


def scale_labels(ctx: Context, q: Any) -> dict[int | float, dict[str, str]]:
    """A scale's labels: every point's when a rating labels them all, else its two ends' (those given)."""
    if isinstance(q, Rating):
        if q.labels:
            return {i: ctx.texts(label) for i, label in enumerate(q.labels, 1)}
        ends = {1: q.low_label, q.points: q.high_label}
    elif isinstance(q, NPS):
        ends = {0: q.low_label, 10: q.high_label}
    elif isinstance(q, Slider):
        ends = {q.min: q.low_label, q.max: q.high_label}
    else:
        return {}
    return {code: ctx.texts(label) for code, label in ends.items() if label is not None}


def specify(ctx: Context, survey_id: str, page_id: str, q: Any, shown_if: tuple[str, ...]) -> Group:
    """``<question>_specify``: the text typed for "Other", with its question's missing codes as text."""
    base = question(ctx, survey_id, page_id, q, shown_if).variables[0]
    text_missing = {str(code): labels for code, labels in base.values.items() if code in base.missing}
    variable = Variable(
        f"{q.id}_specify", TEXT, joined(ctx.texts(q.text), ctx.words("specify_label")), values=text_missing, missing=base.missing,
        source="specify", question=other_key(q.id), question_type="text", survey=survey_id, page=page_id, shown_if=shown_if, sensitive=q.sensitive,
    )
    key, qid, why = other_key(q.id), q.id, absent(ctx.codes, page_id, shown_if, q.id)
    specials = {s.code: ctx.codes.specials[s.code] for s in q.special}
    sealed = ctx.codes.sealed

    def fill(rec: SessionRecord) -> list[Any]:
        typed = rec.answers.get(key)
        if typed is SEALED:
            return [str(sealed)]
        if typed is not None:
            return [str(typed)]
        answer = rec.answers.get(qid)
        if answer is None:
            reason = why(rec)
            return [None if reason is None else str(reason)]
        if answer is SEALED:
            return [str(sealed)]
        number = specials.get(answer) if isinstance(answer, str) else None
        return [None if number is None else str(number)]

    return Group([variable], fill)


def _numbering(options: list[Any]) -> tuple[dict[Any, int], dict[int, Any]]:
    """Option code -> number: the codes themselves when all are whole numbers, else 1, 2, ... in order
    (and the number -> stored code map, for the codebook)."""
    if all(isinstance(o.code, int) for o in options):
        return {o.code: o.code for o in options}, {}
    numbers = {o.code: i for i, o in enumerate(options, 1)}
    return numbers, {n: code for code, n in numbers.items()}


def _unknown(rec: SessionRecord, qid: str, value: Any) -> ExportError:
    return ExportError(f"session {rec.id.hex}: the answer {value!r} to '{qid}' is not one of the question's codes in the study; was the study changed after these data were collected?")
