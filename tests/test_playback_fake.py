"""FakePlayer: the libVLC-free player for unit and UI tests."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from preview_tui.playback import FakePlayer, Player, PlayerEvent


class Recorder:
    def __init__(self) -> None:
        self.events: list[PlayerEvent] = []
        self.done = threading.Event()
        self.cond = threading.Condition()

    def __call__(self, ev: PlayerEvent) -> None:
        with self.cond:
            self.events.append(ev)
            self.cond.notify_all()
        if ev.kind in ("ended", "error", "stopped"):
            self.done.set()

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def wait_for(self, pred, timeout: float = 5.0) -> PlayerEvent:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for e in self.events:
                    if pred(e):
                        return e
                left = deadline - time.monotonic()
                assert left > 0, f"timed out: {self.kinds()}"
                self.cond.wait(left)


def test_is_a_player() -> None:
    p: Player = FakePlayer()
    assert p.name == "fake"


def test_event_order_and_scaled_time() -> None:
    p = FakePlayer({"a.mp4": 1000}, tick_ms=100, speed=10)
    rec = Recorder()
    t0 = time.monotonic()
    p.play(Path("/virtual/a.mp4"), rec)
    assert rec.done.wait(3)
    wall = time.monotonic() - t0
    assert rec.kinds() == ["opening", "playing"] + ["time"] * 9 + ["ended"]
    assert [e.media_ms for e in rec.events if e.kind == "time"] == list(range(100, 1000, 100))
    assert rec.events[-1].media_ms == 1000 and all(e.length_ms == 1000 for e in rec.events)
    assert 0.09 <= wall < 0.6, wall
    monos = [e.mono for e in rec.events]
    assert monos == sorted(monos)
    assert p.position() == (1000, 1000)
    assert p.played == [Path("/virtual/a.mp4")]


def test_existing_file_plays_default_length(tmp_path: Path) -> None:
    f = tmp_path / "clip.mp4"
    f.write_bytes(b"x")
    p = FakePlayer(default_ms=300, tick_ms=100, speed=20)
    rec = Recorder()
    p.play(f, rec)
    assert rec.done.wait(3)
    assert rec.kinds() == ["opening", "playing", "time", "time", "ended"]


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    p = FakePlayer({"other.mp4": 500}, speed=10)
    rec = Recorder()
    p.play(tmp_path / "missing.mp4", rec)
    assert rec.done.wait(3)
    time.sleep(0.05)
    assert rec.kinds() == ["error"]
    assert "not found" in rec.events[0].detail


def test_corrupt_clip_and_callable_durations() -> None:
    p = FakePlayer(lambda path: None if path.stem == "bad" else 200, tick_ms=100, speed=20)
    rec = Recorder()
    p.play(Path("bad.mp4"), rec)
    assert rec.done.wait(3)
    assert rec.kinds() == ["opening", "playing", "error"]
    assert "could not be decoded" in rec.events[-1].detail
    rec2 = Recorder()
    p.play(Path("good.mp4"), rec2)
    assert rec2.done.wait(3)
    assert rec2.kinds()[-1] == "ended"


def test_pause_resume() -> None:
    p = FakePlayer({"a.mp4": 10_000}, tick_ms=50, speed=5)  # 2 s of wall time: paused long before its end, however slow the machine
    rec = Recorder()
    p.play(Path("a.mp4"), rec)
    rec.wait_for(lambda e: e.kind == "time" and e.media_ms >= 300)
    p.pause()
    paused = rec.wait_for(lambda e: e.kind == "paused")
    n = len(rec.events)
    pos = p.position()
    time.sleep(0.25)  # 25 ticks at this speed, had it not paused
    assert rec.events[n:] == [] and p.position() == pos
    p.resume()
    assert rec.done.wait(10)
    kinds = rec.kinds()
    assert kinds[-1] == "ended"
    i = kinds.index("paused")
    assert kinds[i + 1] == "playing"  # resumed
    times = [e.media_ms for e in rec.events if e.kind == "time"]
    assert times == list(range(50, 10_000, 50)), "no tick lost or repeated across the pause"
    assert rec.events[-1].mono - paused.mono >= 0.25
    # pause/resume after the end: ignored
    p.pause()
    p.resume()
    assert rec.kinds() == kinds


def test_stop_and_replay() -> None:
    p = FakePlayer({"a.mp4": 5000}, tick_ms=100, speed=10)
    rec = Recorder()
    p.play(Path("a.mp4"), rec)
    rec.wait_for(lambda e: e.kind == "time")
    p.stop()
    assert rec.kinds()[-1] == "stopped" and "ended" not in rec.kinds()
    n = len(rec.events)
    time.sleep(0.05)
    assert len(rec.events) == n
    p.stop()  # again: nothing more
    assert len(rec.events) == n

    rec2 = Recorder()
    p.play(Path("a.mp4"), rec2)
    rec2.wait_for(lambda e: e.kind == "playing")
    rec3 = Recorder()
    p.play(Path("b.mp4"), rec3)  # play while playing stops the first
    assert rec2.kinds()[-1] == "stopped"
    assert rec3.done.wait(3) and rec3.kinds() == ["error"]
    p.close()
    with pytest.raises(RuntimeError):
        p.play(Path("a.mp4"), rec3)


def test_stop_while_paused() -> None:
    p = FakePlayer({"a.mp4": 2000}, speed=10)
    rec = Recorder()
    p.play(Path("a.mp4"), rec)
    rec.wait_for(lambda e: e.kind == "time")
    p.pause()
    rec.wait_for(lambda e: e.kind == "paused")
    p.stop()
    assert rec.kinds()[-1] == "stopped"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        FakePlayer(tick_ms=0)
    with pytest.raises(ValueError):
        FakePlayer(speed=0)
