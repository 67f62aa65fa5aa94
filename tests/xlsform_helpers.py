"""XLSForms written for the tests with openpyxl (which pyxform reads them with), and their import."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import yaml

from preview_tui.survey.study import load_study
from preview_tui.xlsform import ImportFailed, import_form


def write_form(path: Path, survey: list[dict], choices: list[dict] | None = None, settings: dict | None = None) -> Path:
    """A workbook with a sheet per table; each sheet's columns are its rows' keys, in the order first seen."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", [settings] if settings else None)):
        if rows is None:
            continue
        sheet = book.create_sheet(name)
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    book.save(path)
    return path


def imported(tmp_path: Path, survey: list[dict], choices: list[dict] | None = None, settings: dict | None = None):
    """(the study as loaded, its questionnaire's YAML as data) of a form that must import clean."""
    form = write_form(tmp_path / "form.xlsx", survey, choices, settings)
    out = tmp_path / "study"
    import_form(form, out)
    study = load_study(out)
    assert not study.warnings, [str(w) for w in study.warnings]
    (survey_file,) = (out / "surveys").glob("*.yaml")
    return study, yaml.safe_load(survey_file.read_text(encoding="utf-8"))


def problems(tmp_path: Path, survey: list[dict], choices: list[dict] | None = None, settings: dict | None = None) -> list[str]:
    """The problems of a form that must not import, as printed; the study folder must not be written."""
    form = write_form(tmp_path / "form.xlsx", survey, choices, settings)
    out = tmp_path / "study"
    try:
        import_form(form, out, shown_as="FORM.xlsx")
    except ImportFailed as exc:
        assert not out.exists()
        return [str(p) for p in sorted(set(exc.report.problems))]
    raise AssertionError("the form imported")


def questions(survey: dict) -> dict[str, dict]:
    return {q["id"]: q for page in survey["pages"] for q in page["questions"]}
