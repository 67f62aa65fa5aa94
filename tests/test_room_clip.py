"""The shared clip: the room display's events in the room file, followed by seats (fake player, real SQLite)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from conftest import until
from preview_tui.db.migrate import upgrade
from preview_tui.db.room import RoomDb, new_join_code
from preview_tui.playback.fake import FakePlayer
from preview_tui.station.room_clip import RoomDisplay, SharedClip, clock_of


def room_file(tmp_path: Path) -> Path:
    db = tmp_path / "room.db"
    upgrade(db)
    RoomDb(db, "Room 1").open_room("study", new_join_code())
    return db


class Collect:
    def __init__(self) -> None:
        self.events = []
        self.done = threading.Event()

    def __call__(self, ev) -> None:
        self.events.append(ev)
        if ev.kind in ("ended", "error", "stopped"):
            self.done.set()


def a_clip(tmp_path: Path) -> Path:
    """The file the room display's fake player is given (it reads nothing of it)."""
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    return clip


def a_display(tmp_path: Path, db: Path, room_ms: int, tick_ms: int = 250) -> RoomDisplay:
    return RoomDisplay(FakePlayer(default_ms=room_ms, tick_ms=tick_ms), RoomDb(db, "Room 1"), lambda name: tmp_path / name)


def a_seat(db: Path, on_replay=lambda: None) -> SharedClip:
    return SharedClip(RoomDb(db, "Room 1"), "trailer", on_replay=on_replay)


def test_a_seat_follows_the_room_clock_exactly(tmp_path):
    db = room_file(tmp_path)
    clip = a_clip(tmp_path)
    display = a_display(tmp_path, db, 1500)
    seat = a_seat(db)
    got = Collect()
    seat.play(clip, got)  # reaches the clip before the room starts it: waits
    time.sleep(0.2)
    assert got.events == []
    display.start("trailer", "clip.mp4")
    assert got.done.wait(10)
    assert got.events[-1].kind == "ended"
    logged = RoomDb(db, "Room 1").clip_events()
    assert [e.kind for e in got.events] == [r.kind for r in logged]  # every event, in order
    room, follower = clock_of(logged), seat.clock
    assert [(e.mono, e.media_ms) for e in got.events] == [(r.mono, r.media_ms) for r in logged]
    for mono in (logged[1].mono + 0.1, logged[-1].mono):
        assert follower.media_at(mono) == room.media_at(mono)
    display.close()


def test_a_late_seat_starts_at_the_clips_current_time(tmp_path):
    db = room_file(tmp_path)
    clip = a_clip(tmp_path)
    display = a_display(tmp_path, db, 3000)
    display.start("trailer", "clip.mp4")
    assert until(lambda: display.media_now() > 800)
    seat = a_seat(db)
    got = Collect()
    room_then = display.media_now()
    seat.play(clip, got)
    assert until(lambda: got.events)
    first = got.events[0]
    assert first.kind == "playing" and first.media_ms >= room_then - 500  # where the room's clock is, not the clip's start
    logged = RoomDb(db, "Room 1").clip_events()
    assert first.mono >= max(r.mono for r in logged if r.mono <= first.mono)  # at a moment up to which the log was read
    room_now = clock_of(logged).media_at(first.mono)
    assert abs(first.media_ms - room_now) <= 1  # exactly the room's clock at that moment
    assert got.done.wait(10)
    display.close()


def test_a_seat_that_joins_a_paused_clip_is_told_who_paused_it(tmp_path):
    db = room_file(tmp_path)
    clip = a_clip(tmp_path)
    display = a_display(tmp_path, db, 4000)
    display.start("trailer", "clip.mp4")
    assert until(lambda: display.media_now() > 500)
    display.pause()
    assert until(lambda: display.state == "paused")
    time.sleep(0.3)
    seat = a_seat(db)
    got = Collect()
    seat.play(clip, got)
    assert until(lambda: len(got.events) >= 2)
    assert [(e.kind, e.detail) for e in got.events] == [("playing", ""), ("paused", "moderator")]
    assert got.events[0].media_ms == got.events[1].media_ms == round(display.media_now())
    seat.stop()
    display.close()


