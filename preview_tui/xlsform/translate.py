"""XLSForm expressions in preview-tui's own expression language (``survey/expr.py``).

``relevant`` becomes a ``show_if`` condition. ``constraint`` has no expression of its own in a study:
what a question accepts is said by its bounds, so a constraint is read as bounds on ``.``: ``. >= 0
and . <= 120`` gives a number's ``min`` and ``max``, ``string-length(.) <= 60`` a text's
``max_length``, ``count-selected(.) <= 3`` a multiple choice's ``max_selected``, ``. >= date('2020-01-01')``
a date's ``min``. Anything else raises XPathError with the reason, and the importer reports it.

Choice names become option codes (``code``): ``${age_band} = '2'`` reads ``age_band == 2`` when the
list's codes are numbers. ``${x} = ''`` reads ``not answered(x)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .xpath import PRECEDENCE, Node, XPathError, parse

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OURS = {"or": "or", "and": "and", "=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "+": "+", "-": "-", "*": "*", "div": "/"}
_SAME = {"count-selected": "count", "string-length": "count", "selected": "selected", "if": "if", "round": "round"}


@dataclass(frozen=True)
class Field:
    """What an expression needs to know of a question: its kind and, for choices, its codes by choice name."""

    kind: str  # single, multi, ranking, numeric, decimal, text, date, slider
    codes: Mapping[str, Any] = field(default_factory=dict)


def code(name: str) -> Any:
    """A choice name as an option code: a whole number when it reads as one (``"2"`` → 2), else the name."""
    return int(name) if re.fullmatch(r"0|[1-9][0-9]{0,17}", name) else name


def condition(text: str, fields: Mapping[str, Field], here: str | None = None) -> tuple[str, set[str]]:
    """``text`` in our language, and the questions it reads; ``here`` is the question ``.`` stands for."""
    names: set[str] = set()
    return _Writer(fields, here, names).write(parse(text)), names


@dataclass
class _Writer:
    fields: Mapping[str, Field]
    here: str | None
    names: set[str]

    def write(self, node: Node, parent: int = 0) -> str:
        kind = node[0]
        if kind == "ref":
            return self.name(node[1])
        if kind == "self":
            if self.here is None:
                raise XPathError("'.' (this question) means nothing here")
            return self.name(self.here)
        if kind == "num":
            return node[1]
        if kind == "str":
            return _quoted(node[1])
        if kind == "neg":
            return f"-{self.write(node[1], 7)}"
        if kind == "call":
            return self.call(node[1], node[2])
        op, left, right = node[1:]
        if op == "mod":
            raise XPathError("'mod' has no counterpart in preview-tui's expressions")
        if op in ("=", "!=") and ("str", "") in (left, right):
            other = right if left == ("str", "") else left
            text = f"answered({self.write(other)})"
            return f"not {text}" if op == "=" else text
        if op in ("=", "!=") and any((self.field_of(side) or Field("")).kind in ("multi", "ranking") for side in (left, right)):
            raise XPathError("'=' on a multiple choice compares its whole answer: test one choice with selected()")
        prec = PRECEDENCE[op]
        left_text, right_text = self.operand(left, right, prec), self.operand(right, left, prec + (op not in ("and", "or")))
        text = f"{left_text} {_OURS[op]} {right_text}"
        return f"({text})" if prec < parent or (prec in (3, 4) and parent in (3, 4)) else text

    def operand(self, node: Node, other: Node, prec: int) -> str:
        """A side of a comparison: a literal beside a question is written as that question's kind of value."""
        if node[0] == "str":
            field_ = self.field_of(other)
            if field_ is not None:
                return _literal(node[1], field_)
        return self.write(node, prec)

    def field_of(self, node: Node) -> Field | None:
        if node[0] == "ref":
            return self.fields.get(node[1])
        if node[0] == "self" and self.here is not None:
            return self.fields.get(self.here)
        return None

    def name(self, name: str) -> str:
        if name not in self.fields:
            raise XPathError(f"${{{name}}} is not a question of the imported study")
        self.names.add(name)
        return name

    def call(self, function: str, arguments: list[Node]) -> str:
        if function in ("true", "false") and not arguments:
            return function
        if function == "not" and len(arguments) == 1:
            return f"not {self.write(arguments[0], 3)}"
        if function not in _SAME:
            raise XPathError(f"{function}() has no counterpart in preview-tui's expressions")
        if function == "selected" and len(arguments) == 2 and arguments[1][0] == "str":
            field_ = self.field_of(arguments[0])
            written = _literal(arguments[1][1], field_) if field_ is not None else _quoted(arguments[1][1])
            return f"selected({self.write(arguments[0])}, {written})"
        return f"{_SAME[function]}({', '.join(self.write(a) for a in arguments)})"


