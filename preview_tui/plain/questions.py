"""How each question type is asked on one line, and what the line typed means to the engine.

A question is printed once: its text, its help, its options numbered from 1 (its special answers,
such as "Don't know", lettered from a), and one line saying what to type. What the participant
types is turned into the value the Textual widgets would hand over: a code, a list of codes, an
order, a number, a text, a row's point. Nothing is judged here: a line that names no option becomes
a value the engine refuses (``NOT_AN_OPTION``), so the complaint is always the engine's own
(``runner.check``), in the study's or the app's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..survey.answers import NOT_AVAILABLE, scale
from ..survey.schema import NPS, DateQuestion, ImageChoice, Matrix, MultipleChoice, Numeric, OpenText, Ranking, Rating, Recording, SingleChoice, Slider
from ..words import word

LETTERS = "abcdefghijklmnopqrstuvwxyz"
NOT_AN_OPTION = "\0not-an-option"  # never a code (codes are identifiers or whole numbers): the engine refuses it
CHOICES = (SingleChoice, ImageChoice)
SCALES = (Rating, NPS, Slider)


@dataclass
class Asked:
    """A question (or one row of a matrix) as printed, and how its typed line reads."""

    lines: list[str]
    hint: str
    read: Callable[[str], Any]  # the typed line (stripped, not empty) -> the engine's value
    shown: Callable[[Any], str] = field(default=str)  # an answer given before, as the participant reads it


def numbered(labels: list[str]) -> list[str]:
    return [f"{n}. {label}" for n, label in enumerate(labels, 1)]


def lettered(labels: list[str]) -> list[str]:
    return [f"{LETTERS[n]}. {label}" for n, label in enumerate(labels)]


def number_in(line: str, count: int) -> int | None:
    """The option number ``line`` names (1..count), or None."""
    return int(line) if line.isdigit() and 1 <= int(line) <= count else None


def special_of(q: Any, line: str) -> str | None:
    """The special answer a single letter names, if the question has one there."""
    typed = line.strip().casefold()
    if len(typed) == 1 and typed in LETTERS[: len(q.special)]:
        return q.special[LETTERS.index(typed)].code
    return None


def whole(line: str) -> Any:
    """A whole number typed; anything else as typed, for the engine to refuse with its own words."""
    line = line.strip()
    return int(line) if re.fullmatch(r"[-+]?\d+", line) else line


def tokens(line: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", line.strip()) if t]


class Questions:
    """Asks the questions of one participant: texts in their language (``text``), options in their order (``options``)."""

    def __init__(self, lang: str, text: Callable[[Any], str], options: Callable[[Any], list[Any]]):
        self.lang, self.t, self.options = lang, text, options

    def w(self, key: str, **values: Any) -> str:
        return word(key, self.lang, **values)

    def heading(self, q: Any) -> list[str]:
        optional = f" ({self.w('optional')})" if q.required is False else ""
        lines = [self.t(q.text) + optional]
        if q.help:
            lines.append(self.t(q.help))
        return lines

    def ask(self, q: Any) -> Asked:
        """How to ask ``q`` (a matrix: its heading only; each row is asked with ``row``)."""
        special = [self.t(s.label) for s in q.special]
        asked = self._asked(q)
        asked.lines = self.heading(q) + asked.lines + lettered(special)
        if special:
            asked.hint = f"{asked.hint} {self.w('plain_type_special', letters=', '.join(LETTERS[: len(special)]))}".strip()
        read, labels = asked.read, {s.code: self.t(s.label) for s in q.special}
        asked.read = lambda line: special_of(q, line) or read(line)
        shown = asked.shown
        asked.shown = lambda value: labels[value] if isinstance(value, str) and value in labels else shown(value)
        return asked

    def _asked(self, q: Any) -> Asked:
        if isinstance(q, CHOICES):
            options = self.options(q)
            labels = {o.code: self.t(o.label) for o in options}
            return Asked(numbered(list(labels.values())), self.w("plain_type_number"), lambda line: self._code(options, line), lambda v: labels.get(v, str(v)))
        if isinstance(q, MultipleChoice):
            options = self.options(q)
            labels = {o.code: self.t(o.label) for o in options}
            read = lambda line: [self._code(options, t) for t in tokens(line)]  # noqa: E731
            return Asked(numbered(list(labels.values())), self.w("plain_type_numbers"), read, lambda v: ", ".join(labels.get(c, str(c)) for c in v))
        if isinstance(q, Ranking):
            options = self.options(q)
            labels = {o.code: self.t(o.label) for o in options}
            example = " ".join(str(n) for n in reversed(range(1, len(options) + 1)))
            read = lambda line: [self._code(options, t) for t in tokens(line)]  # noqa: E731
            return Asked(numbered(list(labels.values())), self.w("plain_type_order", example=example), read, lambda v: ", ".join(labels.get(c, str(c)) for c in v))
        if isinstance(q, Rating) and q.labels:
            labels = [self.t(label) for label in q.labels]
            return Asked(numbered(labels), self.w("plain_type_number"), whole, lambda v: f"{v}. {labels[v - 1]}" if isinstance(v, int) and 1 <= v <= len(labels) else str(v))
        if isinstance(q, SCALES):
            return Asked(self._ends(q), self._scale_hint(q), whole)
        if isinstance(q, Numeric):
            hint = self.w("plain_type_amount_in", unit=self.t(q.unit)) if q.unit else self.w("plain_type_amount")
            return Asked([], hint, str)
        if isinstance(q, DateQuestion):
            return Asked([], self.w("plain_type_date", hint=self.w("date_hint")), str)
        if isinstance(q, OpenText):
            return Asked([], self.w("plain_type_text"), str)
        if isinstance(q, Matrix):
            return Asked([], "", lambda line: NOT_AN_OPTION)
        if isinstance(q, Recording):  # nothing is recorded at a plain terminal: any line answers it as not available
            return Asked([self.w("plain_recording")], self.w("plain_type_anything"), lambda line: NOT_AVAILABLE)
        raise TypeError(f"no way to ask question type {q.type!r}")

    def row(self, q: Matrix, i: int, rows: list[Any]) -> Asked:
        """Row ``i`` of a matrix: its label and the scale, numbered; the line names a point of the scale."""
        points = [self.t(p.label) for p in q.scale]
        lines = [self.w("plain_row", i=i + 1, n=len(rows), row=self.t(rows[i].label)), *numbered(points)]
        labels = dict(zip((p.code for p in q.scale), points))
        return Asked(lines, self.w("plain_type_number"), lambda line: self._code(q.scale, line), lambda v: labels.get(v, str(v)))

    @staticmethod
    def _code(options: list[Any], line: str) -> Any:
        n = number_in(line.strip(), len(options))
        return NOT_AN_OPTION if n is None else options[n - 1].code

    def _ends(self, q: Any) -> list[str]:
        """A scale's end labels beside the numbers they belong to."""
        low, high = scale(q)
        ends = [(low, q.low_label), (high, q.high_label)]
        return [f"{n}: {self.t(label)}" for n, label in ends if label]

    def _scale_hint(self, q: Any) -> str:
        low, high = scale(q)
        if isinstance(q, Slider) and q.step > 1:
            return self.w("plain_type_steps", low=low, high=high, step=q.step)
        return self.w("plain_type_scale", low=low, high=high)
