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

import atexit
import contextlib
import ctypes
import ctypes.util
import itertools
import logging
import os
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Literal

from .base import EventKind, Listener, PlayerEvent, PlayerUnavailable
from .libvlc import INSTALL_HINT, has_display, import_vlc

if TYPE_CHECKING:
    from .frames import FrameTap

log = logging.getLogger(__name__)

VideoMode = Literal["auto", "window", "headless"]
AudioMode = Literal["auto", "default", "dummy"]

UNDECODABLE = "the clip could not be decoded"
NO_PICTURE = "the clip's picture could not be shown"
# Media time after which a clip with a video track must have a video output.
PICTURE_DEADLINE_MS = 1500


def resolve_video(video: str, environ: dict[str, str] | None = None) -> Literal["window", "headless"]:
    """Turn ``auto`` into ``window`` or ``headless``."""
    if video == "auto":
        return "window" if has_display(environ) else "headless"
    if video in ("window", "headless"):
        return video  # type: ignore[return-value]
    raise ValueError(f"video must be 'auto', 'window' or 'headless', not {video!r}")


def resolve_audio(audio: str, headless: bool) -> Literal["default", "dummy"]:
    """Turn ``auto`` into ``dummy`` (headless) or ``default``."""
    if audio == "auto":
        return "dummy" if headless else "default"
    if audio in ("default", "dummy"):
        return audio  # type: ignore[return-value]
    raise ValueError(f"audio must be 'auto', 'default' or 'dummy', not {audio!r}")


def build_args(
    video: str = "auto",
    audio: str = "auto",
    *,
    hw_decoding: bool = False,
    environ: dict[str, str] | None = None,
) -> list[str]:
    """The libVLC instance options for these settings (no libVLC needed)."""
    mode = resolve_video(video, environ)
    headless = mode == "headless"
    args = [
        "--quiet",  # no console logger: libVLC must never write on the terminal
        "--no-video-title-show",  # no file name drawn over the clip
        "--no-xlib",  # libVLC is not the process's main program: no Xlib (XInitThreads)
        "--no-stats",
        "--no-snapshot-preview",
    ]
    if headless:
        args.append("--vout=dummy")
    if resolve_audio(audio, headless) == "dummy":
        args.append("--aout=dummy")
    if not hw_decoding:
        # Hardware decoders probe VA-API/VDPAU, whose libraries may print on stderr.
        args.append("--avcodec-hw=none")
    return args


def quiet_wayland(environ=os.environ) -> bool:
    """Keep libwayland's complaint about XDG_RUNTIME_DIR off stderr in a window on X11.

    libVLC's window providers try Wayland before X11; without XDG_RUNTIME_DIR
    (an X session started outside a login manager, a kiosk's Xorg, Xvfb) libwayland
    prints "error: XDG_RUNTIME_DIR is invalid or not set" on stderr, which a TUI
    shows. With a private runtime folder of its own it looks there, finds no
    Wayland socket and says nothing. Returns True when it had to set one.
    """
    if environ.get("XDG_RUNTIME_DIR") or environ.get("WAYLAND_DISPLAY"):
        return False
    import tempfile

    environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="preview-tui-runtime-")  # 0700, as the spec asks
    return True


# --------------------------------------------------------------------------
# libc / ALSA helpers (ctypes; every callback object is kept alive for good)
# --------------------------------------------------------------------------

_libc: ctypes.CDLL | None = None


def _c_library() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


_ALSA_HANDLER_T = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_alsa_handler: Any = None  # the installed ctypes callback; module-level so it lives for good
_alsa_lock = threading.Lock()


def _on_alsa_error(
    file: bytes | None, line: int, function: bytes | None, err: int, fmt: bytes | None
) -> None:
    # Varargs are not read (ctypes cannot); the format and place are enough to debug.
    try:
        log.debug(
            "ALSA %s:%s %s err=%s %s",
            (file or b"?").decode(errors="replace"),
            line,
            (function or b"?").decode(errors="replace"),
            err,
            (fmt or b"").decode(errors="replace"),
        )
    except BaseException:  # noqa: BLE001 - nothing may escape into C
        pass


def silence_alsa() -> bool:
    """Keep libasound's error messages off stderr (they garble a TUI).

    ALSA prints straight to stderr, bypassing libVLC's log, when a station has
    no sound card. The handler is process-wide and stays installed. Returns
    False when libasound is not there (then there is nothing to silence).
    """
    global _alsa_handler
    with _alsa_lock:
        if _alsa_handler is not None:
            return True
        name = ctypes.util.find_library("asound") or "libasound.so.2"
        try:
            asound = ctypes.CDLL(name)
            setter = asound.snd_lib_error_set_handler
        except (OSError, AttributeError):
            return False
        handler = _ALSA_HANDLER_T(_on_alsa_error)
        setter.argtypes = [_ALSA_HANDLER_T]
        setter.restype = ctypes.c_int
        setter(handler)
        _alsa_handler = handler
        return True


