"""Exports from a real station file: CSV equals the database; .sav and .dta read back with labels and missing codes."""

from __future__ import annotations

import csv
import json
import sqlite3

import pandas as pd
import pyreadstat
import pytest

from conftest import rows
from export_helpers import PRIVATE_KEY, afternoon, export_study
from preview_tui.db.reader import SealedAnswerError, Source
from preview_tui.seal import generate, open_value, parse_private_key
from preview_tui.export.run import export
from preview_tui.export.variables import layout


@pytest.fixture
async def exported(tmp_path):
    study = export_study(tmp_path / "study")
    db = tmp_path / "station.sqlite"
    ids = await afternoon(db, study)
    out = tmp_path / "out"
    report = await export(study, Source(db), out, language="fr", private_key=PRIVATE_KEY)
    return study, db, ids, out, report


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def by_code(table):
    return {row["participant_code"]: row for row in table}


async def test_only_eligible_sessions_are_exported(exported):
    study, db, ids, out, report = exported
    assert report.sessions == 4
    wide = read_csv(out / "tasting.csv")
    assert [r["participant_code"] for r in wide] == ["A", "B", "C", "F"]  # oldest first; no pilot, no withdrawn participant
    gone = {ids["D"].hex, ids["E"].hex}
    for name in ("tasting.csv", "tasting_events.csv", "tasting_dial.csv", "tasting.json"):
        text = (out / name).read_text(encoding="utf-8")
        assert not any(g in text for g in gone), name
    for name in ("tasting_events.csv", "tasting_dial.csv"):
        assert {r["session_id"] for r in read_csv(out / name)} == {ids[k].hex for k in "ABCF"}
    sav, _ = pyreadstat.read_sav(out / "tasting.sav")
    dta, _ = pyreadstat.read_dta(out / "tasting.dta")
    assert list(sav["participant_code"]) == list(dta["participant_code"]) == ["A", "B", "C", "F"]


async def test_a_session_with_a_tombstone_is_left_out_even_if_its_rows_remain(exported, tmp_path):
    study, db, ids, _, _ = exported
    con = sqlite3.connect(db)
    con.execute("insert into tombstones (session_id, study_id, withdrawn_at) values (?, 'tasting', '2026-01-01 00:00:00')", (ids["C"].hex,))
    con.commit()
    con.close()
    report = await export(study, Source(db), tmp_path / "again", formats=("csv",))
    assert [r["participant_code"] for r in read_csv(tmp_path / "again" / "tasting.csv")] == ["A", "B", "F"]
    assert report.sessions == 3


async def test_csv_matches_the_database(exported):
    study, db, ids, out, _ = exported
    wide = read_csv(out / "tasting.csv")
    assert list(wide[0]) == layout(study).names
    cells = {row["session_id"]: row for row in wide}
    sessions = rows(db, "select id, participant_code, status, language, consent_version, consent_hash, room, seat, outcome_reason from sessions where not is_test")
    assert len(sessions) == 4
    for sid, code, status, language, version, digest, room, seat, reason in sessions:
        row = cells[sid]
        assert (row["participant_code"], row["status"], row["language"], row["consent_version"], row["consent_hash"], row["room"], row["seat"], row["outcome_reason"]) == (
            code, status, language, version, digest, room, seat, reason or "")
    gender_numbers = {"f": "1", "m": "2", "prefer_not": "-96"}
    answers = rows(db, "select a.session_id, a.question_id, a.value from answers a join sessions s on s.id = a.session_id where not s.is_test")
    assert len(answers) > 20
    for sid, question, value in answers:
        row, value = cells[sid], open_value(json.loads(str(value)), PRIVATE_KEY)  # the file holds spend sealed
        if question == "gender":
            assert row["gender"] == gender_numbers[value]
        elif question == "genres":
            assert {k: row[f"genres_{k}"] for k in ("drama", "thriller", "other")} == {k: "1" if k in value else "0" for k in ("drama", "thriller", "other")}
        elif question == "grid":
            assert {k: row[f"grid_{k}"] for k in ("pace", "music")} == {k: str(value[k]) if k in value else "" for k in ("pace", "music")}
        elif question == "rank":
            assert [row[f"rank_{k}"] for k in ("a", "b", "c")] == [str(value.index(k) + 1) for k in ("a", "b", "c")]
        elif question == "genres.other":
            assert row["genres_specify"] == value
        elif question == "fan":
            assert row["fan"] == str(int(value))
        elif value == "dont_know":
            assert row[question] == "-95"
        else:
            assert row[question] == str(value), question
    dial = rows(db, "select d.session_id, d.value from dial_samples d join sessions s on s.id = d.session_id where not s.is_test")
    assert sorted((r["session_id"], r["value"]) for r in read_csv(out / "tasting_dial.csv")) == sorted((s, str(v)) for s, v in dial)


