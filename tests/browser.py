"""Drive a served Textual command in a real browser (Debian's chromium through Playwright).

:class:`ServedCommand` runs ``python -m preview_tui.serve`` for a command on a
free loopback port; :class:`Browser` launches headless chromium (as root, with
no display); each :meth:`Browser.open` is a new tab, and so a new app process::

    with ServedCommand([sys.executable, "app.py"], cwd=tmp_path) as server, Browser() as browser:
        tab = browser.open(server.url)
        wait_for_text(tab, "Participant code")
        type_text(tab, "E2E-1")
        press(tab, "Enter")
        screen = wait_for_text(tab, re.compile(r"Saved \\d+ answers"))

Reading the screen
    textual-serve's page (``static/js/textual.js``) draws with xterm.js and its
    canvas renderer (it loads the WebGL addon and then the canvas addon, which
    takes over), so the page holds no text at all: the rows are pixels on
    ``canvas.xterm-text-layer``. The text is in the xterm.js ``Terminal``'s
    buffer, but the page keeps that object in a closure. :data:`INIT_SCRIPT`,
    run in every tab before the page's scripts, catches it as it is built:
    xterm.js's public ``Terminal`` constructor assigns ``this._addonManager``,
    and a setter of that name on ``Object.prototype`` records the object in
    ``window.__previewTerminals`` (and then gets out of the way by defining
    the property on the object itself). :func:`screen_text` reads the visible
    rows with ``buffer.active.getLine(viewportY + i).translateToString()``.
    The buffer holds only what the app wrote, so the loading splash (HTML) is
    never read as the app's screen.

Typing
    Keys go to xterm.js's hidden textarea (``.xterm-helper-textarea``), which
    turns them into the bytes a terminal sends (``Control+n`` is 0x0E, arrows
    are escape sequences) and passes them to the app through the websocket.

A browser that is not installed raises :class:`BrowserUnavailable`; use
:func:`unavailable` to fail (in CI) or skip (elsewhere) with its reason.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tmux import _describe, _frame, _matches  # the same screen matching and framing as the terminal tests

__all__ = [
    "CHROMIUM",
    "INIT_SCRIPT",
    "READ_SCRIPT",
    "Browser",
    "BrowserUnavailable",
    "ServedCommand",
    "free_port",
    "pid_alive",
    "press",
    "screen_text",
    "terminal_size",
    "type_text",
    "unavailable",
    "wait_for",
    "wait_for_text",
    "wait_pid_gone",
]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's chromium; `playwright install` cannot download browsers here
POLL_INTERVAL = 0.05  # seconds between two looks while waiting

# Run in every tab before the page's own scripts: keep xterm.js's Terminal objects where tests can read them.
INIT_SCRIPT = r"""
(() => {
  const terminals = [];
  Object.defineProperty(window, "__previewTerminals", { value: terminals });
  Object.defineProperty(Object.prototype, "_addonManager", {
    configurable: true,
    get() { return undefined; },
    set(value) {
      Object.defineProperty(this, "_addonManager", { value, writable: true, configurable: true, enumerable: true });
      terminals.push(this);
    },
  });
})();
"""

# Evaluated in the tab: the state of its terminal, as a dict for Python (the room benchmark reads tabs with it too).
READ_SCRIPT = r"""
() => {
  const closed = document.body !== null && document.body.classList.contains("-closed");
  const terminals = window.__previewTerminals || [];
  const term = terminals[terminals.length - 1];
  if (term === undefined) return { found: false, closed, rows: [] };
  const buffer = term.buffer.active;
  const rows = [];
  for (let i = 0; i < term.rows; i++) {
    const line = buffer.getLine(buffer.viewportY + i);
    rows.push(line === undefined ? "" : line.translateToString(true));
  }
  return { found: true, closed, rows, cols: term.cols, height: term.rows };
}
"""

# Playwright's key names for the names Textual (and people) use.
_KEY_NAMES = {
    "enter": "Enter",
    "tab": "Tab",
    "escape": "Escape",
    "esc": "Escape",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Delete",
    "up": "ArrowUp",
    "down": "ArrowDown",
    "left": "ArrowLeft",
    "right": "ArrowRight",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pagedown": "PageDown",
}
_MODIFIERS = {"ctrl": "Control", "control": "Control", "shift": "Shift", "alt": "Alt", "meta": "Meta"}


class BrowserUnavailable(RuntimeError):
    """Playwright or Debian's chromium is not installed, or chromium does not start."""


