"""Serve one Textual command to web browsers: the screening room's seats.

A participant's tablet opens ``http://HOST:PORT/`` in its browser and gets the
app in the page. Underneath is textual-serve: an aiohttp server whose page
draws a terminal with xterm.js and talks to the server over a websocket.
Every websocket (one per browser tab) starts its own app process, so two tabs
are two independent sessions of the command::

    python -m preview_tui.serve --host 127.0.0.1 --port 8000 --title "Room 1" -- \\
        preview-tui --study /srv/study --database /srv/station.sqlite

or, from Python (blocking until SIGINT or SIGTERM)::

    serve(shlex.join(argv), host="127.0.0.1", port=8000, title="Room 1")

What the server does (textual-serve 1.1 underneath, and what this module adds):

* Only the given command is served: one command, run for every tab by
  ``/bin/sh -c "exec COMMAND"``, so the app process is the server's own child
  (without ``exec`` Debian's dash stays in between as the parent). The
  command-line form quotes its arguments with :func:`shlex.join`, so an
  argument is never re-split or expanded. The app gets the server's
  environment plus ``TEXTUAL_DRIVER`` (Textual's web driver), ``COLUMNS`` and
  ``ROWS`` (the tab's size in cells); its stdin and stdout carry the web
  driver's packets, not a terminal.
* Closing a tab ends its app process: the websocket closes, textual-serve
  sends the app the web driver's "quit" message, and the app exits at once
  (in about 0.2 s, status 0). textual-serve would wait for ever for an app
  that does not exit (a stuck non-daemon thread keeps the process alive);
  here such an app is killed ``exit_grace`` seconds after its tab closed.
  A tab that goes away without closing its websocket (a tablet that sleeps,
  a dropped network, a frozen browser) is noticed by the websocket's
  heartbeat: a ping after 15 s of silence, 7.5 s for the answer; with a
  frozen browser the app ended 23 s later.
* An app that ends by itself (it crashed, or it is no Textual app at all)
  gets its tab closed, so the tab says "Session ended." instead of showing
  the loading splash for ever as textual-serve would.
* Stopping the server (SIGINT or SIGTERM) closes every open tab's websocket,
  so every app gets "quit"; the server exits once they have ended (or been
  killed). textual-serve alone leaves the websockets open and aiohttp waits
  for them: with one tab open the server took 24 s to stop. A server killed
  with SIGKILL leaves its apps running (Textual's web driver does not exit
  when its stdin closes); SIGTERM to an app makes it quit.
* Every page names the server's address for its scripts and its websocket:
  ``public_url``, which textual-serve builds from ``host`` and ``port``. For
  a server that listens on every interface (``0.0.0.0``, ``::``) that would
  be ``http://0.0.0.0:PORT``, which works in a browser on the same machine
  but not on a tablet, so :func:`serve` wants ``public_url`` (the address
  the tablets use, such as ``http://192.168.1.20:8000``) for such a host.
* textual-serve's page loads a stylesheet from fonts.googleapis.com in its
  ``<head>``, which holds up the whole page: where that request hangs
  instead of failing (a LAN that drops outside traffic) the tablet shows the
  loading splash until the browser gives up. The page served here leaves
  that stylesheet out and needs nothing but this server; the terminal uses
  a local monospace font.
* textual-serve prints a banner and rich-formatted log lines on stdout, and
  copies every app's stderr to its stdout when that app ends (losing what
  the app wrote just before it ended: a crash's traceback). Here nothing is
  printed on stdout. With ``log_file`` the log (the server's start and stop,
  every tab's app process and how it ended, aiohttp's requests and errors)
  goes there, and the apps' stderr is appended to it directly
  (``exec COMMAND 2>>LOG_FILE``; Textual's web driver draws on stdout, so
  this takes nothing from the screen). Without it, warnings, errors and what
  textual-serve passes on of the apps' stderr go to stderr.

textual-serve is imported only when :func:`serve` runs, so importing this
module is cheap and imports no Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path
from typing import TextIO

__all__ = ["main", "public_url_for", "serve"]

#: Hosts that mean "every interface": no browser can use them as an address.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})

#: Seconds an app may take to quit after its tab closed before it is killed.
EXIT_GRACE = 10.0

_LOGGERS = ("textual-serve", "aiohttp")  # the server's loggers (aiohttp.access, aiohttp.server, ...)
_GOOGLE_FONTS = re.compile(r'\n[ \t]*<link\s[^>]*href="https://fonts\.googleapis\.com/[^"]*"[^>]*>')  # its lines, not those around


def public_url_for(host: str, port: int, public_url: str | None = None) -> str:
    """The address pages name for the server: ``public_url``, or one built from ``host`` and ``port``.

    Raises ValueError for a wildcard host without ``public_url`` (no browser
    can reach ``0.0.0.0``) and for a ``public_url`` that is not http(s).
    """
    if public_url is not None:
        url = public_url.rstrip("/")  # textual-serve appends paths that start with "/"
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"public_url must start with http:// or https://, not {public_url!r}")
        return url
    if host in WILDCARD_HOSTS:
        raise ValueError(
            f"host {host!r} listens on every interface; give public_url, the address the browsers use "
            "(e.g. http://192.168.1.20:8000)"
        )
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host  # an IPv6 literal
    return f"http://{name}" if port == 80 else f"http://{name}:{port}"


def serve(
    command: str,
    *,
    host: str,
    port: int,
    title: str,
    public_url: str | None = None,
    log_file: str | os.PathLike[str] | None = None,
    exit_grace: float = EXIT_GRACE,
) -> None:
    """Serve ``command`` on ``host``:``port`` until SIGINT or SIGTERM.

    ``command`` is one command as a shell command line (build it with
    :func:`shlex.join`); every browser tab that opens the page runs it as
    ``exec COMMAND``, so the app is the server's own child. ``title`` is shown
    (as text) on the page while the app starts. An app still running
    ``exit_grace`` seconds after its tab closed is killed. See the module's
    documentation for ``public_url`` and what goes to ``log_file``.

    While it runs, this replaces the process's ``sys.stdout`` (textual-serve
    writes the apps' stderr there) and the handlers of the ``textual-serve``
    and ``aiohttp`` loggers.
    """
    if not command.strip():
        raise ValueError("no command to serve")
    if not 0 < port < 65536:
        raise ValueError(f"port must be 1-65535, not {port}")  # 0 would give the pages a wrong address
    if not exit_grace > 0:
        raise ValueError(f"exit_grace must be more than 0 seconds, not {exit_grace}")
    url = public_url_for(host, port, public_url)

    with contextlib.ExitStack() as stack:
        templates = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="preview-serve-")))
        if log_file is not None:
            stream: TextIO = stack.enter_context(open(log_file, "a", encoding="utf-8", buffering=1))
            handler: logging.Handler = logging.StreamHandler(stream)
            handler.setLevel(logging.INFO)
        else:
            stream = sys.stderr
            handler = logging.StreamHandler(stream)
            handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            saved = (logger.handlers[:], logger.level, logger.propagate)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False
            stack.callback(_restore, logger, saved)
        stack.enter_context(contextlib.redirect_stdout(stream))
        line = f"exec {command}"
        if log_file is not None:  # reliably: textual-serve may drop what an app wrote just before it ended
            line += f" 2>>{shlex.quote(os.fspath(Path(log_file).resolve()))}"
        server = _seat_server(
            line,
            host=host,
            port=port,
            title=title,
            public_url=url,
            exit_grace=exit_grace,
            templates=_offline_page(templates),
        )
        server.serve()


def _restore(logger: logging.Logger, saved: tuple[list[logging.Handler], int, bool]) -> None:
    logger.handlers[:], level, logger.propagate = saved
    logger.setLevel(level)


def _offline_page(directory: Path) -> Path | None:
    """Write textual-serve's page template without its Google Fonts stylesheet into ``directory``.

    That stylesheet is the page's only request to anywhere but the server, and
    it blocks the page: where the request hangs instead of failing (a LAN
    whose firewall drops it), the tablet shows the loading splash until the
    browser gives up. Without it the terminal uses a local monospace font.
    Returns None (keep textual-serve's own page) if the template has changed.
    """
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    html, found = _GOOGLE_FONTS.subn("", source.read_text(encoding="utf-8"))
    if found != 1:
        logging.getLogger("textual-serve").warning("%s has no Google Fonts link to remove; serving it as it is", source)
        return None
    (directory / "app_index.html").write_text(html, encoding="utf-8")
    return directory


def _seat_server(
    command: str, *, host: str, port: int, title: str, public_url: str, exit_grace: float, templates: Path | None
):
    """A textual-serve ``Server`` that stays quiet, closes its seats when it stops and ends apps that hang."""
    import asyncio

    from aiohttp import WSCloseCode
    from textual_serve.server import Server

    log = logging.getLogger("textual-serve")

    class SeatServer(Server):
        def __init__(self) -> None:
            super().__init__(
                command,
                host=host,
                port=port,
                title=title,
                public_url=public_url,
                templates_path=templates if templates is not None else "./templates",  # textual-serve's default
            )
            self._sockets: set = set()  # the open websockets, one per tab
            self._reapers: dict[asyncio.Task, asyncio.Task[None]] = {}  # by the tab's request handler

        def initialize_logging(self) -> None:  # called by Server.serve; serve() has set up logging
            pass

        async def on_startup(self, app) -> None:  # instead of textual-serve's banner on stdout
            log.info("serving %r on %s", self.command, self.public_url)

        async def on_shutdown(self, app) -> None:
            # aiohttp waits for open websockets when it stops; without this a
            # server with an open tab takes tens of seconds to stop.
            log.info("stopping; closing %d open tab(s)", len(self._sockets))
            for socket in list(self._sockets):
                await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")

        async def _process_messages(self, websocket, app_service) -> None:
            # Runs for as long as the tab's websocket is open; textual-serve
            # sends the app "quit" once it returns.
            process = app_service._process
            log.info("tab opened: app process %s", process.pid)
            self._sockets.add(websocket)
            messages = asyncio.ensure_future(super()._process_messages(websocket, app_service))
            ended = asyncio.ensure_future(process.wait())
            try:
                await asyncio.wait({messages, ended}, return_when=asyncio.FIRST_COMPLETED)
                if not messages.done():
                    # The app ended by itself without saying so (it crashed, or never started):
                    # textual-serve would leave the tab on its loading splash.
                    log.warning("app process %s ended with status %s; closing its tab", process.pid, process.returncode)
                    await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"the app ended")
                await messages
            except asyncio.CancelledError:  # the server is stopping
                messages.cancel()
                raise
            finally:
                ended.cancel()
                self._sockets.discard(websocket)
                # Runs beside textual-serve's own wait for the app (which has no time limit).
                self._reapers[asyncio.current_task()] = asyncio.get_running_loop().create_task(self._reap(process))

        async def handle_websocket(self, request):
            try:
                return await super().handle_websocket(request)
            finally:  # the server stops only once every request has been handled: it waits for the apps too
                reaper = self._reapers.pop(asyncio.current_task(), None)
                if reaper is not None:
                    await reaper

        async def _reap(self, process) -> None:
            try:
                await asyncio.wait_for(asyncio.shield(process.wait()), exit_grace)
            except TimeoutError:
                log.warning("app process %s still running %gs after its tab closed; killing it", process.pid, exit_grace)
                try:
                    process.kill()
                except ProcessLookupError:
                    pass
                await process.wait()
            log.info("tab closed: app process %s ended with status %s", process.pid, process.returncode)

    return SeatServer()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m preview_tui.serve",
        description="Serve a Textual command to web browsers, one app process per browser tab.",
        epilog="Example: python -m preview_tui.serve --port 8000 -- preview-tui --study DIR",
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000)")
    parser.add_argument("--title", default=None, help="the page's title while the app starts (default: the command)")
    parser.add_argument(
        "--public-url",
        default=None,
        help="the address browsers use to reach the server; needed when --host is 0.0.0.0 or ::",
    )
    parser.add_argument("--log-file", type=Path, default=None, help="append the server's log and the apps' stderr here")
    parser.add_argument(
        "--exit-grace",
        type=float,
        default=EXIT_GRACE,
        help=f"seconds an app may take to quit after its tab closed before it is killed (default: {EXIT_GRACE:g})",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to serve, after --")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to serve after --")
    line = shlex.join(command)
    try:
        serve(
            line,
            host=args.host,
            port=args.port,
            title=args.title or line,
            public_url=args.public_url,
            log_file=args.log_file,
            exit_grace=args.exit_grace,
        )
    except ValueError as exc:
        parser.error(str(exc))
    except OSError as exc:  # the port is taken, the log file cannot be opened, ...
        print(f"preview_tui.serve: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
