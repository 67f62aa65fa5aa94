"""Consent: what is collected, the local notice, the age gate and the separate rewards opt-in."""

import re

import pytest
import yaml

from conftest import rows
from preview_tui.survey.errors import StudyError
from preview_tui.survey.jurisdiction import minimum_age
from preview_tui.survey.runner import Runner
from preview_tui.consent_text import consent_markdown
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study
from test_walk_demo import make_app, walk


def test_a_sensitive_category_missing_from_the_consent_is_a_located_error(tmp_path):
    root = write_study(tmp_path / "s", [page("p1", q("faith", "single", sensitive="religion", options=opts(1, 2)))], consent={"version": "1", "text": "ok?", "categories": ["answers"]})
    with pytest.raises(StudyError) as caught:
        load_study(root)
    assert any(re.search(r"surveys/s\.yaml:\d+:\d+: sensitive category 'religion' is not listed in the consent's categories", str(p)) for p in caught.value.problems), caught.value.problems


def test_a_station_jurisdiction_without_its_notice_is_a_located_error(demo_study):
    config = demo_study / "config.yaml"
    config.write_text(config.read_text().replace("  jurisdiction: us-ca", "  jurisdiction: us-ny"))
    with pytest.raises(StudyError) as caught:
        load_study(demo_study)
    assert any("no privacy notice for jurisdiction 'us-ny'" in str(p) and re.search(r"config\.yaml:\d+:\d+", str(p)) for p in caught.value.problems)


def test_the_minimum_age_is_the_age_of_majority_of_the_room_or_the_studys_own():
    assert minimum_age(None, None) == 18
    assert minimum_age(None, "us-ca") == 18
    assert minimum_age(None, "us-ms") == 21
    assert minimum_age(None, "ca-bc") == 19
    assert minimum_age(25, "us-ms") == 25
    assert minimum_age(18, "us-al") == 19


def test_the_consent_document_lists_the_categories_and_the_notice_and_the_hash_covers_it(demo_study):
    study = load_study(demo_study)
    runner = Runner(study, code="C1")
    runner.choose_language("de")
    document = consent_markdown(runner.consent_facts())
    assert "Was wir erheben" in document and "Finanzielle Situation (sensibel)" in document
    assert "Hinweis bei der Erhebung (Kalifornien)" in document and "LGPD" not in document
    before = runner.consent_hash()
    config = yaml.safe_load((demo_study / "config.yaml").read_text())
    config["study"]["notices"]["us-ca"]["de"] += " Geändert."
    (demo_study / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    changed = Runner(load_study(demo_study), code="C1")
    changed.choose_language("de")
    assert changed.consent_hash() != before  # a different notice shown is a different consent


def test_the_engine_hands_the_consents_facts_and_the_interface_lays_them_out(tmp_path):
    root = write_study(tmp_path / "st", [page("p1", q("a", "single", options=opts(1, 2)))],
                       consent={"version": "7", "text": "  Agree?  \n", "categories": ["answers", "finances"]},
                       rewards={"text": " Join us. "})
    runner = Runner(load_study(root), code="C1")
    runner.choose_language("en")
    facts = runner.consent_facts()
    assert (facts.version, facts.language, facts.text, facts.categories, facts.notice, facts.rewards) == ("7", "en", "Agree?", ("answers", "finances"), "", "Join us.")
    assert consent_markdown(facts) == "Agree?\n\n**What we collect**\n\n- Your answers to the questions\n- Financial situation (sensitive)"
    bare = write_study(tmp_path / "bare", [page("p1", q("a", "single", options=opts(1, 2)))], consent={"version": "7", "text": "Agree?"})
    plain = Runner(load_study(bare), code="C1")
    plain.choose_language("en")
    assert consent_markdown(plain.consent_facts()) == "Agree?"  # no heading without categories, no notice without a jurisdiction
    assert plain.consent_hash() != runner.consent_hash() and len(plain.consent_hash()) == 64


async def test_agreeing_leaves_the_rewards_box_unticked_unless_the_participant_ticks_it(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"A001", "enter"], ["enter"])
        screen = app.screen
        assert "I am 18 or older and I agree" in str(screen.query_one("#accept").label)
        assert screen.query_one("#rewards").value is False
        await walk(pilot, ["enter"])  # agree, nothing else
        assert app.flow.current.kind == "page"
        first = app.flow.session_id
        hash_shown = app.flow.runner.consent_hash()
    assert rows(db, f"select rewards_opt_in, consent_hash from sessions where id = '{first.hex}'") == [(0, hash_shown)]
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"A002", "enter"], ["enter"])
        app.screen.query_one("#rewards").focus()
        await walk(pilot, ["space"])
        app.screen.query_one("#accept").focus()
        await walk(pilot, ["enter"])
        assert app.flow.current.kind == "page"
    assert rows(db, "select participant_code, rewards_opt_in from sessions order by started_at") == [("A001", 0), ("A002", 1)]
    kinds = [(k, s) for k, s in rows(db, "select kind, subject from audit_log where kind = 'rewards' order by seq")]
    assert kinds == [("rewards", "declined"), ("rewards", "opted_in")]


async def test_a_participant_under_age_ends_politely_and_nothing_of_theirs_is_kept(demo_study, tmp_path):
    db = tmp_path / "station.sqlite"
    app = make_app(demo_study, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(pilot, [*"U001", "enter"], ["down", "enter"])  # French
        assert "J'ai moins de 18 ans" in str(app.screen.query_one("#under-age").label)
        app.screen.query_one("#under-age").focus()
        await walk(pilot, ["enter"])
        assert app.flow.current.kind == "end" and app.flow.current.reason == "under_age"
    assert rows(db, "select participant_code, seat, language, status, outcome_reason, consent_hash from sessions") == [(None, None, None, "screened_out", "under_age", None)]
    assert rows(db, "select count(*) from answers") == [(0,)]
