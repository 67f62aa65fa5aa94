from pathlib import Path

import pytest

from preview_tui.survey.errors import StudyError
from preview_tui.survey.expr import ExprError, parse
from preview_tui.survey.runner import Runner
from preview_tui.survey.study import load_study

ROOT = Path(__file__).resolve().parents[1]


def test_demo_study_loads():
    study = load_study(ROOT)
    assert study.id == "lighthouse_preview"
    assert [q.id for _, _, q in study.questions()][:2] == ["age_band", "gender"]


def test_runner_steps_through_and_checks_answers():
    r = Runner(load_study(ROOT), code="P1")
    r.choose_language("de")
    r.consent(True)
    assert [p.key for p in r.check({})] == ["required", "required"]
    assert r.submit_page({"age_band": 3, "gender": "prefer_not"}) is None
    assert [p.key for p in r.check({"cinema_visits": 2, "genres": [], "budget": "20"})] == ["required"]
    r.submit_page({"cinema_visits": 2, "genres": ["comedy", "drama"], "budget": "20"})
    assert r.answers["genres"] == ["drama", "comedy"]  # normalised to the study's order
    assert r.current.page.id == "genre_follow_up"  # shown: two genres
    r.submit_page({})
    r.submit_page({})
    assert r.current.kind == "storyboard"
    r.finish_stimulus()
    r.finish_stimulus()
    assert r.current.kind == "page" and not r.can_go_back()


def test_screen_out_ends_the_flow():
    r = Runner(load_study(ROOT))
    r.choose_language("en")
    r.consent(True)
    assert r.submit_page({"age_band": 1, "gender": 2}).reason == "under_18"
    assert r.current.kind == "end"


@pytest.mark.parametrize("source,column", [("a ==", 5), ("3 $ 4", 3), ("nope(1)", 1)])
def test_bad_expressions_say_where(source, column):
    with pytest.raises(ExprError) as err:
        parse(source)
    assert err.value.column == column


def test_expression_values():
    env = {"age": 17, "g": ["x"], "participant.language": "fr"}
    assert parse("age < 18 and selected(g, 'x') and participant.language == 'fr'").holds(env)
    assert not parse("missing > 3").holds(env)


def test_unknown_reference_is_located(demo_study):
    p = demo_study / "surveys" / "screener.yaml"
    p.write_text(p.read_text().replace('"age_band == 1"', '"age_bnd == 1"'))
    with pytest.raises(StudyError) as err:
        load_study(demo_study)
    assert "did you mean 'age_band'" in str(err.value)
    assert "surveys/screener.yaml:" in str(err.value) or "screener.yaml:" in str(err.value)
