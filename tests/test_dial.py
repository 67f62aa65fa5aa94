"""The media clock and the dial sampler, driven by made-up player events (no libVLC, no Textual)."""

from __future__ import annotations

import time

from conftest import until
from preview_tui.playback import FakePlayer, PlayerEvent
from preview_tui.playback.dial import DialSampler, MediaClock
from preview_tui.playback.horizon import Horizon
from preview_tui.playback.recorder import DialRecorder


def ev(kind: str, mono: float, media: int | None = None, length: int | None = 10_000) -> PlayerEvent:
    return PlayerEvent(kind, media_ms=media, length_ms=length, mono=mono)


def test_clock_runs_between_coarse_steps_and_follows_corrections() -> None:
    c = MediaClock()
    c.on_event(ev("playing", 100.0, 0))
    assert c.media_at(100.25) == 250
    c.on_event(ev("time", 100.5, 480))  # libVLC a little behind: the clock follows it
    assert abs(c.media_at(100.6) - 580) < 1e-6
    c.on_event(ev("paused", 101.0))
    assert abs(c.media_at(105.0) - 980) < 1e-6  # frozen while paused
    c.on_event(ev("playing", 106.0, 750))  # a stale time in "playing" is not believed
    assert abs(c.media_at(106.5) - 1480) < 1e-6


def test_a_big_jump_is_a_seek() -> None:
    c = MediaClock()
    c.on_event(ev("playing", 0.0, 0))
    c.on_event(ev("time", 1.0, 6000))
    assert c.generation == 1 and not c.backward
    c.on_event(ev("time", 2.0, 500))
    assert c.generation == 2 and c.backward
    assert c.media_at(2.5) == 1000


def test_a_report_that_waited_for_the_gil_is_late_not_a_seek() -> None:
    """libVLC made "400 ms" at about 0.4 s, but its thread got into Python only at 2.0 s (a long
    garbage collection held the GIL); the next report, made after it, is on time."""
    c = MediaClock()
    c.on_event(ev("playing", 0.0, 0))
    c.on_event(ev("time", 0.25, 250))
    c.on_event(ev("time", 2.0, 400))  # behind the clock, yet after the last report: late
    assert c.generation == 0 and c.late == 1 and c.media_at(2.0) == 2000
    c.on_event(ev("time", 2.005, 1980))
    assert c.generation == 0 and abs(c.media_at(2.105) - 2080) < 1e-6
    s = DialSampler(10)
    for e in (ev("playing", 0.0, 0), ev("time", 0.25, 250), ev("time", 2.0, 400), ev("time", 2.005, 1980)):
        s.on_event(e)
    out = s.due(2.5)
    assert [x.media_ms for x in out] == list(range(0, 2500, 100)) and {x.segment for x in out} == {0}


def test_a_lag_that_lasts_is_followed() -> None:
    c = MediaClock()
    c.on_event(ev("playing", 0.0, 0))
    c.on_event(ev("time", 2.0, 400))  # late once: left out
    c.on_event(ev("time", 2.25, 650))  # still behind: libVLC really is there
    assert c.generation == 1 and c.backward and c.media_at(2.5) == 900


def test_percent_watched_counts_each_part_of_the_clip_once() -> None:
    c = MediaClock()
    c.on_event(ev("playing", 0.0, 0, 4000))
    c.on_event(ev("time", 1.0, 1000, 4000))
    c.on_event(ev("seeked", 1.0, 0, 4000))  # replayed from the start
    c.on_event(ev("time", 2.0, 1000, 4000))
    c.on_event(ev("stopped", 2.0, 1000, 4000))
    assert c.percent_watched() == 25.0
    c2 = MediaClock()
    c2.on_event(ev("playing", 0.0, 0, 4000))
    c2.on_event(ev("ended", 3.9, 4000, 4000))
    assert c2.percent_watched() == 100.0


