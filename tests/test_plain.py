"""The plain line-by-line mode, question type by question type: what is printed, what the typed lines
mean, the engine's complaints at wrong ones, and what reaches the station file. On a real SQLite file,
through the station's own services, with the terminal's streams in memory."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, rows
from literal_helpers import inject
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.plain.run import PlainStation
from preview_tui.plain.terminal import Terminal, command_of
from preview_tui.station import Station
from preview_tui.survey.schema import StationSettings
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study

START = ["P1", "1", "1"]  # the code, the (only) language, and agreeing to take part
END = ["", "!quit"]  # Enter on the end screen, then the moderator stops the station


async def walk(tmp_path, study, lines: list[str]) -> tuple[str, dict]:
    """Run the plain station on ``study`` with ``lines`` typed; what it printed and the answers stored."""
    db = tmp_path / "station.sqlite"
    upgrade(db)
    out = io.StringIO()
    station = Station(settings=StationSettings(name="t"), study=study, store=Store(db))
    await PlainStation(station, Terminal(io.StringIO("".join(f"{line}\n" for line in lines)), out)).serve()
    answers = {qid: json.loads(v) if isinstance(v, str) else v for qid, v in rows(db, "SELECT question_id, value FROM answers")}
    return out.getvalue(), answers


def one_question(tmp_path, question: dict):
    return load_study(write_study(tmp_path / "s", [page("p1", question)]))


TYPES = [
    pytest.param(
        q("one", "single", options=opts(1, 2, "other", other={"other": True})),
        ["5", "3", "", "because"],
        ["Please choose one of the options.", "Please say which."],
        {"one": "other", "one.other": "because"},
        id="single",
    ),
    pytest.param(
        q("many", "multi", min_selected=2, max_selected=3, options=opts("a", "b", "c", "d", "none", none={"exclusive": True})),
        ["1", "1 5", "1 2 9", "2, 1"],
        ["Please choose at least 2.", "This option cannot be combined with others.", "Please choose one of the options."],
        {"many": ["a", "b"]},
        id="multi",
    ),
    pytest.param(
        q("stars", "rating", points=7, special=[{"code": "dont_know", "label": "Don't know"}]),
        ["8", "b", "a"],
        ["Please choose a value from 1 to 7.", "a. Don't know"],
        {"stars": "dont_know"},
        id="rating-special",
    ),
    pytest.param(
        q("agree", "rating", points=3, labels=["No", "Maybe", "Yes"]),
        ["yes", "3"],
        ["1. No", "3. Yes", "Please choose a value from 1 to 3."],
        {"agree": 3},
        id="rating-labels",
    ),
    pytest.param(q("rec", "nps", low_label="Never", high_label="Surely"), ["11", "0"], ["0: Never", "10: Surely", "Please choose a value from 0 to 10."], {"rec": 0}, id="nps"),
    pytest.param(q("vas", "slider", min=0, max=100, step=10), ["-5", "40"], ["in steps of 10", "Please choose a value from 0 to 100."], {"vas": 40}, id="slider"),
    pytest.param(
        q("age", "numeric", min=18, max=99, unit="years"),
        ["x", "17", "18.5", "42"],
        ["Type a number, in years.", "Please enter a number.", "Please choose a value from 18 to 99.", "Please enter a whole number."],
        {"age": 42},
        id="numeric",
    ),
    pytest.param(q("said", "text", min_length=3, max_length=10), ["ab", "abcdefghijk", "  hello  "], ["Please write at least 3 characters.", "Please use at most 10 characters."], {"said": "hello"}, id="text"),
    pytest.param(q("essay", "text", long=True), ["", "one line"], ["Please answer this question."], {"essay": "one line"}, id="long-text"),
    pytest.param(
        q("when", "date", min="2020-01-01", max="2030-12-31"),
        ["2031-01-01", "tomorrow", "2024-02-29"],
        ["Type a date as YYYY-MM-DD.", "Please choose a value from 2020-01-01 to 2030-12-31.", "Please enter a date as YYYY-MM-DD."],
        {"when": "2024-02-29"},
        id="date",
    ),
    pytest.param(
        q("grid", "matrix", rows=opts("r1", "r2"), scale=opts(1, 2, 3)),
        ["4", "1", "", "", "3"],  # row 2 left empty: the whole grid is asked again, row 1 keeps its answer
        ["Row 1 of 2: r1", "Row 2 of 2: r2", "Please choose one of the options.", "Please answer every row.", "An empty line keeps your answer: 1"],
        {"grid": {"r1": 1, "r2": 3}},
        id="matrix",
    ),
    pytest.param(q("order", "ranking", options=opts("x", "y", "z")), ["1 2", "1 1 2", "3 1 2"], ["e.g. 3 2 1", "Please choose one of the options."], {"order": ["z", "x", "y"]}, id="ranking"),
    pytest.param(
        q("frame", "image_choice", options=[{"code": i, "label": f"f{i}", "image": f"board-{i}.png"} for i in (1, 2)]),
        ["0", "2"],
        ["1. f1", "2. f2", "Please choose one of the options."],
        {"frame": 2},
        id="image-choice",
    ),
]


@pytest.mark.parametrize("question, typed, said, stored", TYPES)
async def test_each_question_type_reads_its_typed_line_and_re_asks_with_the_engines_words(tmp_path, question, typed, said, stored):
    text, answers = await walk(tmp_path, one_question(tmp_path, question), [*START, *typed, *END])
    for words in said:
        assert words in text
    assert answers == stored
    assert "\x1b" not in text


async def test_an_optional_question_left_empty_stores_nothing_and_a_soft_one_warns_once(tmp_path):
    study = load_study(write_study(tmp_path / "s", [page("p1", q("maybe", "numeric", required=False), q("soft", "single", required="soft", options=opts(1, 2)))]))
    text, answers = await walk(tmp_path, study, [*START, "", "", "", *END])
    assert "An empty line leaves it unanswered." in text
    assert "You have not answered this question. Press Enter on an empty line to go on without answering." in text
    assert answers == {}
    assert rows(tmp_path / "station.sqlite", "SELECT count(*) FROM events WHERE kind = 'soft_required_warned'") == [(1,)]


async def test_back_goes_to_the_previous_question_then_the_previous_page_keeping_the_answers(tmp_path):
    study = load_study(write_study(tmp_path / "s", [page("p1", q("a", "single", options=opts(1, 2))), page("p2", q("b", "single", options=opts(1, 2)), q("c", "text"))]))
    lines = ["P1", "1", "!back", "1", "2", "1", "!back", "!back", "!back", "", "1", "ok", *END]  # back at the consent, then on the pages
    text, answers = await walk(tmp_path, study, lines)
    assert "An empty line keeps your answer: 1" in text and "An empty line keeps your answer: 2" in text  # b, then page 1 again
    assert text.count("There is no earlier question to go back to.") == 2
    assert answers == {"a": 2, "b": 1, "c": "ok"}
    assert rows(tmp_path / "station.sqlite", "SELECT count(*) FROM audit_log WHERE kind = 'page_back'") == [(1,)]


async def test_a_screen_out_ends_with_the_studys_text_and_a_declined_consent_keeps_nothing(tmp_path):
    study = load_study(write_study(tmp_path / "s", [page("p1", q("a", "single", options=opts(1, 2), screen_out=[{"when": "a == 1", "reason": "no"}]))]))
    text, answers = await walk(tmp_path, study, [*START, "1", "", "P2", "1", "2", "", "!quit"])
    assert text.count("bye") == 1 and text.count("no") >= 1 and "I do not agree" in text
    assert [s for s, in rows(tmp_path / "station.sqlite", "SELECT status FROM sessions ORDER BY started_at")] == ["screened_out", "declined"]
    assert answers == {"a": 1}


async def test_withdrawal_in_the_participants_language_erases_the_session(tmp_path):
    study = load_study(write_study(tmp_path / "s", [page("p1", q("a", "single", options=opts(1, 2)), q("b", "text"))], languages=["en", "de"]))
    text, answers = await walk(tmp_path, study, ["P1", "2", "1", "1", "!widerruf", "nein", "!WIDERRUF", "ja", "!quit"])
    assert "Befehle: !zurück die vorige Frage, !widerruf" in text
    assert "Sie haben die Studie verlassen." in text
    assert answers == {} and rows(tmp_path / "station.sqlite", "SELECT count(*) FROM sessions") == [(0,)]
    assert rows(tmp_path / "station.sqlite", "SELECT count(*) FROM tombstones") == [(1,)]


async def test_the_input_ending_mid_session_leaves_it_interrupted_and_the_same_code_takes_it_up(tmp_path):
    study = load_study(write_study(tmp_path / "s", [page("p1", q("a", "single", options=opts(1, 2))), page("p2", q("b", "text"))]))
    text, answers = await walk(tmp_path, study, [*START, "2"])
    assert "left interrupted" in text
    assert answers == {"a": 2}
    assert rows(tmp_path / "station.sqlite", "SELECT status FROM sessions") == [("in_progress",)]
    text, answers = await walk(tmp_path, study, ["P1", "resume", "done", *END])  # the next start takes it up at page 2
    assert "P1 has an interrupted session" in text and "[2/2]" in text and "[1/2]" not in text
    assert answers == {"a": 2, "b": "done"}
    assert rows(tmp_path / "station.sqlite", "SELECT status FROM sessions") == [("completed",)]


async def test_study_texts_and_answers_with_control_characters_are_printed_escaped_and_stored_as_typed(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("name", "text", text="Name @CLEAR@?")), page("p2", q("pick", "single", options=[{"code": 1, "label": "A @TITLE@"}, {"code": 2, "label": "B"}]))])
    study = inject(load_study(root), {"@CLEAR@": "\x1b[2J", "@TITLE@": "\x1b]0;pwned\x07\u202e"})
    typed = "Rex\x1b]0;t\x07"
    text, answers = await walk(tmp_path, study, [*START, typed, "!back", "", "2", *END])
    assert answers == {"name": typed, "pick": 2}
    assert "Name \\u001b[2J?" in text and "1. A \\u001b]0;pwned\\u0007\\u202e" in text
    assert "An empty line keeps your answer: Rex\\u001b]0;t\\u0007" in text
    assert not any(c in text for c in "\x1b\x07\u202e")


def test_commands_are_known_in_english_and_in_the_participants_language():
    assert command_of("!withdraw", "fr") == command_of("  !RETRAIT ", "fr") == "withdraw"
    assert command_of("!retrait", "de") is None  # French is not German
    assert command_of("!zurück", "de") == command_of("!back", "de") == "back"
    assert command_of("withdraw", "en") is None and command_of("!nothing", "en") is None


def test_starting_plain_never_loads_textual(tmp_path):
    """The plain mode runs the whole station, study to store, without Textual or Rich in the process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVIEW_TUI_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    code = (
        "import sys\n"
        "from preview_tui.cli import main\n"
        f"rc = main(['--plain', '--study', {str(ROOT)!r}, '--database', {str(tmp_path / 'station.sqlite')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'textual_image') or m.startswith('preview_tui.ui'))\n"
        "print('RC', rc, 'FLOW', 'preview_tui.flow' in sys.modules, 'LOADED', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input="P1\n2\n1\n\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert "RC 0 FLOW True LOADED []" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    assert "Quel âge avez-vous ?" in out.stdout  # it did run a session, in French
    assert rows(tmp_path / "station.sqlite", "SELECT status, language FROM sessions") == [("in_progress", "fr")]


def test_station_interface_plain_in_config_starts_the_plain_mode(demo_study, tmp_path):
    config = demo_study / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  kiosk: false\n", "  kiosk: false\n  interface: plain\n"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVIEW_TUI_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    for attempt in range(2):  # the second start reads the study as it was kept, and still runs plain
        out = subprocess.run([sys.executable, "-m", "preview_tui", "--study", str(demo_study), "--database", str(tmp_path / "station.sqlite")], input="!quit\n", capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 0 and "Your participant code · Votre code de participant" in out.stdout, out.stderr[-2000:]
        assert "\x1b" not in out.stdout


def test_a_misspelt_interface_is_refused_where_it_is_written(tmp_path):
    from preview_tui.survey.errors import StudyError

    root = write_study(tmp_path / "s", [page("p1", q("a", "single", options=opts(1, 2)))])
    config = root / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "station:\n  interface: plane\n", encoding="utf-8")
    with pytest.raises(StudyError) as caught:
        load_study(root)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{config}:") and "plain" in str(problem)


def test_a_terminal_that_cannot_show_the_studys_letters_gets_question_marks_not_a_crash(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVIEW_TUI_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"), PYTHONIOENCODING="ascii")
    out = subprocess.run([sys.executable, "-m", "preview_tui", "--plain", "--study", str(ROOT), "--database", str(tmp_path / "station.sqlite")], input=b"P1\n2\n", capture_output=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert b"Veuillez choisir votre langue" in out.stdout and b"2. Fran?ais" in out.stdout and b"Avant de commencer" in out.stdout


def test_a_kiosk_station_is_not_run_plain(demo_study, tmp_path):
    """A kiosk promises that the participant cannot leave the flow; a plain terminal cannot keep that promise."""
    config = demo_study / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  kiosk: false\n", "  kiosk: true\n"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVIEW_TUI_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    out = subprocess.run([sys.executable, "-m", "preview_tui", "--plain", "--study", str(demo_study), "--database", str(tmp_path / "station.sqlite")], input="P1\n", capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.strip() == "preview-tui: the plain mode cannot keep a kiosk (station.kiosk: true): its participants could leave the flow; turn kiosk off for a plain station"


async def test_a_sensitive_answer_is_sealed_and_a_key_that_fails_stops_the_session_with_nothing_stored(tmp_path, monkeypatch):
    from preview_tui import seal

    public, _ = seal.generate()
    root = write_study(tmp_path / "s", [page("p1", q("faith", "single", sensitive="religion", options=opts(1, 2)), q("g", "single", options=opts(1, 2)))], sealing={"public_key": public})
    study = load_study(root)
    text, answers = await walk(tmp_path, study, [*START, "1", "2", *END])
    assert seal.is_sealed(answers.pop("faith")) and answers == {"g": 2}

    works = seal.Sealer.seal

    def broken(self, value):  # the key still seals the probe a session starts with, then fails on the answer
        if value == "probe":
            return works(self, value)
        raise seal.SealError("sealing failed: the key no longer works")

    monkeypatch.setattr(seal.Sealer, "seal", broken)
    text, answers = await walk(tmp_path, study, ["P2", "1", "1", "1", "2", "!quit"])
    assert "Session stopped: a sensitive answer could not be sealed (sealing failed: the key no longer works)" in text
    assert [s for s, in rows(tmp_path / "station.sqlite", "SELECT status FROM sessions WHERE participant_code = 'P2'")] == ["abandoned"]
    assert rows(tmp_path / "station.sqlite", "SELECT count(*) FROM answers") == [(2,)]  # only P1's


def test_an_answer_given_before_is_offered_again_as_the_participant_read_it():
    from preview_tui.plain.questions import Questions
    from preview_tui.survey.schema import Page

    questions = Page.model_validate(page("p", q("agree", "rating", points=3, labels=["No", "Maybe", "Yes"]), q("many", "multi", options=opts("a", "b")), q("n", "numeric", special=[{"code": "dk", "label": "Don't know"}]))).questions
    ask = Questions("en", str, lambda question: list(question.options)).ask
    agree, many, n = (ask(question) for question in questions)
    assert agree.shown(2) == "2. Maybe" and many.shown(["a", "b"]) == "a, b" and n.shown("dk") == "Don't know" and n.shown(4.5) == "4.5"
    assert (agree.read("3"), many.read("2 1"), n.read("b"), n.read("A")) == (3, ["b", "a"], "b", "dk")
