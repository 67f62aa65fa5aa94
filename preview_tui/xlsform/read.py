"""Reading a workbook with pyxform, the XLSForm reference library.

pyxform gives two views of a form: the sheets as rows (``xls2json_backends.get_xlsform``), which keep
the row numbers problems are reported at, and the form's structure (``xls2json.workbook_to_json``):
groups nested, choices attached, translations gathered by language, settings read. The importer works
on the structure and looks rows up by name.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import ImportFailed, Report

_ROW = re.compile(r"\[row : (\d+)\]\s*")
FIRST_ROW = 2  # the first row under the column headers


@dataclass
class Form:
    """A form as pyxform reads it: its structure, and where each named thing stands in the workbook."""

    structure: dict[str, Any]
    survey_rows: dict[str, int] = field(default_factory=dict)
    choice_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    survey_cells: dict[str, dict[str, str]] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)

    def row(self, name: str) -> int:
        return self.survey_rows.get(name, 1)


def read_form(path: Path, report: Report) -> Form:
    """The form in ``path``; raise ImportFailed when pyxform cannot read it, with its reason located."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's warnings about parts of the file it does not need
            sheets = get_xlsform(xlsform=str(path))
            said: list[str] = []
            structure = workbook_to_json(workbook_dict=sheets, form_name=_form_name(path), fallback_form_name=sheets.fallback_form_name, warnings=said)
    except PyXFormError as exc:
        _located(report, str(exc))
        raise ImportFailed(report) from None
    except Exception as exc:  # pyxform on a damaged workbook: a reason, never a traceback
        report.error("", 0, f"pyxform cannot read this workbook ({exc.__class__.__name__}: {exc})")
        raise ImportFailed(report) from None
    for warning in said:
        for line in str(warning).splitlines():
            _located(report, f"pyxform: {line}", note=True)
    _attach_choices(structure.get("children", []), structure.get("choices") or {})
    form = Form(structure, settings=dict((sheets.settings or [{}])[0]))
    for index, row in enumerate(sheets.survey or []):
        name = row.get("name")
        if name and name not in form.survey_rows:
            form.survey_rows[name] = index + FIRST_ROW
            form.survey_cells[name] = row
    for index, row in enumerate(sheets.choices or []):
        list_name = row.get("list_name", row.get("list name"))
        if list_name and row.get("name") is not None:
            form.choice_rows.setdefault((list_name, str(row["name"])), index + FIRST_ROW)
    return form


def _attach_choices(children: list[dict[str, Any]], lists: dict[str, list]) -> None:
    """Give every select its choices: pyxform attaches them to some (plain selects) and only names the list of others (with parameters)."""
    for element in children:
        if "choices" not in element and element.get("itemset") in lists:
            element["choices"] = lists[element["itemset"]]
        _attach_choices(element.get("children", []), lists)


def _form_name(path: Path) -> str:
    """A form name pyxform accepts (an XML name), made from the file's name."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", path.stem) or "form"
    return name if name[0].isalpha() or name[0] == "_" else f"form_{name}"


def _located(report: Report, message: str, *, note: bool = False) -> None:
    """pyxform's ``[row : N] why`` as ``FORM.xlsx:survey:N: why`` (the sheet named in the message when it names one)."""
    match = _ROW.search(message)
    add = report.note if note else report.error
    if match is None:
        add("", 0, message.strip())
        return
    sheet = next((s for s in ("choices", "settings", "entities", "external_choices") if f"'{s}'" in message or f"{s} sheet" in message), "survey")
    add(sheet, int(match.group(1)), _ROW.sub("", message, count=1).strip())