async def test_missing_codes_say_why(exported):
    _, _, _, out, _ = exported
    table = by_code(read_csv(out / "tasting.csv"))
    a, b, c, f = table["A"], table["B"], table["C"], table["F"]
    # Screened out on the first page: what came after is -99, what came before is kept.
    assert (b["status"], b["outcome_reason"], b["age"], b["rating"], b["genres_drama"], b["comment"], b["why"]) == ("screened_out", "too_young", "1", "-99", "-99", "-99", "-99")
    assert (b["teaser_outcome"], b["teaser_dial_mean"]) == ("1", "60.0")
    # Not shown: its condition was false (rating 5, or a "Don't know" that compares false).
    assert a["why"] == "-98" and c["why"] == "-98"
    # Special answers, study-wide codes; a multi, a matrix and a ranking answered "Don't know" would repeat it in each column.
    assert (a["gender"], c["rating"], c["spend"]) == ("-96", "-95", "-95")
    # Shown and left empty, or not reached in an unfinished session: system-missing.
    assert (c["comment"], c["rank_a"], c["grid_music"], c["when"]) == ("", "", "", "")
    assert (f["status"], f["rating"], f["comment"], f["genres_drama"]) == ("in_progress", "", "", "")
    # Calculations, clips, orders.
    assert (a["fan"], c["fan"], b["fan"]) == ("1", "0", "-99")
    assert (a["teaser_outcome"], a["teaser_watched"], a["teaser_completed"], a["teaser_plays"], c["teaser_dial_mean"]) == ("1", "100.0", "1", "1", "15.0")
    assert sorted(a["order_options_genres"].split()) == ["drama", "other", "thriller"]


async def test_spss_file_keeps_labels_and_missing_values(exported):
    _, _, _, out, _ = exported
    data, meta = pyreadstat.read_sav(out / "tasting.sav", user_missing=True)
    data = data.set_index("participant_code")
    assert meta.column_names_to_labels["gender"] == "Genre ?"  # labels in the chosen language
    assert meta.column_names_to_labels["genres_drama"] == "genres? - drama"
    assert meta.variable_value_labels["gender"] == {1.0: "Femme", 2.0: "Homme", -99.0: "Exclu avant cette question", -98.0: "Non montrée", -96.0: "Je préfère ne pas répondre"}
    assert meta.variable_value_labels["rating"][5.0] == "Adoré"
    assert meta.missing_ranges["gender"] == [{"lo": -99.0, "hi": -96.0}]
    assert meta.missing_ranges["spend"] == [{"lo": -99.0, "hi": -95.0}]
    assert meta.missing_ranges["why"] == [{"lo": "-99", "hi": "-99"}, {"lo": "-98", "hi": "-98"}]  # text: discrete codes
    assert meta.variable_value_labels["why"] == {"-99": "Exclu avant cette question", "-98": "Non montrée"}
    assert data.loc["A", "gender"] == -96 and data.loc["B", "rating"] == -99 and data.loc["C", "spend"] == -95 and data.loc["A", "spend"] == 12.5
    assert data.loc["A", "why"] == "-98" and data.loc["A", "when"] == "2026-01-02"
    assert str(data.loc["A", "started_at"]).startswith(str(pd.Timestamp.now(tz="UTC").year))
    plain, _ = pyreadstat.read_sav(out / "tasting.sav")  # declared missing values read as missing
    plain = plain.set_index("participant_code")
    assert pd.isna(plain.loc["A", "gender"]) and pd.isna(plain.loc["B", "rating"]) and plain.loc["C", "gender"] == 2
    labelled = pd.read_spss(out / "tasting.sav").set_index("participant_code")  # pandas, with labels applied
    assert labelled.loc["C", "gender"] == "Homme" and labelled.loc["A", "rating"] == "Adoré" and pd.isna(labelled.loc["A", "gender"])


async def test_stata_file_keeps_labels_and_extended_missing_values(exported):
    _, _, _, out, _ = exported
    data, meta = pyreadstat.read_dta(out / "tasting.dta", user_missing=True)
    data = data.set_index("participant_code")
    assert (data.loc["A", "gender"], data.loc["B", "rating"], data.loc["C", "rating"], data.loc["C", "spend"], data.loc["C", "gender"]) == ("a", "z", "b", "b", 2)
    assert data.loc["A", "why"] == "-98"  # Stata has no missing values for text: the code stays as text
    assert meta.variable_value_labels["gender"] == {1: "Femme", 2: "Homme", "z": "Exclu avant cette question", "y": "Non montrée", "a": "Je préfère ne pas répondre"}
    assert meta.column_names_to_labels["rating"] == "rating?"
    frame = pd.read_stata(out / "tasting.dta", convert_missing=True, convert_categoricals=False, convert_dates=False)  # pandas: the same missing values
    frame = frame.set_index("participant_code")
    assert str(frame.loc["A", "gender"]) == ".a" and str(frame.loc["B", "rating"]) == ".z" and frame.loc["C", "gender"] == 2
    assert isinstance(frame.loc["A", "gender"], pd.io.stata.StataMissingValue)
    assert frame.loc["A", "spend"] == 12.5 and frame.loc["F", "rating"].string == "."  # system-missing
    labelled = pd.read_stata(out / "tasting.dta").set_index("participant_code")  # pandas: labels applied, times read
    assert labelled.loc["C", "gender"] == "Homme" and labelled.loc["A", "rating"] == "Adoré" and pd.isna(labelled.loc["A", "gender"])
    assert abs(labelled.loc["A", "started_at"] - data.loc["A", "started_at"]) < pd.Timedelta(milliseconds=1) and pd.isna(labelled.loc["F", "ended_at"])  # Stata keeps milliseconds


