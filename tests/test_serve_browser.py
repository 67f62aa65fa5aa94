"""Seats in a browser: preview_tui.serve serving a Textual command to tabs of headless chromium.

Real chromium (Debian's, through Playwright) against a real server process
(tests/browser.py). These never skip in CI: a missing browser fails there.
"""

import re
import sys
from pathlib import Path

import pytest

from browser import (
    Browser,
    BrowserUnavailable,
    ServedCommand,
    pid_alive,
    press,
    type_text,
    unavailable,
    wait_for,
    wait_for_text,
    wait_pid_gone,
)

pytestmark = pytest.mark.real

# A seat app: its process id on screen (which tab is which process), a field, and what Enter sent, as text.
# With --stuck it starts a thread that never ends, so the process cannot end when the app quits.
ECHO_APP = '''
import os
import sys
import threading

from textual.app import App
from textual.content import Content
from textual.widgets import Input, Label, Static


class Echo(App):
    def compose(self):
        yield Label(Content(f"Echo seat, process {os.getpid()}"))
        yield Input(id="entry")
        yield Static(id="echo")

    def on_mount(self):
        self.query_one("#entry", Input).focus()

    def on_input_submitted(self, event):
        self.query_one("#echo", Static).update(Content(f"echo: {event.value}"))


if "--stuck" in sys.argv:
    threading.Thread(target=threading.Event().wait).start()
Echo().run()
'''

SEAT = re.compile(r"Echo seat, process (\d+)")


@pytest.fixture
def browser():
    try:
        browser = Browser().start()
    except BrowserUnavailable as exc:
        unavailable(str(exc))
    yield browser
    browser.close()


@pytest.fixture
def echo_app(tmp_path) -> Path:
    script = tmp_path / "echo_app.py"
    script.write_text(ECHO_APP)
    return script


def seat_pid(tab) -> int:
    """The app process behind a tab, from its own screen."""
    screen = wait_for_text(tab, SEAT)
    return int(SEAT.search(screen).group(1))


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])


def test_two_tabs_at_once_are_two_app_processes_each_with_its_own_screen(browser, echo_app, tmp_path):
    with ServedCommand([sys.executable, str(echo_app)], cwd=tmp_path) as server:
        left, right = browser.open(server.url), browser.open(server.url)  # both open before either app shows
        left_pid, right_pid = seat_pid(left), seat_pid(right)
        assert left_pid != right_pid
        # The apps are the server's own children (run with exec), the ones it logged, one per tab.
        assert parent_pid(left_pid) == parent_pid(right_pid) == server.process.pid
        assert sorted(server.app_pids()) == sorted([left_pid, right_pid])

        type_text(left, "left [b]seat[/b] $HOME")
        type_text(right, "right ✓ 漢字 [/]")
        press(left, "Enter")
        press(right, "enter")

        left_screen = wait_for_text(left, "echo: left [b]seat[/b] $HOME")  # text, not markup or a shell's
        right_screen = wait_for_text(right, "echo: right ✓ 漢字 [/]")
        assert "right" not in left_screen
        assert "left" not in right_screen


def test_keys_reach_the_app_as_from_a_terminal(browser, echo_app, tmp_path):
    with ServedCommand([sys.executable, str(echo_app)], cwd=tmp_path) as server:
        tab = browser.open(server.url)
        seat_pid(tab)
        type_text(tab, "bd")
        press(tab, "left", "space", "ctrl+a")  # Textual's Input: ctrl+a goes to the start
        type_text(tab, "a")
        press(tab, "End", "Backspace")
        type_text(tab, "!")
        press(tab, "Enter")
        wait_for_text(tab, "echo: ab !")  # "bd", "b d", "ab d", "ab ", "ab !"


def test_closing_a_tab_ends_its_app_process_and_only_that_one(browser, echo_app, tmp_path):
    with ServedCommand([sys.executable, str(echo_app)], cwd=tmp_path) as server:
        closing, staying = browser.open(server.url), browser.open(server.url)
        closing_pid, staying_pid = seat_pid(closing), seat_pid(staying)

        closing.close()
        wait_pid_gone(closing_pid, timeout=10)
        wait_for(
            lambda: f"app process {closing_pid} ended with status 0" in server.log(),
            10,
            lambda: f"the server did not log a clean end of {closing_pid}:\n{server.log()}",
        )  # it quit when told to; it was not killed

        assert pid_alive(staying_pid)
        type_text(staying, "still here")
        press(staying, "Enter")
        wait_for_text(staying, "echo: still here")


