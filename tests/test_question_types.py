"""Every question type: what the runner accepts, what it stores, and its logic."""

from collections import Counter

import pytest

from preview_tui.survey.order import latin_square_row
from preview_tui.survey.runner import Runner
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study


def start(root, **kw) -> Runner:
    r = Runner(load_study(root), code=kw.pop("code", "P1"), **kw)
    r.choose_language("en")
    r.consent(True)
    return r


def keys(r, values):
    return {p.question_id: p.key for p in r.check(values)}


@pytest.fixture
def every_type(tmp_path):
    return write_study(tmp_path / "s", [
        page("p1",
             q("one", "single", options=opts(1, 2, "other", other={"other": True})),
             q("many", "multi", min_selected=2, max_selected=3, options=opts("a", "b", "c", "d", "none", none={"exclusive": True})),
             q("stars", "rating", points=7, special=[{"code": "dont_know", "label": "Don't know"}]),
             q("rec", "nps"),
             q("vas", "slider", min=0, max=100, required=False),
             q("age", "numeric", min=18, max=99),
             q("spend", "numeric", decimal=True, min=0, required=False),
             q("said", "text", min_length=3, max_length=10),
             q("when", "date", min="2020-01-01", max="2030-12-31"),
             q("grid", "matrix", rows=opts("r1", "r2"), scale=opts(1, 2, 3)),
             q("order", "ranking", options=opts("x", "y", "z")),
             q("frame", "image_choice", options=[{"code": i, "label": f"f{i}", "image": f"board-{i}.png"} for i in (1, 2)]),
             ),
    ])


GOOD = {
    "one": "other", "one.other": "  a friend ", "many": ["c", "a"], "stars": "dont_know", "rec": 0, "vas": None,
    "age": "42", "spend": "12,50", "said": " hello ", "when": "2026-11-22", "grid": {"r1": 1, "r2": 3},
    "order": ["z", "x", "y"], "frame": 2,
}


def test_valid_answers_are_accepted_and_stored_normalised(every_type):
    r = start(every_type)
    assert r.check(GOOD) == []
    stored = r.answers_for_page(GOOD)
    assert stored == {
        "one": "other", "one.other": "a friend", "many": ["a", "c"], "stars": "dont_know", "rec": 0, "age": 42,
        "spend": 12.5, "said": "hello", "when": "2026-11-22", "grid": {"r1": 1, "r2": 3}, "order": ["z", "x", "y"], "frame": 2,
    }


@pytest.mark.parametrize("qid,value,key", [
    ("one", 3, "invalid_choice"),
    ("one", "other", "specify"),  # "Other" chosen, nothing typed
    ("many", ["a"], "min_selected"),
    ("many", ["a", "b", "c", "d"], "max_selected"),
    ("many", ["a", "none"], "exclusive"),
    ("stars", 8, "out_of_range"),
    ("stars", "maybe", "out_of_range"),
    ("rec", 11, "out_of_range"),
    ("vas", 101, "out_of_range"),
    ("age", "forty", "not_a_number"),
    ("age", "42.5", "not_whole"),
    ("age", "17", "out_of_range"),
    ("spend", "-1", "out_of_range"),
    ("said", "hi", "too_short"),
    ("said", "x" * 11, "too_long"),
    ("when", "22/11/2026", "not_a_date"),
    ("when", "2031-01-01", "out_of_range"),
    ("grid", {"r1": 1}, "incomplete"),
    ("grid", {"r1": 9, "r2": 1}, "invalid_choice"),
    ("order", ["x", "y"], "invalid_choice"),
    ("frame", 3, "invalid_choice"),
])
def test_each_constraint_is_checked(every_type, qid, value, key):
    r = start(every_type)
    values = dict(GOOD, **{qid: value})
    if qid == "one":
        values.pop("one.other")
    assert keys(r, values) == {qid: key}


def test_exclusive_option_alone_passes_min_selected(every_type):
    assert keys(start(every_type), dict(GOOD, many=["none"])) == {}


def test_required_soft_and_optional(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("a", "text"), q("b", "text", required="soft", messages={"soft_required": "Sure?"}), q("c", "text", required=False))])
    r = start(root)
    problems = r.check({})
    assert [(p.question_id, p.key, p.soft) for p in problems] == [("a", "required", False), ("b", "soft_required", True)]
    assert problems[1].message == "Sure?"
    r.warn(problems)
    assert keys(r, {"a": "x"}) == {}  # warned once: now it lets the participant go on
    assert r.submit_page({"a": "x"}) is None and r.current.kind == "end"


