"""The libVLC player (python-vlc).

Import this module only when you mean to play: it does not import ``vlc`` at
module level, but :class:`VlcPlayer` does when constructed. Prefer
:func:`preview_tui.playback.make_player`, which probes libVLC first and raises
:class:`PlayerUnavailable` with an install hint when it is missing.

Threading
---------
libVLC calls the event callbacks on its own threads (the input thread, and the
caller's thread for the ``Stopped`` that follows ``stop()``). The callbacks here
only update a few plain attributes of the current session and build a
:class:`PlayerEvent` for the listener; they never call back into libVLC.

``play()`` returns at once when nothing is playing; when another clip is still
loaded it stops that one first, which joins libVLC's input thread. ``stop()``
and ``close()`` may block (usually a few ms, longer on slow disks or devices):
run them, and ``play()`` of a follow-up clip, off the UI loop (a thread worker
or ``asyncio.to_thread``). ``pause()``, ``resume()`` and ``position()`` never
wait for a blocking operation in progress: during one they do nothing, or
return the last known position.

What the listener sees for one ``play()``::

    opening, buffering*, playing, time*, (paused, playing)*, then exactly one of
    ended | error | stopped

and nothing after that for this clip. ``error`` covers a missing, unreadable,
corrupt, truncated or undecodable file and a start-up timeout; ``detail`` says
which.
"""

from __future__ import annotations

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .base import Listener, PlayerUnavailable
from .libvlc import INSTALL_HINT, import_vlc
from .vlc_options import build_args, resolve_audio, resolve_video
from .vlc_quiet import close_log, open_log, quiet_wayland, silence_alsa
from .vlc_session import PlaySession, file_problem

if TYPE_CHECKING:
    from .frames import FrameTap

log = logging.getLogger(__name__)

_live_players: weakref.WeakSet[VlcPlayer] = weakref.WeakSet()


@atexit.register
def _close_live_players() -> None:
    """Players left open at exit are closed while Python still runs, so that
    libVLC's threads do not call into a finalizing interpreter."""
    for player in list(_live_players):
        try:
            player.close()
        except Exception:  # noqa: BLE001
            pass


