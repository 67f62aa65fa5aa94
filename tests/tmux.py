"""Drive a real command in a real terminal (tmux) for end-to-end tests.

Each :class:`TmuxSession` runs its own tmux server on a private socket
(``tmux -L <name>``) with no configuration file, so it never touches a user's
tmux sessions and cleaning up kills only that server::

    with TmuxSession([".venv/bin/preview-tui"], cwd=study_dir, env={"HOME": str(home)}) as tui:
        tui.wait_for("Screenings")
        tui.send("Down", "Enter")
        tui.send_text("42")
        screen = tui.wait_for(re.compile(r"Saved \\d+ answers"))

The pane has exactly ``cols`` x ``rows`` cells (the tmux status line is off),
``TERM=xterm-256color``, and stays after the command exits
(``remain-on-exit``), so a crash's traceback can still be read with
:meth:`TmuxSession.last_output` and its exit status with
:meth:`TmuxSession.wait_exit` or :meth:`TmuxSession.exit_status`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["TmuxSession"]

POLL_INTERVAL = 0.05  # seconds between two captures while waiting


class TmuxSession:
    """A command running in a detached tmux pane of a private tmux server.

    ``command`` is an argument list (run directly, without a shell) or a
    string (run by ``sh -c``). ``env`` adds to or overrides the environment
    inherited from the test process; ``cwd`` is the command's working
    directory. The session starts on ``__enter__`` (or :meth:`start`) and is
    killed on ``__exit__`` (or :meth:`close`).
    """

    def __init__(
        self,
        command: Sequence[str] | str,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        cols: int = 100,
        rows: int = 30,
        name: str = "main",
    ) -> None:
        if isinstance(command, str):
            command = ["sh", "-c", command]
        self.command = list(command)
        if not self.command:
            raise ValueError("empty command")
        self.env = {"TERM": "xterm-256color", **(env or {})}
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.cols = cols
        self.rows = rows
        self.name = name
        self.socket = f"preview-tui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.pane: str | None = None  # tmux pane id such as "%0"
        self._socket_path: str | None = None
        self._server_pid: int | None = None

    # -- life cycle ---------------------------------------------------------

    def start(self) -> TmuxSession:
        if self.pane is not None:
            raise RuntimeError("session already started")
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not on PATH (./dev test installs it)")
        # `env K=V ... command`: the variables reach the command whatever the
        # tmux server's own environment is, and TERM overrides tmux's default.
        # COLUMNS and LINES are dropped: inherited from whatever launched the
        # test they would override the pane's real size (shutil and Textual
        # read them before asking the terminal).
        argv = ["env", "-u", "COLUMNS", "-u", "LINES", *(f"{k}={v}" for k, v in self.env.items()), *self.command]
        # Options are set in the same tmux invocation, before the session (and
        # so the command) exists: no status line, keep the pane when it exits.
        out = self._tmux(
            "set-option", "-g", "status", "off", ";",
            "set-option", "-g", "remain-on-exit", "on", ";",
            "new-session", "-d", "-P", "-F", "#{pane_id} #{pid} #{socket_path}",
            "-x", str(self.cols), "-y", str(self.rows),
            "-s", self.name, "-c", str(self.cwd),
            *argv,
        )  # fmt: skip
        pane, pid, self._socket_path = out.strip().split(" ", 2)
        self.pane, self._server_pid = pane, int(pid)
        return self

    def close(self) -> None:
        """Kill this session's tmux server (and so the command) and remove its socket."""
        if self.pane is None:
            return
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if self._socket_path:
            Path(self._socket_path).unlink(missing_ok=True)
        self.pane = None

    def __enter__(self) -> TmuxSession:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- input --------------------------------------------------------------

    def send(self, *keys: str) -> None:
        """Send tmux key names, e.g. ``send("Down", "Down", "Enter")``.

        Names are tmux's: ``Enter``, ``Tab``, ``BTab``, ``Escape``, ``Space``,
        ``Up``/``Down``/``Left``/``Right``, ``PageUp``, ``F1``, ``C-c``,
        ``M-x``; a string that is no key name is typed as text.
        """
        if keys:
            self._tmux("send-keys", "-t", self._target(), *keys)

    def send_text(self, text: str) -> None:
        """Type ``text`` literally (no key-name lookup)."""
        if text:
            self._tmux("send-keys", "-t", self._target(), "-l", "--", text)

    def resize(self, cols: int, rows: int) -> None:
        """Resize the terminal; the command gets SIGWINCH."""
        self._tmux("resize-window", "-t", self._target(), "-x", str(cols), "-y", str(rows))
        self.cols, self.rows = cols, rows

    # -- output -------------------------------------------------------------

    def screen(self, *, history: bool = False) -> str:
        """The visible screen as text, one line per row, trailing blanks removed.

        With ``history=True`` the scrollback above the screen comes first.
        """
        args = ["capture-pane", "-p", "-J", "-t", self._target()]
        if history:
            args += ["-S", "-"]
        out = self._tmux(*args)
        return "\n".join(line.rstrip() for line in out.splitlines()).rstrip("\n")

    def last_output(self) -> str:
        """What the command showed last: after it exited, the screen with scrollback.

        When a command exits, tmux writes "Pane is dead (status N, ...)" on the
        bottom row and the screen's lines move up into the scrollback, so the
        plain :meth:`screen` of a dead pane may show none of its last output.
        Only the last ``2 * rows`` lines are kept.
        """
        if self.alive():
            return self.screen()
        lines = self.screen(history=True).split("\n")
        return "\n".join(lines[-2 * self.rows :])

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = 10.0) -> str:
        """Wait until ``pattern`` is on the screen; return that screen.

        ``pattern`` is a plain substring or a compiled regular expression
        (searched with ``re.search``). Raises AssertionError with the last
        screen when it does not appear within ``timeout`` seconds, or as soon
        as the command has exited without showing it.
        """
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if _matches(pattern, screen):
                return screen
            if not self.alive():
                screen = self.last_output()
                if _matches(pattern, screen):
                    return screen
                raise AssertionError(
                    f"command exited (status {self.exit_status()}) without showing "
                    f"{_describe(pattern)}; last output:\n{_frame(screen)}"
                )
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{_describe(pattern)} not on screen after {timeout:g}s; "
                    f"last screen:\n{_frame(screen)}"
                )
            time.sleep(POLL_INTERVAL)

    def wait_gone(self, pattern: str | re.Pattern[str], timeout: float = 10.0) -> str:
        """Wait until ``pattern`` is no longer on the screen; return that screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if not _matches(pattern, screen):
                return screen
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{_describe(pattern)} still on screen after {timeout:g}s; "
                    f"last screen:\n{_frame(screen)}"
                )
            time.sleep(POLL_INTERVAL)

    # -- the command's state ------------------------------------------------

    def alive(self) -> bool:
        """Whether the command is still running."""
        if self.pane is None:
            return False
        proc = self._run("display-message", "-p", "-t", self._target(), "#{pane_dead}")
        return proc.returncode == 0 and proc.stdout.strip() == "0"

    def wait_exit(self, timeout: float = 10.0) -> int | None:
        """Wait until the command has exited; return its exit status.

        Raises AssertionError with the last screen when it is still running
        after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"command still running after {timeout:g}s; last screen:\n"
                    f"{_frame(self.screen())}"
                )
            time.sleep(POLL_INTERVAL)
        return self.exit_status()

    def exit_status(self, timeout: float = 2.0) -> int | None:
        """The command's exit status if it has exited, None while it runs.

        A command killed by a signal gives ``-signal`` (like subprocess).
        """
        # tmux marks the pane dead when the terminal closes and records the
        # status a moment later, when it reaps the process: poll briefly.
        # Debian's tmux (built with libutempter) can miss the SIGCHLD of a
        # command that exits while the pane is being closed, leaving the
        # status unset for good; a SIGCHLD sent to this session's own server
        # makes it reap the process (tmux issues #311 and #4559).
        deadline = time.monotonic() + timeout
        nudged = False
        while True:
            proc = self._run(
                "display-message", "-p", "-t", self._target(),
                "#{pane_dead} #{pane_dead_status} #{pane_dead_signal}",
            )  # fmt: skip
            if proc.returncode != 0:
                return None
            dead, status, sig = (proc.stdout.split(" ") + ["", "", ""])[:3]
            if dead.strip() != "1":
                return None
            if status.strip():
                return int(status)
            if sig.strip():
                return -int(sig)
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_INTERVAL)
            if not nudged and self._server_pid is not None:
                nudged = True
                try:
                    os.kill(self._server_pid, signal.SIGCHLD)
                except ProcessLookupError:
                    pass

    # -- helpers ------------------------------------------------------------

    def _target(self) -> str:
        if self.pane is None:
            raise RuntimeError("session not started (use it as a context manager)")
        return self.pane

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        # The command line carries the environment for the command itself;
        # the tmux client only needs to not think it is nested in tmux.
        client_env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            cwd=self.cwd,
            env=client_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    def _tmux(self, *args: str) -> str:
        proc = self._run(*args)
        if proc.returncode != 0:
            raise RuntimeError(
                f"tmux {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}"
            )
        return proc.stdout


def _matches(pattern: str | re.Pattern[str], screen: str) -> bool:
    if isinstance(pattern, re.Pattern):
        return pattern.search(screen) is not None
    return pattern in screen


def _describe(pattern: str | re.Pattern[str]) -> str:
    if isinstance(pattern, re.Pattern):
        return f"regex {pattern.pattern!r}"
    return repr(pattern)


def _frame(screen: str) -> str:
    """The screen between two rulers, so blank lines and edges stay visible."""
    lines = screen.split("\n") if screen else [""]
    width = max(len(line) for line in lines)
    ruler = "+" + "-" * width + "+"
    return "\n".join([ruler, *(f"|{line.ljust(width)}|" for line in lines), ruler])
