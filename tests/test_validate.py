"""`validate`: every static check gives `file:line:col: message`, all in one run; `--walk` explores every branch."""

import re
import subprocess
import sys

import pytest

from preview_tui.survey.errors import StudyError
from preview_tui.survey.study import load_study
from preview_tui.survey.walk import walk
from studies import opts, page, q, write_study


def problems_of(root) -> list[str]:
    with pytest.raises(StudyError) as err:
        load_study(root)
    return [str(p) for p in err.value.problems]


def test_every_static_check_in_one_run(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1",
             q("fav", "single", options=opts(1, 2)),
             q("fav", "text"),  # duplicate id
             q("late", "text", show_if="later == 1"),  # forward reference
             q("pipe", "text", text="You chose {favv}"),  # unknown piped name
             q("never", "text", show_if="false"),  # always false: a warning
             q("codes", "single", options=opts(1, 1)),  # duplicate code
             q("pic", "image_choice", options=[{"code": 1, "label": "a", "image": "nope.png"}, {"code": 2, "label": "b"}]),
             calculate=[{"id": "c1", "value": "c2 + 1"}, {"id": "c2", "value": "fav * 2"}]),  # cycle / order
        page("p2", q("later", "single", options=opts(1, 2), show_if="fav == 3")),  # fav has no option 3
    ], languages=["en", "fr"], title={"en": "T"}, quotas=[{"id": "qq", "when": "gender == 1", "target": 5}, {"id": "cc", "cross": {"fav": [1, 7]}, "target": 2}])
    found = problems_of(root)
    text = "\n".join(found)
    for line in found:
        assert re.match(r"^.+\.yaml:\d+:\d+: .+", line), line
    expected = [
        r"config\.yaml:\d+:\d+: missing translation: fr",
        r"config\.yaml:\d+:\d+: quota 'qq' uses unknown answer 'gender'",
        r"s\.yaml:\d+:\d+: duplicate question id 'fav' \(first at .*s\.yaml:\d+:\d+\)",
        r"'later' is not answered yet where this condition is checked",
        r"unknown name 'favv' piped into this text \(did you mean 'fav'\?\)",
        r"duplicate option code 1",
        r"an image choice option needs 'image'",
        r"calculation 'c1' uses 'c2', which is calculated after it \(a cycle\)",
        r"'fav' has no option 3.*never true",
        r"config\.yaml:\d+:\d+: 'fav' has no option 7",  # a cell of a cross quota nobody can be in
    ]
    for pattern in expected:
        assert re.search(pattern, text), f"{pattern} not in:\n{text}"


def test_a_piped_name_is_located_at_its_column(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("fav", "single", options=opts(1, 2))), page("p2", q("x", "text", text={"en": "Why {fav} and {fvo}?"}))])
    [problem] = problems_of(root)
    m = re.search(r":(\d+):(\d+): unknown name 'fvo' piped into this text \(did you mean 'fav'\?\)", problem)
    assert m, problem
    line = (root / "surveys" / "s.yaml").read_text().splitlines()[int(m.group(1)) - 1]
    assert line[int(m.group(2)) - 1:].startswith("fvo}"), line


def test_named_option_lists(tmp_path):
    survey = {"id": "s", "choices": {"agree": opts(1, 2, 3), "spare": opts("a", "b")}, "pages": [page("p",
        q("a", "single", options_from="agree"), q("g", "matrix", rows=opts("r"), scale_from="agree"))]}
    study = load_study(write_study(tmp_path / "ok", survey=survey))
    assert [o.code for o in study.question("a").options] == [1, 2, 3] == [o.code for o in study.question("g").scale]
    assert any("option list 'spare' is never used" in str(w) for w in study.warnings)
    survey["pages"][0]["questions"][0]["options_from"] = "agre"
    text = "\n".join(problems_of(write_study(tmp_path / "bad", survey=survey)))
    assert "no option list 'agre' in this survey's choices (did you mean 'agree'?)" in text


