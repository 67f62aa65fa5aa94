"""A screen-out keeps only what was answered up to the question that triggered it.

Real station files: the rows left in them, the audit entries of the screen-out and the CSV export.
"""

from __future__ import annotations

import csv
import sqlite3

import pytest

from conftest import rows
from preview_tui.db import audit
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store, StoreError
from preview_tui.db.reader import Source
from preview_tui.export.run import export
from preview_tui.flow import Flow, Participant
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study


def screener(tmp_path):
    """p0: a seen-before question; p1: a follow-up shown to some, the age (under 18 screens out), the gender; three more pages."""
    return load_study(write_study(tmp_path / "study", [
        page("p0", q("seen", "single", options=opts(1, 2))),
        page("p1",
             q("pet", "text", required=False, show_if="seen == 2"),
             q("age", "single", options=opts(1, 2, 3), screen_out=[{"when": "age == 1", "reason": "under_18"}]),
             q("gender", "single", options=opts(1, 2)),
             calculate=[{"id": "adult", "value": "age >= 2"}, {"id": "both", "value": "gender == 1 and seen == 1"}]),
        page("p2", q("visits", "single", options=opts(1, 2, 3))),
        page("p3", q("genre", "single", options=opts("drama", "other", other={"other": True}))),
        page("p4", q("last", "text", required=False)),
    ]))


async def begin(study, store, code):
    flow = await Flow.start(study, store, Participant(code=code), station="t")
    await flow.choose_language("en")
    await flow.consent(True)
    return flow


async def screener_page(flow, seen, **p1):
    assert await flow.submit_page({"seen": seen}) == []
    return await flow.submit_page(p1)


async def exported(study, db, tmp_path):
    out = tmp_path / "out"
    await export(study, Source(db), out, formats=("csv",))
    with open(out / f"{study.id}.csv", newline="", encoding="utf-8") as f:
        return {row["participant_code"]: row for row in csv.DictReader(f)}


def session_entries(db, code):
    return rows(db, f"select seq, kind, subject from audit_log where session_id = (select id from sessions where participant_code = '{code}') order by seq")