def test_samples_on_media_time_with_values_at_their_moment() -> None:
    s = DialSampler(10, neutral=50)
    s.on_event(ev("playing", 10.0, 0))
    s.set_value(70, 10.25)
    # The poll comes late (the loop was busy): nothing is lost or shifted.
    out = s.due(10.55)
    assert [x.media_ms for x in out] == [0, 100, 200, 300, 400, 500]
    assert [x.value for x in out] == [50, 50, 50, 70, 70, 70]
    assert [round(x.mono - 10.0, 6) for x in out] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert s.due(10.56) == []


def test_pause_stops_sampling_and_resume_goes_on_from_there() -> None:
    s = DialSampler(10)
    s.on_event(ev("playing", 0.0, 0))
    assert len(s.due(0.35)) == 4  # 0..300
    s.on_event(ev("paused", 0.35))
    assert s.due(5.0) == [] and s.next_due() is None
    s.on_event(ev("playing", 5.0, 300))
    out = s.due(5.2)
    assert [x.media_ms for x in out] == [400, 500]
    assert [round(x.mono, 6) for x in out] == [5.05, 5.15]


def test_a_pause_heard_of_late_still_samples_what_came_before_it() -> None:
    # A seat follows the room's clock: it may hear of a pause only after the moment of the last sample
    # before it. That sample belongs to the course before the pause, on every seat, however late it polls.
    early, late = DialSampler(10), DialSampler(10)
    for s in (early, late):
        s.on_event(ev("playing", 0.0, 0))
        s.set_value(80, 0.33)
    assert [x.media_ms for x in early.due(0.32)] == [0, 100, 200, 300]
    assert [x.media_ms for x in late.due(0.25)] == [0, 100, 200]
    for s in (early, late):
        s.on_event(ev("paused", 0.35))
        s.set_value(20, 1.0)
    assert [(x.media_ms, round(x.mono, 6), x.value) for x in late.due(0.4)] == [(300, 0.3, 50)]
    assert early.due(5.0) == [] and late.due(5.0) == [] and late.next_due() is None
    for s in (early, late):
        s.on_event(ev("playing", 5.0, 350))
    assert [(x.media_ms, round(x.mono, 6)) for x in early.due(5.1)] == [(400, 5.05)]
    assert [(x.media_ms, round(x.mono, 6)) for x in late.due(5.1)] == [(400, 5.05)]


def test_seeks_skip_or_restart_the_slots() -> None:
    s = DialSampler(10)
    s.on_event(ev("playing", 0.0, 0))
    s.due(0.25)  # 0, 100, 200
    s.on_event(ev("time", 0.3, 5030))  # forward seek, at the moment slot 300 was due: it is taken first
    out = s.due(0.4)
    assert [x.media_ms for x in out] == [300, 5100] and {x.segment for x in out} == {0}
    s.on_event(ev("time", 0.5, 1000))  # backward seek: a new segment
    out = s.due(0.65)
    assert [(x.media_ms, x.segment) for x in out] == [(5200, 0), (1000, 1), (1100, 1)]
    assert [x.seq for x in out] == [5, 6, 7]


def test_end_flushes_every_sample_before_it() -> None:
    s = DialSampler(10)
    s.on_event(ev("playing", 0.0, 0, 1000))
    s.due(0.3)
    s.on_event(ev("ended", 0.97, 1000, 1000))  # libVLC ends a little before the length
    out = s.due(0.5)  # even when asked "early": the clock has stopped at its end
    assert [x.media_ms for x in out] == [400, 500, 600, 700, 800, 900]
    assert s.due(10.0) == []


def test_a_late_end_report_does_not_sample_past_the_end() -> None:
    s = DialSampler(10)
    s.on_event(ev("playing", 0.0, 0, 1000))
    s.on_event(ev("ended", 1.3, 1000, 1000))  # the report came 300 ms late
    assert [x.media_ms for x in s.due(1.3)] == list(range(0, 1000, 100))


