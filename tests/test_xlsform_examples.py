"""Public XLSForms (tests/data/xlsform, see SOURCES.md there) through the importer, and the real command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from preview_tui.survey.study import load_study
from preview_tui.xlsform import ImportFailed, import_form
from xlsform_helpers import questions, write_form

DATA = Path(__file__).parent / "data" / "xlsform"


def _problems(form: Path, out: Path) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        import_form(form, out, shown_as=form.name)
    assert not out.exists()
    return [str(p) for p in sorted(set(caught.value.report.problems))]


def test_pyxform_survey_no_name_imports_and_validates_clean(tmp_path):
    out = tmp_path / "study"
    report = import_form(DATA / "pyxform" / "survey_no_name.xlsx", out)
    assert report.problems == []
    study = load_study(out)
    assert not study.warnings
    data = yaml.safe_load((out / "surveys" / f"{study.id}.yaml").read_text(encoding="utf-8"))
    assert questions(data)["state"] == {"id": "state", "type": "text", "text": "The State", "required": False}


def test_pyxform_or_other_reports_its_choice_filter_and_nothing_else(tmp_path):
    assert _problems(DATA / "pyxform" / "or_other.xlsx", tmp_path / "study") == [
        "or_other.xlsx:survey:3: choice_filter cannot be imported: a question's options do not depend on earlier answers"
    ]


def test_pyxform_or_other_without_its_filter_imports_with_please_specify(tmp_path):
    """The same form with the filtered question left out: or_other becomes the option's own "please specify"."""
    from pyxform.xls2json_backends import get_xlsform

    sheets = get_xlsform(str(DATA / "pyxform" / "or_other.xlsx"))
    survey = [row for row in sheets.survey if "choice_filter" not in row]
    choices = [{"list_name" if k == "list name" else k: v for k, v in row.items()} for row in sheets.choices]
    form = write_form(tmp_path / "or_other.xlsx", survey, choices)
    import_form(form, tmp_path / "study")
    study = load_study(tmp_path / "study")
    (question,) = [q for _, _, q in study.questions()]
    options = study.surveys[study.id].choices[question.options_from]
    assert question.id == "fav_color" and [o.code for o in options] == ["red", "green", "blue", "mauve", "apricot", "other"]
    assert options[-1].other is True and not any(o.other for o in options[:-1])


def test_pyxform_spec_test_reports_each_reason_at_its_row(tmp_path):
    found = _problems(DATA / "pyxform" / "xlsform_spec_test.xlsx", tmp_path / "study")
    expected = [
        "xlsform_spec_test.xlsx:settings:2: encrypting submissions with public_key cannot be imported",
        "xlsform_spec_test.xlsx:survey:1: the language(s) chinese are not among the app's",
        "xlsform_spec_test.xlsx:survey:7: a note with relevant cannot be imported",
        "xlsform_spec_test.xlsx:survey:9: media in labels (image, audio, video) cannot be imported",
        "xlsform_spec_test.xlsx:survey:14: constraint '. <= ${a_integer}' cannot be imported: a bound must be a fixed number",
        "xlsform_spec_test.xlsx:survey:15: the type 'begin repeat' cannot be imported",
        "xlsform_spec_test.xlsx:survey:34: the type 'geopoint' cannot be imported",
        "xlsform_spec_test.xlsx:survey:36: the type 'image' cannot be imported",
        "xlsform_spec_test.xlsx:survey:40: the type 'calculate' cannot be imported",
        "xlsform_spec_test.xlsx:survey:56: the name '_1' cannot be a question id",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in found), (line, found)
    rows = [p.split(":")[1:3] for p in found]
    assert all(sheet in ("survey", "choices", "settings") and row.isdigit() for sheet, row in rows), found


def test_xlsconv_input_types_reports_the_types_the_app_does_not_ask(tmp_path):
    found = _problems(DATA / "xlsconv" / "input_types.xls", tmp_path / "study")
    types = {p.split("'")[1] for p in found if "the type" in p}
    assert types == {"geopoint", "geotrace", "geoshape", "time", "dateTime", "image", "audio", "video"}
    assert "input_types.xls:survey:5: constraint 'wq:length(5)' cannot be imported" in " ".join(found)


def _command() -> list[str]:
    """The installed ``preview-tui`` script of this environment (the module when it is not installed as a script)."""
    script = Path(sys.executable).with_name("preview-tui")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "preview_tui"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})


def test_the_import_command_writes_a_study_that_validate_accepts(tmp_path):
    write_form(tmp_path / "panel.xlsx", [
        {"type": "begin group", "name": "habits", "label::English (en)": "Habits", "label::French (fr)": "Habitudes"},
        {"type": "integer", "name": "visits", "label::English (en)": "Visits a year", "label::French (fr)": "Visites par an", "constraint": ". >= 0 and . <= 365", "required": "yes"},
        {"type": "end group"},
        {"type": "select_one yn", "name": "again", "label::English (en)": "Again after ${visits} visits?", "label::French (fr)": "Encore après ${visits} visites ?", "relevant": "${visits} > 0"},
    ], [{"list_name": "yn", "name": "1", "label::English (en)": "Yes", "label::French (fr)": "Oui"}, {"list_name": "yn", "name": "2", "label::English (en)": "No", "label::French (fr)": "Non"}],
       {"form_title": "Panel", "form_id": "panel"})
    done = _run("import", "panel.xlsx", "--out", "study", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "study 'panel' is valid (2 questions)" in done.stdout
    for folder in ("screens", "surveys", "media"):
        assert (tmp_path / "study" / folder).is_dir()
    checked = _run("validate", "study", cwd=tmp_path)
    assert checked.returncode == 0 and "is valid" in checked.stdout, checked.stderr
    assert (tmp_path / "study" / "config.yaml").read_text(encoding="utf-8").startswith("# Imported from panel.xlsx")
    again = _run("import", "panel.xlsx", "--out", "study", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_the_import_command_reports_located_problems_with_exit_1(tmp_path):
    shutil.copy(DATA / "xlsconv" / "input_types.xls", tmp_path / "input_types.xls")
    done = _run("import", "input_types.xls", "--out", "study", cwd=tmp_path)
    assert done.returncode == 1
    assert "input_types.xls:survey:7: the type 'geopoint' cannot be imported" in done.stderr.splitlines()
    assert "Traceback" not in done.stderr and "nothing was written" in done.stderr
    assert not (tmp_path / "study").exists()
    missing = _run("import", "nowhere.xlsx", "--out", "study", cwd=tmp_path)
    assert missing.returncode == 1 and "nowhere.xlsx: no such file" in missing.stderr and "Traceback" not in missing.stderr
