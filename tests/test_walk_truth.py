"""`validate --walk` tells the truth: what it reports reached, the real runner reaches; what it reports
unreachable, no participant can reach (checked here by driving the runner through every answer)."""

import itertools
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from preview_tui.flow import Flow
from preview_tui.survey import answers as A
from preview_tui.survey.runner import ClipItem, EndItem, PageItem, Runner
from preview_tui.survey.study import load_study
from preview_tui.survey.walk import conditions, walk
from studies import opts, page, q, write_study

CLIP = {"type": "clip", "id": "trailer", "title": "Trailer", "file": "trailer.mp4"}


def with_media(root: Path, *names: str) -> Path:
    for name in names:
        (root / "media" / name).write_bytes(b"")
    return load_study(root)


def note(runner: Runner, clip: str, percent, completed: bool) -> None:
    """What the app's flow notes when a play of a clip is over (Flow.note_exposure itself)."""
    Flow.note_exposure(SimpleNamespace(runner=runner), clip, percent, completed)


def start(study, **kw) -> Runner:
    runner = Runner(study, code="T1", **kw)
    runner.choose_language("en")
    runner.consent(True)
    return runner


def test_a_required_whole_number_with_a_min_and_a_completed_clip_are_walked(tmp_path):
    root = write_study(tmp_path / "s", [
        page("about", q("age", "numeric", min=18, max=99)),  # required, whole, min given as a float by the schema
        page("fans", q("why", "text"), show_if="completed.trailer"),
        page("quitters", q("why_stop", "text"), show_if="watched.trailer < 50"),  # no condition reads age
        page("after", q("more", "text")),
    ], steps=[CLIP, {"type": "survey", "survey": "s"}])
    study = with_media(root, "trailer.mp4")
    report = walk(study)
    assert report.complete and report.proven, report.lines()
    assert not any(line.startswith(("dead end", "never", "not ")) for line in report.lines()), report.lines()
    out = subprocess.run([sys.executable, "-m", "preview_tui", "validate", "--walk", str(root)], capture_output=True, text=True)
    assert out.returncode == 0 and "dead end" not in out.stdout and "pages reached: 4/4" in out.stdout, out.stdout + out.stderr
    # what the bot reached, the app reaches: a clip watched to the end opens "fans", one stopped early "quitters"
    runner = start(study)
    note(runner, "trailer", 100.0, True)
    runner.finish_stimulus()
    assert runner.check({"age": 18}) == []
    runner.submit_page({"age": 18})
    assert runner.current.page.id == "fans"
    runner = start(study)
    note(runner, "trailer", 30.0, False)
    runner.finish_stimulus()
    runner.submit_page({"age": 40})
    assert runner.current.page.id == "quitters"


def test_a_condition_on_a_calculated_value_is_reached_by_pairing_answers(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1", q("a", "numeric", min=0, max=10), q("b", "numeric", min=0, max=10), calculate=[{"id": "product", "value": "a * b"}]),
        page("p2", q("c", "rating", points=5)),
        page("p3", q("d", "rating", points=5), calculate=[{"id": "total", "value": "c + d * 10"}]),
        page("p42", q("x", "text"), show_if="product == 42"),  # only 6 x 7 or 7 x 6, on one page
        page("p43", q("y", "text"), show_if="total == 43"),  # only c = 3 with d = 4, across pages
    ])
    study = load_study(root)
    report = walk(study)
    assert report.complete and report.proven, report.lines()
    runner = start(study)
    for values in ({"a": 6, "b": 7}, {"c": 3}, {"d": 4}):
        runner.submit_page(values)
    assert runner.current.page.id == "p42"
    runner.submit_page({"x": "x"})
    assert runner.current.page.id == "p43"


def test_each_quota_cell_is_full_on_its_own(tmp_path):
    root = write_study(tmp_path / "s", [
        page("who", q("gender", "single", options=opts(1, 2)), q("region", "single", options=opts(1, 2))),
        page("rest", q("r", "text")),
    ], quotas=[
        {"id": "women", "when": "gender == 1", "target": 5, "reason": "women_full"},
        {"id": "north_women", "when": "gender == 1 and region == 2", "target": 2, "reason": "north_full"},
    ])
    study = load_study(root)
    report = walk(study)
    assert report.complete and report.proven, report.lines()
    assert report.ends["screened_out (north_full)"] and report.ends["screened_out (women_full)"]
    runner = start(study, full_quotas={"north_women"})  # the app: only the northern women's cell has its target
    assert runner.submit_page({"gender": 1, "region": 2}) == EndItem("screened_out", "north_full")


