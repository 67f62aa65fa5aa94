"""Hostile study files end in a located error quickly and with little memory.

Each heavy case runs the loader in a child process that reports its own CPU time for the load and
its peak memory (VmHWM, the whole process: interpreter and imports included), under an address
space limit so that a loader without bounds fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from preview_tui.survey.errors import StudyError
from preview_tui.survey.study import load_study
from preview_tui.survey.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, MAX_STUDY_BYTES, MAX_STUDY_FILES
from studies import opts, page, q, write_study

CPU_LIMIT_S = 1.0
MEMORY_LIMIT_MB = 200

CHILD = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
from pathlib import Path
from preview_tui.survey.errors import StudyError
from preview_tui.survey.study import load_study
start = time.process_time()
try:
    load_study(Path(sys.argv[1]))
    problems = []
except StudyError as exc:
    problems = [str(p) for p in exc.problems]
cpu = time.process_time() - start
# VmHWM is this program's own peak: ru_maxrss would keep the peak of the process it was forked
# from (a test run's heap) across exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
print(json.dumps({"cpu": cpu, "peak_mb": peak, "problems": problems}))
"""


def load_in_child(root: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-2000:]
    return json.loads(out.stdout)


def assert_bounded(result: dict, pattern: str) -> None:
    text = "\n".join(result["problems"])
    assert re.search(pattern, text), text[:2000]
    assert all(re.match(r"^.+:\d+:\d+: .+", p) for p in result["problems"]), text[:2000]
    assert result["cpu"] < CPU_LIMIT_S, result["cpu"]
    assert result["peak_mb"] < MEMORY_LIMIT_MB, result["peak_mb"]


def problems_of(root: Path) -> str:
    with pytest.raises(StudyError) as err:
        load_study(root)
    return "\n".join(str(p) for p in err.value.problems)


def survey_file(root: Path) -> Path:
    return root / "surveys" / "s.yaml"


def line_col(path: Path, needle: str, offset: int = 0) -> tuple[int, int]:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1 + offset
    raise AssertionError(needle)


# -- size, aliases, nesting -----------------------------------------------------


def test_an_alias_bomb_stops_at_the_alias_that_goes_over(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))])
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]  # 9**9 strings once expanded
    survey_file(root).write_text("\n".join(lines) + "\nid: s\npages: []\n")
    result = load_in_child(root)
    assert_bounded(result, rf"s\.yaml:\d+:\d+: too many values: a study file may hold at most {MAX_NODES:,} .*once aliases are expanded \(\*l\d goes over\)")
    line, col = map(int, re.search(r"s\.yaml:(\d+):(\d+): too many", "\n".join(result["problems"])).groups())
    assert survey_file(root).read_text().splitlines()[line - 1][col - 1:].startswith("*l"), result["problems"]


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))])
    question = "  - id: p{0}\n    questions:\n      - {{id: q{0}, type: text, text: Why?}}\n"
    block = "".join(question.format(i) for i in range(1000))
    with survey_file(root).open("w") as handle:
        handle.write("id: s\npages:\n")
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(block)
    assert_bounded(load_in_child(root), rf"s\.yaml:1:1: file too large: [\d,]+ bytes, a study file may hold at most {MAX_FILE_BYTES:,}")


def test_the_densest_file_allowed_stops_at_the_node_bound(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))])
    survey_file(root).write_text("id: s\npages: [" + "a," * ((MAX_FILE_BYTES - 32) // 2) + "]\n")
    assert_bounded(load_in_child(root), rf"s\.yaml:2:\d+: too many values: a study file may hold at most {MAX_NODES:,} keys")


def test_too_many_or_too_large_files_are_refused_before_any_is_read(tmp_path):
    root = write_study(tmp_path / "many", [page("p", q("a", "text"))])
    for i in range(MAX_STUDY_FILES + 1):
        (root / "surveys" / f"x{i}.yaml").write_text("{[")  # never read: each would be a syntax error
    assert_bounded(load_in_child(root), rf"many:1:1: too many study files: screens/ and surveys/ may hold at most {MAX_STUDY_FILES} YAML files")
    root = write_study(tmp_path / "large", [page("p", q("a", "text"))])
    for i in range(MAX_STUDY_BYTES // MAX_FILE_BYTES + 1):
        (root / "surveys" / f"x{i}.yaml").write_text("{[" + "#" * (MAX_FILE_BYTES - 10))
    assert_bounded(load_in_child(root), rf"large:1:1: the study is too large: its files in screens/ and surveys/ hold [\d,]+ bytes, at most {MAX_STUDY_BYTES:,}")


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_as_a_study_file_is_refused_without_reading(tmp_path, kind):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))])
    survey_file(root).unlink()
    if kind == "fifo":
        os.mkfifo(survey_file(root))  # nobody writes: opening it for reading would wait for ever
    else:
        survey_file(root).symlink_to("/dev/zero")  # endless zeros
    assert_bounded(load_in_child(root), r"s\.yaml:1:1: not a regular file \(a device or a pipe\)")


