"""One XLSForm question as one study question: its type, texts, choices, condition and bounds.

select_one → single, select_multiple → multi, rank → ranking, integer and decimal → numeric, text →
text, date → date, range → slider. ``required`` (yes/true) is kept; XLSForm's default, not required,
is written out, as the study's default is required. ``hint`` is the help. ``appearance`` is left to
the app's own layout. Everything else a row can say (a default answer, a choice filter, media, a
required or read-only condition, a calculation) cannot be imported and is reported at the row.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from .texts import Texts
from .translate import Field, bounds, code, condition
from .xpath import XPathError

TYPES = {"select one": "single", "select all that apply": "multi", "rank": "ranking", "integer": "numeric", "int": "numeric", "decimal": "decimal", "text": "text", "string": "text", "date": "date", "range": "slider"}
CHOICE_KINDS = ("single", "multi", "ranking")
# Filled in by the device, not asked: the app records its own session times and station.
METADATA = ("start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email", "audit", "start-geopoint", "background-audio")
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_KEYS = {"type", "name", "label", "hint", "bind", "control", "parameters", "itemset", "list_name", "choices", "children"}
_BIND = {"required", "relevant", "constraint", "jr:constraintMsg", "jr:requiredMsg"}
_YES, _NO = ("yes", "true", "true()", "1"), ("", "no", "false", "false()", "0")
_MESSAGES = {"min": "out_of_range", "max": "out_of_range", "min_length": "too_short", "max_length": "too_long", "min_selected": "min_selected", "max_selected": "max_selected"}
# What each kind's parameters may say: the order of the options, a slider's scale (its ticks and placeholder are the app's own).
_PARAMETERS = {**{k: {"randomize"} for k in CHOICE_KINDS}, "slider": {"start", "end", "step", "tick_interval", "placeholder"}}
Problem = Callable[[str], None]


def kind_of(element: Mapping[str, Any]) -> str | None:
    return TYPES.get(element.get("type", ""))


def field_of(element: Mapping[str, Any], kind: str) -> Field:
    codes = {str(c["name"]): code(str(c["name"])) for c in element.get("choices") or []} if kind in CHOICE_KINDS else {}
    return Field(kind, codes)


def question(element: Mapping[str, Any], kind: str, texts: Texts, fields: Mapping[str, Field], problem: Problem, *, piped: set[str], read: set[str]) -> dict[str, Any]:
    """The study question of ``element``; each reason it cannot be imported goes to ``problem``.

    ``piped`` collects the names its texts pipe, ``read`` the names its condition reads.
    """
    name = element["name"]
    out: dict[str, Any] = {"id": name, "type": "numeric" if kind == "decimal" else kind}
    for key in sorted(set(element) - _KEYS):
        problem(_unsupported_column(key))
    bind = element.get("bind") or {}
    for key in sorted(set(bind) - _BIND):
        problem(f"'{key}' cannot be imported")
    out["text"] = _text(element.get("label"), texts, problem, piped, "label") if element.get("label") else problem("the question has no label")
    if element.get("hint"):
        out["help"] = _text(element["hint"], texts, problem, piped, "hint")
    required = str(bind.get("required", "")).strip()
    if required.lower() in _YES or required.lower() in _NO:
        out["required"] = required.lower() in _YES
    else:
        problem(f"required depends on a condition ({required}): only yes or no can be imported")
    if bind.get("jr:requiredMsg"):
        out.setdefault("messages", {})["required"] = _text(bind["jr:requiredMsg"], texts, problem, piped, "required_message")
    if bind.get("relevant"):
        try:
            out["show_if"], names = condition(bind["relevant"], fields)
            read.update(names)
        except XPathError as exc:
            problem(f"relevant {bind['relevant']!r} cannot be translated: {exc}")
    if kind == "decimal":
        out["decimal"] = True
    if kind == "slider":
        out.update(_range(element.get("parameters") or {}, problem))
    if bind.get("constraint"):
        try:
            found = bounds(bind["constraint"], kind)
        except XPathError as exc:
            problem(f"constraint {bind['constraint']!r} cannot be imported: {exc}")
            found = {}
        out.update(found)
        if bind.get("jr:constraintMsg"):
            message = _text(bind["jr:constraintMsg"], texts, problem, piped, "constraint_message")
            for key in dict.fromkeys(_MESSAGES[k] for k in found):
                out.setdefault("messages", {})[key] = message
    elif bind.get("jr:constraintMsg"):
        problem("constraint_message without a constraint")
    parameters = element.get("parameters") or {}
    for key in sorted(set(parameters) - _PARAMETERS.get(kind, set())):
        problem(f"the parameter '{key}' cannot be imported")
    if kind in CHOICE_KINDS and str(parameters.get("randomize", "")).lower() == "true":
        out["randomize"] = True
    return out


def options(element: Mapping[str, Any], texts: Texts, other: bool, problem: Callable[[str, str], None], piped: set[str]) -> list[dict[str, Any]]:
    """The options of a choice question; ``problem(choice name, why)`` ("" for the list as a whole)."""
    found: list[dict[str, Any]] = []
    for choice in element.get("choices") or []:
        name = str(choice.get("name", ""))
        said = lambda message, name=name: problem(name, message)  # noqa: E731
        value = code(name)
        if not isinstance(value, int) and not IDENT.match(name):
            said(f"the choice name {name!r} cannot be an answer code: use letters, digits and _ starting with a letter, or a whole number")
        if "media" in choice:
            said("media in choices (image, audio, video) cannot be imported")
        option: dict[str, Any] = {"code": value, "label": _text(choice["label"], texts, said, piped, "label") if choice.get("label") else said(f"the choice {name!r} has no label")}
        if other and name == "other":
            option["other"] = True
        found.append(option)
    named = element.get("list_name") or element.get("itemset")
    if not found and str(named).lower().endswith((".csv", ".xml", ".geojson")):
        problem("", f"choices from a file ({named}) cannot be imported: put them in the choices sheet")
    elif len(found) < 2:
        problem("", f"the list {named!r} needs at least 2 choices" if named else "the question names no list of choices")
    return found


def _text(value: Any, texts: Texts, problem: Problem, piped: set[str], column: str) -> Any:
    try:
        return texts.text(value, piped)
    except ValueError as exc:
        problem(f"{column}: {exc}")
        return None


def _range(parameters: Mapping[str, Any], problem: Problem) -> dict[str, Any]:
    """A range's start, end and step (ODK's defaults 1, 10, 1) as a slider's whole-number min, max and step."""
    found: dict[str, Any] = {}
    for key, ours, default in (("start", "min", "1"), ("end", "max", "10"), ("step", "step", "1")):
        value = str(parameters.get(key, default))
        if not re.fullmatch(r"-?\d+", value):
            problem(f"the range's {key} {value} is not a whole number: the study's sliders move in whole steps")
        else:
            found[ours] = int(value)
    return found


def _unsupported_column(key: str) -> str:
    reasons = {
        "default": "a default answer cannot be imported: every question starts unanswered",
        "choice_filter": "choice_filter cannot be imported: a question's options do not depend on earlier answers",
        "media": "media in labels (image, audio, video) cannot be imported",
        "trigger": "trigger cannot be imported",
    }
    return reasons.get(key, f"the column '{key}' cannot be imported")
