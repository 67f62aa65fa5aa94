"""The study's small expression language.

Conditions (``show_if``, ``screen_out.when``) are written in it, e.g.::

    age_band == 1
    not answered(comments) and rating >= 4
    "horror" in genres or count(genres) > 2
    participant.language == "fr"

Calculations (``calculate``) use the same language for values, e.g.
``sum(trailer_rating, nps_score) / 2`` or ``if(selected(genres, "thriller"), 1, 0)``.

Answers as they appear in expressions: a single choice, image choice, rating,
NPS, slider or numeric answer is its code or number; a multi or ranking answer
is a list of codes (``count()`` gives its length, ``in`` tests membership); a
text or date answer is a string ("2026-11-22" compares correctly); a matrix
row is read as ``<question>.<row code>`` (``scene_grid.pace >= 2``), the
whole matrix only with ``answered()``. A "please specify" text is
``<question>.other``. A special answer (``special:``, e.g. "Don't know") is its
code as a string, so ``rating == "dont_know"`` tests it and numeric comparisons
with it are false.

Grammar: literals (numbers, "strings", true, false, null, [lists]); names of
questions and ``participant.*`` fields; ``+ - * /``; ``== != < <= > >=``;
``in`` / ``not in``; ``and`` / ``or`` / ``not``; parentheses; and the
functions listed in ``FUNCTIONS``. It is read by a Lark grammar and evaluated
by the small interpreter below: nothing is ever handed to Python's ``eval``.

``validate`` knows which answers are numbers and which are texts: comparing a
text answer (a text or date question, a "please specify" text, a
``participant.*`` field) with a number, or using it in arithmetic, is a type
error; ``count(comments) > 3`` compares its length.

An unanswered question is ``null``. Comparisons involving ``null`` (other
than ``==``/``!=``) are false, and arithmetic with ``null`` gives ``null``,
so a condition on an unanswered question is simply not met.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Collection, Mapping

from lark import Lark, Token, Tree
from .errors import suggest
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

_GRAMMAR = r"""
?start: or_test
?or_test: and_test ("or" and_test)*
?and_test: not_test ("and" not_test)*
?not_test: "not" not_test -> not_
         | comparison
?comparison: sum
           | sum COMP sum -> compare
           | sum "in" sum -> in_
           | sum "not" "in" sum -> not_in
?sum: product (ADDOP product)*
?product: unary (MULOP unary)*
?unary: "-" unary -> neg
      | atom
?atom: NUMBER -> number
     | STRING -> string
     | "true" -> true
     | "false" -> false
     | "null" -> null
     | NAME "(" [args] ")" -> call
     | NAME -> name
     | "[" [args] "]" -> list_
     | "(" or_test ")"
args: or_test ("," or_test)*
COMP: "==" | "!=" | "<=" | ">=" | "<" | ">"
ADDOP: "+" | "-"
MULOP: "*" | "/"
NAME: /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/
STRING: /"[^"\n]*"|'[^'\n]*'/
NUMBER: /\d+(\.\d+)?/
%ignore /[ \t\r\n]+/
"""

_parser = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=True)
MAX_EXPR_LENGTH = 4000  # characters in one expression
MAX_EXPR_DEPTH = 40  # nested operators, calls and lists


class ExprError(ValueError):
    """An expression that cannot be read; ``column`` counts from 1 within the expression."""

    def __init__(self, message: str, column: int = 1):
        super().__init__(message)
        self.column = column


def _num(v: Any) -> Any:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _len(v: Any) -> int:
    if v is None:
        return 0
    return len(v) if isinstance(v, (list, str)) else 1


def _selected(value: Any, *codes: Any) -> bool:
    if value is None:
        return False
    chosen = value if isinstance(value, list) else [value]
    return any(c in chosen for c in codes)


FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int, str]] = {
    # name: (function, min args, max args, what it does)
    "answered": (lambda v: v is not None and v != [] and v != "", 1, 1, "true when the question has an answer"),
    "selected": (_selected, 2, 99, "true when any of the codes is chosen in a choice question"),
    "count": (_len, 1, 1, "how many options are chosen (or characters typed)"),
    "min": (lambda *a: _fold(min, a), 1, 99, "smallest of the numbers (unanswered ones are left out)"),
    "max": (lambda *a: _fold(max, a), 1, 99, "largest of the numbers (unanswered ones are left out)"),
    "sum": (lambda *a: _fold(sum, a), 1, 99, "total of the numbers (unanswered ones are left out)"),
    "round": (lambda v, n=0: None if _num(v) is None or _num(n) is None else round(v, int(n)), 1, 2, "a number rounded to n decimals (0 by default)"),
    "if": (lambda c, a, b=None: a if c else b, 2, 3, "if(condition, then, else): the second value when the condition holds, else the third (null)"),
}


def _fold(fn: Callable[..., Any], values: tuple[Any, ...]) -> Any:
    numbers = [x for x in values if _num(x) is not None]
    if not numbers:
        return None
    return fn(numbers)

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its text, its tree and the names it reads."""

    text: str
    tree: Any
    names: frozenset[str]

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        return _eval(self.tree, env)

    def holds(self, env: Mapping[str, Any]) -> bool:
        return bool(self.evaluate(env))

    def compared_codes(self) -> list[tuple[str, Any]]:
        """(name, literal) for each place the expression compares an answer with a fixed code."""
        found: list[tuple[str, Any]] = []
        for node in self.tree.iter_subtrees() if isinstance(self.tree, Tree) else ():
            ch = node.children
            if node.data == "compare" and str(ch[1]) in ("==", "!="):
                pairs = [(ch[0], ch[2]), (ch[2], ch[0])]
            elif node.data in ("in_", "not_in"):
                pairs = [(ch[1], ch[0])] + [(ch[0], item) for item in (ch[1].children[0].children if ch[1].data == "list_" and ch[1].children[0] is not None else [])]
            elif node.data == "call" and str(ch[0]) == "selected" and ch[1] is not None:
                pairs = [(ch[1].children[0], arg) for arg in ch[1].children[1:]]
            else:
                continue
            for name, literal in pairs:
                if isinstance(name, Tree) and name.data == "name" and isinstance(literal, Tree) and literal.data in ("number", "string"):
                    found.append((str(name.children[0]), _eval(literal, {})))
        return found