class VlcPlayer:
    """A :class:`~preview_tui.playback.base.Player` on libVLC.

    Options:

    - ``video``: ``"auto"`` (a window when ``DISPLAY`` or ``WAYLAND_DISPLAY``
      is set, else headless), ``"window"`` or ``"headless"`` (``--vout=dummy``:
      decoded in real time, shown nowhere).
    - ``audio``: ``"auto"`` (dummy when headless, else the default device),
      ``"default"`` or ``"dummy"``.
    - ``fullscreen``: the video window fills the screen (window mode only).
    - ``volume``: 0-100 (libVLC allows up to 200); None leaves it alone.
    - ``log_file``: append libVLC's log there; without it libVLC logs nothing.
    - ``hw_decoding``: allow VA-API/VDPAU decoding (off: those libraries may
      print on stderr, and the clips here are small).
    - ``start_timeout``: seconds after ``play()`` without ``playing`` before
      an ``error`` is reported (None: no watchdog).
    - ``extra_args``: more libVLC options, appended last (they win).
    - ``frame_tap``: a :class:`~preview_tui.playback.frames.FrameTap` that
      takes the place of the video output (headless; benchmarks and tests).

    Raises :class:`PlayerUnavailable` when libVLC cannot be loaded or started.
    """

    name = "vlc"

    def __init__(
        self,
        video: str = "auto",
        fullscreen: bool = False,
        volume: int | None = None,
        log_file: Path | str | None = None,
        audio: str = "auto",
        *,
        hw_decoding: bool = False,
        start_timeout: float | None = 10.0,
        extra_args: tuple[str, ...] | list[str] = (),
        frame_tap: FrameTap | None = None,
    ) -> None:
        if frame_tap is not None:
            video = frame_tap.video_mode(video)  # the tap is the video output: headless
        self.frame_tap = frame_tap  # held here for as long as libVLC may call it
        self.video_mode = resolve_video(video)
        self.headless = self.video_mode == "headless"
        self.audio_mode = resolve_audio(audio, self.headless)
        self.fullscreen = bool(fullscreen) and not self.headless
        self.volume = volume
        self.log_file = Path(log_file) if log_file is not None else None
        self.start_timeout = start_timeout
        self.args: tuple[str, ...] = (*build_args(video, audio, hw_decoding=hw_decoding), *extra_args)

        self._op_lock = threading.RLock()  # play/stop/close; held while libVLC blocks
        self._ids = itertools.count(1)
        self._session: PlaySession | None = None
        self._media: Any = None
        self._log_fp: Any = None
        self._closed = False

        vlc, problem = import_vlc()  # never raises, never prints
        if vlc is None:
            raise PlayerUnavailable(f"{problem}. {INSTALL_HINT}")
        if not hasattr(vlc.dll, "libvlc_new"):
            raise PlayerUnavailable("libVLC was not found (no libvlc_new in the loaded library)")
        self._vlc = vlc

        if self.audio_mode != "dummy":
            silence_alsa()
        quiet_wayland()  # headless too: libVLC's plugins may still ask libwayland, which complains on stderr

        instance = vlc.Instance(list(self.args))
        if instance is None:
            raise PlayerUnavailable(
                "libVLC could not start: its plugins are missing or broken, or an option is bad ("
                + " ".join(self.args)
                + f"). {INSTALL_HINT}"
            )
        self._instance = instance
        self._player: Any = None
        try:
            self._setup_player(vlc)
        except BaseException:
            if self._player is not None:
                self._player.release()
            self._release_instance()
            raise

    def _setup_player(self, vlc: Any) -> None:
        if self.log_file is not None:
            self._log_fp = open_log(vlc, self._instance, self.log_file)
        self._player = self._instance.media_player_new()
        if self._player is None:
            raise PlayerUnavailable("libVLC could not create a media player")
        if self.frame_tap is not None:
            self.frame_tap.install(self._player)
        if self.fullscreen:
            self._player.set_fullscreen(True)
        if self.volume is not None:
            self._player.audio_set_volume(max(0, min(200, int(self.volume))))

        # The EventManager wrapper holds the ctypes trampoline and our callback
        # (fact 9): keep it, and the bound method, on self.
        self._callback = self._on_vlc_event
        self._events = self._player.event_manager()
        E = vlc.EventType
        self._kinds: dict[int, str] = {
            E.MediaPlayerOpening.value: "opening",
            E.MediaPlayerBuffering.value: "buffering",
            E.MediaPlayerPlaying.value: "playing",
            E.MediaPlayerPaused.value: "paused",
            E.MediaPlayerTimeChanged.value: "time",
            E.MediaPlayerLengthChanged.value: "length",
            E.MediaPlayerEndReached.value: "ended",
            E.MediaPlayerEncounteredError.value: "error",
            E.MediaPlayerStopped.value: "stopped",
            E.MediaPlayerVout.value: "vout",
            E.MediaPlayerESAdded.value: "es",
        }
        for value in self._kinds:
            self._events.event_attach(E(value), self._callback)
        _live_players.add(self)

    def _on_vlc_event(self, event: Any) -> None:
        """Runs on a libVLC thread: the session's bookkeeping and the listener, no libVLC calls."""
        try:
            s = self._session
            if s is None or s.finished:
                return
            s.on_event(self._kinds.get(event.type.value), event, self._stop_soon)
        except BaseException:  # noqa: BLE001 - an exception here would print on stderr via ctypes
            try:
                log.exception("error in libVLC event callback")
            except BaseException:  # noqa: BLE001
                pass

    def _fail_soon(self, s: PlaySession, detail: str) -> None:
        """Report an error from a short thread, after play() has returned."""

        def report() -> None:
            with self._op_lock:  # held by play() until it returns
                pass
            s.finish("error", None, detail)

        threading.Thread(target=report, name="vlc-player-error", daemon=True).start()

    def _stop_soon(self, s: PlaySession) -> None:
        """Stop libVLC after an error we detected ourselves, from a short thread
        (never from libVLC's): the clip must not go on playing unseen."""
        threading.Thread(target=self._stop_if_current, args=(s,), name="vlc-player-stop", daemon=True).start()

    def _stop_if_current(self, s: PlaySession) -> None:
        with self._op_lock:
            if self._session is s and not self._closed and self._media is not None:
                s.stop_requested = True
                self._player.stop()

    def _on_watchdog(self, s: PlaySession) -> None:
        if s is self._session and not s.started:
            s.finish("error", None, f"{s.path.name} did not start within {self.start_timeout:g} s")
            self._stop_if_current(s)

    # -------------------------------------------------------------- Player API

    def play(self, path: Path | str, listener: Listener) -> None:
        """Start ``path``; events go to ``listener`` (from libVLC's thread).

        Returns at once, unless a previous clip must be stopped first (see the
        module doc). A missing or unreadable file is reported as an ``error``
        event from a short-lived thread, never raised.
        """
        path = Path(path)
        with self._op_lock:
            if self._closed:
                raise RuntimeError("VlcPlayer is closed")
            self._stop_locked()
            s = PlaySession(next(self._ids), path, listener, headless=self.headless)
            self._session = s
            problem = file_problem(path)
            if problem is not None:
                if self._media is not None:  # nothing of the last clip stays loaded
                    self._player.set_media(None)
                    self._media.release()
                    self._media = None
                self._fail_soon(s, problem)
                return
            media = self._instance.media_new_path(str(path))
            if media is None:
                self._fail_soon(s, f"libVLC could not open {path}")
                return
            self._player.set_media(media)
            old, self._media = self._media, media
            if old is not None:
                old.release()
            if self.start_timeout is not None:
                timer = threading.Timer(self.start_timeout, self._on_watchdog, args=(s,))
                timer.daemon = True
                s.watchdog = timer
                timer.start()
            if self._player.play() == -1:
                self._fail_soon(s, f"libVLC refused to start {path.name}")

    @contextlib.contextmanager
    def _current(self) -> Iterator[PlaySession | None]:
        """The session a clip control acts on, or None: closed, nothing playing, already over, or the
        player busy (play, stop or close holds the lock while libVLC blocks): a control never waits."""
        if not self._op_lock.acquire(blocking=False):
            yield None
            return
        try:
            s = self._session
            yield None if self._closed or s is None or s.finished or self._media is None else s
        finally:
            self._op_lock.release()

    def pause(self) -> None:
        """Pause the clip if it is playing and can pause; never blocks."""
        with self._current() as s:
            if s is not None and self._player.can_pause():
                self._player.set_pause(1)

    def resume(self) -> None:
        """Resume a paused clip; never blocks."""
        with self._current() as s:
            if s is not None:
                self._player.set_pause(0)

    def seek(self, media_ms: int) -> None:
        """Jump to ``media_ms``; the listener gets ``seeked`` there at once (libVLC's time events follow). Never blocks."""
        with self._current() as s:
            if s is not None:
                self._player.set_time(max(0, int(media_ms)))
                s.emit("seeked", max(0, int(media_ms)))

    def stop(self) -> None:
        """Stop the clip; the listener gets ``stopped`` unless it already got
        ``ended``/``error``. Blocks while libVLC joins its input thread: call it
        off the UI loop."""
        with self._op_lock:
            if not self._closed:
                self._stop_locked()

    def _stop_locked(self) -> None:
        s = self._session
        if s is not None:
            with s.lock:
                s.stop_requested = True
                timer, s.watchdog = s.watchdog, None
            if timer is not None:
                timer.cancel()
        if self._media is not None:
            # Also needed after Ended/Error: libVLC ignores play() until stopped.
            self._player.stop()
        if s is not None:
            s.finish("stopped", s.last_ms)

    def position(self) -> tuple[int | None, int | None]:
        """(media time, clip length) in ms from libVLC; None where unknown."""
        s = self._session
        if self._op_lock.acquire(blocking=False):
            try:
                if not self._closed and self._media is not None:
                    t = self._player.get_time()
                    length = self._player.get_length()
                    return (t if t >= 0 else None, length if length > 0 else None)
            finally:
                self._op_lock.release()
        if s is None:
            return (None, None)
        return (s.max_time if s.max_time >= 0 else None, s.length if s.length > 0 else None)

    def close(self) -> None:
        """Stop and release libVLC. Blocks: call it off the UI loop. Idempotent."""
        with self._op_lock:
            if self._closed:
                return
            try:
                self._stop_locked()
            finally:
                self._closed = True
                try:
                    E = self._vlc.EventType
                    for value in self._kinds:
                        self._events.event_detach(E(value))
                finally:
                    if self._media is not None:
                        self._media.release()
                        self._media = None
                    self._player.release()
                    self._release_instance()

    def _release_instance(self) -> None:
        try:
            if self._log_fp is not None:
                close_log(self._vlc, self._instance, self._log_fp)
                self._log_fp = None
        finally:
            self._instance.release()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> VlcPlayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<VlcPlayer {self.video_mode} audio={self.audio_mode} closed={self._closed}>"