def _quoted(value: str) -> str:
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    raise XPathError("a text with both kinds of quote cannot be written")


def _literal(value: str, field_: Field) -> str:
    if field_.codes:
        if value not in field_.codes:
            raise XPathError(f"'{value}' is not a choice of this question (its choices: {', '.join(field_.codes)})")
        chosen = field_.codes[value]
        return str(chosen) if isinstance(chosen, int) else _quoted(chosen)
    if field_.kind in ("numeric", "decimal", "slider") and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return value
    return _quoted(value)


# Constraints as bounds --------------------------------------------------------------------------

_MEASURES = {"string-length": ("text",), "count-selected": ("multi",)}
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def bounds(text: str, kind: str) -> dict[str, Any]:
    """The schema fields a constraint on a question of ``kind`` means (e.g. ``{"min": 0, "max": 120}``)."""
    found: dict[str, Any] = {}
    for term in _terms(parse(text)):
        if term[0] != "bin" or term[1] not in _MIRROR:
            raise XPathError("only bounds on '.' joined by 'and' can be imported (the study checks ranges, lengths and counts, not other rules)")
        op, left, right = term[1:]
        if _is_dot(right) and not _is_dot(left):
            op, left, right = _MIRROR[op], right, left
        measure = _measure(left, kind)
        value = _value(right, kind)
        for key, limit in _limits(op, measure, kind, value):
            if key in found and found[key] != limit:
                raise XPathError(f"the constraint gives two different {key} bounds")
            found[key] = limit
    return found


def _terms(node: Node) -> list[Node]:
    if node[0] == "bin" and node[1] == "and":
        return _terms(node[2]) + _terms(node[3])
    return [node]


def _is_dot(node: Node) -> bool:
    return node == ("self",) or (node[0] == "call" and node[1] in _MEASURES and node[2] == [("self",)])


def _measure(node: Node, kind: str) -> str:
    if node == ("self",):
        if kind not in ("numeric", "decimal", "date"):
            raise XPathError(f"a bound on the value of a {kind} question cannot be imported")
        return "value"
    if _is_dot(node):
        if kind not in _MEASURES[node[1]]:
            raise XPathError(f"{node[1]}(.) does not apply to a {kind} question")
        return "length" if kind == "text" else "count"
    raise XPathError("only bounds on '.' can be imported: a constraint must compare '.' with a fixed value")


def _value(node: Node, kind: str) -> Any:
    if kind == "date":
        if node[0] == "call" and node[1] == "date" and len(node[2]) == 1:
            node = node[2][0]
        if node[0] == "str" and _DATE.match(node[1]):
            return node[1]
        raise XPathError("a date can be bounded only by a fixed date, as date('YYYY-MM-DD')")
    sign = 1
    if node[0] == "neg":
        sign, node = -1, node[1]
    if node[0] != "num":
        raise XPathError("a bound must be a fixed number")
    number = float(node[1]) * sign
    return int(number) if number.is_integer() else number


def _limits(op: str, measure: str, kind: str, value: Any) -> list[tuple[str, Any]]:
    lower, upper = {"value": ("min", "max"), "length": ("min_length", "max_length"), "count": ("min_selected", "max_selected")}[measure]
    whole = measure != "value" or kind == "numeric"
    if op in (">", "<"):
        if not whole or not isinstance(value, int):
            raise XPathError(f"'{op}' leaves out its bound, and the study's bounds include theirs: write '{op}=' with the next value")
        value = value + 1 if op == ">" else value - 1
    if measure != "value" and not isinstance(value, int):
        raise XPathError("a length or count must be a whole number")
    if op == "=":
        return [(lower, value), (upper, value)]
    return [(lower, value)] if op.startswith(">") else [(upper, value)]
