"""The clip screen with real libVLC (headless, dummy audio): ledger, dial and the error path.

Never skipped: CI installs libVLC, and a missing libVLC fails here with the install hint.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import time
from pathlib import Path

import pytest
from media_helpers import write_random, write_small_clip
from test_screening_ui import ledger, make_study, to_storyboard, wait_for

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.playback import probe_vlc
from preview_tui.playback.vlc_player import VlcPlayer
from preview_tui.survey.study import load_study
from preview_tui.ui.app import build_app

pytestmark = pytest.mark.real


@pytest.fixture(scope="module", autouse=True)
def libvlc_present() -> None:
    probe = probe_vlc()
    assert probe.ok, f"libVLC is required here (CI installs it): {probe.message()}"


@pytest.fixture(autouse=True)
def no_long_collections():
    """What earlier tests of a full run leave on the heap is set aside for the garbage collector.

    A full collection walks every live object while it holds the GIL: after a few hundred tests it
    stops Python for seconds, libVLC's callbacks wait meanwhile, and libVLC drops what it could not
    show in time (see the test of a long pause below). The clips here measure playback, so they
    play with only their own objects to collect.
    """
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


def vlc_app(study_dir: Path, db: Path, tmp_path: Path):
    study = load_study(study_dir)
    upgrade(db)
    return build_app(
        settings=study.config.station,
        study=study,
        store=Store(db),
        player_factory=lambda: VlcPlayer(video="headless", audio="dummy", log_file=tmp_path / "vlc.log", start_timeout=10.0),
    )


async def test_a_real_clip_plays_to_the_end_with_its_ledger_and_dial(demo_study, tmp_path):
    write_small_clip(demo_study / "media" / "trailer.mp4", 3.0)
    db = tmp_path / "s.sqlite"
    app = vlc_app(make_study(demo_study, clip={"dial": True, "must_watch": True}), db, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        for _ in range(100):  # until libVLC reports playing
            if app.screen.state == "playing":
                break
            await pilot.pause(0.05)
        await pilot.press("up", "up")
        assert app.flow.current.kind == "clip"
        await wait_for(pilot, app, "page", timeout=10)
    book = ledger(db)
    kinds = [k for k, _ in book if k != "clip_buffering"]
    assert kinds == ["clip_play", "clip_end", "clip_exposure", "clip_shown"], book
    end = rows(db, "select media_ms, mono from events where kind = 'clip_end'")[0]
    play = rows(db, "select media_ms, mono from events where kind = 'clip_play'")[0]
    assert abs(end[0] - 3000) < 200 and 2.5 < end[1] - play[1] < 4.5
    exposure = dict(book)["clip_exposure"]
    assert exposure["completed"] is True and exposure["percent_watched"] == 100.0
    samples = rows(db, "select media_ms, value from dial_samples order by seq")
    assert abs(len(samples) - 30) <= 1
    assert all(b[0] > a[0] for a, b in zip(samples, samples[1:]))
    assert samples[0][1] == 50 and samples[-1][1] == 60


def hold_the_gil(seconds: float) -> None:
    """Stop every Python thread for ``seconds``, as a full garbage collection of a big heap does
    (a C call through PyDLL keeps the GIL): libVLC's callbacks wait to get into Python meanwhile."""
    ctypes.PyDLL(ctypes.util.find_library("c") or "libc.so.6").usleep(int(seconds * 1_000_000))


async def test_a_long_pause_of_python_while_a_clip_plays_is_not_a_seek(demo_study, tmp_path):
    write_small_clip(demo_study / "media" / "trailer.mp4", 3.0)
    db = tmp_path / "s.sqlite"
    app = vlc_app(make_study(demo_study, clip={"dial": True, "must_watch": True}), db, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        for _ in range(100):  # until libVLC reports playing
            if app.screen.state == "playing":
                break
            await pilot.pause(0.05)
        start = time.monotonic()
        while time.monotonic() - start < 0.4:  # a few of libVLC's time reports first
            await pilot.pause(0.05)
        hold_the_gil(1.8)
        await wait_for(pilot, app, "page", timeout=10)
    kinds = [k for k, _ in ledger(db) if k != "clip_buffering"]
    assert kinds == ["clip_play", "clip_end", "clip_exposure", "clip_shown"], ledger(db)
    # One run of samples on the media clock; libVLC catches up after the pause by dropping what it
    # could not show in time, so the samples may stop short of the end, never run past it.
    samples = rows(db, "select media_ms, segment from dial_samples order by seq")
    assert 10 <= len(samples) <= 31 and {seg for _, seg in samples} == {0}
    assert all(b[0] > a[0] for a, b in zip(samples, samples[1:]))


@pytest.mark.parametrize("broken", ["missing", "corrupt"])
async def test_a_missing_or_corrupt_clip_takes_the_error_path_retry_then_skip(demo_study, tmp_path, broken):
    clip = demo_study / "media" / "trailer.mp4"
    if broken == "missing":
        clip.unlink()
    else:
        write_random(clip)
    db = tmp_path / "s.sqlite"
    app = vlc_app(make_study(demo_study, clip={"must_watch": True}), db, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_storyboard(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, app, "clip")
        for _ in range(50):
            await pilot.pause(0.1)
            if app.screen.state == "failed":
                break
        assert app.screen.state == "failed"
        await pilot.press("f3")  # the moderator retries: it fails again
        for _ in range(50):
            await pilot.pause(0.1)
            if app.screen.state == "failed":
                break
        assert app.flow.current.kind == "clip"
        await pilot.press("f4")
        await wait_for(pilot, app, "page", timeout=3)
    kinds = [k for k, _ in ledger(db) if k != "clip_buffering"]
    if broken == "missing":
        assert kinds == ["clip_error", "clip_retry", "clip_error", "clip_skip", "clip_not_shown"]
    else:
        # libVLC starts, then finds nothing to decode: an error, never an end.
        one = ["clip_play", "clip_error", "clip_exposure"]
        assert kinds == [*one, "clip_retry", *one, "clip_skip", "clip_not_shown"]
    detail = json.loads(rows(db, "select detail from events where kind = 'clip_not_shown'")[0][0])
    assert detail["by"] == "moderator" and detail["reason"] in ("missing_file", "playback_error")
