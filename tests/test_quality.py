"""The data-quality checks: attention, straight-lining and speeding, each firing and not, at their boundaries.

The engine's rules (``survey/quality.py``) on their own and through the runner; then a real station
file through the flow: the flags stored with their reasons, a screen-out with its reason code, and the
median rule counted from this station's completed sessions, with the central database and without it.
"""

from __future__ import annotations

import re
import socket
import time

import pytest

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.quality import PageClock
from preview_tui.survey import quality as Q
from preview_tui.survey.errors import StudyError
from preview_tui.survey.runner import Runner
from preview_tui.survey.schema import Quality
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study

AGREE = opts(1, 2, 3, 4, 5)


def grid(qid="grid", n=5, **extra):
    return q(qid, "matrix", rows=[{"code": f"r{i}", "label": f"row {i}"} for i in range(1, n + 1)], scale=AGREE, **extra)


def study_of(tmp_path, pages, **settings):
    return load_study(write_study(tmp_path / "study", pages, **settings))


def settings(**quality):
    return Quality.model_validate(quality)


# -- the rules on their own ------------------------------------------------------


def test_attention_on_each_kind_of_choice(tmp_path):
    study = study_of(tmp_path, [page("p",
        q("one", "single", options=opts(1, 2, 3), attention={"expect": 2}),
        q("many", "multi", options=opts("a", "b", "c"), attention={"expect": "b"}),
        q("order", "ranking", options=opts("x", "y"), attention={"expect": "y"}),
        q("m", "matrix", rows=[{"code": "r1", "label": "r1"}, {"code": "check", "label": "choose 4", "attention": {"expect": 4}}], scale=AGREE),
    )])
    one, many, order, m = (study.question(i) for i in ("one", "many", "order", "m"))
    assert Q.attention(one, 2) == []
    [flag] = Q.attention(one, 3)
    assert (flag.kind, flag.subject, flag.reason) == ("attention", "one", "attention check one: answered 3, expected 2")
    assert Q.attention(one, None) == []  # unanswered: required handles it
    assert Q.attention(many, ["b"]) == []
    assert [f.subject for f in Q.attention(many, ["a", "b"])] == ["many"]  # the option asked for, and only it
    assert Q.attention(order, ["y", "x"]) == []
    assert [f.subject for f in Q.attention(order, ["x", "y"])] == ["order"]
    assert Q.attention(m, {"r1": 1, "check": 4}) == []
    [flag] = Q.attention(m, {"r1": 4, "check": 5})
    assert (flag.subject, flag.question) == ("m.check", "m")


def test_straightlining_needs_enough_rows_all_the_same(tmp_path):
    study = study_of(tmp_path, [page("p", grid("five", 5), grid("four", 4), grid("off", 5, straightlining=False))])
    five, four, off = (study.question(i) for i in ("five", "four", "off"))
    rule = settings(straightlining={"min_rows": 5})
    same = {f"r{i}": 3 for i in range(1, 6)}
    flag = Q.straightlining(five, same, rule)
    assert flag is not None and flag.reason == "straight-lining five: all 5 rows answered 3"
    assert Q.straightlining(five, {**same, "r5": 4}, rule) is None  # one row differs
    assert Q.straightlining(five, {f"r{i}": 3 for i in range(1, 5)}, rule) is None  # 4 rows answered, 5 needed
    assert Q.straightlining(four, {f"r{i}": 3 for i in range(1, 5)}, settings(straightlining={"min_rows": 4})) is not None
    assert Q.straightlining(off, same, rule) is None  # the matrix's own switch
    assert Q.straightlining(five, same, settings()) is None  # the study does not check
    on = study_of(tmp_path / "on", [page("p", grid("g", 5, straightlining=True))]).question("g")
    assert Q.straightlining(on, same, settings()) is not None  # switched on by the matrix alone, 5 rows by default


