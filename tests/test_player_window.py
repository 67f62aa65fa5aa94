"""The room display as a room sees it: libVLC's own window, fullscreen, on a real X display (Xvfb).

The clip's frames are solid colours, one per second, so a screenshot tells which
second of the clip is on the screen. The player is paused at a known time; the
screen, read back from the X server, must be that second's colour, over the whole
screen (fullscreen), while the player's position says the same time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time

import pytest
from PIL import Image

from media_helpers import write_clip
from preview_tui.playback.vlc_player import VlcPlayer
from xdisplay import x_display

COLOURS = [(220, 30, 30), (30, 200, 40), (30, 60, 220), (230, 220, 40), (200, 40, 200), (40, 210, 210)]
WIDTH, HEIGHT = 640, 360


def paint(size, t, seconds):
    return Image.new("RGB", size, COLOURS[int(t) % len(COLOURS)])


def screenshot(display: str) -> Image.Image:
    """The whole X screen as the X server holds it."""
    from Xlib import X
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display)
    try:
        root = conn.screen().root
        geometry = root.get_geometry()
        raw = root.get_image(0, 0, geometry.width, geometry.height, X.ZPixmap, 0xFFFFFFFF)
        return Image.frombytes("RGB", (geometry.width, geometry.height), raw.data, "raw", "BGRX")
    finally:
        conn.close()


class _Sink:
    written = b""


@contextlib.contextmanager
def nothing_on_stderr():
    """What is written on file descriptor 2 meanwhile (by libVLC, libwayland, Xlib: C code), in ``.written``."""
    sink = _Sink()
    with tempfile.TemporaryFile() as f:
        saved = os.dup(2)
        os.dup2(f.fileno(), 2)
        try:
            yield sink
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            f.seek(0)
            sink.written = f.read()


def near(a, b, tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


class Events:
    def __init__(self):
        self.kinds: list[str] = []
        self.cond = threading.Condition()

    def __call__(self, event) -> None:
        with self.cond:
            self.kinds.append(event.kind)
            self.cond.notify_all()

    def wait(self, kind: str, timeout: float = 20.0) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: kind in self.kinds, timeout), f"no {kind!r}: {self.kinds}"


@pytest.mark.real
@pytest.mark.parametrize("pause_at_ms", [1400, 3600])
def test_the_clip_fills_the_room_display_with_the_frame_of_its_time(tmp_path, monkeypatch, pause_at_ms):
    clip = write_clip(tmp_path / "colours.mp4", 6.0, 320, 180, 24, painter=paint, audio=False)
    with contextlib.ExitStack() as stack, x_display(WIDTH, HEIGHT) as display:
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)  # as in a kiosk's X session: libwayland must not complain on stderr
        stderr = stack.enter_context(nothing_on_stderr())
        player = VlcPlayer(video="window", fullscreen=True, audio="dummy", log_file=tmp_path / "vlc.log")
        try:
            assert player.video_mode == "window" and player.fullscreen
            events = Events()
            player.play(clip, events)
            events.wait("playing")
            deadline = time.monotonic() + 30
            while (player.position()[0] or 0) < pause_at_ms:
                assert time.monotonic() < deadline, f"the clip did not reach {pause_at_ms} ms: {player.position()}"
                time.sleep(0.01)
            player.pause()
            events.wait("paused")
            # The frame on the screen settles once the pause has reached the video output.
            deadline = time.monotonic() + 10
            while True:
                position = player.position()[0]
                shot = screenshot(display)
                second = position // 1000
                expected = [COLOURS[second]] + ([COLOURS[second - 1]] if position % 1000 < 150 and second else [])
                centre = shot.getpixel((WIDTH // 2, HEIGHT // 2))
                if any(near(centre, c) for c in expected) or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert any(near(centre, c) for c in expected), f"at {position} ms the screen shows {centre}, expected one of {expected}"
            colour = next(c for c in expected if near(centre, c))
            grid = [shot.getpixel((x, y)) for x in range(4, WIDTH, WIDTH // 16) for y in range(4, HEIGHT, HEIGHT // 9)]
            covered = sum(near(p, colour) for p in grid) / len(grid)
            assert covered >= 0.95, f"the clip covers {covered:.0%} of the screen: not fullscreen"
        finally:
            player.close()
    assert stderr.written == b"", f"something wrote on stderr (fd 2): {stderr.written[:2000]!r}"
