"""The part of XLSForm's expression language (XPath 1.0 with ``${name}`` references) that the importer reads.

``parse`` turns ``${age} >= 18 and selected(${genres}, 'drama')`` into a small tree of tuples:

    ("ref", name)  ("self",)  ("num", "18")  ("str", "drama")  ("neg", x)
    ("bin", op, left, right)   op: or and = != < <= > >= + - * div mod
    ("call", function, [arguments])

Paths other than ``.`` (``../age``, ``/data/age``) and names without ``${}`` are refused: an XLSForm
refers to questions as ``${name}``. What the tree means in preview-tui's language is ``translate``'s
business.
"""

from __future__ import annotations

import re
from typing import Any

Node = tuple[Any, ...]


class XPathError(ValueError):
    """An expression outside the part of XPath the importer reads."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{(?P<refname>[^}]*)\})
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<num>\d+(?:\.\d+)?|\.\d+)
    | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
    | (?P<path>\.\.|/|\.(?=[A-Za-z_/]))
    | (?P<self>\.)
    | (?P<word>[A-Za-z_][A-Za-z0-9_:.-]*)
    )""",
    re.VERBOSE,
)
_BINARY = {"or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6}
PRECEDENCE = _BINARY


def tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise XPathError(f"cannot read {text[pos:].strip()[:20]!r}")
        if match.group("ref"):
            kind, value = "ref", match.group("refname").strip()
        else:
            kind = next(k for k in ("str", "num", "op", "path", "self", "word") if match.group(k) is not None)
            value = match.group(kind)
        if kind == "path":
            raise XPathError("paths (such as ../name or /data/name) are not read: refer to questions as ${name}")
        found.append((kind, value))
        pos = match.end()
    return found


def parse(text: str) -> Node:
    """The tree of ``text``; raise XPathError when it is outside the part of XPath read here."""
    parser = _Parser(tokens(text))
    if not parser.items:
        raise XPathError("the expression is empty")
    node = parser.expression(0)
    if parser.pos != len(parser.items):
        raise XPathError(f"unexpected {parser.items[parser.pos][1]!r}")
    return node


class _Parser:
    """Precedence climbing over the tokens."""

    def __init__(self, items: list[tuple[str, str]]):
        self.items = items
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> tuple[str, str]:
        item = self.peek()
        if item is None:
            raise XPathError("the expression ends too early")
        self.pos += 1
        return item

    def expect(self, value: str) -> None:
        kind, got = self.take()
        if got != value or kind not in ("op",):
            raise XPathError(f"expected {value!r}, found {got!r}")

    def expression(self, floor: int) -> Node:
        left = self.unary()
        while True:
            item = self.peek()
            if item is None or item[0] not in ("op", "word") or item[1] not in _BINARY or _BINARY[item[1]] <= floor:
                return left
            self.pos += 1
            left = ("bin", item[1], left, self.expression(_BINARY[item[1]]))

    def unary(self) -> Node:
        kind, value = self.take()
        if kind == "op" and value == "-":
            return ("neg", self.unary())
        if kind == "op" and value == "(":
            node = self.expression(0)
            self.expect(")")
            return node
        if kind == "ref":
            if not value:
                raise XPathError("${} names no question")
            return ("ref", value)
        if kind == "self":
            return ("self",)
        if kind == "num":
            return ("num", value)
        if kind == "str":
            return ("str", value[1:-1])
        if kind == "word":
            following = self.peek()
            if following == ("op", "("):
                self.pos += 1
                return ("call", value, self.arguments())
            raise XPathError(f"{value!r} is not read: refer to questions as ${{name}}")
        raise XPathError(f"unexpected {value!r}")

    def arguments(self) -> list[Node]:
        found: list[Node] = []
        if self.peek() == ("op", ")"):
            self.pos += 1
            return found
        while True:
            found.append(self.expression(0))
            kind, value = self.take()
            if value == ")":
                return found
            if value != ",":
                raise XPathError(f"expected ',' or ')', found {value!r}")