def test_speeding_floors_are_strict_and_the_median_needs_enough_sessions():
    rule = settings(speeding={"page_floor_s": 3, "session_floor_s": 60, "median_fraction": 0.4, "median_min_sessions": 3})
    none = Q.Norms()
    assert Q.page_speeding("p", 2.99, rule, none).kind == "speeding_page"
    assert Q.page_speeding("p", 3.0, rule, none) is None  # exactly at the floor passes
    assert Q.page_speeding("p", None, rule, none) is None  # not timed whole
    assert Q.session_speeding(59.9, rule, none).reason == "speeding: session in 59.9 s, under the floor of 60 s"
    assert Q.session_speeding(60, rule, none) is None
    norms = Q.Norms(sessions=(100.0, 200.0, 300.0), pages={"p": (10.0, 20.0, 30.0)}, source="local")
    assert Q.session_speeding(79.9, rule, norms).reason == "speeding: session in 79.9 s, under 0.4 of the median 200.0 s (80.0 s; local)"
    assert Q.session_speeding(80.0, rule, norms) is None  # 0.4 x 200 exactly passes
    assert Q.page_speeding("p", 7.9, rule, norms) is not None and Q.page_speeding("p", 8.0, rule, norms) is None
    few = Q.Norms(sessions=(100.0, 200.0), pages={"p": (10.0, 20.0)})
    assert Q.session_speeding(61, rule, few) is None and Q.page_speeding("p", 4, rule, few) is None  # 2 sessions, 3 needed
    assert Q.page_speeding("other", 4, rule, norms) is None  # no completed session timed this page


def test_the_runner_flags_a_page_and_screens_out_with_the_reason_code(tmp_path):
    study = study_of(tmp_path, [
        page("p1", q("before", "single", options=opts(1, 2)), q("check", "single", options=opts(1, 2, 3), attention={"expect": 3, "screen_out": "inattentive"}), q("after", "single", options=opts(1, 2))),
        page("p2", q("later", "text", required=False)),
    ])
    runner = Runner(study, code="c")
    runner.choose_language("en")
    runner.consent(True)
    passed = runner.submit({"before": 1, "check": 3, "after": 2})
    assert passed.flags == () and passed.screen_out is None
    failed = runner.submit({"before": 1, "check": 1, "after": 2})
    assert failed.screen_out.reason == "inattentive"
    assert [f.subject for f in failed.flags] == ["check"]
    assert failed.asked == ("before", "check")  # kept up to the check; the question after it is cleared
    assert "after" in failed.clear and "later" in failed.clear


def test_a_flag_without_screen_out_lets_the_participant_go_on(tmp_path):
    study = study_of(tmp_path, [page("p1", grid()), page("p2", q("x", "text", required=False))], quality={"straightlining": {"min_rows": 5}})
    runner = Runner(study, code="c")
    runner.choose_language("en")
    runner.consent(True)
    result = runner.submit({"grid": {f"r{i}": 5 for i in range(1, 6)}})
    assert [f.kind for f in result.flags] == ["straightlining"] and result.screen_out is None
    runner.accept(result)
    assert runner.current.page.id == "p2"


# -- the study file --------------------------------------------------------------


def problems_of(root) -> list[str]:
    with pytest.raises(StudyError) as err:
        load_study(root)
    return [str(p) for p in err.value.problems]


def test_an_attention_code_the_question_does_not_offer_is_located(tmp_path):
    root = write_study(tmp_path / "s", [page("p",
        q("one", "single", options=opts(1, 2), attention={"expect": 7}),
        q("m", "matrix", rows=[{"code": "r1", "label": "r1", "attention": {"expect": 9}}], scale=opts(1, 2)),
        q("opt", "single", options=[{"code": 1, "label": "a", "attention": {"expect": 1}}, {"code": 2, "label": "b"}]),
    )])
    found = problems_of(root)
    assert any(re.fullmatch(r".*s\.yaml:\d+:\d+: attention expects 7, which is not one of the options' codes \(1, 2\)", p) for p in found), found
    assert any(re.fullmatch(r".*s\.yaml:\d+:\d+: attention expects 9, which is not one of the scale's codes \(1, 2\)", p) for p in found), found
    assert any("'attention' goes on the question (or a matrix row), not on an option" in p for p in found), found
    assert len(found) == 3


def test_attention_on_a_question_that_is_no_choice_and_an_empty_speeding_are_errors(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("t", "text", attention={"expect": 1}))], quality={"speeding": {"screen_out": "fast"}})
    found = problems_of(root)
    assert any(re.match(r".*s\.yaml:\d+:\d+: .*attention", p) for p in found), found
    assert any(re.match(r".*config\.yaml:\d+:\d+: .*speeding needs page_floor_s, session_floor_s or median_fraction", p) for p in found), found


# -- through the flow and the store ------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