def test_value_is_clamped() -> None:
    s = DialSampler(10, neutral=50)
    assert s.set_value(140) == 100 and s.set_value(-3) == 0


def test_recorder_thread_with_the_fake_player() -> None:
    rec = DialRecorder(20, neutral=30).start()
    player = FakePlayer({"c.mp4": 600}, tick_ms=250)
    player.play("c.mp4", rec.on_event)
    time.sleep(0.3)
    rec.set_value(80)
    deadline = time.monotonic() + 3
    while not rec.clock.finished and time.monotonic() < deadline:
        time.sleep(0.02)
    samples = rec.stop()
    player.close()
    assert [x.media_ms for x in samples] == list(range(0, 600, 50))
    assert samples[0].value == 30 and samples[-1].value == 80


def test_the_samples_are_the_same_however_late_they_are_asked_for() -> None:
    """Readers of the same events (the seats of a room) key every sample alike, whether they ask for the due
    samples at 10 Hz or only after a correction, a seek or a pause they heard of late."""
    import random

    rng = random.Random(3)
    compared = 0
    for _ in range(40):
        events, mono, media = [ev("playing", 0.0, 0)], 0.0, 0.0
        running = True
        for _ in range(rng.randint(3, 25)):
            step = rng.uniform(0.01, 0.7)
            mono += step
            media += step * 1000 if running else 0
            kind = rng.choice(["time", "time", "time", "seek", "pause"])
            if kind == "time" and running:
                media += rng.uniform(-40, 40)  # libVLC's report, a little off the clock
                events.append(ev("time", mono, int(media)))
            elif kind == "seek":
                media = rng.uniform(0, 9000)
                events.append(ev("seeked", mono, int(media)))
            elif kind == "pause":
                running = not running
                events.append(ev("paused" if not running else "playing", mono, int(media)))
        events.append(ev("ended", mono + 0.5, 10_000))
        prompt, tardy = DialSampler(10), DialSampler(10)
        asked, late = [], []
        for e, following in zip(events, events[1:] + [None]):
            t = asked[-1].mono if asked else 0.0
            while (t := t + 0.01) < e.mono:  # asked every 10 ms up to the event
                asked.extend(prompt.due(t))
            prompt.on_event(e)
            tardy.on_event(e)
            if following is not None and rng.random() < 0.3:  # now and then, as far as what it knows goes
                late.extend(tardy.due(rng.uniform(e.mono, following.mono)))
        asked.extend(prompt.due(mono + 60))
        late.extend(tardy.due(mono + 60))
        key = [(x.media_ms, round(x.mono, 9), x.segment, x.seq) for x in asked]
        assert key == [(x.media_ms, round(x.mono, 9), x.segment, x.seq) for x in late]
        compared += len(key)
    assert compared > 400


def test_a_hold_drops_the_samples_of_its_own_moments_however_late_they_are_collected() -> None:
    # A seat's dial is collected only up to what it knows of the room's clock, a read behind. A hold (the
    # moderator paused this seat) is judged by each sample's moment, not by when the sample is collected.
    horizon = Horizon()
    rec = DialRecorder(10.0, horizon=horizon)
    t0 = time.monotonic() - 10.0
    rec.on_event(PlayerEvent("playing", media_ms=0, length_ms=8000, mono=t0))
    horizon.advance(t0 + 0.95)
    rec.start()
    assert until(lambda: rec.count == 10)  # 0 … 900 ms collected before the hold
    rec.hold(True, t0 + 1.05)
    assert rec.held
    rec.hold(False, t0 + 2.25)  # both set before the samples between them are collected
    assert not rec.held
    horizon.advance(t0 + 4.0)
    assert until(lambda: rec.count >= 29)
    kept = rec.stop()
    media = [s.media_ms for s in kept]
    assert media == [*range(0, 1001, 100), *range(2300, 4001, 100)], media
    assert all(not (t0 + 1.05 <= s.mono < t0 + 2.25) for s in kept)
