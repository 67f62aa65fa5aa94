"""The data-quality flags in the exports (CSV, and the SPSS file as GNU PSPP reads it) and in the codebook."""

from __future__ import annotations

import csv

import pytest

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.export.codebook import rows as codebook_rows, to_markdown, write_codebook
from preview_tui.db.reader import Source
from preview_tui.export.run import export
from preview_tui.export.variables import layout
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study
from test_pspp import pspp, table
from test_quality import Clock, begin, grid

pytestmark = pytest.mark.real  # GNU PSPP reads the .sav

FLAG_NAMES = ["flags", "flag_attention", "flag_straightlining", "flag_speeding_page", "flag_reasons"]


def flagged_study(tmp_path, **study):
    return load_study(write_study(tmp_path / "study", [
        page("p1", q("a", "single", options=opts(1, 2))),
        page("p2", grid(), q("check", "single", options=opts(1, 2, 3), attention={"expect": 2})),
    ], languages=["en", "de"], quality={"straightlining": {"min_rows": 5}, "speeding": {"page_floor_s": 5}}, **study))


async def afternoon(study, db):
    """'good' passes every check; 'bad' fails the attention check, straight-lines and speeds through p1."""
    upgrade(db)
    clock = Clock()
    async with Store(db) as store:
        for code, p1_seconds, points, check in (("good", 20, [1, 2, 3, 4, 5], 2), ("bad", 1, [3] * 5, 1)):
            flow = await begin(study, store, code, clock)
            clock.now += p1_seconds
            assert await flow.submit_page({"a": 1}) == []
            clock.now += 30
            assert await flow.submit_page({"grid": {f"r{i}": p for i, p in enumerate(points, 1)}, "check": check}) == []


def test_a_study_without_checks_exports_no_flag_variable(tmp_path):
    study = load_study(write_study(tmp_path / "plain", [page("p1", q("a", "single", options=opts(1, 2)))]))
    assert not {"flags", "flag_reasons"} & set(layout(study).names)


async def test_the_flags_export_as_counts_and_reasons_in_csv_and_sav(tmp_path):
    study = flagged_study(tmp_path)
    db = tmp_path / "station.sqlite"
    await afternoon(study, db)
    plan = layout(study)
    assert plan.names[-len(FLAG_NAMES):] == FLAG_NAMES  # speeding_session is not checked by this study
    out = tmp_path / "out"
    await export(study, Source(db), out, formats=("csv", "sav"), language="de")
    with open(out / "t.csv", newline="", encoding="utf-8") as f:
        exported = {row["participant_code"]: row for row in csv.DictReader(f)}
    good, bad = exported["good"], exported["bad"]
    assert [good[n] for n in FLAG_NAMES] == ["0", "0", "0", "0", ""]
    assert [bad[n] for n in FLAG_NAMES[:-1]] == ["3", "1", "1", "1"]
    assert bad["flag_reasons"].split(" | ") == [
        "speeding: page p1 in 1.0 s, under the floor of 5 s",
        "attention check check: answered 1, expected 2",
        "straight-lining grid: all 5 rows answered 3",
    ]  # page by page, and by check within a page
    said = pspp(f"GET FILE='{out / 't.sav'}'.\nDISPLAY DICTIONARY.\nLIST VARIABLES=participant_code {' '.join(FLAG_NAMES)}.\n", tmp_path)
    variables = {row[0]: dict(zip(table(said, "Variables")[0], row)) for row in table(said, "Variables")[1:]}
    assert variables["flags"]["Label"] == "Qualitätswarnungen (Anzahl)"
    assert variables["flag_attention"]["Label"] == "Nicht bestandene Aufmerksamkeitsprüfungen"
    assert variables["flag_reasons"]["Label"] == "Gründe der Qualitätswarnungen"
    listed = table(said, "Data List")
    cells = {row[0].strip(): dict(zip(listed[0], row)) for row in listed[1:]}
    assert [float(cells["bad"][n]) for n in FLAG_NAMES[:-1]] == [3, 1, 1, 1]
    assert [float(cells["good"][n]) for n in FLAG_NAMES[:-1]] == [0, 0, 0, 0]
    assert cells["bad"]["flag_reasons"].strip().startswith("speeding: page p1 in 1.0 s")


def test_the_codebook_lists_the_flag_variables(tmp_path):
    study = flagged_study(tmp_path)
    listed = {row["name"]: row for row in codebook_rows(layout(study))}
    assert [name for name in listed if name.startswith("flag")] == FLAG_NAMES
    assert listed["flag_straightlining"]["label_de"] == "Matrizen mit gleicher Antwort in jeder Zeile"
    assert listed["flag_reasons"]["type"] == "text" and listed["flags"]["level"] == "scale"
    assert listed["flag_attention"]["source"] == "quality"
    md = to_markdown(layout(study))
    assert "Data quality" in md and "`flag_speeding_page`" in md
    written = write_codebook(study, tmp_path / "book")
    assert all("flag_reasons" in path.read_text(encoding="utf-8") for path in written)
