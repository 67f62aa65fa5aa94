"""The room benchmark's tablets: many browser tabs connecting to the seat server at once.

At the start of a screening every tablet in the room opens the seat page at
about the same moment, and textual-serve starts one seat process per tab
(stack notes, fact 24): the room computer pays every seat's start-up at once.
What matters to the moderator is when the last tablet can be used, so this
measures, for each tab, the time from the moment all tabs are opened until

- *shown*: the app's join screen is on the tab (its "Room code" label is in
  the terminal's buffer, not the loading splash), and
- *interactive*: text typed into the room-code field is echoed on the tab,
  i.e. a key went through the browser, the websocket, the seat process and back.

The tabs are opened concurrently from one headless chromium through
Playwright's async API (the sync API would serialise the polling of 30 tabs
and blur every figure by a sweep's time). The seat server is
``python -m preview_tui.serve`` on the seat command, started by
``tests/browser.py``'s :class:`ServedCommand`; its page is read with that
module's scripts.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from room_seats import descendants, parents, proc_usage  # puts tests/ on sys.path

from browser import CHROMIUM, INIT_SCRIPT, READ_SCRIPT, ServedCommand  # noqa: E402

POLL_S = 0.05


@dataclass
class TabRun:
    tabs: int
    shown: list[float] = field(default_factory=list)  # seconds from the start, per tab that got there
    interactive: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)  # each tab's seat process, once all were interactive
    cpu_seats: float = float("nan")  # CPU seconds the tabs' seat processes had used by then
    cpu_server: float = float("nan")  # the seat server's, over the same time
    cpu_browser: float = float("nan")  # chromium's (and Playwright's driver), from the browser's launch
    total: float = float("nan")  # until the last tab was interactive


async def _screen(page) -> str:
    state = await page.evaluate(READ_SCRIPT)
    return "\n".join(row.rstrip() for row in state["rows"])


async def _until(page, text: str, deadline: float) -> float:
    while True:
        if text in await _screen(page):
            return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{text!r} not on the tab")
        await asyncio.sleep(POLL_S)


async def _one_tab(context, url: str, typed: str, t0: float, timeout: float, run: TabRun) -> None:
    deadline = t0 + timeout
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="commit", timeout=timeout * 1000)
        run.shown.append(await _until(page, "Room code", deadline) - t0)
        await page.focus(".xterm-helper-textarea")
        await page.keyboard.type(typed)
        run.interactive.append(await _until(page, typed, deadline) - t0)
    except Exception as exc:  # noqa: BLE001 - a tab that never got there is a figure, not a crash
        run.failures.append(f"{type(exc).__name__}: {exc}".splitlines()[0][:160])


def tabs_connecting(study: Path, db: Path, room: str, tabs: int, *, typed: str, home: Path, timeout: float = 180.0) -> TabRun:
    """Serve the seat command, open ``tabs`` tabs at once, time each until it shows the join screen and takes a key."""
    command = [sys.executable, "-m", "preview_tui", "seat", "--study", str(study), "--database", str(db), "--room", room]
    env = {"HOME": str(home), "TEXTUAL_ANIMATIONS": "none", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    with ServedCommand(command, cwd=study, env=env, title="room bench", log_path=home / "serve.log") as server:
        return asyncio.run(_measure(server, tabs, typed, timeout))


def _cpu(pids) -> float:
    return sum(u.cpu_s for pid in pids if (u := proc_usage(pid)) is not None)


async def _measure(server: ServedCommand, tabs: int, typed: str, timeout: float) -> TabRun:
    """All tabs at once; each seat process's memory is read while its tab is still open."""
    from playwright.async_api import async_playwright

    run = TabRun(tabs)
    server_before = _cpu([server.process.pid])
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"], headless=True, env=env)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 800})
            await context.add_init_script(INIT_SCRIPT)
            t0 = time.monotonic()
            await asyncio.gather(*(_one_tab(context, server.url, typed, t0, timeout, run) for _ in range(tabs)))
            if len(run.interactive) == tabs:
                run.total = max(run.interactive)
            run.rss_kb = [u.rss_kb for pid in server.app_pids() if (u := proc_usage(pid)) is not None]
            tree = parents()
            apps = descendants(server.process.pid, tree)
            browser_side = descendants(os.getpid(), tree) - apps - {server.process.pid}
            run.cpu_seats = _cpu(apps)
            run.cpu_browser = _cpu(browser_side)
            run.cpu_server = _cpu([server.process.pid]) - server_before
        finally:
            await browser.close()
    return run