def test_study_messages_replace_the_app_words(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("n", "numeric", max=5, messages={"out_of_range": {"en": "Five at most."}}))])
    [problem] = start(root).check({"n": 6})
    assert problem.key == "out_of_range" and problem.message == {"en": "Five at most."}


def test_calculations_and_piping(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1", q("fav", "single", options=[{"code": 1, "label": "Drama"}, {"code": 2, "label": "Comedy"}]), q("n1", "numeric"), q("n2", "numeric", required=False),
             calculate=[{"id": "total", "value": "sum(n1, n2)"}, {"id": "big", "value": "total > 10"}]),
        page("p2", q("why", "text", text="Why {fav}, {participant.code}? Total {total}, other {n2|none}. {{literal}}")),
    ])
    r = start(root, code="P7")
    r.submit_page({"fav": 1, "n1": "12"})
    assert r.answers == {"fav": 1, "n1": 12, "total": 12, "big": True}
    why = r.questions(r.current.page)[0]
    assert r.text(why.text) == "Why Drama, P7? Total 12, other none. {literal}"


def test_show_if_on_question_page_and_block(tmp_path):
    root = write_study(tmp_path / "s", survey={"id": "s", "blocks": [
        {"id": "b1", "pages": [page("p1", q("fan", "single", options=opts(1, 2)))]},
        {"id": "b2", "show_if": "fan == 1", "pages": [page("p2", q("why", "text"))]},
        {"id": "b3", "pages": [page("p3", q("x", "text", show_if="fan == 2"), q("y", "text")), page("p4", q("z", "text"), show_if="fan == 2")]},
    ]})
    r = start(root)
    r.submit_page({"fan": 2})
    assert r.current.page.id == "p3" and [x.id for x in r.questions(r.current.page)] == ["x", "y"]
    r = start(root)
    r.submit_page({"fan": 1})
    assert r.current.page.id == "p2"
    r.submit_page({"why": "w"})
    assert [x.id for x in r.questions(r.current.page)] == ["y"]
    r.submit_page({"y": "y"})
    assert r.current.kind == "end"  # p4 skipped


def test_option_order_is_seeded_per_participant_and_anchors_stay(tmp_path):
    options = opts("a", "b", "c", "d", "e", "other", other={"anchor": True, "other": True})
    root = write_study(tmp_path / "s", [page("p", q("o", "single", randomize=True, options=options))])
    study = load_study(root)
    orders = []
    for code in [f"P{i}" for i in range(40)]:
        r = Runner(study, code=code)
        first = [o.code for o in r.options(study.question("o"))]
        assert first == [o.code for o in Runner(study, code=code).options(study.question("o"))]  # reproducible
        assert first[-1] == "other" and sorted(first[:-1]) == ["a", "b", "c", "d", "e"]
        assert r.orders["options:o"] == first  # the order shown is what is stored
        orders.append(tuple(first))
    assert len(set(orders)) > 10


def test_question_page_and_block_orders_are_shuffled(tmp_path):
    root = write_study(tmp_path / "s", survey={"id": "s", "randomize_blocks": True, "anchored_blocks": ["last"], "blocks": [
        {"id": "b1", "randomize": True, "pages": [page("p1", q("a", "text")), page("p2", q("b", "text"))]},
        {"id": "b2", "pages": [page("p3", q("c", "text"), q("d", "text"), q("e", "text"), randomize=True)]},
        {"id": "last", "pages": [page("p4", q("f", "text"))]},
    ]})
    study = load_study(root)
    seen = Counter()
    for i in range(30):
        r = Runner(study, code=f"C{i}")
        pages = [item.page.id for item in r.items if item.kind == "page"]
        assert pages[-1] == "p4" and sorted(pages) == ["p1", "p2", "p3", "p4"]
        p3 = next(item.page for item in r.items if item.kind == "page" and item.page.id == "p3")
        seen[(tuple(pages), tuple(x.id for x in r.questions(p3)))] += 1
        assert r.orders["blocks:s"][-1] == "last"
    assert len(seen) > 5


