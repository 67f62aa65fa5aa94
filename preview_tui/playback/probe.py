"""Is libVLC usable here? Probe, player factory and ``doctor`` checks.

Nothing here imports ``vlc`` at module import: python-vlc loads libVLC when
imported, which costs start-up time and can fail in several ways (stack-notes
fact 8): ``import vlc`` may raise ``OSError``/``NotImplementedError``, or
``SystemExit`` for a bad ``PYTHON_VLC_LIB_PATH``; it may also succeed without
libVLC (then ``libvlc_new`` is missing); and with the library but no plugins
``vlc.Instance()`` returns ``None``. :func:`probe_vlc` covers all of them.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import Player, PlayerUnavailable

from .libvlc import INSTALL_HINT, WINDOW_CMD, has_display
from .libvlc import import_vlc as _import_vlc

# Options for the probe instance: as quiet and device-free as possible.
_PROBE_ARGS = ["--quiet", "--vout=dummy", "--aout=dummy", "--no-xlib"]

# Video outputs that open a window (vlc-plugin-video-output); vlc-plugin-base has none.
_WINDOW_VOUTS = (
    "libxcb_x11_plugin.so",
    "libxcb_xv_plugin.so",
    "libgl_plugin.so",
    "libglx_plugin.so",
    "libegl_x11_plugin.so",
    "libwl_shm_plugin.so",
    "libegl_wl_plugin.so",
)


@dataclass(frozen=True)
class VlcProbe:
    """Result of :func:`probe_vlc`. ``hint`` says what to install when not ok."""

    ok: bool
    version: str | None = None  # libVLC's version, e.g. "3.0.24 Vetinari"
    reason: str | None = None
    hint: str | None = None
    python_vlc: str | None = None  # python-vlc's version, when it imported
    startup_ms: float | None = None  # time to create a libVLC instance

    def message(self) -> str:
        """One line for a moderator: what is wrong and what to install."""
        if self.ok:
            return f"libVLC {self.version} is available"
        return " ".join(p for p in (self.reason, self.hint) if p)


def probe_vlc() -> VlcProbe:
    """Check that libVLC loads and starts (with its plugins). Takes ~10-20 ms
    the first time with the plugin cache (libvlc-bin), up to ~0.3 s without."""
    vlc, problem = _import_vlc()
    if vlc is None:
        return VlcProbe(False, None, problem, INSTALL_HINT)
    py_version = getattr(vlc, "__version__", None)
    dll = getattr(vlc, "dll", None)
    if dll is None or not hasattr(dll, "libvlc_new"):
        name = getattr(dll, "_name", None)
        return VlcProbe(
            False,
            None,
            f"libVLC was not found (python-vlc loaded {name!r}, which has no libvlc_new)",
            INSTALL_HINT,
            py_version,
        )
    try:
        raw = vlc.libvlc_get_version()
        version = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    except BaseException:  # noqa: BLE001
        version = None
    t0 = time.perf_counter()
    try:
        instance = vlc.Instance(list(_PROBE_ARGS))
    except BaseException as exc:  # noqa: BLE001
        reason = f"libVLC {version or ''} failed to start: {exc!r}".replace("  ", " ")
        return VlcProbe(False, version, reason, INSTALL_HINT, py_version)
    startup_ms = (time.perf_counter() - t0) * 1000
    if instance is None:
        return VlcProbe(
            False,
            version,
            f"libVLC {version} is installed but could not start: its plugins are missing or broken",
            INSTALL_HINT,
            py_version,
        )
    try:
        instance.release()
    except BaseException:  # noqa: BLE001
        pass
    return VlcProbe(True, version, None, None, py_version, round(startup_ms, 1))


def make_player(
    video: str = "auto",
    fullscreen: bool = False,
    volume: int | None = None,
    audio: str = "auto",
    log_file: Path | str | None = None,
    **options: Any,
) -> Player:
    """A :class:`~preview_tui.playback.vlc_player.VlcPlayer` with these options.

    Raises :class:`PlayerUnavailable` (reason and install hint in the message)
    when libVLC is missing or broken. Extra keyword options go to VlcPlayer
    (``hw_decoding``, ``start_timeout``, ``extra_args``).
    """
    probe = probe_vlc()
    if not probe.ok:
        raise PlayerUnavailable(probe.message())
    from .vlc_player import VlcPlayer

    return VlcPlayer(
        video=video, fullscreen=fullscreen, volume=volume, log_file=log_file, audio=audio, **options
    )


def _plugin_dirs() -> list[Path]:
    """Where this process's libVLC looks for plugins (Linux: next to libvlccore)."""
    dirs: list[Path] = []
    for p in os.environ.get("VLC_PLUGIN_PATH", "").split(os.pathsep):
        if p:
            dirs.append(Path(p))
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                if "libvlccore.so" in line:
                    lib = Path(line.split(None, 5)[-1].strip())
                    dirs.append(lib.parent / "vlc" / "plugins")
                    break
    except OSError:
        pass
    return [d for d in dirs if d.is_dir()]


def _find_plugin(dirs: list[Path], *names: str) -> str | None:
    for d in dirs:
        for name in names:
            for hit in d.rglob(name):
                return hit.name
    return None


def doctor_lines(environ: dict[str, str] | None = None, video: str = "auto") -> list[tuple[bool, str]]:
    """Human-readable checks for ``preview-tui doctor``: (passed, text) each.

    libVLC and its version; plugins (a libVLC instance starts, the plugin
    cache, the H.264/AAC decoder); the display (window or headless playback)
    and, with a display, a video output that opens a window. No display is
    fine unless the station's ``playback.video`` is ``window``.
    """
    env = dict(os.environ) if environ is None else environ
    lines: list[tuple[bool, str]] = []
    probe = probe_vlc()
    if probe.version is None:
        lines.append((False, f"libVLC: {probe.message()}"))
        return lines
    lines.append((True, f"libVLC {probe.version} (python-vlc {probe.python_vlc or '?'})"))
    if not probe.ok:
        lines.append((False, f"libVLC plugins: {probe.message()}"))
        return lines

    dirs = _plugin_dirs()
    cache = any((d / "plugins.dat").is_file() for d in dirs)
    text = f"libVLC plugins load (instance started in {probe.startup_ms:.0f} ms)"
    if dirs:
        text += f" from {dirs[-1]}"
    if dirs and not cache:
        text += "; no plugin cache (slower start): install libvlc-bin"
    lines.append((True, text))
    if dirs:
        dec = _find_plugin(dirs, "libavcodec_plugin.so")
        if dec:
            lines.append((True, "H.264/AAC decoder present (avcodec plugin)"))
        else:
            lines.append((False, f"no avcodec decoder plugin: clips will not decode. {INSTALL_HINT}"))

    if has_display(env):
        where = env.get("WAYLAND_DISPLAY") or env.get("DISPLAY")
        lines.append((True, f"display {where}: clips play in a window"))
        if dirs:
            vout = _find_plugin(dirs, *_WINDOW_VOUTS)
            if vout:
                lines.append((True, f"window video output present ({vout})"))
            else:
                lines.append(
                    (
                        False,
                        "no window video output plugin (vlc-plugin-base has none): clips would play "
                        f"unseen. Install it (as root): {WINDOW_CMD}",
                    )
                )
    elif video == "window":
        lines.append((False, "no display (DISPLAY/WAYLAND_DISPLAY unset), but playback.video is 'window': start the app in a graphical session, or set playback.video: headless"))
    else:
        lines.append((True, f"no display (DISPLAY/WAYLAND_DISPLAY unset): clips play headless, decoded but not shown (playback.video: {video})"))
    return lines