async def test_json_holds_the_same_values_and_the_variables(exported):
    study, _, _, out, _ = exported
    doc = json.loads((out / "tasting.json").read_text(encoding="utf-8"))
    assert [v["name"] for v in doc["variables"]] == layout(study).names
    assert doc["missing_codes"] == {"screened_out": -99, "not_shown": -98, "sealed": -97, "special": {"prefer_not": -96, "dont_know": -95}}
    wide = read_csv(out / "tasting.csv")
    assert len(doc["sessions"]) == len(wide)
    for record, row in zip(doc["sessions"], wide):
        assert {k: "" if v is None else str(v) for k, v in record.items()} == row
    gender = next(v for v in doc["variables"] if v["name"] == "gender")
    assert gender["values"]["1"] == "Femme" and gender["label"] == "Genre ?"
    assert next(v for v in doc["variables"] if v["name"] == "spend")["sensitive"] == "finances"


async def test_sealed_answers_open_only_with_the_private_key(tmp_path):
    study = export_study(tmp_path / "study")
    db = tmp_path / "station.sqlite"
    await afternoon(db, study)
    await export(study, Source(db), tmp_path / "closed", formats=("csv",))
    closed = by_code(read_csv(tmp_path / "closed" / "tasting.csv"))
    assert closed["A"]["spend"] == "-97" and closed["C"]["spend"] == "-97"  # sealed: neither the amount nor "don't know" shows
    assert closed["A"]["rating"] == "5"  # the other variables are exported all the same
    await export(study, Source(db), tmp_path / "open", formats=("csv",), private_key=PRIVATE_KEY)
    opened = by_code(read_csv(tmp_path / "open" / "tasting.csv"))
    assert opened["A"]["spend"] == "12.5" and opened["C"]["spend"] == "-95"  # as typed; a special answer as its code
    with pytest.raises(SealedAnswerError, match="spend"):
        await export(study, Source(db), tmp_path / "wrong", formats=("csv",), private_key=parse_private_key(generate()[1]))
    assert not (tmp_path / "wrong" / "tasting.csv").exists()


async def test_an_empty_export_still_has_its_variables(tmp_path):
    study = export_study(tmp_path / "study")
    db = tmp_path / "station.sqlite"
    from export_helpers import take
    from preview_tui.db.migrate import upgrade
    from preview_tui.db.store import Store

    upgrade(db)
    async with Store(db) as store:
        await take(study, store, "P", [{"age": 2, "gender": "f"}], is_test=True)
    report = await export(study, Source(db), tmp_path / "out")
    assert report.sessions == 0
    assert read_csv(tmp_path / "out" / "tasting.csv") == []
    data, meta = pyreadstat.read_sav(tmp_path / "out" / "tasting.sav")
    assert len(data) == 0 and meta.column_names == layout(study).names


async def test_an_answer_the_study_no_longer_has_is_a_clear_error(exported, tmp_path):
    from preview_tui.export.variables import ExportError

    study, db, ids, _, _ = exported
    con = sqlite3.connect(db)
    con.execute("update answers set value = '\"x\"' where question_id = 'gender' and session_id = ?", (ids["C"].hex,))
    con.execute("update answers set value = '{\"a\": 1}' where question_id = 'age' and session_id = ?", (ids["B"].hex,))
    con.commit()
    con.close()
    with pytest.raises(ExportError, match=f"session {ids['B'].hex}: the stored data for 'age' cannot be read"):
        await export(study, Source(db), tmp_path / "bad", formats=("csv",))
    con = sqlite3.connect(db)
    con.execute("delete from answers where question_id = 'age' and session_id = ?", (ids["B"].hex,))
    con.commit()
    con.close()
    with pytest.raises(ExportError, match=f"session {ids['C'].hex}: the answer 'x' to 'gender' is not one of the question's codes"):
        await export(study, Source(db), tmp_path / "bad", formats=("csv",))
    assert not (tmp_path / "bad").exists()
