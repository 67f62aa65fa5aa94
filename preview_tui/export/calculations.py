"""The variables of a page's calculations: one each, 0/1 for a condition, else its number or text."""

from __future__ import annotations

import json
from typing import Any

from ..survey.expr import NUMBER_FUNCTIONS, parse
from .context import Context
from .missing import absent, in_band
from .model import NUMERIC, TEXT, ExportError, Group, Variable
from ..db.sessions import SessionRecord


def calculation(ctx: Context, survey_id: str, page_id: str, calc: Any, shown_if: tuple[str, ...]) -> Group:
    """A calculation's variable, of the kind it declares or, failing that, the kind its expression gives."""
    kind = {"number": NUMERIC, "text": TEXT, "yes_no": "boolean"}.get(calc.type) or (NUMERIC if calc.values else _result_kind(calc.value))
    missing = (ctx.codes.screened_out, ctx.codes.not_shown)
    miss = ctx.missing_labels(missing)
    label = ctx.texts(calc.label) if calc.label is not None else ctx.words("calculated", expr={lang: calc.value for lang in ctx.languages})
    common = dict(source="calculation", question=calc.id, question_type="calculation", survey=survey_id, page=page_id, shown_if=shown_if, missing=missing)
    why = absent(ctx.codes, page_id, shown_if, calc.id)
    cid = calc.id
    low, high = ctx.codes.band
    codes = ctx.codes
    if kind == TEXT:
        variable = Variable(calc.id, TEXT, label, values={str(c): t for c, t in miss.items()}, **common)
    else:
        values = {1: ctx.words("yes"), 0: ctx.words("no")} if kind == "boolean" else {code: ctx.texts(t) for code, t in calc.values.items()}
        variable = Variable(calc.id, NUMERIC, label, values={**values, **miss}, categorical=bool(values), **common)

    def fill(rec: SessionRecord) -> list[Any]:
        value = rec.answers.get(cid)
        if value is None:
            reason = why(rec)
            if kind == TEXT:
                return [None if reason is None else str(reason)]
            return [reason]
        if kind == TEXT:
            return [value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
        if isinstance(value, bool):
            return [int(value)]
        if isinstance(value, str) and kind == NUMERIC:
            value = _number(value)
        if isinstance(value, (int, float)):
            if low <= value <= high:
                raise in_band(rec, cid, value, codes)
            return [value]
        raise ExportError(f"session {rec.id.hex}: the calculation '{cid}' holds {value!r}, not a number; the export cannot code it")

    return Group([variable], fill)


_BOOLEAN_NODES = frozenset(("compare", "in_", "not_in", "not_", "or_test", "and_test", "true", "false"))
_NUMBER_NODES = frozenset(("sum", "product", "neg", "number"))


def _result_kind(expression: str) -> str:
    """What a calculation holds: "boolean" (a condition), NUMERIC or TEXT (anything else)."""
    return _node_kind(parse(expression).tree)


def _node_kind(tree: Any) -> str:
    kind = getattr(tree, "data", None)
    if kind in _BOOLEAN_NODES:
        return "boolean"
    if kind in _NUMBER_NODES:
        return NUMERIC
    if kind == "call":
        name = str(tree.children[0])
        if name in ("answered", "selected"):
            return "boolean"
        if name in NUMBER_FUNCTIONS:
            return NUMERIC
        if name == "if":  # if(condition, then, else): what both of its results are
            args = tree.children[1].children if len(tree.children) > 1 else []
            results = {_node_kind(child) for child in args[1:] if getattr(child, "data", None) not in ("null", "none")}
            if len(results) == 1:
                return results.pop()
    return TEXT


def _number(text: str) -> Any:
    """A calculation declared a number that came out as text ("2"): the number, or the text unchanged."""
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number

