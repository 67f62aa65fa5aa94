"""The `recording` question type in a study's files: its fields, the consent's `audio_visual`, and its sealing."""

import re
import subprocess
import sys

import pytest

from preview_tui.seal import generate
from preview_tui.survey.answers import NOT_AVAILABLE, check
from preview_tui.survey.errors import StudyError
from preview_tui.survey.study import load_study
from studies import config, page, q, write_study

CATEGORIES = config()["study"]["consent"]["categories"]


def consent(*extra: str) -> dict:
    return {"version": "1", "text": "ok?", "categories": CATEGORIES + list(extra)}


def sealing() -> dict:
    return {"public_key": generate()[0]}


def problems_of(root) -> list[str]:
    with pytest.raises(StudyError) as err:
        load_study(root)
    return [str(p) for p in err.value.problems]


def test_a_recording_question_loads_and_is_sealed(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("say", "recording", video=True, max_seconds=20, retake=False))], consent=consent("audio_visual"), sealing=sealing())
    study = load_study(root)
    question = study.question("say")
    assert (question.video, question.max_seconds, question.retake) == (True, 20, False)
    assert "say" in study.sealing.sealed  # the answer (which file) is sealed like a sensitive answer
    assert study.sealing.problem is None
    assert check(question, NOT_AVAILABLE) is None
    assert check(question, {"file": "x.sealed", "seconds": 3.0}) is None
    assert check(question, {"seconds": 3.0}) == ("invalid_choice", ())
    assert check(question, 12) == ("invalid_choice", ())


def test_retake_is_allowed_unless_the_study_says_not(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("say", "recording", video=False, max_seconds=5))], consent=consent("audio_visual"), sealing=sealing())
    assert load_study(root).question("say").retake is True


def test_without_audio_visual_in_the_consent_validate_points_at_the_question(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("intro", "text"), q("say", "recording", video=True, max_seconds=20))], consent=consent(), sealing=sealing())
    found = problems_of(root)
    assert len(found) == 1, found
    match = re.match(r"^(.+s\.yaml):(\d+):(\d+): (.+)$", found[0])
    assert match, found[0]
    lines = (root / "surveys" / "s.yaml").read_text().splitlines()
    line = lines[int(match.group(2)) - 1]
    assert "type: recording" in line, line  # the recording question's own line, not the first question's
    assert "audio_visual" in match.group(4) and "'say'" in match.group(4)


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"max_seconds": 20}, "video"),
        ({"video": True, "max_seconds": 0}, "max_seconds"),
        ({"video": True, "max_seconds": 601}, "max_seconds"),
        ({"video": "maybe", "max_seconds": 20}, "video"),
        ({"video": True, "max_seconds": 20, "retake": "often"}, "retake"),
        ({"video": True, "max_seconds": 20, "fps": 30}, "fps"),
    ],
)
def test_bad_fields_are_located(tmp_path, fields, words):
    root = write_study(tmp_path / "s", [page("p1", q("say", "recording", **fields))], consent=consent("audio_visual"), sealing=sealing())
    found = problems_of(root)
    assert found and all(re.match(r"^.+s\.yaml:\d+:\d+: .+", p) for p in found), found
    lines = (root / "surveys" / "s.yaml").read_text().splitlines()
    located = [lines[int(re.match(r"^.+s\.yaml:(\d+):", p).group(1)) - 1] + " " + p.split(": ", 1)[1] for p in found]
    assert any(words in where for where in located), located  # the field's own line, or its name in the message


def test_validate_exits_1_with_the_location_and_no_traceback(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("say", "recording", video=True, max_seconds=20))], consent=consent(), sealing=sealing())
    done = subprocess.run([sys.executable, "-m", "preview_tui", "validate", "--study", str(root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout + done.stderr
    assert "Traceback" not in out
    assert re.search(r"s\.yaml:\d+:\d+: recording question 'say'", out), out


def test_a_recording_without_a_key_refuses_live_sessions(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("say", "recording", video=False, max_seconds=5))], consent=consent("audio_visual"))
    study = load_study(root)
    assert study.sealing.problem and "sealing key" in study.sealing.problem


def test_the_walk_answers_a_recording_kept_or_not_available_and_reaches_every_page(tmp_path):
    from preview_tui.survey.walk import walk

    root = write_study(tmp_path / "s", [
        page("p1", q("say", "recording", video=True, max_seconds=20)),
        page("p2", q("after", "text", required=False)),
    ], consent=consent("audio_visual"), sealing=sealing())
    report = walk(load_study(root))
    assert report.reached >= {"p1", "p2"} and not report.dead_ends
    assert report.ends["completed"] >= 1