def unavailable(reason: str) -> None:
    """Fail with ``reason`` when the environment variable CI is set (CI installs the browser), else skip."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: ./dev test installs chromium and playwright)", pytrace=False)
    pytest.skip(reason)


# -- the server ---------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedCommand:
    """``python -m preview_tui.serve`` serving ``command`` on a free 127.0.0.1 port, in its own process group.

    ``command`` is an argument list (quoted for the shell by preview_tui.serve)
    or a shell command line. ``env`` adds to or overrides the environment
    inherited from the test (the server passes it on to every app process);
    ``PYTHONPATH`` starts with this checkout, so the server and the apps
    import this preview_tui. The server's log and the apps' stderr go to
    :attr:`log_path`; ``exit_grace`` is the server's ``--exit-grace``.
    Started on ``__enter__`` (or :meth:`start`), stopped with everything it
    started on ``__exit__`` (or :meth:`close`).
    """

    def __init__(
        self,
        command: Sequence[str] | str,
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        title: str = "preview-tui test",
        log_path: str | os.PathLike[str] | None = None,
        exit_grace: float | None = None,
        start_timeout: float = 20.0,
    ) -> None:
        self.command = ["sh", "-c", command] if isinstance(command, str) else list(command)
        if not self.command:
            raise ValueError("empty command")
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.env = dict(env or {})
        self.title = title
        self._own_log_dir: tempfile.TemporaryDirectory[str] | None = None
        if log_path is None:
            self._own_log_dir = tempfile.TemporaryDirectory(prefix="preview-serve-")
            log_path = Path(self._own_log_dir.name) / "serve.log"
        self.log_path = Path(log_path)
        self.exit_grace = exit_grace
        self.start_timeout = start_timeout
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._output: Any = None  # the server's own stdout and stderr (should stay empty)

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started (use it as a context manager)")
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> ServedCommand:
        if self.process is not None:
            raise RuntimeError("server already started")
        env = {**os.environ, **self.env}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
        for _attempt in range(3):  # another process may take the free port before the server binds it
            if self._output is not None:
                self._output.close()
            self._output = tempfile.TemporaryFile()  # this attempt's output only
            self.port = free_port()
            argv = [
                sys.executable, "-m", "preview_tui.serve",
                "--host", "127.0.0.1", "--port", str(self.port),
                "--title", self.title, "--log-file", str(self.log_path),
                *([] if self.exit_grace is None else ["--exit-grace", str(self.exit_grace)]),
                "--", *self.command,
            ]  # fmt: skip
            self.process = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: close() ends the apps with it
            )
            if self._wait_ready():
                return self
            if "address already in use" not in self.output().lower():
                break
        output, log = self.output(), self.log()
        self.close()
        raise RuntimeError(
            f"preview_tui.serve did not answer on port {self.port} within {self.start_timeout:g}s\n"
            f"output:\n{output}\nlog:\n{log}"
        )

    def _wait_ready(self) -> bool:
        """Wait until the server answers GET / (True) or has exited (False)."""
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)  # no proxy, whatever the environment says
            try:
                connection.request("GET", "/")
                if connection.getresponse().status == 200:
                    return True
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(POLL_INTERVAL)
        return False

    def output(self) -> str:
        """What the server printed on its stdout and stderr (preview_tui.serve prints nothing when all is well)."""
        if self._output is None:
            return ""
        self._output.seek(0)
        return self._output.read().decode("utf-8", "replace")

    def log(self) -> str:
        """The server's log and the apps' stderr so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def app_pids(self) -> list[int]:
        """The app processes the server started so far, one per tab, in order (from its log)."""
        return [int(pid) for pid in re.findall(r"tab opened: app process (\d+)", self.log())]

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the server as SIGTERM does (it tells every app to quit); return its exit status, None if it hung."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        """Stop the server, then kill whatever is left of its process group (apps that did not quit)."""
        if self.process is None:
            return
        self.stop()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.process.poll() is None:
            self.process.wait(5)
        self.process = None
        if self._own_log_dir is not None:
            self._own_log_dir.cleanup()
            self._own_log_dir = None

    def __enter__(self) -> ServedCommand:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# -- processes ------------------------------------------------------------------


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, exited but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_pid_gone(pid: int, timeout: float = 10.0) -> float:
    """Wait until process ``pid`` has ended; return how long that took. AssertionError after ``timeout``."""
    start = time.monotonic()
    wait_for(lambda: not pid_alive(pid), timeout, lambda: f"process {pid} still running after {timeout:g}s")
    return time.monotonic() - start


def wait_for(condition, timeout: float, describe) -> Any:
    """Poll ``condition()`` until it returns something true; return it. AssertionError(``describe()``) after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(describe())
        time.sleep(POLL_INTERVAL)


# -- the browser ----------------------------------------------------------------