def test_choice_questions_nobody_could_answer(tmp_path):
    root = write_study(tmp_path / "s", [page("p",
        q("m", "multi", min_selected=3, options=opts("a", "b", "none", none={"exclusive": True})),
        q("r", "ranking", options=opts("a", "b"), special=[{"code": "dk", "label": "?"}]))])
    text = "\n".join(problems_of(root))
    assert "min_selected is 3 but only 2 options can be chosen together" in text
    assert "a ranking question cannot take special codes" in text


def test_warnings_for_missing_media_and_never_shown(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text", show_if="1 > 2"), q("pic", "image_choice", options=[{"code": 1, "label": "a", "image": "gone.png"}, {"code": 2, "label": "b", "image": "gone2.png"}]))])
    study = load_study(root)
    text = "\n".join(map(str, study.warnings))
    assert "always false" in text and "media file not found: media/gone.png" in text


@pytest.mark.parametrize("source,col", [("fav ==", 7), ("fav = 1", 5), ("selectd(fav, 1)", 1)])
def test_bad_expression_points_at_the_column(tmp_path, source, col):
    root = write_study(tmp_path / "s", [page("p", q("fav", "single", options=opts(1, 2))), page("p2", q("x", "text", show_if=source))])
    [problem] = problems_of(root)
    line_text = (root / "surveys" / "s.yaml").read_text().splitlines()
    m = re.search(r":(\d+):(\d+): expression: ", problem)
    line, column = int(m.group(1)), int(m.group(2))
    assert line_text[line - 1][column - 1:].startswith(source[col - 1:col]), (problem, line_text[line - 1])
    if source.startswith("selectd"):
        assert "did you mean 'selected'" in problem


def test_misspelt_key_and_type_suggest(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "slidr"), {"id": "b", "type": "single", "txt": "?", "options": opts(1, 2)})])
    text = "\n".join(problems_of(root))
    assert "unknown type 'slidr' (did you mean 'slider'?)" in text
    assert "unknown key 'txt' (did you mean 'text'?)" in text


def test_validate_command_exits_non_zero_and_prints_every_problem(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text", show_if="b == 1"), q("c", "text", show_if="d == 1"))])
    out = subprocess.run([sys.executable, "-m", "preview_tui", "validate", str(root)], capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.count("unknown name") == 2


def test_walk_reaches_every_branch_of_the_demo(demo_study):
    report = walk(load_study(demo_study))
    assert report.complete, report.lines()
    assert report.branch_total >= 2 and report.ends["declined"] >= 1


def test_walk_reports_dead_ends_and_untaken_branches(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1", q("a", "single", options=opts(1, 2))),
        page("p2", q("b", "text"), show_if="a == 1 or a == 2"),  # never false
        page("p3", q("m", "numeric", show_if="a > 5")),
        page("p4", q("stuck", "numeric", min=0.2, max=0.8)),  # no whole number fits
        page("p5", q("after", "text")),
    ])
    report = walk(load_study(root))
    assert re.fullmatch(r".*s\.yaml:\d+:\d+: page p4: question stuck accepts no answer: no whole number lies between 0\.2 and 0\.8", report.dead_ends[0]), report.dead_ends
    assert "p5" not in report.reached and any(re.fullmatch(r"never reached: .*s\.yaml:\d+:\d+: page p5", line) for line in report.lines())
    assert any(re.fullmatch(r"not covered: .*s\.yaml:\d+:\d+: page:p2:show_if is never false", line) for line in report.lines()), report.lines()
    assert "page:p2:show_if is never false" in report.uncovered()
    assert "question:m:show_if is never true" in report.uncovered()
    assert report.branch_coverage < 1.0 and not report.complete


def test_walk_tries_matrix_rows_read_by_conditions(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1", q("grid", "matrix", rows=opts("pace", "cast"), scale=opts(1, 2, 3))),
        page("p2", q("why", "text"), show_if="grid.pace == 3"),
    ])
    report = walk(load_study(root))
    assert report.complete, report.lines()


def test_walk_command(demo_study):
    out = subprocess.run([sys.executable, "-m", "preview_tui", "validate", "--walk"], cwd=demo_study, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "walk: branches taken:" in out.stdout and "(100%)" in out.stdout