# --------------------------------------------------------------------------
# the player
# --------------------------------------------------------------------------

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


class _Session:
    """State of one ``play()``; touched by libVLC's thread and the caller's."""

    __slots__ = (
        "id",
        "path",
        "listener",
        "length",
        "max_time",
        "started",
        "paused",
        "finished",
        "stop_requested",
        "run_since",
        "run_s",
        "watchdog",
        "video_tracks",
        "vouts",
    )

    def __init__(self, sid: int, path: Path, listener: Listener) -> None:
        self.id = sid
        self.path = path
        self.listener = listener
        self.length = 0  # from MediaPlayerLengthChanged; 0 = unknown
        self.max_time = -1  # largest media time seen in TimeChanged
        self.started = False  # Playing seen
        self.paused = False
        self.finished = False  # the terminal event (ended/error/stopped) went out
        self.stop_requested = False
        self.run_since: float | None = None  # monotonic time of the last Playing
        self.run_s = 0.0  # wall seconds spent playing (not paused), before run_since
        self.watchdog: threading.Timer | None = None
        self.video_tracks = 0  # video ES seen (MediaPlayerESAdded)
        self.vouts = 0  # largest video output count seen (MediaPlayerVout)

    def wall_played_ms(self, now: float) -> int:
        run = self.run_s + ((now - self.run_since) if self.run_since is not None else 0.0)
        return int(run * 1000)


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
        self._state_lock = threading.Lock()  # session bookkeeping; never held across libVLC calls
        self._ids = itertools.count(1)
        self._session: _Session | None = None
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
            self._open_log(self.log_file)
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

    # ------------------------------------------------------------------ log

    def _open_log(self, path: Path) -> None:
        """libVLC appends its log (all levels, one message a line) to ``path``."""
        if sys.platform.startswith("win"):
            # A FILE* from Python's C runtime is not usable by libVLC's on Windows.
            log.warning("libVLC log file is not supported on Windows; libVLC logs nothing")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        libc = _c_library()
        fopen = libc.fopen
        fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        fopen.restype = self._vlc.FILE_ptr
        fp = fopen(os.fsencode(path), b"a")
        if not fp:
            err = ctypes.get_errno()
            log.warning("cannot open libVLC log file %s: %s", path, os.strerror(err))
            return
        setvbuf = libc.setvbuf
        setvbuf.argtypes = [self._vlc.FILE_ptr, ctypes.c_char_p, ctypes.c_int, ctypes.c_size_t]
        setvbuf(fp, None, 1, 0)  # _IOLBF: whole lines reach the file at once
        self._log_fp = fp
        self._instance.log_set_file(fp)

    def _close_log(self) -> None:
        if self._log_fp is None:
            return
        self._instance.log_unset()  # waits for a log call in progress
        fclose = _c_library().fclose
        fclose.argtypes = [self._vlc.FILE_ptr]
        fclose(self._log_fp)
        self._log_fp = None

    # ----------------------------------------------------------- listener side

    def _emit(self, s: _Session, kind: EventKind, media_ms: int | None = None, detail: str = "") -> None:
        ev = PlayerEvent(
            kind,
            media_ms=media_ms,
            length_ms=s.length if s.length > 0 else None,
            detail=detail,
        )
        try:
            s.listener(ev)
        except Exception:  # a failing listener must not kill libVLC's thread
            log.exception("player listener failed on %s", kind)

    def _finish(self, s: _Session, kind: EventKind, media_ms: int | None = None, detail: str = "") -> None:
        """Send the one terminal event of a session (the first caller wins)."""
        with self._state_lock:
            if s.finished:
                return
            s.finished = True
            if s.run_since is not None:
                s.run_s += time.monotonic() - s.run_since
                s.run_since = None
            timer, s.watchdog = s.watchdog, None
        if timer is not None:
            timer.cancel()
        self._emit(s, kind, media_ms, detail)

    def _no_picture(self, s: _Session) -> str:
        why = "no video decoder or no video output for it"
        if not self.headless:
            why += "; a window needs vlc-plugin-video-output"
        return f"{NO_PICTURE} ({why})"

    def _end_verdict(self, s: _Session) -> tuple[EventKind, str]:
        """EndReached: a real end, or a clip that never decoded or stopped short?"""
        if s.length <= 0 and s.max_time <= 0:
            return "error", UNDECODABLE
        if s.video_tracks and not s.vouts and s.max_time > 0:
            return "error", self._no_picture(s)
        if s.length > 0:
            played = max(s.max_time, s.wall_played_ms(time.monotonic()))
            slack = max(1000, s.length // 20)  # TimeChanged steps are 250-500 ms
            if played < s.length - slack:
                return "error", (
                    f"{UNDECODABLE}: playback stopped at {played / 1000:.1f} s of "
                    f"{s.length / 1000:.1f} s (truncated file or unsupported codec)"
                )
        return "ended", ""

    def _on_vlc_event(self, event: Any) -> None:
        """Runs on a libVLC thread: bookkeeping and the listener, no libVLC calls."""
        try:
            s = self._session
            if s is None or s.finished:
                return
            kind = self._kinds.get(event.type.value)
            now = time.monotonic()
            if kind == "time":
                t = int(event.u.new_time)
                if t > s.max_time:
                    s.max_time = t
                if s.video_tracks and not s.vouts and t >= PICTURE_DEADLINE_MS:
                    # Sound but no picture (no decoder, or no window output).
                    self._finish(s, "error", t, self._no_picture(s))
                    self._stop_soon(s)
                    return
                if not s.paused:  # a late clock update after Paused is not news
                    self._emit(s, "time", t)
            elif kind == "vout":
                # new_count is an int inside a wider union: read the low 32 bits.
                s.vouts = max(s.vouts, int(event.u.new_count) & 0xFFFFFFFF)
            elif kind == "es":
                # es_changed = {int i_type; int i_id}; python-vlc's union has no
                # field for it, so take i_type from the low 32 bits (1 = video).
                if ctypes.c_int32(int(event.u.new_count) & 0xFFFFFFFF).value == 1:
                    s.video_tracks += 1
            elif kind == "length":
                s.length = max(0, int(event.u.new_length))
            elif kind == "playing":
                with self._state_lock:
                    s.started = True
                    s.paused = False
                    if s.run_since is None:
                        s.run_since = now
                    timer, s.watchdog = s.watchdog, None
                if timer is not None:
                    timer.cancel()
                self._emit(s, "playing", max(s.max_time, 0))
            elif kind == "paused":
                with self._state_lock:
                    s.paused = True
                    if s.run_since is not None:
                        s.run_s += now - s.run_since
                        s.run_since = None
                self._emit(s, "paused", max(s.max_time, 0))
            elif kind == "ended":
                verdict, detail = self._end_verdict(s)
                media_ms = s.length if (verdict == "ended" and s.length > 0) else max(s.max_time, 0)
                self._finish(s, verdict, media_ms, detail)
            elif kind == "error":
                self._finish(s, "error", max(s.max_time, 0), f"libVLC could not play {s.path.name}")
            elif kind == "stopped":
                # libVLC also sends Stopped by itself after EndReached/EncounteredError
                # (already finished then); only a requested stop ends a session here.
                if s.stop_requested:
                    self._finish(s, "stopped", max(s.max_time, 0))
            elif kind == "buffering":
                self._emit(s, "buffering", None, f"{float(event.u.new_cache):.0f}%")
            elif kind == "opening":
                self._emit(s, "opening", 0)
        except BaseException:  # noqa: BLE001 - an exception here would print on stderr via ctypes
            try:
                log.exception("error in libVLC event callback")
            except BaseException:  # noqa: BLE001
                pass

    def _fail_soon(self, s: _Session, detail: str) -> None:
        """Report an error from a short thread, after play() has returned."""

        def report() -> None:
            with self._op_lock:  # held by play() until it returns
                pass
            self._finish(s, "error", None, detail)

        threading.Thread(target=report, name="vlc-player-error", daemon=True).start()

    def _stop_soon(self, s: _Session) -> None:
        """Stop libVLC after an error we detected ourselves, from a short thread
        (never from libVLC's): the clip must not go on playing unseen."""
        threading.Thread(target=self._stop_if_current, args=(s,), name="vlc-player-stop", daemon=True).start()

    def _stop_if_current(self, s: _Session) -> None:
        with self._op_lock:
            if self._session is s and not self._closed and self._media is not None:
                s.stop_requested = True
                self._player.stop()

    def _on_watchdog(self, s: _Session) -> None:
        if s is self._session and not s.started:
            self._finish(s, "error", None, f"{s.path.name} did not start within {self.start_timeout:g} s")
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
            s = _Session(next(self._ids), path, listener)
            self._session = s
            problem = _file_problem(path)
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
    def _current(self) -> Iterator[_Session | None]:
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
                self._emit(s, "seeked", max(0, int(media_ms)))

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
            with self._state_lock:
                s.stop_requested = True
                timer, s.watchdog = s.watchdog, None
            if timer is not None:
                timer.cancel()
        if self._media is not None:
            # Also needed after Ended/Error: libVLC ignores play() until stopped.
            self._player.stop()
        if s is not None:
            self._finish(s, "stopped", max(s.max_time, 0))

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
            self._close_log()
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


def _file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be played, judged before libVLC sees it; None if fine."""
    try:
        if not path.exists():
            return f"file not found: {path}"
        if not path.is_file():
            return f"not a file: {path}"
        if not os.access(path, os.R_OK):
            return f"file not readable: {path}"
        if path.stat().st_size == 0:
            return f"{UNDECODABLE}: empty file {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    return None
