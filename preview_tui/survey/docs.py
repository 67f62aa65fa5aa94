"""The study-format reference (``docs/study-format.md``), generated from the schema the loader uses.

    python -m preview_tui.survey.docs            write docs/study-format.md
    python -m preview_tui.survey.docs --check    exit 1 when the file is out of date

A test runs the check, so the reference cannot drift from the code.
"""

from __future__ import annotations

import inspect
import sys
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from . import schema as s
from .expr import FUNCTIONS, MAX_EXPR_DEPTH, MAX_EXPR_LENGTH
from .limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, MAX_STUDY_BYTES, MAX_STUDY_FILES

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "study-format.md"

SECTIONS: list[tuple[str, list[type[BaseModel]]]] = [
    ("config.yaml", [s.Config, s.StudySettings, s.Consent, s.Rewards, s.Sealing, s.Quota, s.StationSettings, s.PlaybackSettings]),
    ("screens/*.yaml", [s.Screening, s.StimulusOrder, s.DialSettings, s.SurveyStep, s.StoryboardStep, s.Frame, s.ClipStep]),
    ("surveys/*.yaml", [s.Survey, s.Block, s.Page, s.Calculation, s.ScreenOut]),
    ("Questions", [s.QuestionBase, s.SingleChoice, s.MultipleChoice, s.ImageChoice, s.Ranking, s.Rating, s.NPS, s.Slider, s.Numeric, s.OpenText, s.DateQuestion, s.Matrix, s.Recording, s.Option, s.Special]),
    ("Data quality", [s.Quality, s.Speeding, s.StraightLining, s.Attention]),
]

def _type(annotation: Any) -> str:
    """A reader's name for a field's type."""
    if annotation is s.Text or annotation == s.Text:
        return "text"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        meta = args[1:]
        if any(getattr(m, "pattern", None) == r"^[A-Za-z][A-Za-z0-9_]*$" for m in _metadata(meta)):
            return "id"
        if any("expression language" in str(getattr(m, "description", "") or "") for m in _metadata(meta)):
            return "expression"
        return _type(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" if not isinstance(a, bool) else f"`{str(a).lower()}`" for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if str in args and dict[s.Lang, str] in args:
            return "text"
        parts = [_type(a) for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(parts))
    if origin is list:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"mapping of {_type(args[0])} to {_type(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if annotation in (str, int, float, bool):
        return {str: "string", int: "integer", float: "number", bool: "true/false"}[annotation]
    return str(annotation).replace("typing.", "")


EXPRESSION_KEYS = ("show_if", "when", "value")


def _field_type(name: str, field: Any) -> str:
    if name in EXPRESSION_KEYS:
        return "expression"
    if any(getattr(m, "pattern", None) == r"^[A-Za-z][A-Za-z0-9_]*$" for m in field.metadata):
        return "id"
    return _type(field.annotation)


def _metadata(items: Any) -> list[Any]:
    out = []
    for m in items:
        out.append(m)
        out.extend(getattr(m, "metadata", []) or [])
    return out


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    value = field.default
    if value is PydanticUndefined:
        return ""
    if isinstance(value, BaseModel):
        return "see below"
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def _model(model: type[BaseModel]) -> list[str]:
    doc = inspect.getdoc(model) or ""
    if model.__doc__ is None or model.__doc__ == BaseModel.__doc__:
        doc = ""
    lines = [f"### {model.__name__}", ""]
    tag = model.model_fields.get("type")
    if tag is not None and typing.get_origin(tag.annotation) is typing.Literal and model not in (s.SurveyStep, s.StoryboardStep, s.ClipStep):
        lines += [f"`type: {typing.get_args(tag.annotation)[0]}` — also takes every key of [QuestionBase](#questionbase).", ""]
    if doc:
        lines += [doc, ""]
    lines += ["| key | type | default | meaning |", "|---|---|---|---|"]
    own = model.model_fields
    inherited = s.QuestionBase.model_fields if issubclass(model, s.QuestionBase) and model is not s.QuestionBase else {}
    for name, field in own.items():
        if name in inherited and name != "type":
            continue
        description = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | {_field_type(name, field)} | {_default(field)} | {description} |")
    return lines + [""]


def render() -> str:
    lines = [
        "# Study format reference",
        "",
        "<!-- Generated by `python -m preview_tui.survey.docs` from preview_tui/survey/schema.py; do not edit. -->",
        "",
        "A study is a folder with `config.yaml`, `screens/*.yaml`, `surveys/*.yaml` and `media/`.",
        "A *text* is one string, or a mapping with one entry per language of the study (`en`, `fr`, `de`).",
        "An *id* starts with a letter and holds letters, digits and `_`. An *expression* is written in the",
        "expression language below. Unknown keys are errors. `preview-tui validate` checks a study.",
        "",
        f"Limits: a file holds at most {MAX_FILE_BYTES // 1024} KiB, {MAX_NODES:,} keys, values and list items (aliases",
        f"expanded) and {MAX_DEPTH} levels of nesting; `screens/` and `surveys/` together at most {MAX_STUDY_FILES} files and",
        f"{MAX_STUDY_BYTES // 1024 // 1024} MiB; an expression at most {MAX_EXPR_LENGTH:,} characters and {MAX_EXPR_DEPTH} levels.",
        "YAML tags (`!!str`, `!!python/...`) are not allowed. `yes`, `no`, `on` and `off` are booleans: quote them",
        "where a code or a text is meant (`code: 'no'`). Texts hold no control characters or bidi controls (tabs",
        "and line breaks are fine). A media name is a file inside `media/`: no absolute path, no `..`, no link out.",
        "",
        f"Question types: {', '.join(f'`{t}`' for t in s.QUESTION_TYPES)}.",
        "",
        f"Sensitive-data categories (`sensitive`): {', '.join(f'`{c}`' for c in s.SENSITIVE_CATEGORIES)}.",
        "",
        f"Message keys (`messages`): {', '.join(f'`{k}`' for k in s.MESSAGE_KEYS)}.",
        "",
    ]
    for title, models in SECTIONS:
        lines += [f"## {title}", ""]
        for model in models:
            lines += _model(model)
    lines += ["## Expression language", "", *(_expr_doc()), "", "| function | arguments | what it gives |", "|---|---|---|"]
    for name, (_, low, high, what) in FUNCTIONS.items():
        count = str(low) if low == high else f"{low}–{high}" if high < 99 else f"{low} or more"
        lines.append(f"| `{name}()` | {count} | {what} |")
    return "\n".join(lines) + "\n"


def _expr_doc() -> list[str]:
    from . import expr

    return (inspect.getdoc(expr) or "").splitlines()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run python -m preview_tui.survey.docs", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