@pytest.mark.parametrize("method", ["random", "latin_square"])
def test_every_order_of_the_stimuli_is_explored(tmp_path, method):
    clips = [dict(CLIP, id=cid, file=f"{cid}.mp4") for cid in ("first", "second")]
    root = write_study(tmp_path / "s", [
        page("p1", q("a", "text")),
        page("second_seen", q("b", "text"), show_if="completed.second"),  # only when "second" is shown before the survey
    ], steps=[clips[0], {"type": "survey", "survey": "s"}, clips[1]], screening={"stimulus_order": {"steps": ["first", "second"], "method": method}})
    study = with_media(root, "first.mp4", "second.mp4")
    report = walk(study)
    assert report.complete and report.proven, report.lines()
    assert report.orders == (2, 2)
    # the app's runner shows "second" first for some participants: by seed, or by Latin-square row
    kw = [{"seed": f"walk-{i}", "stimulus_row": 0} for i in range(8)] if method == "random" else [{"stimulus_row": i} for i in range(2)]
    firsts = {Runner(study, code="T", **k).items[2].step.id for k in kw}
    assert firsts == {"first", "second"}


def test_a_study_too_big_to_walk_stops_in_time_and_claims_nothing(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from load_validate import write_study as bench_study

    bench_study(tmp_path / "big", 2000)
    report = walk(load_study(tmp_path / "big"), max_seconds=1.0)
    lines = report.lines()
    assert report.truncated and not report.proven
    assert any("stopped at the limit" in line for line in lines)
    assert not any(line.startswith(("never reached", "not covered", "dead end")) for line in lines), lines[:8]
    assert any(line.startswith("not seen: ") and line.endswith("in what the bot tried") for line in lines)


# -- every "never" is real: the runner driven through every answer agrees ---------------------------

def _domain(question) -> list:
    """Every answer the app can give to the small questions of the study below."""
    if question.type == "single":
        return [o.code for o in question.options]
    if question.type == "rating":
        return list(range(1, question.points + 1))
    if question.type == "numeric":
        return list(range(int(question.min), int(question.max) + 1))
    return ["x"]


def _exhaustive(study) -> tuple[set[tuple[str, bool]], set[str]]:
    """Every (condition, outcome) and page that any participant can reach, by brute force."""
    seen: set[tuple[str, bool]] = set()
    pages: set[str] = set()
    watched = [None] + [p * 2.5 for p in range(0, 41)]  # what the flow notes, on a grid that holds every constant below
    stack = []
    for percent, completed, shown in itertools.product(watched, (False, True), (False, True)):
        runner = Runner(study, code="T", trace=lambda key, result: seen.add((key, result)))
        runner.choose_language("en")
        runner.consent(True)
        if shown:
            note(runner, "trailer", percent, completed)
        runner.finish_stimulus()
        stack.append(runner)
    while stack:
        runner = stack.pop()
        item = runner.current
        if isinstance(item, ClipItem) or not isinstance(item, PageItem):
            continue
        pages.add(item.page.id)
        shown = runner.questions(item.page)
        for combo in itertools.product(*[_domain(x) for x in shown]):
            values = dict(zip([x.id for x in shown], combo))
            child = Runner.__new__(Runner)
            child.__dict__.update(runner.__dict__, answers=dict(runner.answers), exposure=dict(runner.exposure), orders=dict(runner.orders))
            if child.check(values):
                continue
            child.submit_page(values)
            stack.append(child)
    return seen, pages


def test_every_never_true_the_walker_reports_is_unreachable(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1", q("a", "rating", points=3), q("b", "rating", points=3), calculate=[{"id": "score", "value": "a + b"}]),
        page("high", q("h", "text"), show_if="score > 6"),  # a + b is at most 6: never true
        page("six", q("e", "text"), show_if="score == 6 and completed.trailer"),
        page("both", q("z", "text"), show_if="a == 2 and a == 3"),  # never true
        page("p2", q("n", "numeric", min=0, max=7), q("k", "single", options=opts(1, 2, 3), show_if="watched.trailer >= 97.5")),
        page("p3", q("t", "text"), show_if="n * 2 == 13 or watched.trailer > 100"),  # never true
        page("p4", q("u", "text"), show_if="n > a + b and not completed.trailer", screen_out=[{"when": "k == 3 and n == 7", "reason": "odd"}]),
    ], steps=[CLIP, {"type": "survey", "survey": "s"}])
    study = with_media(root, "trailer.mp4")
    report = walk(study)
    assert report.proven, report.lines()
    seen, pages = _exhaustive(study)
    walked = {(key, outcome) for key, outcomes in report.branches.items() for outcome in outcomes}
    assert walked == seen  # the walker saw exactly what can happen: nothing more, nothing less
    assert report.reached == pages
    never = report.uncovered()
    assert {"page:high:show_if is never true", "page:both:show_if is never true", "page:p3:show_if is never true"} <= set(never)
    for line in never:
        key, outcome = line.split(" is never ")
        assert (key, outcome == "true") not in seen
    assert set(conditions(study)) == set(report.branches)
    assert not A.is_empty(report.ends["screened_out (odd)"])
