"""A real X display for the player's window: Xvfb with a window manager (openbox), on a free display number.

Xvfb picks its own display number (``-displayfd``), so parallel runs never collide.
openbox is there because fullscreen is a request to the window manager
(_NET_WM_STATE_FULLSCREEN): a room computer has one, and so does this display.
``./dev test`` installs both (Debian ``xvfb`` and ``openbox``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def x_display(width: int = 640, height: int = 360) -> Iterator[str]:
    """``":N"`` of a running Xvfb screen of ``width`` x ``height`` with openbox managing its windows."""
    for tool in ("Xvfb", "openbox"):
        assert shutil.which(tool), f"{tool} is missing: ./dev test installs the Debian packages xvfb and openbox"
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    manager = None
    try:
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n"):
            assert time.monotonic() < deadline and server.poll() is None, "Xvfb did not start"
            chunk = os.read(read, 16)
            assert chunk, "Xvfb closed its display pipe without a number"
            number += chunk
        display = f":{int(number)}"
        env = {**os.environ, "DISPLAY": display, "XDG_RUNTIME_DIR": os.environ.get("XDG_RUNTIME_DIR", "/tmp")}
        manager = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_manager(display, deadline)
        yield display
    finally:
        os.close(read)
        for proc in (manager, server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _wait_for_manager(display: str, deadline: float) -> None:
    """Until openbox owns the screen's window-manager selection (it can then take a fullscreen request)."""
    from Xlib import display as xdisplay  # python-xlib: the X protocol, spoken from Python

    conn = xdisplay.Display(display)
    try:
        selection = conn.intern_atom("WM_S0")
        while conn.get_selection_owner(selection) == 0:
            assert time.monotonic() < deadline, "openbox did not start"
            time.sleep(0.05)
    finally:
        conn.close()
