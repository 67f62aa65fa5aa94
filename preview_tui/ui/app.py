"""The Textual app and the factory that builds it from its parts."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from pathlib import Path
from typing import Awaitable, Callable, Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from .app_keys import KeysAndThemes
from .keys import KeyGuard
from .themes import moderator_theme, register_themes

from ..db import models as m
from ..db.store import Store
from ..flow import Flow, Participant, station_balance
from ..station.next_session import NextSession
from ..playback.base import Player, PlayerUnavailable
from ..survey.runner import ClipItem, ConsentItem, EndItem, Item, LanguageItem, PageItem, StoryboardItem
from ..survey.schema import StationSettings
from ..survey.study import Study
from ..visible import visible
from .literal import LiteralApp, clicks_an_action, literal

log = logging.getLogger(__name__)

PlayerFactory = Callable[[], Player]


class PreviewApp(KeysAndThemes, LiteralApp, App[None]):
    """The station's app.

    In kiosk mode (``station.kiosk``) the participant cannot leave: quitting,
    the command palette and suspending are refused, whatever the key. The
    moderator's key (F12) asks for the PIN and then opens the command palette
    with the moderator's commands (pause, resume, end, withdraw, console,
    quit). Outside kiosk mode F12 and Ctrl+P open it at once.
    """

    CSS_PATH = "app.tcss"
    TITLE = "preview-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("f1", "help", "Help", priority=True),
        Binding("question_mark", "help", show=False),  # not priority: a text field types it
        Binding("f12", "moderator", "Moderator", show=False, priority=True),
        Binding("f7", "pilot_jump", show=False, priority=True),
        # The moderator's controls of a clip (outside kiosk mode; in kiosk mode they are
        # in the moderator's command palette, behind the PIN). Participants are not told.
        Binding("f2", "moderator_pause", show=False, priority=True),
        Binding("f3", "moderator_replay", show=False, priority=True),
        Binding("f4", "moderator_skip", show=False, priority=True),
    ]

    def __init__(self, *, settings: StationSettings, study: Study, store: Store, player_factory: PlayerFactory, more_studies: Iterable[Study] = (), prefs: Path | None = None):
        super().__init__()
        self.settings = settings
        self.study = study  # the study new sessions are started in; the moderator can choose another
        self.studies = {s.id: s for s in (study, *more_studies)}
        self.store = store
        self._player_factory = player_factory
        self._player: Player | None = None
        self.player_problem: str | None = None
        self.flow: Flow | None = None
        self.kiosk = settings.kiosk
        self.unlocked = False  # the moderator gave the PIN for the palette now open
        self.paused = False
        self.last_input = time.monotonic()
        self.room = settings.room
        self.sync_message = ""
        self._retry_timer = None
        self.next_session = NextSession()  # the console's choices for the next session only (pilot)
        self.keys_guard = KeyGuard()
        self.prefs = prefs  # the per-user settings file (the moderator's theme); None keeps nothing
        register_themes(self)
        self.theme = self._theme_by_app = moderator_theme(self)

    def get_driver_class(self):
        from .paste import install

        install()  # a bracketed paste that never ends must not hold the keyboard (ui/paste.py)
        return super().get_driver_class()

    # -- life cycle ---------------------------------------------------------

    async def on_mount(self) -> None:
        from .moderator import ModeratorScreen

        self.title = self.study.id
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        await self.store.open()
        await self.push_screen(ModeratorScreen())
        if self.kiosk:
            await self.lock()
        if self.settings.idle_timeout:
            self.set_interval(1.0, self._check_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.keys_guard.swallows(event.key):
            return  # a dial key still held as the clip ended: never an answer on the next page
        if isinstance(event, events.Key) and event.key == "escape" and self._close_help():
            return
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_input = time.monotonic()
        if self.kiosk and clicks_an_action(self, event):
            return  # a kiosk's mouse reaches the participant's controls, never an action in a text
        await super().on_event(event)

    # -- kiosk: what participants cannot do ------------------------------------

    async def action_quit(self) -> None:
        if self.kiosk and not self.unlocked:
            return
        await self.quit_station()

    def action_command_palette(self) -> None:
        if self.kiosk and not self.unlocked:
            return
        super().action_command_palette()

    def action_suspend_process(self) -> None:
        if not self.kiosk:
            super().action_suspend_process()

    async def action_moderator(self) -> None:
        """F12: the PIN (in kiosk mode), then the moderator's commands."""
        from .kiosk import PinScreen

        if CommandPalette.is_open(self) or isinstance(self.screen, PinScreen):
            return
        if not self.kiosk:
            self.action_command_palette()
            return

        def opened(ok: bool | None) -> None:
            if ok:
                self.unlocked = True
                self.push_screen(CommandPalette(), callback=self._relock)

        self.push_screen(PinScreen(self.settings.moderator_pin or "", "F12"), callback=opened)

    async def action_pilot_jump(self) -> None:
        """F7 in a pilot session: choose any step to show next (in kiosk mode after the PIN)."""
        from .kiosk import PinScreen
        from .pilot import JumpScreen

        flow = self.flow
        if flow is None or not flow.pilot or isinstance(self.screen, (JumpScreen, PinScreen)):
            return

        async def chosen(position: int | None) -> None:
            if position is not None and self.flow is flow:
                await flow.jump(position)
                await self.show_step()

        def jump(ok: bool | None = True) -> None:
            if ok and self.flow is flow:
                self.push_screen(JumpScreen(flow), callback=chosen)

        if self.kiosk:
            self.push_screen(PinScreen(self.settings.moderator_pin or "", "F7 pilot jump"), callback=jump)
        else:
            jump()

    def _relock(self, _result: object = None) -> None:
        self.unlocked = False

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.kiosk and not self.unlocked:
            return
        if self.flow is not None:
            if hasattr(screen, "moderator_pause"):  # a clip
                yield SystemCommand("Pause or resume the clip", "The participant's clip only; the session goes on", lambda: self._moderator("pause"))
                yield SystemCommand("Replay the clip", "From the start, or try a failed clip again", lambda: self._moderator("replay"))
                yield SystemCommand("Skip the clip", "Go on without it (a must-watch clip only if it failed)", lambda: self._moderator("skip"))
            if self.paused:
                yield SystemCommand("Resume session", "Let the participant go on", self.resume_session)
            else:
                yield SystemCommand("Pause session", "Cover the participant's screen until you resume", self.pause_session)
            yield SystemCommand("End session", "Save what was given, mark the session abandoned and reset the station", self.abandon_session)
            yield SystemCommand("Withdraw participant", "Erase everything this participant gave, now", self.withdraw_session)
        else:
            from .moderator import ModeratorScreen

            if self.kiosk and not isinstance(screen, ModeratorScreen):
                yield SystemCommand("Moderator console", "Start sessions, see this station's sessions", self.unlock_console)
            elif self.kiosk:
                yield SystemCommand("Lock station", "Show the welcome screen until the PIN is given", self.lock)
            if isinstance(screen, ModeratorScreen):
                yield SystemCommand("Results of this study", "Charts of the answers and the dial from this station; pilot sessions left out", self.show_results)
        if self.central_url():
            yield SystemCommand("Sync with the central database", "Send what this station has not yet sent; collecting goes on meanwhile", self.sync_now)
        if self.kiosk:
            yield SystemCommand("Quit preview-tui", "Close the app on this station", self.quit_station)
        else:
            yield from super().get_system_commands(screen)

    # -- sync with the central database ------------------------------------------

    def central_url(self) -> str | None:
        from ..sync.engine import central_url  # light: asyncpg is imported only when a sync runs

        return central_url(self.settings.central_database)

    def sync_now(self) -> None:
        """Start a sync in a thread of its own (its own event loop and engines): the interface and the answers never wait for it."""
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        if any(w.group == "sync" and not w.is_finished for w in self.workers):
            self._sync_status("A sync is already running.")
            return
        self._sync_status("Syncing with the central database…", progress=(0, None))
        self.run_worker(self._sync_in_thread, thread=True, group="sync", exclusive=True, exit_on_error=False, name="sync")

    def _sync_in_thread(self) -> None:
        from ..sync.engine import SyncError, sync

        def progress(done: int, total: int, table: str) -> None:
            self.call_from_thread(self._sync_status, f"Syncing {table}…" if table else "Syncing…", progress=(done, total))

        try:
            report = asyncio.run(sync(self.store.path, self.central_url() or "", progress=progress, station_name=self.settings.name))
        except SyncError as exc:
            self.call_from_thread(self._sync_failed, exc)
        except Exception as exc:  # noqa: BLE001 - the moderator sees a reason, never a traceback
            log.exception("sync failed")
            self.call_from_thread(self._sync_status, f"Sync failed: {exc}", failed=True)
        else:
            self.call_from_thread(self._sync_status, report.summary(), failed=bool(report.conflicts or report.rejected))

    def _sync_failed(self, exc) -> None:
        from datetime import UTC, datetime

        self._sync_status(f"Sync failed: {exc.explain()}", failed=True)
        if exc.next_try is not None:
            delay = max(1.0, (exc.next_try - datetime.now(UTC)).total_seconds())
            self._retry_timer = self.set_timer(delay, self.sync_now)

    def _sync_status(self, message: str, *, progress: tuple[int, int | None] | None = None, failed: bool = False) -> None:
        """Show the sync's state on the moderator console (kept when the console is not on screen)."""
        from textual.css.query import NoMatches
        from textual.widgets import Label, ProgressBar

        self.sync_message = message
        log.info("sync: %s", message.replace("\n", " "))
        for screen in self.screen_stack:
            try:
                box = screen.query_one("#sync-status")
            except NoMatches:
                continue
            box.set_class(True, "shown")
            box.set_class(failed, "failed")
            box.query_one("#sync-label", Label).update(literal(message))
            bar = box.query_one("#sync-progress", ProgressBar)
            bar.display = progress is not None
            if progress is not None:
                bar.update(total=progress[1], progress=progress[0])

    async def show_results(self) -> None:
        """The results screen of the console's study; never while a participant's session runs."""
        from .results import ResultsScreen

        if self.flow is None and not isinstance(self.screen, ResultsScreen):
            await self.push_screen(ResultsScreen(self.study))

    async def lock(self) -> None:
        from .kiosk import WelcomeScreen

        if not isinstance(self.screen, WelcomeScreen):
            self.push_screen(WelcomeScreen())

    async def unlock_console(self) -> None:
        from .kiosk import WelcomeScreen

        if isinstance(self.screen, WelcomeScreen):
            await self.pop_screen()

    # -- the moderator's control of the current session -------------------------

    async def pause_session(self) -> None:
        from .kiosk import PausedScreen

        if self.flow is None or self.paused:
            return
        self.paused = True
        if getattr(self.screen, "state", None) == "playing":  # a clip: it stops while the session is paused
            await self._moderator("pause")
        await self.push_screen(PausedScreen(self.flow.language))

    async def resume_session(self) -> None:
        from .kiosk import PausedScreen

        if not self.paused:
            return
        self.paused = False
        if isinstance(self.screen, PausedScreen):
            await self.pop_screen()
        if getattr(self.screen, "state", None) == "paused":
            await self._moderator("pause")
        self.last_input = time.monotonic()

    async def abandon_session(self, reason: str = "ended_by_moderator") -> None:
        """End the current session early: what was stored stays, the session is marked abandoned."""
        if self.flow is None:
            return
        await self.store.finish(self.flow.session_id, m.ABANDONED, reason)
        await self.end_session()

    async def sealing_failed(self, exc: Exception) -> None:
        """A sensitive answer could not be sealed: nothing of the page was stored. Stop the session
        (abandoned, so it can be resumed once the key works) and tell the moderator."""
        flow = self.flow
        if flow is None:
            return
        log.error("session %s stopped: %s", flow.session_id, exc)
        await self.store.finish(flow.session_id, m.ABANDONED, "sealing_failed")
        await self.end_session()
        self.notify(f"Session stopped: a sensitive answer could not be sealed ({exc}). Nothing of the last page was saved; fix the study's key, then resume the session (F5).", severity="error", timeout=60)

    async def withdraw_session(self) -> None:
        flow = self.flow
        if flow is None:
            return

        async def then() -> None:
            if self.flow is flow:
                await self.end_session()

        await self.confirm_withdrawal(flow.session_id, flow.runner.participant.get("code") or "this participant", then)

    async def confirm_withdrawal(self, session_id: uuid.UUID, who: str, then: Callable[[], Awaitable[None]]) -> None:
        """Ask the moderator to confirm; on yes erase the session from the station, then run ``then``."""
        from .kiosk import ConfirmScreen

        async def decided(yes: bool | None) -> None:
            if yes:
                await self.store.withdraw(session_id)
                self.notify("The participant's data were erased from this station.", timeout=8)
                await then()

        question = f"Withdraw {who}? Every answer, event and sample of this session is erased from the station. This cannot be undone."
        await self.push_screen(ConfirmScreen(question, "Withdraw and erase"), callback=decided)

    def _check_idle(self) -> None:
        from .kiosk import StillThereScreen
        from .participant import ParticipantScreen

        if self.flow is None or self.paused or not isinstance(self.screen, ParticipantScreen):
            return
        if self.flow.current.kind in ("clip", "end"):
            return  # watching a clip is not idling; the end screen resets by itself
        if time.monotonic() - self.last_input < self.settings.idle_timeout:
            return

        async def answered(still_there: bool | None) -> None:
            self.last_input = time.monotonic()
            if not still_there and self.flow is not None:
                await self.abandon_session("idle_timeout")

        self.push_screen(StillThereScreen(self.flow.language, self.settings.idle_warning), callback=answered)

    async def on_unmount(self) -> None:
        await self.store.close()
        if self._player is not None:
            player, self._player = self._player, None
            await asyncio.to_thread(player.close)

    def player(self) -> Player | None:
        """The station's player, created on first use; None (with ``player_problem`` set) when there is none."""
        if self._player is None and self.player_problem is None:
            try:
                self._player = self._player_factory()
            except PlayerUnavailable as exc:
                self.player_problem = str(exc)
                log.warning("no player: %s", exc)
        return self._player

    # -- moderator controls of a clip ----------------------------------------
    # App actions: keys outside kiosk mode, palette commands (behind the PIN) in it.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pilot_jump":
            return self.flow is not None and self.flow.pilot and not self.paused
        if action in ("moderator_pause", "moderator_replay", "moderator_skip"):
            # Only where there is a clip to control, and never a participant's key in kiosk mode.
            return not self.kiosk and hasattr(self.screen, action)
        return True

    async def _moderator(self, name: str) -> None:
        handler = getattr(self.screen, f"moderator_{name}", None)
        if handler is not None:
            await handler()

    async def action_moderator_pause(self) -> None:
        """Pause or resume the clip that is playing."""
        await self._moderator("pause")

    async def action_moderator_replay(self) -> None:
        """Play the clip again from the start, or retry one that failed."""
        await self._moderator("replay")

    async def action_moderator_skip(self) -> None:
        """Go on without the current clip (recorded as skipped by the moderator)."""
        await self._moderator("skip")

    # -- the participant's flow ---------------------------------------------

    async def start_session(self, participant: Participant) -> None:
        """Start a session with the console's choices for it (a pilot is cleared once it started)."""
        central = self.central_url()
        self.flow = await self.next_session.start(self.study, self.store, participant, station=self.settings.name, balance=station_balance(central), central=central)
        if self.flow.quota_note:
            self.notify(visible(self.flow.quota_note), markup=False, timeout=8)  # server reasons are shown literally
        self.last_input = time.monotonic()
        await self.show_step(first=True)

    def choose_study(self, study_id: str) -> None:
        self.study = self.studies[study_id]
        self.title = study_id

    async def resume_interrupted(self, session_id: uuid.UUID) -> None:
        """Take up an interrupted or abandoned session where it stopped."""
        central = self.central_url()
        self.flow = await Flow.resume(self.study, self.store, session_id, balance=station_balance(central), central=central)
        self.last_input = time.monotonic()
        if self.flow.reask:
            self.notify(f"{len(self.flow.reask)} sealed answer(s) needed later in the questionnaire will be asked again: the station cannot read them back.", timeout=15)
        await self.show_step(first=True)

    async def show_step(self, *, first: bool = False) -> None:
        """Show the screen for the flow's current step.

        Called from the outgoing screen's own handlers, so the switch is scheduled, not awaited:
        awaiting it would wait for that very screen to be removed.
        """
        assert self.flow is not None
        screen = self._screen_for(self.flow.current)
        self.participant_theme(True)
        if first:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    async def end_session(self) -> None:
        """Back to the moderator screen (in kiosk mode, the welcome screen), with nothing of the participant left on screen."""
        from .moderator import ModeratorScreen

        self.flow = None
        self.paused = False
        self.participant_theme(False)
        # Not awaited: this is often called from the very screen being removed.
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ModeratorScreen):
            self.pop_screen()
        if self.kiosk:
            await self.lock()

    def _screen_for(self, item: Item):
        from .clip import ClipScreen
        from .participant import ConsentScreen, EndScreen, LanguageScreen
        from .page import PageScreen
        from .storyboard import StoryboardScreen

        flow = self.flow
        if isinstance(item, LanguageItem):
            return LanguageScreen(flow)
        if isinstance(item, ConsentItem):
            return ConsentScreen(flow)
        if isinstance(item, PageItem):
            return PageScreen(flow)
        if isinstance(item, StoryboardItem):
            return StoryboardScreen(flow, renderer=self.settings.images)
        if isinstance(item, ClipItem):
            return ClipScreen(flow)
        if isinstance(item, EndItem):
            return EndScreen(flow, seconds=self.settings.end_screen_seconds)
        raise TypeError(f"no screen for {item!r}")


def build_app(*, settings: StationSettings, study: Study, store: Store, player_factory: PlayerFactory, more_studies: Iterable[Study] = (), prefs: Path | None = None) -> PreviewApp:
    """The app, from its parts: station settings, the study (and any others this station offers), the store, a way to make a player
    and the per-user settings file (``preview_tui.prefs.prefs_path()``; None keeps nothing, as in tests)."""
    return PreviewApp(settings=settings, study=study, store=store, player_factory=player_factory, more_studies=more_studies, prefs=prefs)
