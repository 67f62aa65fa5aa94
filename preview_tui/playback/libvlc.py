"""Loading libVLC through python-vlc, and what to install when it is missing.

Shared by the probe (``probe.py``) and the player (``vlc_player.py``), so that
neither imports the other to load it. Nothing here imports ``vlc`` at module
import.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from typing import Any

APT_PACKAGES = "libvlc5 vlc-plugin-base libvlc-bin"
INSTALL_CMD = f"apt-get install -y --no-install-recommends {APT_PACKAGES}"
INSTALL_HINT = f"Install libVLC and its base plugins (as root): {INSTALL_CMD}"
WINDOW_CMD = "apt-get install -y --no-install-recommends vlc-plugin-video-output"


def has_display(environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """True when an X11 or Wayland display is announced in the environment."""
    env = os.environ if environ is None else environ
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def import_vlc() -> tuple[Any, str | None]:
    """Import python-vlc without letting it print or exit; (module, problem)."""
    if "vlc" in sys.modules:
        return sys.modules["vlc"], None
    # python-vlc logs through the "vlc" logger and then calls sys.exit(1) on a
    # bad PYTHON_VLC_LIB_PATH; with no handler configured, logging's last-resort
    # handler would print that on stderr. Collect it instead.
    vlc_logger = logging.getLogger("vlc")
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    saved_propagate = vlc_logger.propagate
    vlc_logger.addHandler(handler)
    vlc_logger.propagate = False
    try:
        import vlc
    except BaseException as exc:  # noqa: BLE001 - SystemExit, OSError, NotImplementedError, ...
        said = buf.getvalue().strip().replace("\n", "; ")
        lib_path = os.environ.get("PYTHON_VLC_LIB_PATH")
        if isinstance(exc, SystemExit):
            what = f"python-vlc gave up while loading libVLC (exit {exc.code})"
        elif isinstance(exc, ImportError):
            what = f"python-vlc is not installed ({exc})"
        else:
            what = f"python-vlc could not load libVLC ({type(exc).__name__}: {exc})"
        if said:
            what += f": {said}"
        if lib_path:
            what += f" [PYTHON_VLC_LIB_PATH={lib_path}]"
        return None, what
    finally:
        vlc_logger.removeHandler(handler)
        vlc_logger.propagate = saved_propagate
    return vlc, None
