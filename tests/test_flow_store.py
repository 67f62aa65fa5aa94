"""The flow stores what the runner decides: orders shown, soft-required warnings, sensitive marks, quotas."""

import json

from conftest import rows
from preview_tui.db.migrate import HEAD, current_revision, upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.seal import generate
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study


def study_in(tmp_path):
    return load_study(write_study(tmp_path / "s", [
        page("p1",
             q("faith", "single", sensitive="religion", options=opts(1, 2, 3), randomize=True),
             q("g", "single", options=opts(1, 2)),
             q("note", "text", required="soft")),
        page("p2", q("end", "text", required=False)),
    ], quotas=[{"id": "g2", "when": "g == 2", "target": 1, "reason": "g2_full"}], sealing={"public_key": generate()[0]}))


async def run(study, store, code, values):
    flow = await Flow.start(study, store, Participant(code=code), station="t")
    await flow.choose_language("en")
    await flow.consent(True)
    problems = await flow.submit_page(values)
    return flow, problems


async def test_soft_warning_order_and_sensitive_mark_are_stored(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    assert current_revision(db) == HEAD
    study = study_in(tmp_path)
    async with Store(db) as store:
        flow, problems = await run(study, store, "P1", {"faith": 2, "g": 1})
        assert [p.key for p in problems] == ["soft_required"]
        assert flow.current.page.id == "p1"
        assert await flow.submit_page({"faith": 2, "g": 1}) == []  # warned once, then lets go on
        assert flow.current.page.id == "p2"
    assert rows(db, "select question_id, sensitive from answers order by question_id") == [("faith", "religion"), ("g", None)]
    events = {kind: json.loads(detail) for kind, detail in rows(db, "select kind, detail from events")}
    assert events["soft_required_warned"] == {"questions": ["note"]}
    assert events["order_shown"]["what"] == "options" and events["order_shown"]["of"] == "faith"
    assert sorted(events["order_shown"]["order"]) == [1, 2, 3]
    assert events["order_shown"]["order"] == flow.runner.orders["options:faith"]


async def test_a_full_quota_is_counted_from_the_store(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = study_in(tmp_path)
    async with Store(db) as store:
        flow, _ = await run(study, store, "A", {"faith": 1, "g": 2, "note": "x"})
        assert flow.current.page.id == "p2"
        await flow.submit_page({})
        assert flow.current.kind == "end" and flow.current.outcome == "completed"
        flow, _ = await run(study, store, "B", {"faith": 1, "g": 2, "note": "x"})
        assert flow.current.outcome == "screened_out" and flow.current.reason == "g2_full"
        flow, _ = await run(study, store, "C", {"faith": 1, "g": 1, "note": "x"})
        assert flow.current.kind == "page"
    assert rows(db, "select participant_code, status, outcome_reason from sessions order by started_at") == [
        ("A", "completed", None), ("B", "screened_out", "g2_full"), ("C", "in_progress", None)]


async def test_answers_of_a_page_skipped_after_going_back_are_removed(tmp_path):
    db = tmp_path / "station.sqlite"
    upgrade(db)
    study = load_study(write_study(tmp_path / "b", [
        page("p1", q("fan", "single", options=opts(1, 2))),
        page("p2", q("why", "text"), show_if="fan == 1"),
        page("p3", q("last", "text")),
    ]))
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="B1"), station="t")
        await flow.choose_language("en")
        await flow.consent(True)
        await flow.submit_page({"fan": 1})
        await flow.submit_page({"why": "because"})
        assert flow.current.page.id == "p3"
        await flow.back()
        await flow.back()
        assert flow.current.page.id == "p1"
        await flow.submit_page({"fan": 2})  # p2 is skipped now: its old answer no longer applies
        assert flow.current.page.id == "p3" and "why" not in flow.runner.answers
    assert rows(db, "select question_id, value from answers") == [("fan", 2)]


async def test_a_resumed_session_still_knows_what_was_seen_of_a_clip(tmp_path):
    root = write_study(
        tmp_path / "s",
        [page("seen", q("liked", "single", options=opts(1, 2)), show_if="completed.trailer"), page("missed", q("why", "text"), show_if="not completed.trailer")],
        steps=[{"type": "clip", "id": "trailer", "title": "Trailer", "file": "trailer.mp4"}, {"type": "survey", "survey": "s"}],
    )
    study = load_study(root)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="X1"), station="t")
        await flow.choose_language("en")
        await flow.consent(True)
        await flow.record("clip_exposure", detail={"play": 1, "percent_watched": 100.0, "completed": True})
        flow.note_exposure("trailer", 100.0, True)
        await flow.finish_stimulus("clip_shown")
        assert flow.current.page.id == "seen"
        # The station stops here; the session is taken up again.
        resumed = await Flow.resume(study, store, flow.session_id)
        assert resumed.current.page.id == "seen"
        assert resumed.runner.exposure == {"watched.trailer": 100.0, "completed.trailer": True}
