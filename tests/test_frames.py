"""Frames as libVLC shows them: the stamp reader, the frame tap, and a real clip through both.

The stamped clip's frames carry their own numbers (bench/stamped_clip.py); a
FrameTap in place of VlcPlayer's video output notes when each is displayed.
Bounds are generous on purpose: a loaded CI machine may drop a frame or hold
a callback for a while, and none of that is what these tests are about.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.frame_timing import pct, timing_errors  # noqa: E402
from bench.stamped_clip import CELLS, make_stamped_clip, read_stamp, stamp_cells, synthetic_frame  # noqa: E402
from preview_tui.playback import PlayerEvent, probe_vlc  # noqa: E402
from preview_tui.playback.frames import FrameTap  # noqa: E402

CLIP_S = 3.6
FPS = 25

# ---------------------------------------------------------------- read_stamp


@pytest.mark.parametrize("n", [0, 1, 2, 37, 255, 256, 1000, 4095, 65535, (1 << 20) - 1])
@pytest.mark.parametrize(("width", "height", "bpp"), [(160, 120, 4), (320, 240, 3), (64, 48, 4), (101, 77, 3)])
def test_read_stamp_round_trips_on_synthetic_pictures(n, width, height, bpp):
    pixels, pitch = synthetic_frame(n, width, height, bpp=bpp)
    assert read_stamp(pixels, width, height, pitch, bpp=bpp) == n


def test_read_stamp_reads_through_padded_lines():
    # libVLC's lines may be longer than the picture (the tap pads them to 32 bytes).
    pixels, pitch = synthetic_frame(4242, 150, 100, bpp=3, pitch=480)
    assert read_stamp(pixels, 150, 100, pitch, bpp=3) == 4242


def test_an_unstamped_or_damaged_picture_reads_as_none():
    grey, pitch = synthetic_frame(None)
    assert read_stamp(grey, 160, 120, pitch) is None
    assert read_stamp(bytes(pitch * 120), 160, 120, pitch) is None  # black
    assert read_stamp(b"\xff" * (pitch * 120), 160, 120, pitch) is None  # white

    good, pitch = synthetic_frame(1234)
    # One data cell flipped: the CRC must catch it rather than read another number.
    cells = stamp_cells(1234)
    k = 5
    damaged = bytearray(good)
    x0, x1 = (k * 160) // CELLS, ((k + 1) * 160) // CELLS
    for y in range(120):
        level = 0 if cells[k] else 255
        damaged[y * pitch + x0 * 4 : y * pitch + x1 * 4] = bytes([level]) * ((x1 - x0) * 4)
    assert read_stamp(bytes(damaged), 160, 120, pitch) is None

    # A picture too short for its size, or too small to hold a stamp.
    assert read_stamp(good[: pitch * 60], 160, 120, pitch) is None
    small, spitch = synthetic_frame(7, 40, 30)
    assert read_stamp(small, 40, 30, spitch) is None


def test_stamps_survive_h264_at_a_low_bit_rate(tmp_path: Path):
    import av  # the test extras install PyAV
    clip = make_stamped_clip(tmp_path / "s.mp4", seconds=1.0, fps=FPS, crf=45, audio=False)
    got = []
    with av.open(str(clip)) as container:
        for frame in container.decode(video=0):
            rgb = frame.reformat(width=160, height=120, format="bgra")
            plane = rgb.planes[0]
            got.append(read_stamp(bytes(plane), 160, 120, plane.line_size))
    assert got == list(range(FPS))


# ----------------------------------------------------------- FrameTap alone


def _show(tap: FrameTap, pixels: bytes) -> None:
    """What libVLC does for one picture: render into the tap's buffer, then display."""
    ctypes.memmove(tap.address, pixels, len(pixels))
    tap._on_display(None, None)


def test_tap_keeps_each_displayed_picture_with_its_moment():
    tap = FrameTap(160, 120, keep=3)
    assert tap.address % 32 == 0 and tap.pitch % 32 == 0 and tap.pitch >= 160 * 4
    for n in range(5):
        pixels, _ = synthetic_frame(n, 160, 120, pitch=tap.pitch)
        _show(tap, pixels)
    frames = tap.frames()
    assert tap.count == 5
    assert [f.seq for f in frames] == [2, 3, 4]  # keep=3: the oldest went
    assert [read_stamp(f.data, 160, 120, tap.pitch) for f in frames] == [2, 3, 4]
    assert all(b.mono >= a.mono for a, b in zip(frames, frames[1:]))
    assert len(tap.drain()) == 3 and tap.frames() == []