def test_a_replay_reaches_the_seat_and_pauses_carry_who(tmp_path):
    db = room_file(tmp_path)
    clip = a_clip(tmp_path)
    display = a_display(tmp_path, db, 4000)
    replays = threading.Event()
    seat = a_seat(db, replays.set)
    got = Collect()
    seat.play(clip, got)
    display.start("trailer", "clip.mp4")
    assert until(lambda: display.state == "playing")
    display.pause()
    assert until(lambda: any(e.kind == "paused" for e in got.events))
    assert [e.detail for e in got.events if e.kind == "paused"] == ["moderator"]
    display.replay()
    assert replays.wait(5)
    plays = {r.play for r in RoomDb(db, "Room 1").clip_events()}
    assert plays == {1, 2}
    display.close()


def test_a_replay_reaches_the_seat_however_long_the_room_takes_to_start_it_again(tmp_path):
    # The room's player reports the old play stopped, and only then is the new play logged: a seat that has read
    # the stop on its own (one poll or many before the new play) still hears of the replay.
    db = room_file(tmp_path)
    clip = a_clip(tmp_path)
    display = a_display(tmp_path, db, 4000)
    replays = threading.Event()
    seat = a_seat(db, replays.set)
    got = Collect()
    seat.play(clip, got)
    display.start("trailer", "clip.mp4")
    assert until(lambda: display.state == "playing")
    display.player.stop()  # what replay() does first
    assert got.done.wait(5) and got.events[-1].kind == "stopped"
    time.sleep(3 * seat.poll_s)  # the seat reads the log again meanwhile, and sees no new play yet
    assert not replays.is_set()
    display.start("trailer", "clip.mp4")
    assert replays.wait(5)
    seat.stop()
    display.close()


def test_a_replay_read_with_the_end_of_the_old_play_hands_that_end_first_then_the_replay_whole(tmp_path):
    # The moderator seeks and at once plays it again: the seek, the stop and the new play reach the seat in
    # one read of the log. The seek and the stop belong to the old play and are handed over before the replay;
    # the replay is then followed from its first event, not joined late.
    db = room_file(tmp_path)
    log = RoomDb(db, "Room 1")
    t0 = time.monotonic()
    log.append_clip("trailer", 1, "opening", mono=t0 - 2)
    log.append_clip("trailer", 1, "playing", mono=t0 - 1.9, media_ms=0, length_ms=10_000)
    log.publish(t0)
    first: list = []

    def on_first(ev) -> None:  # the seat's first read handed this: the rest arrives before its next one
        first.append(ev)
        if len(first) == 1:
            now = time.monotonic()
            log.append_clip("trailer", 1, "seeked", mono=now, media_ms=7000, length_ms=10_000)
            log.append_clip("trailer", 1, "stopped", mono=now + 0.001, media_ms=7000, length_ms=10_000)
            log.append_clip("trailer", 2, "opening", mono=now + 0.002)
            log.append_clip("trailer", 2, "playing", mono=now + 0.003, media_ms=0, length_ms=10_000)
            log.publish(now + 0.004)

    replays = threading.Event()
    seat = a_seat(db, replays.set)
    seat.play(tmp_path / "clip.mp4", on_first)
    assert replays.wait(5)
    assert [e.kind for e in first] == ["playing", "seeked", "stopped"]
    again = Collect()
    seat.play(tmp_path / "clip.mp4", again)  # what the seat's screen does on the replay
    assert until(lambda: len(again.events) >= 2)
    play2 = [r for r in log.clip_events() if r.play == 2]
    assert [(e.kind, e.mono) for e in again.events] == [(r.kind, r.mono) for r in play2]
    seat.stop()