NUMBER_FUNCTIONS = frozenset(("count", "min", "max", "sum", "round"))


def kind_of(node: Any, kinds: Mapping[str, str]) -> str | None:
    """"number" or "text" when the type of ``node``'s value is known from the answers' ``kinds``, else None."""
    if not isinstance(node, Tree):
        return None
    kind = node.data
    if kind == "number" or kind in ("sum", "product", "neg") or (kind == "call" and str(node.children[0]) in NUMBER_FUNCTIONS):
        return "number"
    if kind == "string":
        return "text"
    if kind == "name":
        return kinds.get(str(node.children[0]))
    return None


def type_problems(expr: Expr, kinds: Mapping[str, str], specials: Mapping[str, Any] | None = None, coded: Collection[str] = ()) -> list[tuple[str, int]]:
    """(message, column) for each place a text is compared with, or computed as, a number.

    ``kinds`` gives "number" or "text" for the answers whose type is known; ``specials`` the special
    codes of number questions, which are texts a number answer may be compared with ("dont_know");
    ``coded`` the choice questions, whose equality with a literal is checked against their codes instead.
    """
    specials = specials or {}
    found: list[tuple[str, int]] = []
    for node in expr.tree.iter_subtrees_topdown() if isinstance(expr.tree, Tree) else ():
        ch = node.children
        if node.data == "compare" or node.data in ("in_", "not_in"):
            left, right = ch[0], ch[-1]
            sides = (kind_of(left, kinds), kind_of(right, kinds))
            if set(sides) != {"number", "text"}:
                continue
            text_side, number_side = (left, right) if sides[0] == "text" else (right, left)
            if _special_code(text_side, number_side, specials):
                continue
            equality = node.data != "compare" or str(ch[1]) in ("==", "!=")
            if equality and any(side.data == "name" and str(side.children[0]) in coded for side in (left, right)) and "string" in (left.data, right.data):
                continue  # fav == "x": never_true says that fav has no option "x"
            column = ch[1].column if node.data == "compare" else _column(node)
            if text_side.data == "name":
                hint = f"compare it with a quoted text, or use count({text_side.children[0]}) for its length"
            else:
                hint = "write the number without quotes"
            found.append((f"type error: {_described(text_side, 'text')} is compared with {_described(number_side, 'number')} ({hint})", column))
        elif node.data in ("sum", "product", "neg"):
            for operand in ch[0::2] if node.data != "neg" else ch:
                if kind_of(operand, kinds) == "text":
                    found.append((f"type error: {_described(operand, 'text')} is used in arithmetic", _column(operand)))
    return found


def _special_code(text_side: Any, number_side: Any, specials: Mapping[str, Any]) -> bool:
    """``rating == "dont_know"``: a special answer of a number question is a text by design."""
    if text_side.data != "string" or number_side.data != "name":
        return False
    return str(text_side.children[0])[1:-1] in specials.get(str(number_side.children[0]), ())


def _described(node: Any, kind: str) -> str:
    if node.data == "name":
        return f"'{node.children[0]}' (a {kind} answer)"
    if node.data == "string":
        return f"the text {node.children[0]}"
    return "a number" if kind == "number" else "a text"


