"""The real command: from a finished demo afternoon to a labelled SPSS file and a codebook; clear one-line errors."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pyreadstat

from conftest import own_key_pair
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study

DEMO = {
    "age_band": 3, "gender": 2, "cinema_visits": 2, "genres": ["thriller", "documentary"], "budget": 14.5, "favourite_genre": "Thrillers",
    "money_situation": "prefer_not", "trailer_rating": 4, "would_watch": 3, "why_not": "Too dark", "liked_elements": ["music"],
    "best_frame": 3, "scene_grid": {"pace": 2, "suspense": 3, "characters": 2}, "rank_elements": ["story", "cast", "reviews", "friends"],
    "music_vas": 85, "mood_agree": 6, "recommend": 7, "tickets": 1,
}


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preview_tui", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


async def demo_afternoon(study_dir: Path, db: Path) -> None:
    """Two participants through the whole demo (German and English) and one screened out as under 18."""
    study = load_study(study_dir)
    upgrade(db)
    async with Store(db) as store:
        for code, language, age in (("D1", "de", 3), ("D2", "en", 2), ("D3", "en", 1)):
            flow = await Flow.start(study, store, Participant(code=code, room="Room 1", seat=code), station="demo-station")
            await flow.choose_language(language)
            await flow.consent(True)
            while flow.current.kind != "end":
                item = flow.current
                if item.kind == "page":
                    values = {k: DEMO[k] for k in flow.runner.page_keys(item.page) if k in DEMO}
                    values["age_band"] = age if "age_band" in values else None
                    assert await flow.submit_page({k: v for k, v in values.items() if v is not None}) == []
                elif item.kind == "storyboard":
                    await flow.record("frame_viewed", detail={"frame": 0, "dwell_ms": 2500, "by": "key"})
                    await flow.finish_stimulus("storyboard_done")
                else:
                    samples = [SimpleNamespace(seq=k, segment=0, media_ms=100 * k, mono=5.0 + k / 10, value=50 + 5 * k) for k in range(5)]
                    await flow.record_dial(item.step.id, 1, samples)
                    await flow.record("clip_exposure", detail={"play": 1, "percent_watched": 100.0, "completed": True, "pauses": 0})
                    flow.note_exposure(item.step.id, 100.0, True)
                    await flow.finish_stimulus("clip_shown", detail={"plays": 1})


async def test_from_a_demo_afternoon_to_a_labelled_spss_file_and_a_codebook(demo_study, tmp_path):
    key_file = tmp_path / "team" / "sealing.private-key"
    key_file.parent.mkdir()
    key_file.write_text(own_key_pair(demo_study))
    db = tmp_path / "station.sqlite"
    await demo_afternoon(demo_study, db)
    sealed_out = tmp_path / "without-key"
    proc = command("export", "--database", str(db), "--format", "sav", "--out", str(sealed_out), "--no-progress", cwd=demo_study)
    assert proc.returncode == 0, proc.stderr
    data, _ = pyreadstat.read_sav(sealed_out / "lighthouse_preview.sav", user_missing=True)
    data = data.set_index("participant_code")
    assert (data.loc["D1", "money_situation"], data.loc["D2", "money_situation"]) == (-97.0, -97.0)  # sealed without the key
    assert data.loc["D1", "budget"] == 14.5  # the other variables as typed
    out = tmp_path / "exports"
    proc = command("export", "--database", str(db), "--format", "sav", "--language", "de", "--private-key", str(key_file), "--out", str(out), "--no-progress", cwd=demo_study)
    assert proc.returncode == 0, proc.stderr
    assert "Exported 3 participant(s)" in proc.stdout
    data, meta = pyreadstat.read_sav(out / "lighthouse_preview.sav", user_missing=True)
    data = data.set_index("participant_code")
    assert meta.column_names_to_labels["age_band"] == "Wie alt sind Sie?"
    assert meta.variable_value_labels["gender"][2.0] == "Mann" and meta.variable_value_labels["money_situation"][-96.0] == "Möchte ich nicht sagen"
    assert (data.loc["D1", "language"], data.loc["D1", "gender"], data.loc["D1", "money_situation"], data.loc["D1", "budget"]) == ("de", 2.0, -96.0, 14.5)
    assert data.loc["D1", "trailer_dial_mean"] == 60.0 and data.loc["D1", "opening_boards_seconds"] == 2.5
    assert (data.loc["D3", "status"], data.loc["D3", "outcome_reason"], data.loc["D3", "trailer_rating"]) == ("screened_out", "under_18", -99.0)
    assert data.loc["D1", "consent_version"] == "2026-11-a" and len(data.loc["D1", "consent_hash"]) == 64
    assert sorted(data.loc["D2", "order_stimuli"].split()) == ["opening_boards", "trailer"]
    proc = command("codebook", "--out", str(out), cwd=demo_study)
    assert proc.returncode == 0, proc.stderr
    assert (out / "lighthouse_preview_codebook.md").is_file() and (out / "lighthouse_preview_codebook.csv").is_file()


def assert_one_line_error(proc: subprocess.CompletedProcess, text: str) -> None:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], proc.stderr


async def test_unknown_study_missing_file_and_unreachable_database_are_one_line_errors(demo_study, tmp_path):
    out = tmp_path / "exports"
    proc = command("export", "--database", str(tmp_path / "nowhere.sqlite"), "--out", str(out), cwd=demo_study)
    assert_one_line_error(proc, f"no station database at {tmp_path / 'nowhere.sqlite'}")

    db = tmp_path / "other.sqlite"
    upgrade(db)
    async with Store(db) as store:
        await store.create_session(study_id="another_study", station="s", code="X")
    proc = command("export", "--database", str(db), "--out", str(out), cwd=demo_study)
    assert_one_line_error(proc, "the database holds no sessions of study 'lighthouse_preview' (it has: another_study)")

    junk = tmp_path / "notes.sqlite"
    junk.write_text("not a database, only notes\n" * 100)
    proc = command("export", "--database", str(junk), "--out", str(out), cwd=demo_study)
    assert_one_line_error(proc, f"cannot read the station database {junk}: the station database is damaged or from another program")

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = command("export", "--central", f"postgresql://u:p@127.0.0.1:{port}/previews", "--out", str(out), cwd=demo_study)
    assert_one_line_error(proc, f"cannot read the central database: the central database at 127.0.0.1:{port}/previews cannot be reached: connection refused")

    proc = command("export", "--central", "mysql://u:p@127.0.0.1/previews", "--out", str(out), cwd=demo_study)
    assert_one_line_error(proc, "the central database must be PostgreSQL")

    proc = command("export", "--database", str(db), "--language", "it", "--out", str(out), cwd=demo_study)
    assert_one_line_error(proc, "the study has no language 'it' (it has: en, fr, de)")
    assert not out.exists()  # nothing written on any failure


async def test_excel_csv_has_a_byte_order_mark_and_the_locales_separator(demo_study, tmp_path):
    """--excel: a spreadsheet in German opens the CSV with its ü and é, its columns and its decimal commas."""
    import csv

    db = tmp_path / "station.sqlite"
    await demo_afternoon(demo_study, db)
    for lang, separator in (("de", ";"), ("en", ",")):
        out = tmp_path / lang
        proc = command("export", "--database", str(db), "--format", "csv", "--excel", "--language", lang, "--out", str(out), "--no-progress", cwd=demo_study)
        assert proc.returncode == 0, proc.stderr
        raw = (out / "lighthouse_preview.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=separator))
        d1 = next(r for r in rows if r["participant_code"] == "D1")
        assert d1["budget"] == ("14,5" if lang == "de" else "14.5") and d1["favourite_genre"] == "Thrillers"
    plain = command("export", "--database", str(db), "--format", "csv", "--out", str(tmp_path / "plain"), "--no-progress", cwd=demo_study)
    assert plain.returncode == 0 and not (tmp_path / "plain" / "lighthouse_preview.csv").read_bytes().startswith(b"\xef\xbb\xbf")
