"""The codebook: a data dictionary of a study's exports, made from the study itself.

For every variable (the same names as the exports, from ``variables.layout``):
its label or question text in each language, its type and measurement level, its codes with their
labels, the missing-value codes it can hold, the conditions that show it, and
the category of sensitive data it holds. Written as Markdown (to read) and CSV
(to load next to the data).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..files import private_dir, private_file
from ..survey.study import Study, text
from .variables import Layout, Variable, layout

KIND_WORDS = {"session": "Session", "order": "Randomised orders", "clip": "Clips", "storyboard": "Storyboards", "quality": "Data quality"}


def _type(v: Variable) -> str:
    if v.source == "question":
        kind = v.question_type
        if kind == "multi":
            return "numeric 0/1 (one option of a multiple choice)"
        if kind == "ranking":
            return "numeric (the option's rank, 1 = first)"
        if kind == "matrix":
            return "numeric (one row of a matrix)"
        return f"{v.kind} ({kind})"
    if v.source == "specify":
        return "text (please specify)"
    if v.source == "calculation":
        return f"{v.kind} (calculated)"
    return v.kind


def _codes(v: Variable, lang: str) -> list[tuple[str, str]]:
    """(code, label) of each value label, valid codes first, then the missing-value codes."""
    missing = {str(c) for c in v.missing}
    labels = v.value_labels_in(lang)
    valid = [(str(c), t) for c, t in labels.items() if str(c) not in missing]
    gone = [(str(c), t) for c, t in labels.items() if str(c) in missing]
    stored = {str(n): code for n, code in v.stored.items()}
    valid = [(c, f"{t} (stored as '{stored[c]}')" if c in stored else t) for c, t in valid]
    return valid + [(c, f"{t} (missing)") for c, t in gone]


def rows(plan: Layout) -> list[dict[str, str]]:
    """One dict per variable: the codebook's CSV rows."""
    languages = list(plan.study.settings.languages)
    out = []
    for v in plan.variables:
        row = {"name": v.name, "type": _type(v), "level": v.level, "source": v.source, "question": v.question or "", "survey": v.survey or "", "page": v.page or ""}
        for lang in languages:
            row[f"label_{lang}"] = v.label_in(lang)
        for lang in languages:
            row[f"codes_{lang}"] = "; ".join(f"{c} = {t}" for c, t in _codes(v, lang))
        row["missing"] = " ".join(str(c) for c in v.missing)
        row["shown_if"] = " and ".join(f"({c})" for c in v.shown_if)
        row["sensitive"] = v.sensitive or ""
        out.append(row)
    return out


def to_csv(plan: Layout) -> str:
    data = rows(plan)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(data[0]) if data else ["name"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    return buffer.getvalue()


def _md(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def to_markdown(plan: Layout) -> str:
    study = plan.study
    languages = list(study.settings.languages)
    first = languages[0]
    codes = plan.codes
    lines = [
        f"# Codebook: {text(study.settings.title, first)}",
        "",
        f"Study `{study.id}`, consent version {study.settings.consent.version}, languages: {', '.join(languages)}. "
        f"{len(plan.variables)} variables, in the order of the exports (CSV, JSON, SPSS, Stata). "
        "Test (pilot) sessions and withdrawn participants are never exported.",
        "",
        "## Missing-value codes",
        "",
        "A numeric variable holds these codes instead of an answer, declared as missing values in SPSS (user-missing) and Stata "
        "(extended missing values). Text variables hold them as text; in SPSS a text variable wider than 8 bytes declares one "
        f"missing value, {codes.not_shown}, which there also stands for {codes.screened_out} and {codes.sealed} (the one form SPSS and "
        "GNU PSPP read alike). Only categorical variables carry value labels in Stata. An empty cell is system-missing: shown and left empty, "
        "or not reached in an unfinished session.",
        "",
        "| Code | Stata | Meaning |",
        "|---|---|---|",
        f"| {codes.screened_out} | .{codes.stata_letter(codes.screened_out)} | screened out before the question |",
        f"| {codes.not_shown} | .{codes.stata_letter(codes.not_shown)} | not shown (its condition was false) |",
        f"| {codes.sealed} | .{codes.stata_letter(codes.sealed)} | sealed: a sensitive answer the export could not open |",
    ]
    for name, code in codes.specials.items():
        lines.append(f"| {code} | .{codes.stata_letter(code)} | special answer `{name}`: {_md(codes.special_labels[name][first])} |")
    lines += ["", "## Variables", "", "| Variable | Type | Label |", "|---|---|---|"]
    lines += [f"| `{v.name}` | {_type(v)} | {_md(v.label_in(first))} |" for v in plan.variables]
    heading = None
    for v in plan.variables:
        section = f"Questionnaire `{v.survey}`" if v.survey else KIND_WORDS.get(v.source, v.source)
        if section != heading:
            heading = section
            lines += ["", f"## {section}"]
        lines += ["", f"### `{v.name}`", ""]
        lines.append(f"- **Type**: {_type(v)}, {v.level}")
        if v.question and v.source not in ("session",):
            where = f", page `{v.page}`" if v.page else ""
            lines.append(f"- **From**: `{v.question}`{where}")
        label = "Question" if v.source in ("question", "specify") else "Label"
        for lang in languages:
            lines.append(f"- **{label} ({lang})**: {_md(v.label_in(lang))}")
        if v.shown_if:
            lines.append("- **Shown if**: " + " and ".join(f"`{c}`" for c in v.shown_if))
        if v.sensitive:
            lines.append(f"- **Sensitive**: {v.sensitive}")
        entries = {lang: _codes(v, lang) for lang in languages}
        if entries[first]:
            lines += ["", "| Code | " + " | ".join(languages) + " |", "|---|" + "---|" * len(languages)]
            for i, (code, _) in enumerate(entries[first]):
                lines.append(f"| {code} | " + " | ".join(_md(entries[lang][i][1]) for lang in languages) + " |")
        elif v.missing:
            lines.append("- **Missing codes**: " + ", ".join(str(c) for c in v.missing))
    return "\n".join(lines) + "\n"


def write_codebook(study: Study, out_dir: Path, formats: tuple[str, ...] = ("md", "csv")) -> list[Path]:
    """``<id>_codebook.md`` and ``<id>_codebook.csv`` in ``out_dir``."""
    plan = layout(study)
    private_dir(out_dir)  # the folder of the exports, which hold participants' data
    written = []
    if "md" in formats:
        path = private_file(out_dir / f"{study.id}_codebook.md")
        path.write_text(to_markdown(plan), encoding="utf-8")
        written.append(path)
    if "csv" in formats:
        path = private_file(out_dir / f"{study.id}_codebook.csv")
        path.write_text(to_csv(plan), encoding="utf-8")
        written.append(path)
    return written
