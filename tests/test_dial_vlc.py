"""The dial sampled on the media clock of a real clip in real libVLC (headless).

The reference is libVLC's own clock: its ``time`` events (media time, and the
monotonic moment each was reported), interpolated linearly. Each sample's
media time must be within 100 ms of that reference at the sample's moment.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from media_helpers import write_small_clip

from preview_tui.playback import PlayerEvent, probe_vlc
from preview_tui.playback.recorder import DialRecorder
from preview_tui.playback.vlc_player import VlcPlayer

pytestmark = pytest.mark.real

CLIP_S = 5.0
RATE = 10.0


def reference_media(times: list[tuple[float, int]], mono: float) -> float:
    """libVLC's clock at ``mono``: linear between its reported (mono, media) points."""
    if mono <= times[0][0]:
        m0, t0 = times[0]
        return t0 - (m0 - mono) * 1000
    for (m0, t0), (m1, t1) in zip(times, times[1:]):
        if m0 <= mono <= m1:
            return t0 + (t1 - t0) * (mono - m0) / (m1 - m0) if m1 > m0 else t1
    m1, t1 = times[-1]
    return t1 + (mono - m1) * 1000


def test_dial_on_a_real_clip_is_complete_and_on_the_media_clock(tmp_path: Path) -> None:
    assert probe_vlc().ok, f"libVLC is required (CI installs it): {probe_vlc().message()}"
    clip = write_small_clip(tmp_path / "dial.mp4", CLIP_S)
    recorder = DialRecorder(RATE, neutral=50).start()
    events: list[PlayerEvent] = []
    done = threading.Event()

    def listener(ev: PlayerEvent) -> None:  # libVLC's thread: bookkeeping only
        events.append(ev)
        recorder.on_event(ev)
        if ev.kind in ("ended", "error", "stopped"):
            done.set()

    player = VlcPlayer(video="headless", log_file=tmp_path / "vlc.log", start_timeout=10.0)
    try:
        player.play(clip, listener)
        # Turn the dial now and then, as a participant would.
        for value in (60, 70, 40, 90, 10):
            time.sleep(0.8)
            recorder.set_value(value)
        assert done.wait(CLIP_S + 10), [e.kind for e in events]
    finally:
        samples = recorder.stop()
        player.close()

    assert events[-1].kind == "ended", [(e.kind, e.detail) for e in events if e.kind != "time"]
    length = events[-1].media_ms or 0
    assert abs(length - CLIP_S * 1000) < 200
    expected = length / 1000 * RATE
    assert abs(len(samples) - expected) <= 0.02 * expected, (len(samples), expected)
    assert [s.seq for s in samples] == list(range(len(samples)))
    media = [s.media_ms for s in samples]
    assert all(b > a for a, b in zip(media, media[1:])), media
    monos = [s.mono for s in samples]
    assert all(b >= a for a, b in zip(monos, monos[1:]))
    times = [(e.mono, e.media_ms) for e in events if e.kind == "time" and e.media_ms is not None]
    assert len(times) >= 5
    errors = [abs(s.media_ms - reference_media(times, s.mono)) for s in samples]
    worst = max(range(len(samples)), key=errors.__getitem__)
    assert max(errors) <= 100, (samples[worst], errors[worst], [(round(e.mono - events[0].mono, 3), e.kind, e.media_ms, e.length_ms) for e in events if e.kind != "buffering"][-6:], samples[-3:])
    # The dial's values follow the participant's turns in order.
    values = [s.value for s in samples]
    assert values[0] == 50 and values[-1] == 10
    assert [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]] == [50, 60, 70, 40, 90, 10]