class Browser:
    """Headless Debian chromium through Playwright's sync API; every :meth:`open` is a new tab.

    Runs as root (``--no-sandbox``) and without a display (DISPLAY and
    WAYLAND_DISPLAY are removed from chromium's environment). The tabs share
    one browser context, like tabs of one browser window.
    """

    def __init__(self, *, executable: str = CHROMIUM, viewport: tuple[int, int] = (1280, 800)) -> None:
        self.executable = executable
        self.viewport = viewport
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None

    def start(self) -> Browser:
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise BrowserUnavailable(f"Playwright is not installed ({exc}); pip install -e '.[test]'") from None
        if not os.access(self.executable, os.X_OK):
            raise BrowserUnavailable(f"{self.executable} is missing; apt-get install chromium")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable,
                args=["--no-sandbox", "--disable-dev-shm-usage"],
                headless=True,
                env=env,
            )
        except PlaywrightError as exc:
            self.close()
            raise BrowserUnavailable(f"{self.executable} does not start: {exc}") from None
        width, height = self.viewport
        self._context = self._browser.new_context(viewport={"width": width, "height": height})
        self._context.add_init_script(INIT_SCRIPT)
        return self

    @property
    def context(self) -> Any:
        """The Playwright ``BrowserContext`` the tabs are in (to watch requests, route them, ...)."""
        if self._context is None:
            raise RuntimeError("browser not started (use it as a context manager)")
        return self._context

    def open(self, url: str, *, timeout: float = 20.0) -> Any:
        """A new tab on ``url`` (a Playwright ``Page``), once its HTML is in; the app starts after that."""
        page = self.context.new_page()
        page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
        return page

    def close(self) -> None:
        for thing in (self._context, self._browser):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # already gone with the browser
                    pass
        if self._playwright is not None:
            self._playwright.stop()
        self._playwright = self._browser = self._context = None

    def __enter__(self) -> Browser:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _read(page) -> dict[str, Any]:
    return page.evaluate(READ_SCRIPT)


def screen_text(page) -> str:
    """The terminal's visible rows as text, one line per row, trailing blanks removed.

    Empty (before the app's first output) while the page shows its loading
    splash. Raises RuntimeError when the page has no xterm.js terminal.
    """
    state = _read(page)
    if not state["found"]:
        raise RuntimeError(
            "no xterm.js terminal in the page (not a textual-serve page, "
            "or its textual.js no longer builds one the init script can catch)"
        )
    return _join(state["rows"])


def terminal_size(page) -> tuple[int, int]:
    """The terminal's (columns, rows), as the app gets them."""
    state = _read(page)
    if not state["found"]:
        raise RuntimeError("no xterm.js terminal in the page")
    return state["cols"], state["height"]


def wait_for_text(page, text: str | re.Pattern[str], timeout: float = 20.0) -> str:
    """Wait until the app's screen shows ``text`` (a substring, or a compiled regex searched); return that screen.

    Polls the terminal's buffer, so the loading splash never counts. Raises
    AssertionError with the last screen when the text is not there after
    ``timeout`` seconds, or as soon as the page says the session ended (the
    app exited or the server went away).
    """
    deadline = time.monotonic() + timeout
    while True:
        state = _read(page)
        screen = _join(state["rows"])
        if _matches(text, screen):
            return screen
        if state["closed"]:
            raise AssertionError(f"the session ended without showing {_describe(text)}; last screen:\n{_frame(screen)}")
        if time.monotonic() >= deadline:
            where = "" if state["found"] else " (no xterm.js terminal found in the page)"
            raise AssertionError(f"{_describe(text)} not on screen after {timeout:g}s{where}; last screen:\n{_frame(screen)}")
        time.sleep(POLL_INTERVAL)


def type_text(page, text: str) -> None:
    """Type ``text`` into the app, as a person at the tab's keyboard (any Unicode text)."""
    _focus(page)
    page.keyboard.type(text)


def press(page, *keys: str) -> None:
    """Press keys one after the other: ``press(tab, "Tab", "down", "enter", "ctrl+n", "shift+tab")``.

    Names are Playwright's (``Enter``, ``ArrowUp``, ``Control+n``, ``F1``) or
    Textual's (``enter``, ``up``, ``ctrl+n``, ``escape``, ``space``).
    """
    _focus(page)
    for key in keys:
        page.keyboard.press(_key_name(key))


def _focus(page) -> None:
    """Give the terminal the keyboard focus (a freshly loaded page has it nowhere)."""
    page.focus(".xterm-helper-textarea")


def _key_name(key: str) -> str:
    *mods, last = key.split("+") if len(key) > 1 else [key]
    mods = [_MODIFIERS.get(m.lower(), m) for m in mods]
    if len(last) > 1:
        last = _KEY_NAMES.get(last.lower(), last[0].upper() + last[1:])  # f1 -> F1
    return "+".join([*mods, last])


def _join(rows: list[str]) -> str:
    return "\n".join(row.rstrip() for row in rows).rstrip("\n")