@pytest.mark.parametrize("deep", [500, 100_000, "block"])
def test_deep_nesting_is_a_located_error(tmp_path, deep):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))])
    if deep != "block":
        body = "title: " + "[" * deep + "]" * deep + "\n"
    else:
        body = "title:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(MAX_DEPTH + 5)) + " " * (MAX_DEPTH + 6) + "x\n"
    survey_file(root).write_text("id: s\n" + body)
    message = rf"nested too deeply: a study file may nest lists and mappings at most {MAX_DEPTH} levels"
    if deep == 100_000:  # libyaml's scanner gives up at its own limit before a node is composed
        message = rf"({message}|YAML syntax error: exceeded maximum nesting depth)"
    assert_bounded(load_in_child(root), rf"s\.yaml:\d+:\d+: {message}")


def test_a_deeply_nested_expression_is_a_located_error(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text")), page("p2", q("b", "text"), show_if="not " * 500 + "answered(a)")])
    assert re.search(r"s\.yaml:\d+:\d+: expression: the expression nests too deeply \(at most 40 levels\)", problems_of(root))


# -- tags, booleans, control characters ---------------------------------------------


@pytest.mark.parametrize("value", ["!!python/object/apply:os.system [en, fr]", "!!map {a: b}", "!!str yes", "!custom fr", '!!int "5"'])
def test_a_tag_on_any_node_is_a_located_error(tmp_path, value):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))], languages=["en"])
    config = root / "config.yaml"
    config.write_text(config.read_text().replace("languages:\n  - en\n", f"languages: {value}\n"))
    line, col = line_col(config, value)
    assert re.search(rf"config\.yaml:{line}:{col}: YAML tags \(!.*\) are not allowed in study files", problems_of(root))


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "No"])
def test_a_yaml_11_boolean_as_a_code_says_to_quote_it(tmp_path, word):
    root = write_study(tmp_path / "s", [page("p", q("a", "single", options=[{"code": 1, "label": "one"}, {"code": 2, "label": "two"}]))])
    path = survey_file(root)
    path.write_text(path.read_text().replace("code: 2", f"code: {word}", 1))
    line, col = line_col(path, f"code: {word}", offset=len("code: "))
    assert f"s.yaml:{line}:{col}: {word} is read as a yes/no value, not a code or a text: quote it: '{word}'" in problems_of(root)


def test_a_yaml_11_boolean_as_a_text_says_to_quote_it_and_a_switch_still_takes_it(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "single", options=opts(1, 2)))])
    path = survey_file(root)
    path.write_text(path.read_text().replace("label: '2'", "label: off"))
    config = root / "config.yaml"
    config.write_text(config.read_text() + "station:\n  playback:\n    fullscreen: yes\n")  # a yes/no switch: fine
    assert re.search(r"s\.yaml:\d+:\d+: off is read as a yes/no value, not a code or a text: quote it: 'off'", found := problems_of(root)), found
    assert "config.yaml" not in found


def test_control_and_bidi_characters_in_study_texts_are_located(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text", text="Tab\tand\nnew line are fine"), q("b", "text", text="Evil \x1b]0;pwned\x07 title"), q("c", "text", text="abc \u202e cba"))])
    found = problems_of(root)
    path = survey_file(root)
    lines = path.read_text().splitlines()
    assert len(re.findall(r"control or invisible character", found)) == 2, found
    for char, needle in (("\\u001b", "Evil"), ("\\u202e", "abc")):
        m = re.search(rf"s\.yaml:(\d+):(\d+): control or invisible character {re.escape(char)} at character \d+ of this text", found)
        assert m, found
        assert lines[int(m.group(1)) - 1][int(m.group(2)) - 1:].startswith(needle), (lines[int(m.group(1)) - 1], m.group(2))


def test_a_raw_control_character_is_located_at_its_place(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))])
    path = survey_file(root)
    path.write_text(path.read_text().replace("text: a?", "text: a\x07?"))
    line, col = line_col(path, "\x07")
    assert f"s.yaml:{line}:{col}: control or invisible character \\u0007: remove it" in problems_of(root)


# -- bounds of a study ------------------------------------------------------------------


@pytest.mark.parametrize("question, pattern", [
    (q("d", "date", min="2027-13-45"), r"2027-13-45 is not a date of the calendar"),
    (q("d", "date", max="2026-02-30"), r"2026-02-30 is not a date of the calendar"),
    (q("d", "date", min="2026-05-01", max="2026-04-01"), r"max is earlier than min"),
    (q("n", "numeric", min=10, max=5), r"max is smaller than min"),
    (q("t", "text", min_length=50, max_length=10), r"max_length is smaller than min_length"),
    (q("s", "slider", min=0, max=10, step=20), r"step 20 is larger than the range"),
    (q("m", "multi", options=opts(1, 2), min_selected=3, max_selected=2), r"max_selected is smaller than min_selected"),
])
def test_every_bound_is_checked_at_load(tmp_path, question, pattern):
    root = write_study(tmp_path / "s", [page("p", question)])
    assert re.search(rf"s\.yaml:\d+:\d+: .*{pattern}", found := problems_of(root)), found