def _column(node: Any) -> int:
    """The column of the first token under ``node`` (found without recursion: trees can be deep)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Token):
            return item.column or 1
        if isinstance(item, Tree):
            stack.extend(reversed(item.children))
    return 1


@lru_cache(maxsize=4096)
def parse(text: str) -> Expr:
    if not isinstance(text, str) or not text.strip():
        raise ExprError("the expression is empty", 1)
    if len(text) > MAX_EXPR_LENGTH:
        raise ExprError(f"the expression is too long: {len(text):,} characters, at most {MAX_EXPR_LENGTH:,}", 1)
    try:
        tree = _parser.parse(text)
    except UnexpectedCharacters as exc:
        raise ExprError(f"unexpected character {text[exc.pos_in_stream]!r}", exc.column) from None
    except UnexpectedEOF:
        raise ExprError("the expression ends too early", len(text) + 1) from None
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            raise ExprError("the expression ends too early", len(text) + 1) from None
        raise ExprError(f"unexpected {exc.token.value!r}", exc.column) from None
    except (UnexpectedInput, LarkError) as exc:  # pragma: no cover - other parser states
        raise ExprError(f"cannot read the expression ({exc.__class__.__name__})", getattr(exc, "column", 1)) from None
    _check_depth(tree)
    names: set[str] = set()
    _check(tree, names)
    return Expr(text, tree, frozenset(names))


def _check_depth(tree: Any) -> None:
    """Refuse deep nesting before anything walks the tree recursively (``not not ... x``, ``[[[...]]]``)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_EXPR_DEPTH:
            raise ExprError(f"the expression nests too deeply (at most {MAX_EXPR_DEPTH} levels)", _column(node))
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _check(node: Any, names: set[str]) -> None:
    """Collect referenced names and check function calls once, at parse time."""
    if not isinstance(node, Tree):
        return
    if node.data == "name":
        names.add(str(node.children[0]))
        return
    if node.data == "call":
        fname, args = node.children
        count = 0 if args is None else len(args.children)
        if str(fname) not in FUNCTIONS:
            raise ExprError(f"unknown function '{fname}'{suggest(str(fname), FUNCTIONS)}", fname.column)
        _, lo, hi, _ = FUNCTIONS[str(fname)]
        if not lo <= count <= hi:
            want = str(lo) if lo == hi else f"{lo} or more"
            raise ExprError(f"{fname}() takes {want} argument(s), not {count}", fname.column)
    for child in node.children:
        _check(child, names)


def _eval(node: Any, env: Mapping[str, Any]) -> Any:
    kind = node.data
    ch = node.children
    if kind == "number":
        s = str(ch[0])
        return float(s) if "." in s else int(s)
    if kind == "string":
        return str(ch[0])[1:-1]
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind == "null":
        return None
    if kind == "name":
        return env.get(str(ch[0]))
    if kind == "list_":
        return [] if ch[0] is None else [_eval(c, env) for c in ch[0].children]
    if kind == "call":
        fn = FUNCTIONS[str(ch[0])][0]
        args = [] if ch[1] is None else [_eval(c, env) for c in ch[1].children]
        return fn(*args)
    if kind == "not_":
        return not _eval(ch[0], env)
    if kind == "or_test":
        return any(_eval(c, env) for c in ch)
    if kind == "and_test":
        return all(_eval(c, env) for c in ch)
    if kind == "neg":
        v = _num(_eval(ch[0], env))
        return None if v is None else -v
    if kind == "compare":
        left, op, right = _eval(ch[0], env), str(ch[1]), _eval(ch[2], env)
        if op in ("==", "!="):
            return _COMPARE[op](left, right)
        try:
            return left is not None and right is not None and _COMPARE[op](left, right)
        except TypeError:  # "a" < 1: not comparable, so the condition does not hold
            return False
    if kind in ("in_", "not_in"):
        needle, hay = _eval(ch[0], env), _eval(ch[1], env)
        if isinstance(hay, str) and isinstance(needle, str):
            found = needle in hay
        elif isinstance(hay, list):
            found = needle in hay
        else:
            found = needle is not None and needle == hay
        return found if kind == "in_" else not found
    if kind in ("sum", "product"):
        acc = _num(_eval(ch[0], env))
        for op, operand in zip(ch[1::2], ch[2::2]):
            v = _num(_eval(operand, env))
            if acc is None or v is None:
                return None
            if op == "+":
                acc = acc + v
            elif op == "-":
                acc = acc - v
            elif op == "*":
                acc = acc * v
            else:
                acc = None if v == 0 else acc / v
        return acc
    raise ValueError(f"unknown expression node {kind}")  # pragma: no cover - grammar and interpreter agree
