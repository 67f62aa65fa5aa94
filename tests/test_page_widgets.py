"""Pilot tests: each question type's widget, driven by keys, and what reaches the SQLite file."""

import json
import shutil

from conftest import ROOT, rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import FakePlayer
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app
from preview_tui.ui.inputs import RankList, Slider
from studies import opts, page, q, write_study


def make_app(root, db):
    for name in ("board-1.png", "board-2.png"):
        shutil.copy(ROOT / "media" / name, root / "media" / name)
    study = load_study(root)
    upgrade(db)
    return build_app(settings=study.config.station, study=study, store=Store(db), player_factory=lambda: FakePlayer())


async def keys(pilot, *groups, wait=0.2):
    for group in groups:
        await pilot.press(*group)
        await pilot.pause(wait)


async def start(pilot):
    await keys(pilot, [*"W1", "enter"], ["enter"], ["enter"])  # code, English, agree


async def test_slider_starts_unset_and_is_required(tmp_path):
    root = write_study(tmp_path / "s", [page("p", q("vas", "slider", min=0, max=10, low_label="cold", high_label="hot")), page("p2", q("x", "text", required=False))])
    db = tmp_path / "db.sqlite"
    app = make_app(root, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        slider = app.screen.query_one(Slider)
        assert slider.value is None and slider.has_focus
        await keys(pilot, ["ctrl+n"])
        assert app.flow.current.page.id == "p"  # no value: required
        assert "Please answer" in str(app.screen.query_one(".problem").render())
        await keys(pilot, ["right", "right", "left", "right"])  # first press: the middle (5), then 6, 5, 6
        assert slider.value == 6
        await keys(pilot, ["ctrl+n"])
        assert app.flow.current.page.id == "p2"
    assert rows(db, "select question_id, value from answers") == [("vas", 6)]


async def test_choice_other_specify_multi_exclusive_and_soft_required(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p",
             q("one", "single", options=opts(1, "other", other={"other": True, "label": "Other"})),
             q("many", "multi", options=opts("a", "b", "none", none={"exclusive": True})),
             q("note", "text", required="soft")),
        page("p2", q("x", "text", required=False)),
    ])
    db = tmp_path / "db.sqlite"
    app = make_app(root, db)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        await keys(pilot, ["down", "enter"], ["tab"], [*"friend"], ["tab"], ["space", "down", "down", "space"], ["ctrl+n"])  # Other + friend; a and none
        assert "cannot be combined" in str(app.screen.query_one("#q-many .problem").render())
        assert "Ctrl+N again" in str(app.screen.query_one("#q-note .problem").render())  # the soft warning, once
        await keys(pilot, ["space"], ["ctrl+n"])  # untick none; the empty note is let through now
        assert app.flow.current.page.id == "p2"
    assert dict(rows(db, "select question_id, value from answers")) == {"one": '"other"', "one.other": '"friend"', "many": '["a"]'}
    assert [json.loads(d) for (d,) in rows(db, "select detail from events where kind = 'soft_required_warned'")] == [{"questions": ["note"]}]


async def test_numeric_date_matrix_ranking_nps_image_and_special(tmp_path):
    root = write_study(tmp_path / "s", [
        page("p1",
             q("age", "numeric", min=18, max=99, unit="years", special=[{"code": "prefer_not", "label": "Prefer not to say"}]),
             q("day", "date"),
             q("rec", "nps")),
        page("p2",
             q("grid", "matrix", rows=opts("r1", "r2"), scale=opts(1, 2, 3)),
             q("order", "ranking", options=opts("x", "y", "z")),
             q("frame", "image_choice", options=[{"code": i, "label": f"frame {i}", "image": f"board-{i}.png"} for i in (1, 2)])),
        page("p3", q("x", "text", required=False)),
    ])
    db = tmp_path / "db.sqlite"
    app = make_app(root, db)
    async with app.run_test(size=(120, 50)) as pilot:
        await start(pilot)
        await keys(pilot, [*"12"], ["ctrl+n"])
        assert "from 18 to 99" in str(app.screen.query_one("#q-age .problem").render())
        await keys(pilot, ["tab", "enter"])  # Prefer not to say
        await keys(pilot, ["tab", *"2026-11-22"], ["tab", "right", "right", "enter"], ["ctrl+n"])
        assert app.flow.current.page.id == "p2", app.screen.query_one("#q-rec .problem").render()
        await keys(pilot, ["right", "enter"], ["tab", "right", "right", "enter"])  # grid r1=2, r2=3
        await keys(pilot, ["tab", "down", "shift+up"])  # ranking: the second item moves to the top
        ranking = app.screen.query_one(RankList)
        expected = ranking.order()
        thumbs = list(app.screen.query(".thumb"))
        assert [str(t.query_one(".thumb-image").image).rsplit("/", 1)[-1] for t in thumbs] == ["board-1.png", "board-2.png"]  # every picture, before any choice
        await keys(pilot, ["tab", "down", "enter"])
        assert [t.has_class("-chosen") for t in thumbs] == [False, True]  # the chosen one is framed
        await keys(pilot, ["ctrl+n"])
        assert app.flow.current.page.id == "p3"
    answers = {k: json.loads(v) if isinstance(v, str) else v for k, v in rows(db, "select question_id, value from answers")}
    assert answers["age"] == "prefer_not" and answers["day"] == "2026-11-22" and answers["rec"] == 2
    assert answers["grid"] == {"r1": 2, "r2": 3} and answers["frame"] == 2
    assert answers["order"] == expected and sorted(expected) == ["x", "y", "z"]