async def begin(study, store, code, clock=None, central=None):
    flow = await Flow.start(study, store, Participant(code=code), station="t", central=central)
    if clock is not None:
        flow.pages = PageClock(clock)
    await flow.choose_language("en")
    await flow.consent(True)
    return flow


def flags_of(db, code):
    return rows(db, f"select kind, subject, page_id, reason, screen_out from quality_flags where session_id = (select id from sessions where participant_code = '{code}') order by kind")


def page_flags(db, code):
    """The page-speeding flags only (the sessions' own times here are the test's, far under any median)."""
    return [f for f in flags_of(db, code) if f[0] == "speeding_page"]


def timed_study(tmp_path, **speeding):
    return study_of(tmp_path, [
        page("p1", q("a", "single", options=opts(1, 2))),
        page("p2", grid(), q("check", "single", options=opts(1, 2, 3), attention={"expect": 2})),
    ], quality={"straightlining": {"min_rows": 5}, "speeding": speeding})


async def test_the_flags_are_stored_with_their_reasons_and_replaced_when_the_page_is_answered_again(tmp_path):
    study = timed_study(tmp_path, page_floor_s=5)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    clock = Clock()
    async with Store(db) as store:
        flow = await begin(study, store, "p1", clock)
        clock.now += 4.999
        assert await flow.submit_page({"a": 1}) == []
        [(kind, subject, page_id, reason, _)] = flags_of(db, "p1")
        assert (kind, subject, page_id, reason) == ("speeding_page", "p1", "p1", "speeding: page p1 in 4.9 s, under the floor of 5 s")
        clock.now += 30
        await flow.back()  # 30 s more on p2, then back to p1: its time adds on
        clock.now += 2
        assert await flow.submit_page({"a": 1}) == []
        assert flags_of(db, "p1") == []  # 4.999 + 2 s: over the floor now, and the page's flags are its last submission's
        clock.now += 1
        assert await flow.submit_page({"grid": {f"r{i}": 4 for i in range(1, 6)}, "check": 1}) == []
        assert flow.current.kind == "end" and flow.current.outcome == "completed"
    found = flags_of(db, "p1")
    assert [(k, s, p) for k, s, p, _, _ in found] == [("attention", "check", "p2"), ("straightlining", "grid", "p2")]  # 31 s on p2: not speeding
    assert [r for _, _, _, r, _ in found] == ["attention check check: answered 1, expected 2", "straight-lining grid: all 5 rows answered 4"]
    times = rows(db, "select detail from events where kind = 'page_time' order by at")
    assert len(times) == 3 and '"page": "p1", "seconds": 4.999' in times[0][0]
    status = rows(db, "select status from sessions")
    assert status == [("completed",)]


async def test_page_speeding_screens_out_with_its_reason_code(tmp_path):
    study = timed_study(tmp_path, page_floor_s=5, screen_out="too_fast")
    db = tmp_path / "station.sqlite"
    upgrade(db)
    clock = Clock()
    async with Store(db) as store:
        flow = await begin(study, store, "fast", clock)
        clock.now += 1
        assert await flow.submit_page({"a": 1}) == []
        assert flow.current.outcome == "screened_out" and flow.current.reason == "too_fast"
    assert rows(db, "select status, outcome_reason from sessions") == [("screened_out", "too_fast")]
    assert [(k, s) for k, s, *_ in flags_of(db, "fast")] == [("speeding_page", "p1")]


async def test_session_speeding_at_the_end_flags_or_screens_out(tmp_path):
    for n, (extra, status) in enumerate([({}, "completed"), ({"screen_out": "speeder"}, "screened_out")]):
        study = timed_study(tmp_path / str(n), session_floor_s=3600, **extra)
        db = tmp_path / f"s{n}.sqlite"
        upgrade(db)
        async with Store(db) as store:
            flow = await begin(study, store, "quick")
            assert await flow.submit_page({"a": 1}) == []
            assert await flow.submit_page({"grid": {f"r{i}": i for i in range(1, 6)}, "check": 2}) == []
            assert flow.current.outcome == status
        [(kind, subject, page_id, reason, screen_out)] = flags_of(db, "quick")
        assert (kind, subject, page_id) == ("speeding_session", None, None) and "under the floor of 3600 s" in reason
        assert rows(db, "select status, outcome_reason from sessions") == [(status, extra.get("screen_out"))]
    study = timed_study(tmp_path / "slow", session_floor_s=0.001)  # not under the floor: no flag
    db = tmp_path / "slow.sqlite"
    upgrade(db)
    async with Store(db) as store:
        flow = await begin(study, store, "slow")
        await flow.submit_page({"a": 1})
        await flow.submit_page({"grid": {f"r{i}": i for i in range(1, 6)}, "check": 2})
    assert flags_of(db, "slow") == []


