"""The one quota rule every count uses: which sessions count, which cells their answers fall in, when a cell is full."""

from types import SimpleNamespace

from preview_tui.survey import quota_rules

WOMEN = SimpleNamespace(target=2)
CELLS = [("women", "gender == 1", WOMEN), ("young_men", "gender == 2 and age < 35", SimpleNamespace(target=1))]


def test_only_completed_sessions_count_and_never_a_pilot_and_in_progress_ones_only_where_places_are_held():
    assert quota_rules.counts("completed", False)
    assert not quota_rules.counts("completed", True)
    assert not quota_rules.counts("in_progress", False)
    assert quota_rules.counts("in_progress", False, holding=True)
    assert not quota_rules.counts("in_progress", True, holding=True)
    for ended in ("screened_out", "declined", "abandoned"):
        assert not quota_rules.counts(ended, False, holding=True)


def test_each_session_falls_in_the_cells_its_answers_meet_and_an_unread_answer_meets_none():
    sessions = [{"gender": 1, "age": 30}, {"gender": 2, "age": 30}, {"gender": 2, "age": 50}, {"age": 20}, {"gender": 1}]
    assert quota_rules.cell_counts(CELLS, sessions) == {"women": 2, "young_men": 1}
    assert quota_rules.cell_counts(CELLS, []) == {"women": 0, "young_men": 0}


def test_a_cell_is_full_at_its_target():
    assert quota_rules.full_cells(CELLS, {"women": 1, "young_men": 1}) == {"young_men"}
    assert quota_rules.full_cells(CELLS, {"women": 3}) == {"women"}
    assert quota_rules.full_cells(CELLS, {}) == set()


def test_counts_by_answer_take_only_the_sessions_that_count_and_key_a_list_by_its_text():
    groups = [("completed", False, 1, 3), ("completed", True, 1, 5), ("screened_out", False, 1, 7), ("completed", 0, 2, 1), ("completed", False, ["a", "b"], 2), ("completed", False, 1.0, 1)]
    assert quota_rules.by_answer(groups) == {1: 4, 2: 1, '["a", "b"]': 2}


async def test_a_stations_own_counts_and_held_places_follow_the_rule(tmp_path):
    from datetime import UTC, datetime, timedelta

    from preview_tui.db import models as m
    from preview_tui.db.migrate import upgrade
    from preview_tui.db.store import Store
    from preview_tui.sync.quotas import local_counts

    db = tmp_path / "st.sqlite"
    upgrade(db)
    async with Store(db) as store:
        for code, gender, is_test, status in [("A", "f", False, m.COMPLETED), ("B", "f", True, m.COMPLETED), ("C", "m", False, m.SCREENED_OUT), ("D", "m", False, None), ("E", "x", True, None)]:
            sid = await store.create_session(study_id="demo", station="st", code=code, is_test=is_test)
            await store.save_answers(sid, "screener", {"gender": gender}, page_id="p1")
            if status is not None:
                await store.finish(sid, status)
        held = await store.quota_sessions("demo", counted=quota_rules.COUNTED, held=quota_rules.HELD, active_since=datetime.now(UTC) - timedelta(minutes=5))
        stale = await store.quota_sessions("demo", counted=quota_rules.COUNTED, held=quota_rules.HELD, active_since=datetime.now(UTC) + timedelta(minutes=5))
    assert local_counts(db, "demo")[1] == {None: 1} and local_counts(db, "demo", by="gender")[1] == {"f": 1}
    assert sorted(a["gender"] for status, is_test, a in held if quota_rules.counts(status, is_test, holding=True)) == ["f", "m"]
    assert sorted(a["gender"] for status, is_test, a in stale if quota_rules.counts(status, is_test, holding=True)) == ["f"]
