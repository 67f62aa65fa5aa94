"""One labelling rule for every output: calculations with labels and numbers, quota cells by option labels,
reports titled by study and date, bases stated, and split-by lists without sealed questions."""

from __future__ import annotations

import asyncio
import csv
import re

import pyreadstat

from preview_tui.export.variables import NUMERIC, layout
from preview_tui.report import build_report, read_sessions
from preview_tui.report.files import html_page
from preview_tui.report.numbers import QuestionResult, split_candidates
from preview_tui.survey.study import load_study
from test_export_cli import command, demo_afternoon

CALCULATIONS = """    calculate:
      - id: age_group
        value: "if(age_band >= 3, 2, 1)"
        label: {en: "Age group", fr: "Groupe d'âge", de: "Altersgruppe"}
        values:
          1: {en: "Under 35", fr: "Moins de 35 ans", de: "Unter 35"}
          2: {en: "35 or older", fr: "35 ans ou plus", de: "35 oder älter"}
      - id: older
        value: "if(age_band >= 3, 1, 0)"
"""


def with_calculations(study_dir):
    screener = study_dir / "surveys" / "screener.yaml"
    source = screener.read_text()
    screener.write_text(source.replace("    questions:\n      - id: age_band\n", CALCULATIONS + "    questions:\n      - id: age_band\n", 1))
    return load_study(study_dir)


def test_a_calculation_takes_a_label_and_value_labels_and_exports_as_a_number(demo_study, tmp_path):
    study = with_calculations(demo_study)  # `label:` on a calculation was refused before
    plan = {v.name: v for v in layout(study).variables}
    group, older = plan["age_group"], plan["older"]
    assert group.kind == NUMERIC and group.label_in("de") == "Altersgruppe" and group.is_categorical and group.level == "nominal"
    assert group.value_labels_in("fr")[2] == "35 ans ou plus"
    assert older.kind == NUMERIC and older.label_in("en").startswith("Calculated: ") and older.level == "scale"

    db = tmp_path / "station.sqlite"
    asyncio.run(demo_afternoon(demo_study, db))
    out = tmp_path / "out"
    done = command("export", "--database", str(db), "--format", "sav", "--format", "csv", "--language", "de", "--out", str(out), "--no-progress", cwd=demo_study)
    assert done.returncode == 0, done.stderr
    data, meta = pyreadstat.read_sav(out / "lighthouse_preview.sav")
    by_code = data.set_index("participant_code")
    assert by_code.loc["D1", "age_group"] == 2.0 and by_code.loc["D2", "age_group"] == 1.0  # numbers, not text
    assert meta.column_names_to_labels["age_group"] == "Altersgruppe"
    assert meta.variable_value_labels["age_group"][2.0] == "35 oder älter"
    rows = {r["participant_code"]: r for r in csv.DictReader(open(out / "lighthouse_preview.csv", encoding="utf-8"))}
    assert rows["D1"]["older"] == "1" and rows["D2"]["older"] == "0"


async def test_quota_cells_by_label_a_title_without_a_path_and_stated_bases(demo_study, tmp_path):
    db = tmp_path / "private" / "folder" / "station.sqlite"
    db.parent.mkdir(parents=True)
    await demo_afternoon(demo_study, db)
    study = load_study(demo_study)
    report = build_report(study, await asyncio.to_thread(read_sessions, db, study.id), language="de")
    cells = {c.cell: c.label for c in report.quotas}
    assert cells["gender_age[gender=1,age_band=2]"] == "gender_age: Frau × 18 bis 34"
    assert cells["thriller_fans"] == "thriller_fans"
    page = html_page(report)
    assert str(tmp_path) not in page and "private" not in page
    assert re.search(r"<h1>[^<]*\(lighthouse_preview\): results of \d{4}-\d{2}-\d{2} \d{2}:\d{2}</h1>", page)
    quota_table = page[page.index("<h3>Quota cells</h3>"):].split("</table>")[0]
    assert "gender_age: Frau × 18 bis 34" in quota_table and "<th></th>" not in quota_table and "<th>status</th>" in quota_table
    assert all(str(tmp_path) not in line for line in report.header())

    # "Don't know" is in n and the bars, apart from the mean, and the summary says so.
    budget = next(q for q in report.questions if q.id == "budget")
    assert isinstance(budget, QuestionResult)
    with_special = QuestionResult("x", "numeric", "x", n=3, mean=12.5, specials=1)
    assert with_special.summary().startswith("n=3 · 2 valid, 1 special answer(s) not in the mean · mean 12.50")
    assert "special" not in budget.summary() or budget.specials

    # A sealed question cannot split a dial trace: the list offers none.
    sealed = {q.id for _, _, q in study.questions() if getattr(q, "sensitive", None)}
    assert sealed and not sealed & {qid for qid, _ in split_candidates(study)}
