"""The libVLC player against real libVLC, headless (``--vout=dummy --aout=dummy``).

These never skip: CI installs libVLC, so a missing libVLC is a failure with the
install hint in the message. Each test also checks that libVLC wrote nothing
on the process's stderr (fd 2), which would garble the TUI.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from media_helpers import write_random, write_small_clip, write_text, write_truncated

from preview_tui.playback import PlayerEvent, probe_vlc
from preview_tui.playback.vlc_player import VlcPlayer
from preview_tui.playback.vlc_session import NO_PICTURE, UNDECODABLE

pytestmark = pytest.mark.real

CLIP_S = 2.0
SHORT_S = 1.0
TERMINAL = ("ended", "error", "stopped")


class Recorder:
    """A listener that records events and the thread they came from."""

    def __init__(self) -> None:
        self.events: list[PlayerEvent] = []
        self.threads: list[int] = []
        self._cond = threading.Condition()

    def __call__(self, ev: PlayerEvent) -> None:
        with self._cond:
            self.events.append(ev)
            self.threads.append(threading.get_ident())
            self._cond.notify_all()

    def kinds(self, *, skip: tuple[str, ...] = ("buffering", "time")) -> list[str]:
        return [e.kind for e in self.events if e.kind not in skip]

    def wait_for(self, pred, timeout: float = 10.0) -> PlayerEvent:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        with self._cond:
            seen = 0
            while True:
                for ev in self.events[seen:]:
                    if pred(ev):
                        return ev
                seen = len(self.events)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; events so far: {self.summary()}")
                self._cond.wait(left)

    def wait_kind(self, *kinds: str, timeout: float = 10.0) -> PlayerEvent:
        return self.wait_for(lambda e: e.kind in kinds, timeout)

    def summary(self) -> list[tuple[str, int | None, int | None, str]]:
        return [(e.kind, e.media_ms, e.length_ms, e.detail) for e in self.events if e.kind != "buffering"]


@pytest.fixture(scope="module", autouse=True)
def libvlc_present() -> None:
    probe = probe_vlc()
    assert probe.ok, (
        "libVLC is required for the playback tests and must be installed (CI installs it); "
        f"it is not usable here: {probe.message()}"
    )


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("clips")
    clip = write_small_clip(d / "clip.mp4", CLIP_S)
    short = write_small_clip(d / "short.mp4", SHORT_S, faststart=False, tone_hz=330.0)
    return {
        "clip": clip,
        "short": short,
        "random": write_random(d / "random.mp4"),
        "truncated-faststart": write_truncated(d / "trunc-faststart.mp4", clip),
        "truncated-moov-at-end": write_truncated(d / "trunc-moov-end.mp4", short),
        "text": write_text(d / "notes.mp4"),
    }


@pytest.fixture(autouse=True)
def quiet_stderr() -> Iterator[None]:
    """Fail the test if anything writes on file descriptor 2 meanwhile."""
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        written = sink.read()
    assert written == b"", f"something wrote on stderr (fd 2): {written[:2000]!r}"


@pytest.fixture
def player(tmp_path: Path) -> Iterator[VlcPlayer]:
    p = VlcPlayer(video="headless", log_file=tmp_path / "vlc.log", start_timeout=10.0)
    yield p
    p.close()


def play_to_end(player: VlcPlayer, path: Path, timeout: float = 10.0) -> tuple[Recorder, float]:
    rec = Recorder()
    t0 = time.monotonic()
    player.play(path, rec)
    rec.wait_kind(*TERMINAL, timeout=timeout)
    return rec, time.monotonic() - t0


def assert_nothing_after_terminal(rec: Recorder, wait: float = 0.3) -> None:
    time.sleep(wait)
    kinds = [e.kind for e in rec.events]
    terminal = [i for i, k in enumerate(kinds) if k in TERMINAL]
    assert len(terminal) == 1 and terminal[0] == len(kinds) - 1, rec.summary()


def test_options_headless() -> None:
    p = VlcPlayer(video="headless")
    try:
        assert p.headless and p.audio_mode == "dummy"
        for opt in ("--quiet", "--vout=dummy", "--aout=dummy", "--no-video-title-show", "--no-xlib"):
            assert opt in p.args
    finally:
        p.close()
    p.close()  # idempotent


def test_clip_plays_to_end_then_another(player: VlcPlayer, clips: dict[str, Path], tmp_path: Path) -> None:
    rec, _ = play_to_end(player, clips["clip"])
    assert rec.kinds() == ["opening", "playing", "ended"], rec.summary()
    playing = next(e for e in rec.events if e.kind == "playing")
    ended = rec.events[-1]
    assert ended.length_ms is not None and abs(ended.length_ms - CLIP_S * 1000) <= 300, rec.summary()
    assert ended.media_ms == ended.length_ms
    wall = ended.mono - playing.mono
    assert abs(wall - ended.length_ms / 1000) <= 0.5, f"played {ended.length_ms} ms in {wall:.2f} s"
    times = [e.media_ms for e in rec.events if e.kind == "time"]
    assert times and times == sorted(times) and times[-1] <= ended.length_ms, times
    main = threading.get_ident()
    assert all(t != main for t in rec.threads), "events must come from libVLC's thread"
    assert_nothing_after_terminal(rec, 0.2)
    t, length = player.position()
    assert length is not None and abs(length - ended.length_ms) <= 50

    # A second clip after the first, then the same clip again (libVLC ignores
    # play() after Ended unless stopped first).
    for _ in range(2):
        rec2, _ = play_to_end(player, clips["short"])
        assert rec2.kinds() == ["opening", "playing", "ended"], rec2.summary()
        assert abs(rec2.events[-1].length_ms - SHORT_S * 1000) <= 300, rec2.summary()
    # The first listener heard nothing of the later clips.
    assert rec.events[-1].kind == "ended" and len([e for e in rec.events if e.kind == "ended"]) == 1

    log = (tmp_path / "vlc.log").read_text(errors="replace")
    assert "VLC media player" in log and "clip.mp4" in log, "libVLC's log goes to the log file"


def test_missing_file_is_an_error(player: VlcPlayer, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-clip.mp4"
    rec, _ = play_to_end(player, missing, timeout=5)
    assert rec.kinds() == ["error"], rec.summary()
    assert "not found" in rec.events[0].detail and str(missing) in rec.events[0].detail
    assert rec.threads[0] != threading.get_ident(), "the error must arrive asynchronously"
    assert_nothing_after_terminal(rec)
    assert player.position() == (None, None)


@pytest.mark.parametrize("name", ["random", "truncated-faststart", "truncated-moov-at-end", "text"])
def test_corrupt_file_is_an_error(player: VlcPlayer, clips: dict[str, Path], name: str) -> None:
    rec, wall = play_to_end(player, clips[name], timeout=8)
    kinds = rec.kinds()
    assert kinds[-1] == "error" and "ended" not in kinds, rec.summary()
    assert rec.events[-1].detail.startswith(UNDECODABLE), rec.summary()
    assert wall < 3.0
    assert_nothing_after_terminal(rec)


def test_error_then_good_clip(player: VlcPlayer, clips: dict[str, Path]) -> None:
    rec, _ = play_to_end(player, clips["random"])
    assert rec.kinds()[-1] == "error"
    rec2, _ = play_to_end(player, clips["short"])
    assert rec2.kinds() == ["opening", "playing", "ended"], rec2.summary()


def test_pause_resume_stop(player: VlcPlayer, clips: dict[str, Path]) -> None:
    rec = Recorder()
    player.play(clips["clip"], rec)
    first = rec.wait_for(lambda e: e.kind == "time" and (e.media_ms or 0) > 0)
    player.pause()
    paused = rec.wait_kind("paused", timeout=3)
    n_paused = len(rec.events)
    time.sleep(0.2)  # let libVLC settle its clock
    t1, _ = player.position()
    time.sleep(0.8)
    t2, _ = player.position()
    assert t1 is not None and t2 == t1, f"media time moved while paused: {t1} -> {t2}"
    after = [e for e in rec.events[n_paused:] if e.kind == "time"]
    assert not after, f"time events while paused: {rec.summary()}"
    assert paused.media_ms is not None and paused.media_ms >= first.media_ms

    player.resume()
    resumed = rec.wait_for(lambda e: e.kind == "playing" and e.mono > paused.mono, timeout=3)
    moved = rec.wait_for(lambda e: e.kind == "time" and e.mono > resumed.mono and e.media_ms > t1, timeout=3)
    assert moved.media_ms > t1

    player.stop()
    assert rec.events[-1].kind == "stopped", rec.summary()
    assert "ended" not in rec.kinds() and "error" not in rec.kinds()
    assert_nothing_after_terminal(rec)
    # stop() again, pause/resume when nothing plays: harmless no-ops
    player.stop()
    player.pause()
    player.resume()
    assert rec.kinds().count("stopped") == 1


def test_play_while_playing_stops_the_first(player: VlcPlayer, clips: dict[str, Path]) -> None:
    first = Recorder()
    player.play(clips["clip"], first)
    first.wait_kind("playing")
    rec, _ = play_to_end(player, clips["short"])
    assert first.kinds()[-1] == "stopped", first.summary()
    assert rec.kinds() == ["opening", "playing", "ended"], rec.summary()


def test_sound_without_picture_is_an_error(clips: dict[str, Path]) -> None:
    """A clip whose video cannot be decoded (here: only the AAC decoder is
    allowed) or shown must not pass as watched: error, and playback stops."""
    p = VlcPlayer(video="headless", extra_args=["--codec=faad,none"])
    try:
        rec, wall = play_to_end(p, clips["clip"], timeout=8)
        assert rec.kinds()[-1] == "error", rec.summary()
        assert rec.events[-1].detail.startswith(NO_PICTURE), rec.summary()
        assert "ended" not in rec.kinds()
        pos = p.position()
        assert_nothing_after_terminal(rec, 0.5)
        assert p.position() == pos, "playback must not go on after the error"
    finally:
        p.close()


def test_start_watchdog(clips: dict[str, Path]) -> None:
    p = VlcPlayer(video="headless", start_timeout=0.2)
    try:
        p._player.play = lambda: 0  # libVLC never gets going
        rec, wall = play_to_end(p, clips["clip"], timeout=3)
        assert rec.kinds() == ["error"], rec.summary()
        assert "did not start within 0.2 s" in rec.events[0].detail
        assert 0.15 <= wall < 1.5
        del p._player.play
        rec2, _ = play_to_end(p, clips["short"])
        assert rec2.kinds() == ["opening", "playing", "ended"], rec2.summary()
    finally:
        p.close()