async def complete(study, store, code, clock, p1_seconds):
    flow = await begin(study, store, code, clock)
    clock.now += p1_seconds
    assert await flow.submit_page({"a": 1}) == []
    clock.now += 20
    assert await flow.submit_page({"grid": {f"r{i}": i for i in range(1, 6)}, "check": 2}) == []
    return flow


async def test_the_median_rule_counts_this_stations_completed_sessions(tmp_path):
    study = timed_study(tmp_path, median_fraction=0.5, median_min_sessions=3)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    clock = Clock()
    async with Store(db) as store:
        for n, seconds in enumerate((10, 20, 30)):  # too few to count until the third has completed
            flow = await complete(study, store, f"c{n}", clock, seconds)
            assert flow.runner.norms.source == "local" and len(flow.runner.norms.sessions) == n
        fast = await complete(study, store, "fast", clock, 9.9)  # under half the median of 20 s
        fine = await complete(study, store, "fine", clock, 7.5)  # half the median of 10, 20, 30 and 9.9 (15 s): passes
        slow = await complete(study, store, "slow", clock, 7.4)  # the median of 10, 20, 30, 9.9, 7.5 is 10 s: 7.4 passes
        fastest = await complete(study, store, "fastest", clock, 4.9)  # under half the median of the six (9.95 s)
    assert len(fast.runner.norms.pages["p1"]) == 3
    assert [(k, s) for k, s, *_ in page_flags(db, "fast")] == [("speeding_page", "p1")]
    assert page_flags(db, "fast")[0][3] == "speeding: page p1 in 9.9 s, under 0.5 of the median 20.0 s (10.0 s; local)"
    assert len(fine.runner.norms.pages["p1"]) == 4 and page_flags(db, "fine") == []
    assert len(slow.runner.norms.pages["p1"]) == 5 and page_flags(db, "slow") == []
    assert len(fastest.runner.norms.pages["p1"]) == 6 and [s for _, s, *_ in page_flags(db, "fastest")] == ["p1"]
    assert all(page_flags(db, f"c{n}") == [] for n in range(3))


async def test_an_unreachable_centre_counts_the_medians_here_within_its_timeout(tmp_path, monkeypatch):
    from preview_tui.sync import durations

    study = timed_study(tmp_path, median_fraction=0.5, median_min_sessions=1)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    monkeypatch.setattr(durations, "CENTRAL_TIMEOUT", 0.5)
    orig = durations.others_completed_durations
    monkeypatch.setattr(durations, "others_completed_durations", lambda *a, **k: orig(*a, **k, timeout=0.5))
    clock = Clock()
    try:
        async with Store(db) as store:
            await complete(study, store, "here", clock, 20)
            started = time.monotonic()
            flow = await begin(study, store, "next", clock, central=f"postgresql+asyncpg://u:p@127.0.0.1:{silent.getsockname()[1]}/central")
            took = time.monotonic() - started
    finally:
        silent.close()
    assert took < 10
    assert flow.runner.norms.source == "local" and flow.runner.norms.sessions and flow.runner.norms.pages == {"p1": (20.0,), "p2": (20.0,)}
    assert flow.norms_note.startswith("Speeding medians: this station's sessions only: the central database at 127.0.0.1:")


