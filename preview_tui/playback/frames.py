"""The frames libVLC shows, with the moment it shows each one.

A player's time reports say where its clock is, not which picture is on the
screen; to measure how far a clock built on those reports is from what the
audience sees, the pictures themselves must be caught as they are shown.
:class:`FrameTap` does that through libVLC's memory video output (the video
callbacks): libVLC converts each picture to a small packed RGB frame in a
buffer of the tap's, and calls the tap's display callback at the moment the
picture is due on the screen. The tap notes ``time.monotonic()`` first, then
copies the picture (or hands it to a decoder of the caller's) and keeps a
:class:`TappedFrame`.

A tap replaces the player's video output: nothing is shown anywhere. It is
meant for benchmarks and tests of the room player, which run without a
display.

Threading: libVLC calls the lock and display callbacks on its video output
thread. They only touch the tap's own buffer and list (under a lock) and
never call libVLC (that would hang the thread for good). The ctypes callback
objects live on the tap, and the tap on the player, for as long as libVLC may
call them: a collected callback crashes the process.

Nothing here imports ``vlc`` at module import, or textual ever.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger(__name__)

# Bytes a pixel for the packed RGB chromas libVLC converts to (RV32 is B,G,R,X in memory).
CHROMAS = {"RV32": 4, "RV24": 3}
ALIGN = 32  # libVLC wants each plane on a 32-byte boundary
SLACK_LINES = 2  # spare lines after the picture: some SIMD converters write a little past the end

Decoder = Callable[[bytes, int, int, int], Any]
"""``decoder(pixels, width, height, pitch)``: what to keep of a shown picture.

It runs on libVLC's video output thread for every picture, after the moment
was noted: keep it to a fraction of a frame's time (well under a millisecond),
and never call libVLC from it.
"""


@dataclass(frozen=True, slots=True)
class TappedFrame:
    """One picture as libVLC showed it."""

    seq: int  # 0, 1, 2 ... in display order, over the tap's life
    mono: float  # time.monotonic() when libVLC displayed it
    data: Any  # the picture's bytes (``height`` rows of ``pitch``), or what the decoder returned


class FrameTap:
    """Catches every picture libVLC displays, as a small packed RGB frame.

    ``width`` x ``height`` is the size libVLC scales each picture to (whatever
    the clip's size); ``chroma`` is ``"RV32"`` (default) or ``"RV24"``.
    ``decoder`` (optional) turns each picture into what is kept, on libVLC's
    thread; without one the tap keeps a copy of the whole picture. ``keep``
    bounds how many frames are held (the oldest go first); None keeps all.

    Install it on a python-vlc ``MediaPlayer`` before ``play()`` with
    :meth:`install`, or give it to ``VlcPlayer(frame_tap=...)``, which does.
    One tap serves one player.
    """

    def __init__(
        self,
        width: int = 160,
        height: int = 120,
        *,
        chroma: str = "RV32",
        decoder: Decoder | None = None,
        keep: int | None = None,
    ) -> None:
        if chroma not in CHROMAS:
            raise ValueError(f"chroma must be one of {sorted(CHROMAS)}, not {chroma!r}")
        if width <= 0 or height <= 0:
            raise ValueError("width and height must be positive")
        self.width = int(width)
        self.height = int(height)
        self.chroma = chroma
        self.bpp = CHROMAS[chroma]
        # Lines padded to the alignment too, so every line starts aligned.
        self.pitch = -(-self.width * self.bpp // ALIGN) * ALIGN
        self.decoder = decoder
        self._size = self.pitch * self.height
        self._memory = ctypes.create_string_buffer(self._size + self.pitch * SLACK_LINES + ALIGN)
        base = ctypes.addressof(self._memory)
        self.address = base + (-base % ALIGN)
        self._lock = threading.Lock()
        self._frames: deque[TappedFrame] = deque(maxlen=keep)
        self._seq = 0
        self.failures = 0  # pictures the decoder (or the copy) failed on
        self.player: Any = None
        self._callbacks: tuple[Any, ...] = ()

    # ---------------------------------------------------------------- set-up

    @staticmethod
    def video_mode(video: str) -> str:
        """The player's video mode with a tap: headless, as the tap is the output."""
        if video not in ("auto", "headless"):
            raise ValueError(f"a frame tap replaces the video output: video must be 'auto' or 'headless', not {video!r}")
        return "headless"

    def install(self, player: Any) -> None:
        """Route ``player``'s video into the tap. Call before ``play()``.

        The player's own video output setting (``--vout``, a window) no longer
        applies: libVLC renders into the tap's buffer and shows nothing.
        """
        if self.player is not None:
            raise RuntimeError("this FrameTap is already installed on a player")
        import vlc  # the caller has a MediaPlayer, so python-vlc is loaded and working

        cb = vlc.CallbackDecorators
        lock_cb = cb.VideoLockCb(self._on_lock)
        display_cb = cb.VideoDisplayCb(self._on_display)
        # Kept before libVLC learns of them (fact 9: a collected callback crashes).
        self._callbacks = (lock_cb, display_cb)
        self.player = player
        player.video_set_callbacks(lock_cb, None, display_cb, None)  # no unlock: nothing to release
        player.video_set_format(self.chroma, self.width, self.height, self.pitch)

    # ------------------------------------------------- libVLC's video thread

    def _on_lock(self, opaque: Any, planes: Any) -> None:
        # One plane for packed RGB; libVLC renders the next picture into it.
        planes[0] = self.address
        return None

    def _on_display(self, opaque: Any, picture: Any) -> None:
        mono = time.monotonic()  # first: this is the moment the picture is shown
        try:
            data: Any = ctypes.string_at(self.address, self._size)
            if self.decoder is not None:
                data = self.decoder(data, self.width, self.height, self.pitch)
            with self._lock:
                self._frames.append(TappedFrame(self._seq, mono, data))
                self._seq += 1
        except BaseException:  # noqa: BLE001 - nothing may escape into libVLC's thread
            with self._lock:
                self.failures += 1
                self._seq += 1
            try:
                log.debug("frame tap: a picture could not be kept", exc_info=True)
            except BaseException:  # noqa: BLE001
                pass

    # --------------------------------------------------------------- reading

    @property
    def count(self) -> int:
        """Pictures displayed since the tap was installed (kept or not)."""
        with self._lock:
            return self._seq

    def frames(self) -> list[TappedFrame]:
        """The frames held, oldest first (a copy; the tap goes on filling)."""
        with self._lock:
            return list(self._frames)

    def drain(self) -> list[TappedFrame]:
        """The frames held, oldest first; the tap forgets them."""
        with self._lock:
            out = list(self._frames)
            self._frames.clear()
        return out

    def __repr__(self) -> str:
        return f"<FrameTap {self.chroma} {self.width}x{self.height} frames={self.count}>"
