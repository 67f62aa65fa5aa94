"""Keeping libVLC, and the libraries it loads, off the terminal.

A TUI draws on stderr (stack-notes fact 4), so nothing under the player may
print there: libwayland's complaint about XDG_RUNTIME_DIR, ALSA's errors on a
station without a sound card, libVLC's own log (sent to a file, or nowhere).
Every ctypes callback object here is kept alive for good (fact 9).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


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


def open_log(vlc: Any, instance: Any, path: Path) -> Any:
    """libVLC appends its log (all levels, one message a line) to ``path``; returns the open FILE* (None: not logging)."""
    if sys.platform.startswith("win"):
        # A FILE* from Python's C runtime is not usable by libVLC's on Windows.
        log.warning("libVLC log file is not supported on Windows; libVLC logs nothing")
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    libc = _c_library()
    fopen = libc.fopen
    fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    fopen.restype = vlc.FILE_ptr
    fp = fopen(os.fsencode(path), b"a")
    if not fp:
        err = ctypes.get_errno()
        log.warning("cannot open libVLC log file %s: %s", path, os.strerror(err))
        return None
    setvbuf = libc.setvbuf
    setvbuf.argtypes = [vlc.FILE_ptr, ctypes.c_char_p, ctypes.c_int, ctypes.c_size_t]
    setvbuf(fp, None, 1, 0)  # _IOLBF: whole lines reach the file at once
    instance.log_set_file(fp)
    return fp


def close_log(vlc: Any, instance: Any, fp: Any) -> None:
    """Stop libVLC's log to ``fp`` (from ``open_log``) and close the file."""
    instance.log_unset()  # waits for a log call in progress
    fclose = _c_library().fclose
    fclose.argtypes = [vlc.FILE_ptr]
    fclose(fp)