@pytest.mark.real
async def test_the_median_rule_counts_every_station_through_the_central_database(tmp_path, central_url):
    from preview_tui.sync.engine import sync

    study = timed_study(tmp_path, median_fraction=0.5, median_min_sessions=3)
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    upgrade(a)
    upgrade(b)
    clock = Clock()
    async with Store(a) as store:
        for n, seconds in enumerate((10, 20, 30)):
            await complete(study, store, f"a{n}", clock, seconds)
    await sync(a, central_url)
    async with Store(b) as store:  # station B has completed nothing itself
        alone = await begin(study, store, "alone", clock)
        assert alone.runner.norms.sessions == ()
        fast = await complete_from(study, store, "fast", clock, 9.9, central_url)
    assert fast.runner.norms.source == "central+local" and sorted(fast.runner.norms.pages["p1"]) == [10.0, 20.0, 30.0]
    assert fast.norms_note == "Speeding medians: counted on every station (3 completed sessions)."
    assert [(k, s) for k, s, *_ in page_flags(b, "fast")] == [("speeding_page", "p1")]
    assert "central+local" in page_flags(b, "fast")[0][3]
    await sync(b, central_url)
    import asyncpg

    conn = await asyncpg.connect(central_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        assert "speeding_page" in [r["kind"] for r in await conn.fetch("SELECT kind FROM quality_flags")]  # the flags reach the centre
    finally:
        await conn.close()


async def complete_from(study, store, code, clock, p1_seconds, central):
    flow = await begin(study, store, code, clock, central=central)
    clock.now += p1_seconds
    assert await flow.submit_page({"a": 1}) == []
    return flow


async def test_a_failed_attention_check_screens_out_through_the_store_and_a_withdrawal_erases_the_flags(tmp_path):
    study = study_of(tmp_path, [
        page("p1", q("check", "single", options=opts(1, 2, 3), attention={"expect": 3, "screen_out": "inattentive"}), q("after", "single", options=opts(1, 2))),
        page("p2", q("later", "text", required=False)),
    ])
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        flow = await begin(study, store, "inatt")
        assert await flow.submit_page({"check": 1, "after": 2}) == []
        assert flow.current.outcome == "screened_out" and flow.current.reason == "inattentive"
        assert rows(db, "select status, outcome_reason from sessions") == [("screened_out", "inattentive")]
        assert [q for q, in rows(db, "select question_id from answers")] == ["check"]  # kept up to the check
        assert [(k, s, r, so) for k, s, _, r, so in flags_of(db, "inatt")] == [("attention", "check", "attention check check: answered 1, expected 3", "inattentive")]
        await store.withdraw(flow.session_id)
    assert rows(db, "select count(*) from quality_flags") == [(0,)]


def test_validate_prints_the_bad_attention_code_at_its_place_and_exits_1(tmp_path):
    import subprocess
    import sys

    root = write_study(tmp_path / "s", [page("p", q("one", "single", options=opts(1, 2), attention={"expect": 3}))])
    proc = subprocess.run([sys.executable, "-m", "preview_tui", "validate", str(root)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert re.search(r"surveys/s\.yaml:\d+:\d+: attention expects 3, which is not one of the options' codes \(1, 2\)", proc.stdout + proc.stderr), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_the_walk_tries_both_sides_of_each_check_that_screens_out(tmp_path):
    from preview_tui.survey.walk import walk

    study = study_of(tmp_path, [
        page("p1", q("check", "single", options=opts(1, 2, 3), attention={"expect": 3, "screen_out": "inattentive"})),
        page("p2", q("many", "multi", options=opts("a", "b", "c"), attention={"expect": "b", "screen_out": "inattentive_multi"})),
        page("p3", grid("g", 5)),
        page("p4", q("last", "text", required=False)),
    ], quality={"straightlining": {"min_rows": 5, "screen_out": "straightliner"}})
    report = walk(study)
    assert report.reached >= {"p1", "p2", "p3", "p4"}
    assert {"completed", "screened_out (inattentive)", "screened_out (inattentive_multi)", "screened_out (straightliner)"} <= set(report.ends)


async def test_the_moderator_is_told_where_the_speeding_medians_come_from(tmp_path, monkeypatch):
    from preview_tui.station import Station
    from preview_tui.survey.schema import StationSettings
    from preview_tui.sync import durations
    from preview_tui.sync.quotas import CentralUnreachable

    async def silent(*args, **kwargs):
        raise CentralUnreachable("the central database at db:5432/x did not answer within 2 s")

    monkeypatch.setattr(durations, "others_completed_durations", silent)
    monkeypatch.delenv("PREVIEW_TUI_CENTRAL_DATABASE", raising=False)
    study = timed_study(tmp_path, median_fraction=0.5)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        alone = Station(settings=StationSettings(name="t"), study=study, store=store)
        assert await alone.start(Participant(code="n1")) == []  # no central database: nothing to say
        central = Station(settings=StationSettings(name="t", central_database="postgresql://u:p@db:5432/x"), study=study, store=store)
        [notice] = await central.start(Participant(code="n2"))
    assert notice.text == "Speeding medians: this station's sessions only: the central database at db:5432/x did not answer within 2 s."