async def test_going_back_and_screening_out_clears_every_later_page(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = screener(tmp_path)
    async with Store(db) as store:
        flow = await begin(study, store, "B1")
        assert await screener_page(flow, 1, age=2, gender=1) == []
        assert await flow.submit_page({"visits": 3}) == []
        assert await flow.submit_page({"genre": "other", "genre.other": "westerns"}) == []
        assert flow.current.page.id == "p4"
        for _ in range(3):
            await flow.back()
        assert flow.current.page.id == "p1"
        assert await flow.submit_page({"age": 1, "gender": 1}) == []  # now under 18
        assert flow.current.kind == "end" and flow.current.outcome == "screened_out"
        assert flow.runner.answers == {"seen": 1, "age": 1, "adult": False}

    assert rows(db, "select status, outcome_reason from sessions") == [("screened_out", "under_18")]
    assert dict(rows(db, "select question_id, value from answers")) == {"seen": 1, "age": 1, "adult": "false"}
    entries = session_entries(db, "B1")
    # The screen-out is one write: the clearing, the page's kept answers and the end, one block of the chain.
    block = [(kind, subject) for _, kind, subject in entries[-9:]]
    assert block[-1] == (audit.SESSION_ENDED, "screened_out")
    assert sorted(s for k, s in block if k == audit.ANSWER_CLEARED) == ["both", "gender", "genre", "genre.other", "visits"]
    assert sorted(s for k, s in block if k == audit.ANSWER) == ["adult", "age"] and (audit.PAGE_LEFT, "p1") in block
    assert [seq for seq, _, _ in entries[-9:]] == list(range(entries[-9][0], entries[-9][0] + 9))  # nothing in between
    assert audit.verify(db).ok

    row = (await exported(study, db, tmp_path))["B1"]
    assert (row["seen"], row["age"]) == ("1", "1")
    assert {k: row[k] for k in ("gender", "visits", "genre", "genre_specify", "last", "both")} == {k: "-99" for k in ("gender", "visits", "genre", "genre_specify", "last", "both")}
    assert row["adult"] == "0"  # worked out from the age, which was asked: kept
    assert row["pet"] == "-98"  # before the age but not shown: not shown, as ever


async def test_the_rest_of_the_screening_page_is_not_kept(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = screener(tmp_path)
    async with Store(db) as store:
        young = await begin(study, store, "U1")
        assert await screener_page(young, 2, age=1, gender=1) == []
        assert young.current.outcome == "screened_out"
        done = await begin(study, store, "C1")  # an adult on the same page: everything kept
        assert await screener_page(done, 2, age=3, gender=1) == []
        assert done.current.page.id == "p2"
        left_empty = await begin(study, store, "C2")  # p1 answered, p2 answered, then the age changed
        await screener_page(left_empty, 2, age=3, gender=2)
        await left_empty.submit_page({"visits": 1})
        await left_empty.back()
        await left_empty.back()
        await left_empty.submit_page({"age": 1, "gender": 2})

    by_code = lambda code: dict(rows(db, f"select question_id, value from answers where session_id = (select id from sessions where participant_code = '{code}')"))
    assert by_code("U1") == {"seen": 2, "age": 1, "adult": "false"}
    assert by_code("C1") == {"seen": 2, "age": 3, "gender": 1, "adult": "true", "both": "false"}
    assert by_code("C2") == {"seen": 2, "age": 1, "adult": "false"}
    cleared = [s for _, k, s in session_entries(db, "C2") if k == audit.ANSWER_CLEARED]
    assert sorted(cleared) == ["both", "gender", "visits"]
    assert [s for _, k, s in session_entries(db, "U1") if k == audit.ANSWER_CLEARED] == []  # never stored, nothing to clear
    assert audit.verify(db).ok

    table = await exported(study, db, tmp_path)
    assert (table["U1"]["age"], table["U1"]["gender"], table["U1"]["visits"]) == ("1", "-99", "-99")
    assert table["U1"]["pet"] == ""  # shown before the age and left empty
    assert (table["C2"]["gender"], table["C2"]["visits"]) == ("-99", "-99")
    assert (table["C1"]["gender"], table["C1"]["visits"]) == ("1", "")  # still in progress on p2: nothing to say


async def test_a_screen_out_that_cannot_be_stored_clears_nothing(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = screener(tmp_path)
    async with Store(db) as store:
        flow = await begin(study, store, "F1")
        await screener_page(flow, 1, age=2, gender=1)
        await flow.submit_page({"visits": 2})
        await flow.back()
        await flow.back()
        con = sqlite3.connect(db)
        con.execute("CREATE TRIGGER refuse_end BEFORE UPDATE OF status ON sessions WHEN NEW.status = 'screened_out' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        con.commit()
        con.close()
        with pytest.raises(StoreError):
            await flow.submit_page({"age": 1, "gender": 1})
        assert flow.current.page.id == "p1" and flow.runner.answers["visits"] == 2  # the runner has not moved
    assert rows(db, "select status from sessions") == [("in_progress",)]
    assert dict(rows(db, "select question_id, value from answers"))["visits"] == 2
    assert not [k for _, k, _ in session_entries(db, "F1") if k == audit.ANSWER_CLEARED]


def runner_on(root, **kw):
    from preview_tui.survey.runner import Runner

    r = Runner(load_study(root), code=kw.pop("code", "P1"), **kw)
    r.choose_language("en")
    r.consent(True)
    return r


def test_the_trigger_is_the_last_question_a_page_rule_or_a_quota_reads(tmp_path):
    root = write_study(tmp_path / "calc", [
        page("p1",
             q("name", "text"),
             q("years", "numeric", min=0, max=120),
             q("gender", "single", options=opts(1, 2)),
             q("city", "text"),
             calculate=[{"id": "minor", "value": "years < 18"}],
             screen_out=[{"when": "years < 18", "reason": "minor"}]),
        page("p2", q("x", "text")),
    ], quotas=[{"id": "women", "when": "gender == 2", "target": 1, "reason": "women_full"}])
    result = runner_on(root).submit({"name": "Ann", "years": "12", "gender": 2, "city": "Lyon"})
    assert result.screen_out.reason == "minor"
    assert result.answers == {"name": "Ann", "years": 12, "minor": True}  # the page's rule reads the age; 'minor' reads only the age
    assert {"gender", "city", "x"} <= set(result.clear) and result.later_pages == ("p2",)
    full = runner_on(root, full_quotas={"women"}).submit({"name": "Bo", "years": "30", "gender": 2, "city": "Lyon"})
    assert full.screen_out.reason == "women_full"
    assert full.answers == {"name": "Bo", "years": 30, "gender": 2, "minor": False}  # the quota reads the gender: the city goes


def test_on_a_shuffled_page_the_order_shown_decides_what_is_kept(tmp_path):
    questions = [q(f"q{i}", "text") for i in range(6)] + [q("age", "single", options=opts(1, 2), screen_out=[{"when": "age == 1", "reason": "minor"}])]
    root = write_study(tmp_path / "shuffled", [page("p1", *questions, randomize=True)])
    values = {**{f"q{i}": f"a{i}" for i in range(6)}, "age": 1}
    for code in ("S1", "S2", "S3"):
        r = runner_on(root, code=code)
        result = r.submit(values)
        shown = r.orders["questions:p1"]
        before = shown[: shown.index("age") + 1]
        assert set(result.answers) == set(before) and result.asked == tuple(before)
        r.accept(result)
        assert r.current.outcome == "screened_out" and set(r.answers) == set(before)