def test_an_app_that_does_not_quit_is_killed_after_the_grace_period(browser, echo_app, tmp_path):
    with ServedCommand([sys.executable, str(echo_app), "--stuck"], cwd=tmp_path, exit_grace=1) as server:
        tab = browser.open(server.url)
        pid = seat_pid(tab)
        tab.close()
        wait_pid_gone(pid, timeout=15)
        wait_for(
            lambda: f"app process {pid} ended with status -9" in server.log(),
            10,
            lambda: f"the server did not log that it killed {pid}:\n{server.log()}",
        )
        assert f"app process {pid} still running 1s after its tab closed; killing it" in server.log()


def test_an_app_that_crashes_closes_its_tab_and_leaves_its_error_in_the_log(browser, tmp_path):
    crash = "import sys; print('no study here: [b]/srv', file=sys.stderr); sys.exit(3)"
    with ServedCommand([sys.executable, "-c", crash], cwd=tmp_path) as server:
        tab = browser.open(server.url)
        with pytest.raises(AssertionError, match="the session ended"):
            wait_for_text(tab, "anything", timeout=20)  # fails as soon as the tab says the session ended
        assert "Session ended." in tab.inner_text("body")
        (pid,) = server.app_pids()
        wait_for(
            lambda: f"app process {pid} ended with status 3" in server.log(),
            10,
            lambda: f"the server did not log how {pid} ended:\n{server.log()}",
        )
        assert "no study here: [b]/srv\n" in server.log()


def test_stopping_the_server_ends_the_apps_of_open_tabs_and_says_so_in_the_tab(browser, echo_app, tmp_path):
    with ServedCommand([sys.executable, str(echo_app)], cwd=tmp_path) as server:
        tab = browser.open(server.url)
        pid = seat_pid(tab)

        assert server.stop(timeout=15) == 0, f"the server did not stop cleanly:\n{server.output()}\n{server.log()}"
        assert not pid_alive(pid)
        wait_for(
            lambda: tab.evaluate("document.body.classList.contains('-closed')"),
            10,
            lambda: "the tab does not show that the session ended",
        )
        assert "Session ended." in tab.inner_text("body")
        assert server.output() == ""  # nothing printed: the log went to its file


def test_the_page_needs_only_the_server_and_shows_the_title_as_text(browser, echo_app, tmp_path):
    title = "Room <1> & [b]seats[/b]"
    requests: list[str] = []
    browser.context.on("request", lambda request: requests.append(request.url))
    with ServedCommand([sys.executable, str(echo_app)], cwd=tmp_path, title=title) as server:
        tab = browser.open(server.url)
        seat_pid(tab)
        assert tab.text_content(".intro-dialog .intro > div").strip() == title  # the splash, hidden by now

    origin = server.url.rstrip("/")
    assert requests, "the browser made no requests"
    outside = [url for url in requests if not re.match(rf"(http|ws)://127\.0\.0\.1:{server.port}(/|$)", url)]
    assert not outside, f"the page asked for more than the server {origin}: {outside}"


def test_the_station_console_runs_in_a_browser_tab(browser, demo_study, tmp_path):
    database = tmp_path / "s.db"
    command = [sys.executable, "-m", "preview_tui", "--study", str(demo_study), "--database", str(database)]
    env = {"HOME": str(tmp_path), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    with ServedCommand(command, cwd=tmp_path, env=env, title="Screening room") as server:
        tab = browser.open(server.url)
        screen = wait_for_text(tab, "Sessions on this station", timeout=30)
        assert "Preview: The Lighthouse Keeper" in screen  # the demo study's title
        assert "Start session" in screen
        assert f"Database {database.name} in " in screen  # the database given on the command line

        type_text(tab, "R-[b]7")  # the participant code field has the focus
        wait_for_text(tab, "R-[b]7")
        (pid,) = server.app_pids()

        tab.close()
        wait_pid_gone(pid, timeout=10)
        wait_for(
            lambda: f"app process {pid} ended with status 0" in server.log(),
            10,
            lambda: f"the server did not log a clean end of {pid}:\n{server.log()}",
        )
        assert database.exists()
        assert "Traceback" not in server.log(), server.log()
