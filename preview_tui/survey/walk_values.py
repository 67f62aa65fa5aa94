"""The answers the walker tries for each question, and what a clip's exposure can be.

Every value offered is one the app itself can produce and the runner accepts:
a whole number for a whole-number question, a slider position on its steps, a
date inside its range. For each question the values cover every class of
answers the study's expressions can tell apart:

- a question compared only with constants (``age >= 18``, ``band in [1, 2]``,
  ``selected(genres, "horror")``, ``answered(x)``, ``count(x) > 2``) gets its
  bounds and, for each constant c, c itself and the nearest possible answer
  on either side (c−1 and c+1 for whole numbers), each option code, and each
  length around a ``count()``;
- a question read through arithmetic (a calculation, ``a + b > 10``) gets
  every possible answer when there are at most ``FULL_DOMAIN`` of them, so
  that the walker can pair it with the others the arithmetic reads.

When neither holds (arithmetic over a large or unbounded range, a multiple
choice with too many subsets), the values are a sample, and ``Values.sampled``
says why: the walk's "never" claims are then not proofs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from lark import Tree

from . import answers as A, quality
from .expr import parse
from .schema import NPS, ClipStep, SurveyStep, DateQuestion, ImageChoice, Matrix, MultipleChoice, Numeric, OpenText, Ranking, Rating, SingleChoice, Slider

FULL_DOMAIN = 101  # a question read through arithmetic is tried with every answer up to this many
SUBSETS = 128  # a multiple choice read by a condition is tried with every subset up to this many
PERMUTATIONS = 120  # a ranking read by a condition is tried in every order up to this many


@dataclass
class Reading:
    """How the expressions of a study read one name."""

    constants: set[Any] = field(default_factory=set)  # numbers and strings it is compared with
    lengths: set[int] = field(default_factory=set)  # numbers count(name) is compared with
    contains: bool = False  # a literal is looked for inside it ("x" in name)
    opaque: bool = False  # read through arithmetic, another name or a function: no class of answers is known


def _literal(node: Any) -> Any:
    """The value of a number or string literal (a negated number too), else a marker."""
    if isinstance(node, Tree):
        if node.data in ("number", "string"):
            return parse(str(node.children[0])).evaluate({})
        if node.data == "neg" and isinstance(node.children[0], Tree) and node.children[0].data == "number":
            return -parse(str(node.children[0].children[0])).evaluate({})
    return _NOT


_NOT = object()


def _name(node: Any) -> str | None:
    return str(node.children[0]) if isinstance(node, Tree) and node.data == "name" else None


def _counted(node: Any) -> str | None:
    if isinstance(node, Tree) and node.data == "call" and str(node.children[0]) == "count" and node.children[1] is not None:
        return _name(node.children[1].children[0])
    return None


def readings(source: str, into: dict[str, Reading], numbers: set[Any]) -> None:
    """Add how ``source`` reads each name to ``into``; every number it holds goes to ``numbers``."""
    tree = parse(source).tree
    for node in tree.iter_subtrees() if isinstance(tree, Tree) else ():
        literal = _literal(node)
        if literal is not _NOT and not isinstance(literal, str):
            numbers.add(literal)
    _visit(tree, into, boolean=True)


def _at(into: dict[str, Reading], name: str) -> Reading:
    return into.setdefault(name, Reading())


def _opaque(node: Any, into: dict[str, Reading]) -> None:
    if isinstance(node, Tree):
        for sub in node.iter_subtrees():
            if sub.data == "name":
                _at(into, str(sub.children[0])).opaque = True


def _visit(node: Any, into: dict[str, Reading], boolean: bool) -> None:
    if not isinstance(node, Tree):
        return
    ch = node.children
    if node.data == "name":
        reading = _at(into, str(ch[0]))
        if boolean:
            reading.constants |= {0, ""}  # truthiness: null, 0, "", [] and false against the rest
        else:
            reading.opaque = True
    elif node.data in ("or_test", "and_test", "not_"):
        for child in ch:
            _visit(child, into, True)
    elif node.data == "compare":
        for side, other in ((ch[0], ch[2]), (ch[2], ch[0])):
            value = _literal(other)
            if value is _NOT:
                continue
            if _name(side):
                _at(into, _name(side)).constants.add(value)
                return
            if _counted(side) and isinstance(value, (int, float)):
                _at(into, _counted(side)).lengths.add(value)
                return
        _opaque(node, into)
    elif node.data in ("in_", "not_in"):
        needle, hay = ch
        if _name(hay) and _literal(needle) is not _NOT:
            reading = _at(into, _name(hay))
            reading.constants.add(_literal(needle))
            reading.contains = True
        elif _name(needle) and isinstance(hay, Tree) and hay.data == "list_" and all(_literal(i) is not _NOT for i in (hay.children[0].children if hay.children[0] is not None else [])):
            _at(into, _name(needle)).constants.update(_literal(i) for i in (hay.children[0].children if hay.children[0] is not None else []))
        else:
            _opaque(node, into)
    elif node.data == "call" and ch[1] is not None:
        fname, args = str(ch[0]), ch[1].children
        if fname == "answered" and _name(args[0]):
            _at(into, _name(args[0]))
        elif fname == "selected" and _name(args[0]) and all(_literal(a) is not _NOT for a in args[1:]):
            _at(into, _name(args[0])).constants.update(_literal(a) for a in args[1:])
        elif fname == "if":
            _visit(args[0], into, True)
            for arg in args[1:]:
                _visit(arg, into, False)
        else:
            _opaque(node, into)
    elif node.data in ("true", "false", "null", "number", "string"):
        return
    else:
        _opaque(node, into)


@dataclass
class Values:
    values: list[Any]  # the first is the baseline: a valid answer when there is one
    sampled: str | None = None  # why these values are not every class of answers (None: they are)
    impossible: str | None = None  # why no answer is valid (the question is a true dead end when required)


def _spread(points: Iterable[Any], below, above, inside) -> list[Any]:
    """Each point that is a possible answer and the nearest possible answers on either side."""
    out: list[Any] = []
    for c in sorted({p for p in points if isinstance(p, (int, float)) and not isinstance(p, bool)}):
        for v in (below(c), c if inside(c) else None, above(c)):
            if v is not None and v not in out:
                out.append(v)
    return out


def _whole_range(q: Any) -> tuple[int | None, int | None, int]:
    if isinstance(q, Numeric):
        return (None if q.min is None else math.ceil(q.min), None if q.max is None else math.floor(q.max), 1)
    low, high = A.scale(q)
    return low, high, getattr(q, "step", 1) if isinstance(q, Slider) else 1


def _whole(q: Any, reading: Reading | None, numbers: set[Any]) -> Values:
    low, high, step = _whole_range(q)
    if low is not None and high is not None and low > high:
        return Values([], impossible=f"no whole number lies between {q.min} and {q.max}")

    def inside(v: Any) -> bool:
        if v != int(v) or (low is not None and v < low) or (high is not None and v > high):
            return False
        return low is None or (v - low) % step == 0 or v == high

    def below(c: Any) -> int | None:  # the largest possible answer under c
        v = math.ceil(c) - 1
        if high is not None and v >= high:
            return high
        if low is not None:
            v = low + ((v - low) // step) * step
        return v if low is None or v >= low else None

    def above(c: Any) -> int | None:  # the smallest possible answer over c
        v = math.floor(c) + 1
        if low is not None and v <= low:
            return low
        if low is not None:
            v = low + -((low - v) // step) * step
        if high is not None and v > high:
            return high if high > c else None
        return v

    base = low if low is not None else (min(1, high) if high is not None else 1)
    bounds = [v for v in (low, high) if v is not None]
    size = None if low is None or high is None else len(range(low, high + 1, step)) + (1 if (high - low) % step else 0)
    if reading is None:
        return Values([base])
    constants = reading.constants | set(bounds)
    if reading.opaque and size is not None and size <= FULL_DOMAIN:
        values = list(range(low, high + 1, step)) + ([high] if (high - low) % step else [])
        return Values([base] + [v for v in values if v != base])
    values = [base] + _spread(constants, below, above, inside)
    if low is None or high is None:
        values += _spread([min(constants, default=0) - 1, max(constants, default=0) + 1], below, above, inside)
    sampled = None
    if reading.opaque:
        values += _spread(numbers, below, above, inside)
        sampled = f"read through arithmetic, and it has {'unbounded' if size is None else size} possible answers"
    return Values(list(dict.fromkeys(values)), sampled)


def _decimal(q: Numeric, reading: Reading | None, numbers: set[Any]) -> Values:
    low, high = q.min, q.max

    def clip(v: float) -> float | None:
        return None if (low is not None and v < low) or (high is not None and v > high) else v

    base = low if low is not None else (min(1, high) if high is not None else 1)
    if reading is None:
        return Values([base])
    found = reading.constants | (numbers if reading.opaque else set()) | {low, high}
    points = sorted(c for c in found if isinstance(c, (int, float)) and not isinstance(c, bool))
    values = [base] + points
    values += [(a + b) / 2 for a, b in zip(points, points[1:])]
    if points:
        values += [points[0] - 1, points[-1] + 1]
    values = [v for v in values if clip(v) is not None]
    return Values(list(dict.fromkeys(values)), "read through arithmetic over a range of decimals" if reading.opaque else None)


def _date(q: DateQuestion, reading: Reading | None) -> Values:
    low, high = (dt.date.fromisoformat(d) if d else None for d in (q.min, q.max))
    if low and high and low > high:
        return Values([], impossible=f"its earliest date {q.min} is after its latest {q.max}")
    base = q.min or q.max or "2026-01-01"
    if reading is None:
        return Values([base])
    days = {d for d in (low, high) if d}
    for c in reading.constants:
        day = A.parse_date(c) if isinstance(c, str) else None
        if day:
            days |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
    days = {d for d in days if (not low or d >= low) and (not high or d <= high)}
    if not low:
        days.add(min(days, default=dt.date(2026, 1, 1)) - dt.timedelta(days=1))
    if not high:
        days.add(max(days, default=dt.date(2026, 1, 1)) + dt.timedelta(days=1))
    return Values([base] + [d.isoformat() for d in sorted(days)], "read through arithmetic" if reading.opaque else None)


def _text(q: OpenText, reading: Reading | None) -> Values:
    if q.min_length > q.max_length:
        return Values([], impossible=f"it needs at least {q.min_length} characters but allows {q.max_length}")
    base = "x" * max(1, q.min_length)
    if reading is None:
        return Values([base])
    values = [base] + [c for c in reading.constants if isinstance(c, str) and q.min_length <= len(c.strip()) <= q.max_length and c == c.strip() and c]
    values += [c + " " + base for c in reading.constants if isinstance(c, str) and c.strip() and len(c) + 1 + len(base) <= q.max_length]
    for n in reading.lengths:
        values += ["x" * k for k in (math.ceil(n) - 1, int(n), math.floor(n) + 1) if max(1, q.min_length) <= k <= q.max_length]
    sampled = "read through arithmetic" if reading.opaque else ("searched for several texts at once" if reading.contains and len(reading.constants) > 2 else None)
    return Values(list(dict.fromkeys(values)), sampled)


def _multi(q: MultipleChoice, reading: Reading | None) -> Values:
    plain = [o.code for o in q.options if not o.exclusive]
    exclusive = [[o.code] for o in q.options if o.exclusive]
    if q.min_selected > len(plain) and not exclusive:
        return Values([], impossible=f"it asks for at least {q.min_selected} of {len(plain)} options")
    base = [plain[: max(1, q.min_selected)]] if len(plain) >= q.min_selected and plain else exclusive[:1]
    if reading is None:
        return Values(base)
    sampled = None
    if 2 ** len(plain) <= SUBSETS:
        subsets = [list(s) for n in range(1, len(plain) + 1) for s in itertools.combinations(plain, n)]
    else:
        named = [c for c in plain if c in reading.constants][:6]
        subsets = [list(s) for n in range(1, len(named) + 1) for s in itertools.combinations(named, n)]
        subsets += [[c] for c in plain] + [plain[:k] for n in reading.lengths for k in (int(n), int(n) + 1)]
        sampled = f"it has {2 ** len(plain)} subsets of options"
    fits = [s for s in base + subsets + exclusive if s and A.check(q, s, "other") is None]
    return Values(list({repr(s): s for s in fits}.values()), sampled)


def _ranking(q: Ranking, reading: Reading | None) -> Values:
    codes = [o.code for o in q.options]
    if reading is None:
        return Values([codes])
    if math.factorial(len(codes)) <= PERMUTATIONS:
        return Values([list(p) for p in itertools.permutations(codes)])
    return Values([codes, list(reversed(codes))], f"it has {math.factorial(len(codes))} orders")


def _matrix(q: Matrix, readings_: dict[str, Reading]) -> Values:
    rows = [o.code for o in q.rows]
    base = {r: q.scale[0].code for r in rows}
    read = [r for r in rows if f"{q.id}.{r}" in readings_]
    points: list[Any] = [p.code for p in q.scale] + ([None] if q.required is not True else [])
    if not read:
        return Values([base])
    if len(points) ** len(read) <= SUBSETS * 2:
        combos = [dict(base, **dict(zip(read, combo))) for combo in itertools.product(points, repeat=len(read))]
        return Values([base] + combos)
    return Values([base] + [dict(base, **{r: p}) for r in read for p in points], f"its rows have {len(points) ** len(read)} combinations")


def question_values(q: Any, readings_: dict[str, Reading], numbers: set[Any]) -> Values:
    """The values to try for ``q``: its baseline first, then one of every class of answers its readers tell apart."""
    reading = readings_.get(q.id)
    if isinstance(q, (SingleChoice, ImageChoice)):
        found = Values([o.code for o in q.options] if reading else [q.options[0].code])
    elif isinstance(q, MultipleChoice):
        found = _multi(q, reading)
    elif isinstance(q, Ranking):
        found = _ranking(q, reading)
    elif isinstance(q, (Rating, NPS, Slider)) or (isinstance(q, Numeric) and not q.decimal):
        found = _whole(q, reading, numbers)
    elif isinstance(q, Numeric):
        found = _decimal(q, reading, numbers)
    elif isinstance(q, OpenText):
        found = _text(q, reading)
    elif isinstance(q, DateQuestion):
        found = _date(q, reading)
    elif isinstance(q, Matrix):
        found = _matrix(q, readings_)
    else:  # a recording: kept (the answer names its file), or not available on the station
        found = Values([{"file": "walk.sealed"}, A.NOT_AVAILABLE])
    read = reading is not None or (isinstance(q, Matrix) and len(found.values) > 1)
    if q.special and (read or not found.values):
        found.values += [s.code for s in q.special]
        found.impossible = None
    if q.required is not True and (read or not found.values):
        found.values.append(None)
    return found


def exposures(clip: ClipStep, readings_: dict[str, Reading]) -> list[dict[str, Any]]:
    """What the flow can note of a clip: watched to the end, stopped at a percentage, failed, never shown.

    The percentage is the share of the clip's media that was played, so a play that ends after a jump
    in libVLC's clock is completed with less than 100 %, and a clip of unknown length has none.
    """
    watched, completed = f"watched.{clip.id}", f"completed.{clip.id}"
    full = {watched: 100.0, completed: True}
    if watched not in readings_ and completed not in readings_:
        return [full]
    reading = readings_.get(watched, Reading())
    points = sorted({float(c) for c in reading.constants | {0, 100} if isinstance(c, (int, float)) and not isinstance(c, bool) and 0 <= c <= 100})
    percents = points + [(a + b) / 2 for a, b in zip(points, points[1:])]
    percents += [p + d for p in points for d in (-0.1, 0.1) if 0 <= p + d <= 100]
    plays = [{watched: round(p, 1), completed: done} for done in (True, False) for p in sorted(set(percents))]
    return [full, {completed: True}, {completed: False}, {}] + plays


def survey_steps(study: Any) -> Iterator[Any]:
    """The surveys of the study's screening, in its order."""
    for step in study.screening.steps:
        if isinstance(step, SurveyStep) and step.survey in study.surveys:
            yield study.surveys[step.survey]