def test_a_play_that_failed_in_the_room_can_be_tried_again_for_the_seat(tmp_path):
    db = room_file(tmp_path)
    clip = tmp_path / "clip.mp4"
    display = a_display(tmp_path, db, 2000)
    replays = threading.Event()
    seat = a_seat(db, replays.set)
    got = Collect()
    seat.play(clip, got)
    display.start("trailer", "clip.mp4")  # not there yet: the room's play fails
    assert got.done.wait(5) and got.events[-1].kind == "error"
    time.sleep(3 * seat.poll_s)
    clip.write_bytes(b"x")  # the moderator puts the file back and presses R
    display.replay()
    assert replays.wait(5)
    seat.stop()
    display.close()


def test_a_seat_stops_following_when_the_play_ends(tmp_path):
    db = room_file(tmp_path)
    clip = a_clip(tmp_path)
    display = a_display(tmp_path, db, 800, tick_ms=200)
    seat = a_seat(db)
    seat.play(clip, Collect())
    thread = seat._thread
    display.start("trailer", "clip.mp4")
    assert until(lambda: not thread.is_alive())  # the seat has gone on to the next page: nothing left polling
    display.close()


def test_the_join_code_is_checked_and_a_new_room_gets_a_new_one(tmp_path):
    db = tmp_path / "room.db"
    upgrade(db)
    room = RoomDb(db, "Room 1")
    room.open_room("study", "ABC234")
    assert room.code_matches("abc234 ") and not room.code_matches("ABC235") and not room.code_matches("")
    room.close_room()
    assert not room.code_matches("ABC234")
    codes = {new_join_code() for _ in range(50)}
    assert len(codes) > 45 and all(len(c) == 6 and not set(c) & set("01OIL") for c in codes)


def test_a_dial_that_starts_mid_clip_samples_from_there_on_the_grid():
    from preview_tui.playback.base import PlayerEvent
    from preview_tui.playback.dial import DialSampler

    sampler = DialSampler(10, 50)
    now = time.monotonic()
    sampler.on_event(PlayerEvent("playing", media_ms=5374, length_ms=14000, mono=now - 1.0))
    samples = sampler.due(now)
    assert samples and samples[0].media_ms == 5400 and all(s.media_ms % 100 == 0 for s in samples)
    assert abs(samples[0].mono - (now - 1.0 + 0.026)) < 1e-6  # taken when the clock reached 5.4 s, not backdated to the clip's start


def test_seats_opened_together_never_share_a_name(tmp_path):
    import concurrent.futures

    db = room_file(tmp_path)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        names = list(pool.map(lambda _: RoomDb(db, "Room 1").claim(), range(16)))
    assert sorted(names, key=lambda n: int(n[1:])) == [f"S{i}" for i in range(1, 17)]


class HeldPlayer:
    """A player whose events the test makes, stamped whenever it likes (a libVLC thread held up after the stamp)."""

    name = "held"

    def __init__(self) -> None:
        self.listener = None

    def play(self, path, listener) -> None:
        self.listener = listener

    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


def test_an_event_stamped_before_what_was_published_comes_just_after_it(tmp_path):
    from preview_tui.playback.base import PlayerEvent

    db = room_file(tmp_path)
    a_clip(tmp_path)
    player = HeldPlayer()
    display = RoomDisplay(player, RoomDb(db, "Room 1"), lambda name: tmp_path / name)
    reader = RoomDb(db, "Room 1")
    try:
        display.start("trailer", "clip.mp4")
        player.listener(PlayerEvent("playing", media_ms=0, length_ms=10_000))
        stamped = time.monotonic()  # the pause's stamp, before its thread hands it over
        assert until(lambda: reader.clip_since()[0] > stamped + 0.05)
        published, _ = reader.clip_since()
        player.listener(PlayerEvent("paused", media_ms=500, length_ms=10_000, mono=stamped))
        assert until(lambda: [r.kind for r in reader.clip_since()[1]] == ["playing", "paused"])
        paused = reader.clip_since()[1][-1]
        # A seat that read ``published`` may have sampled up to it: the pause is after that, for everyone.
        assert paused.mono > published
        assert display.clock.media_at(paused.mono + 1) == clock_of(reader.clip_events()).media_at(paused.mono + 1)
    finally:
        display.close()
