"""The codebook describes the exports' variables, from the study itself: same names, texts in each language, codes, logic."""

import csv
import subprocess
import sys

from export_helpers import afternoon, export_study
from preview_tui.export.codebook import rows, to_markdown
from preview_tui.db.reader import Source
from preview_tui.export.run import export
from preview_tui.export.variables import layout


async def test_codebook_names_are_the_exports_names(tmp_path):
    study = export_study(tmp_path / "study")
    db = tmp_path / "station.sqlite"
    await afternoon(db, study)
    await export(study, Source(db), tmp_path / "out", formats=("csv",))
    with open(tmp_path / "out" / "tasting.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert [r["name"] for r in rows(layout(study))] == header


def test_codebook_gives_texts_codes_logic_and_sensitivity(tmp_path):
    study = export_study(tmp_path / "study")
    book = {r["name"]: r for r in rows(layout(study))}
    gender = book["gender"]
    assert (gender["label_en"], gender["label_fr"]) == ("Gender?", "Genre ?")
    assert gender["codes_en"] == "1 = Woman (stored as 'f'); 2 = Man (stored as 'm'); -99 = Screened out before this question (missing); -98 = Not shown (missing); -96 = Prefer not to say (missing)"
    assert gender["codes_fr"].startswith("1 = Femme (stored as 'f'); 2 = Homme")
    assert book["why"]["shown_if"] == "(rating <= 2)" and book["why"]["page"] == "end"
    assert book["spend"]["sensitive"] == "finances" and "-97 = Sealed (not opened) (missing)" in book["spend"]["codes_en"]
    assert book["genres_drama"]["type"].startswith("numeric 0/1") and book["genres_specify"]["question"] == "genres.other"
    assert book["fan"]["type"] == "numeric (calculated)" and "1 = Yes" in book["fan"]["codes_en"]
    assert book["order_options_genres"]["source"] == "order" and book["teaser_dial_mean"]["source"] == "clip"
    md = to_markdown(layout(study))
    assert "### `gender`" in md and "- **Question (fr)**: Genre ?" in md and "| 1 | Woman (stored as 'f') | Femme (stored as 'f') |" in md
    assert "- **Shown if**: `rating <= 2`" in md and "- **Sensitive**: finances" in md
    assert "| -96 | .a | special answer `prefer_not`: Prefer not to say |" in md


def test_codebook_command_writes_markdown_and_csv(demo_study, tmp_path):
    out = tmp_path / "book"
    proc = subprocess.run([sys.executable, "-m", "preview_tui", "codebook", "--out", str(out)], cwd=demo_study, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    md = (out / "lighthouse_preview_codebook.md").read_text(encoding="utf-8")
    assert "Wie alt sind Sie?" in md and "Quel âge avez-vous ?" in md and "- **Sensitive**: finances" in md
    with open(out / "lighthouse_preview_codebook.csv", newline="", encoding="utf-8") as f:
        book = list(csv.DictReader(f))
    from preview_tui.survey.study import load_study

    assert [r["name"] for r in book] == layout(load_study(demo_study)).names
    assert next(r for r in book if r["name"] == "pace_note")["shown_if"] == "(scene_grid.pace == 3)"