def test_latin_square_is_balanced():
    for n in (2, 3, 4, 5):
        rows = [latin_square_row(n, r) for r in range(n if n % 2 == 0 else 2 * n)]
        for row in rows:
            assert sorted(row) == list(range(n))
        for position in range(n):
            assert Counter(row[position] for row in rows) == Counter({c: len(rows) // n for c in range(n)})
        follows = Counter((row[i], row[i + 1]) for row in rows for i in range(n - 1))
        assert len(set(follows.values())) == 1  # every ordered pair equally often


def test_stimulus_order_is_chosen_when_the_stimuli_are_reached(tmp_path):
    steps = [{"type": "survey", "survey": "s"}, {"type": "clip", "id": "c1", "title": "one", "file": "a.mp4"}, {"type": "clip", "id": "c2", "title": "two", "file": "b.mp4"}]
    root = write_study(tmp_path / "s", [page("p", q("a", "text"))], steps=steps, screening={"stimulus_order": {"steps": ["c1", "c2"]}})
    study = load_study(root)
    assert Runner(study, stimulus_row=0).orders["stimuli"] == ["c1", "c2"]
    r = Runner(study)
    assert r.stimuli.rows() == [["c1", "c2"], ["c2", "c1"]]
    r.choose_language("en")
    r.consent(True)
    assert not r.stimulus_order_due() and "stimuli" not in r.orders  # not before the stimuli
    r.submit_page({"a": "x"})
    assert r.stimulus_order_due()
    r.assign_stimuli(r.stimuli.order(1))
    assert r.orders["stimuli"] == ["c2", "c1"] and not r.stimulus_order_due()
    assert [item.step.id for item in r.items if item.kind == "clip"] == ["c2", "c1"]


def test_screen_out_and_full_quota(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("age", "numeric", screen_out=[{"when": "age < 18", "reason": "minor"}]), q("g", "single", options=opts(1, 2))), page("p2", q("x", "text"))],
                       quotas=[{"id": "women", "when": "g == 2", "target": 1, "reason": "quota_women"}])
    assert start(root).submit_page({"age": "16", "g": 1}).reason == "minor"
    assert start(root, full_quotas={"women"}).submit_page({"age": "30", "g": 2}).reason == "quota_women"
    assert start(root, full_quotas={"women"}).submit_page({"age": "30", "g": 1}) is None
    assert start(root).submit_page({"age": "30", "g": 2}) is None


def test_special_codes_are_stored_not_missing(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("n", "numeric", special=[{"code": "prefer_not", "label": "Prefer not to say"}])), page("p2", q("later", "text", show_if="n == 'prefer_not'"))])
    r = start(root)
    r.submit_page({"n": "prefer_not"})
    assert r.answers == {"n": "prefer_not"}
    assert [x.id for x in r.questions(r.current.page)] == ["later"]


def test_every_app_word_is_in_every_language():
    from preview_tui.survey.schema import LANGUAGES, MESSAGE_KEYS
    from preview_tui.words import WORDS

    for key, entry in WORDS.items():
        assert set(entry) == set(LANGUAGES) and all(entry.values()), key
    for key in MESSAGE_KEYS:  # every problem the runner can report has app words
        assert key in WORDS, key


def test_matrix_rows_can_be_read_in_conditions(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1", q("grid", "matrix", rows=opts("pace", "cast"), scale=opts(1, 2, 3)), calculate=[{"id": "slow", "value": "grid.pace == 1"}]),
        page("p2", q("why", "text"), show_if="grid.pace == 1 and grid.cast >= 2"),
        page("p3", q("end", "text")),
    ])
    r = start(root)
    r.submit_page({"grid": {"pace": 1, "cast": 3}})
    assert r.answers["slow"] is True and r.current.page.id == "p2"
    r = start(root)
    r.submit_page({"grid": {"pace": 2, "cast": 3}})
    assert r.current.page.id == "p3"


def test_a_cross_quota_has_one_cell_per_combination(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("g", "single", options=opts(1, 2)), q("age", "single", options=opts("y", "o"))), page("p2", q("x", "text"))],
                       quotas=[{"id": "ga", "cross": {"g": [1, 2], "age": ["y", "o"]}, "target": 3, "reason": "cell_full"}])
    study = load_study(root)
    assert [cell for cell, _, _ in study.quota_cells()] == ["ga[g=1,age=y]", "ga[g=1,age=o]", "ga[g=2,age=y]", "ga[g=2,age=o]"]
    assert study.quota_cells()[1][1] == 'g == 1 and age == "o"'
    full = {"ga[g=2,age=o]"}
    assert start(root, full_quotas=full).submit_page({"g": 2, "age": "o"}).reason == "cell_full"
    assert start(root, full_quotas=full).submit_page({"g": 2, "age": "y"}) is None