def test_a_quota_target_of_zero_is_refused(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "single", options=opts(1, 2)))], quotas=[{"id": "c", "when": "a == 1", "target": 0}])
    assert re.search(r"config\.yaml:\d+:\d+: input should be greater than or equal to 1", found := problems_of(root)), found


def test_a_cross_quota_with_too_many_cells_is_refused_before_they_are_made(tmp_path):
    questions = [q(f"c{i}", "single", options=opts(*range(1, 41))) for i in range(6)]
    cross = {f"c{i}": list(range(1, 41)) for i in range(6)}  # 40**6 = 4.1 billion cells
    root = write_study(tmp_path / "s", [page("p", *questions)], quotas=[{"id": "big", "cross": cross, "target": 1}])
    assert_bounded(load_in_child(root), r"config\.yaml:\d+:\d+: 'cross' makes 4,096,000,000 cells, at most 1,000")


# -- types in expressions ------------------------------------------------------------


def test_a_text_answer_compared_with_a_number_is_a_type_error_at_its_column(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1", q("name", "text"), q("age", "numeric"), q("rating", "rating", special=[{"code": "dont_know", "label": "?"}])),
        page("p2", q("x", "text"), show_if="answered(age) and name >= 18"),
        page("p3", q("y", "text"), show_if='age == "18"'),
        page("p4", q("z", "text"), show_if='rating == "dont_know" or count(name) > 3 or name == "Rex"'),
        page("p5", q("fav", "single", options=opts(1, 2))),
        page("p6", q("w", "text"), show_if='fav == "x"'),  # reported once, as an option fav does not have
    ])
    found = problems_of(root)
    lines = survey_file(root).read_text().splitlines()
    m = re.search(r"s\.yaml:(\d+):(\d+): type error: 'name' \(a text answer\) is compared with a number", found)
    assert m, found
    assert lines[int(m.group(1)) - 1][int(m.group(2)) - 1:].startswith(">= 18"), lines[int(m.group(1)) - 1]
    assert re.search(r"type error: the text \"18\" is compared with 'age' \(a number answer\) \(write the number without quotes\)", found), found
    assert found.count("type error") == 2, found  # special codes, count() and text comparisons are fine
    assert "'fav' has no option 'x'" in found, found


# -- media paths ---------------------------------------------------------------------------


def media_study(root: Path, name: str) -> Path:
    steps = [{"type": "storyboard", "id": "b", "frames": [{"image": name}]}, {"type": "survey", "survey": "s"}]
    return write_study(root, [page("p", q("a", "text"))], steps=steps)


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink", "symlinked_folder"])
def test_a_media_path_out_of_media_is_a_located_error_and_never_opened(tmp_path, how):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not yours")
    root = tmp_path / "s"
    name = {"absolute": str(secret), "dotdot": "../../secret.png", "symlink": "frame.png", "symlinked_folder": "sub/secret.png"}[how]
    media_study(root, name)
    if how == "symlink":
        (root / "media" / "frame.png").symlink_to(secret)
    if how == "symlinked_folder":
        (root / "media" / "sub").symlink_to(tmp_path)
    screen = root / "screens" / "main.yaml"
    line, col = line_col(screen, name)
    found = problems_of(root)
    assert re.search(rf"screens/main\.yaml:{line}:{col}: media( path '{re.escape(name)}'|/{re.escape(name)}) (is absolute|leads out of|is a link to a file outside)", found), found


def test_a_link_made_after_loading_is_never_opened(tmp_path):
    """The screens open media through Study.media, which resolves again each time."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not yours")
    root = media_study(tmp_path / "s", "frame.png")
    (root / "media" / "frame.png").write_bytes(b"\x89PNG")
    study = load_study(root)
    assert study.media("frame.png") == (root / "media" / "frame.png").resolve()
    (root / "media" / "frame.png").unlink()
    (root / "media" / "frame.png").symlink_to(secret)
    assert study.media("frame.png") is None
    assert study.media("../secret.png") is None and study.media(str(secret)) is None


# -- the real command ---------------------------------------------------------------------------


def test_validate_command_on_an_alias_bomb(demo_study):
    path = demo_study / "surveys" / "reactions.yaml"
    bomb = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    bomb += "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
    path.write_text(bomb + path.read_text())
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    out = subprocess.run([str(Path(sys.executable).with_name("preview-tui")), "validate"], cwd=demo_study, capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
    assert re.search(r"surveys/reactions\.yaml:\d+:\d+: too many values", out.stderr), out.stderr