def test_tap_runs_the_decoder_and_survives_its_failures():
    calls = []

    def decoder(pixels, width, height, pitch):
        calls.append((width, height, pitch))
        if len(calls) == 2:
            raise ValueError("boom")
        return read_stamp(pixels, width, height, pitch, bpp=3)

    tap = FrameTap(96, 72, chroma="RV24", decoder=decoder)
    for n in (10, 11, 12):
        pixels, _ = synthetic_frame(n, 96, 72, bpp=3, pitch=tap.pitch)
        _show(tap, pixels)
    assert [f.data for f in tap.frames()] == [10, 12]
    assert tap.failures == 1 and tap.count == 3
    assert calls[0] == (96, 72, tap.pitch)


def test_tap_rejects_what_it_cannot_do():
    with pytest.raises(ValueError):
        FrameTap(chroma="I420")
    with pytest.raises(ValueError):
        FrameTap(0, 10)
    from preview_tui.playback.vlc_player import VlcPlayer

    with pytest.raises(ValueError, match="window"):
        VlcPlayer(video="window", frame_tap=FrameTap())


# ------------------------------------------------------ a real clip in libVLC


@pytest.mark.real
def test_tap_installs_its_callbacks_and_format_once():
    assert probe_vlc().ok, f"libVLC is required (CI installs it): {probe_vlc().message()}"

    class Recorder:
        def __init__(self):
            self.calls = []

        def video_set_callbacks(self, *args):
            self.calls.append(("callbacks", args))

        def video_set_format(self, *args):
            self.calls.append(("format", args))

    tap = FrameTap(128, 96)
    player = Recorder()
    tap.install(player)
    (kind, (lock, unlock, display, opaque)), (fkind, fmt) = player.calls
    assert kind == "callbacks" and fkind == "format"
    assert unlock is None and opaque is None and lock is not None and display is not None
    assert fmt == ("RV32", 128, 96, 512)
    with pytest.raises(RuntimeError):
        tap.install(Recorder())


@pytest.mark.real
def test_a_stamped_clip_through_vlc_player_and_a_frame_tap(tmp_path: Path):
    assert probe_vlc().ok, f"libVLC is required (CI installs it): {probe_vlc().message()}"
    from preview_tui.playback.vlc_player import VlcPlayer

    clip = make_stamped_clip(tmp_path / "stamped.mp4", seconds=CLIP_S, fps=FPS)
    total = round(CLIP_S * FPS)
    tap = FrameTap(160, 120)  # keeps the pictures; decoded here, off libVLC's thread
    events: list[PlayerEvent] = []
    done = threading.Event()

    def listener(ev: PlayerEvent) -> None:
        events.append(ev)
        if ev.kind in ("ended", "error", "stopped"):
            done.set()

    player = VlcPlayer(video="headless", audio="dummy", log_file=tmp_path / "vlc.log", frame_tap=tap)
    try:
        player.play(clip, listener)
        assert done.wait(CLIP_S + 30), [e.kind for e in events]
    finally:
        player.close()

    assert events[-1].kind == "ended", [(e.kind, e.detail) for e in events if e.kind != "time"]
    frames = tap.frames()
    shown = [(f.mono, read_stamp(f.data, tap.width, tap.height, tap.pitch)) for f in frames]
    numbers = [n for _, n in shown if n is not None]
    # libVLC may drop a late picture on a loaded machine; most are shown, and nearly all read.
    assert len(frames) >= total // 2, (len(frames), total, tap.failures)
    assert len(numbers) >= 0.9 * len(frames), [n for _, n in shown]
    assert all(0 <= n < total for n in numbers), numbers
    assert all(b >= a for a, b in zip(numbers, numbers[1:])), numbers
    # The pictures came at the clip's pace: wall time between the first and the
    # last read frame against their own times.
    readable = [(m, n) for m, n in shown if n is not None]
    (m0, n0), (m1, n1) = readable[0], readable[-1]
    assert n1 - n0 >= total // 2, (n0, n1)
    ratio = (m1 - m0) / ((n1 - n0) / FPS)
    assert 0.9 <= ratio <= 1.1, (ratio, m1 - m0, n0, n1)
    # The media clock on the player's events agrees with the screen (loosely: the
    # benchmark measures how well).
    errors = timing_errors(readable, events, FPS)
    assert len(errors) >= len(readable) // 2
    assert pct([abs(e) for e in errors], 50) <= 150, sorted(errors)[:: max(1, len(errors) // 20)]