def sources(study: Any) -> Iterator[str]:
    """Every condition and calculation of the study."""
    for survey in survey_steps(study):
        yield from (b.show_if for b in survey.blocks if b.show_if)
        for page in survey.all_pages():
            yield from filter(None, [page.show_if, *(r.when for r in page.screen_out), *(c.value for c in page.calculate)])
            for q in page.questions:
                yield from filter(None, [q.show_if, *(r.when for r in q.screen_out)])
    yield from itertools.chain((when for _, when, _ in study.quota_cells()), quality.conditions(study))  # the checks that screen out too


class Candidates:
    """The values to try for each question of a study, each one the runner accepts for it."""

    def __init__(self, study: Any):
        self.read: dict[str, Reading] = {}
        self.numbers: set[Any] = set()
        for source in sources(study):
            readings(source, self.read, self.numbers)
        self._found: dict[str, Values] = {}

    def of(self, q: Any) -> Values:
        """The values for ``q`` (the baseline first), why they are a sample, why none is valid."""
        if q.id not in self._found:
            found = question_values(q, self.read, self.numbers)
            fits = [v for v in found.values if (v is None and q.required is not True) or (v is not None and not A.is_empty(v) and A.check(q, v, "other") is None)]
            self._found[q.id] = Values(fits, found.sampled if q.id in self.read else None, found.impossible)
        return self._found[q.id]

    def values(self, q: Any) -> list[Any]:
        return self.of(q).values
