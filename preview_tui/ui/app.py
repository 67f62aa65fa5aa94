"""The Textual app and the factory that builds it from its parts."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Awaitable, Callable, Iterable, Sequence

from textual import events
from textual.app import App
from textual.binding import Binding

from .app_commands import ModeratorCommands
from .app_keys import KeysAndThemes
from .app_sync import StationSync
from .first_frame import FirstFrame
from .key_order import KeyOrder
from .keys import KeyGuard
from .literal import LiteralApp, clicks_an_action
from .themes import moderator_theme, register_themes

# The engine, the store and the station are imported where they are used, or by the loader thread
# (``start``): the moderator's first screen is drawn before any of them is imported.
if TYPE_CHECKING:
    from ..db.store import Store
    from ..flow import Flow, Participant
    from ..playback.base import Player
    from ..station import Notice, Station
    from ..survey.cache import ConsoleFacts
    from ..survey.runner import Item
    from ..survey.schema import StationSettings
    from ..survey.study import Study

log = logging.getLogger(__name__)

PlayerFactory = Callable[[], "Player"]
Start = Callable[[], "tuple[Station, PlayerFactory]"]  # run in a thread: the station and its player factory


class PreviewApp(ModeratorCommands, KeysAndThemes, StationSync, FirstFrame, LiteralApp, App[None]):
    """The station's app.

    In kiosk mode (``station.kiosk``) the participant cannot leave: quitting,
    the command palette and suspending are refused, whatever the key. The
    moderator's key (F12) asks for the PIN and then opens the command palette
    with the moderator's commands (pause, resume, end, withdraw, console,
    quit). Outside kiosk mode F12 and Ctrl+P open it at once.

    The session itself (start, pause, abandon, withdraw, idle, sync) is the :class:`Station`'s:
    the app draws it, asks the moderator's and the participant's questions, and calls in.
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

    def __init__(self, *, station: Station | None = None, player_factory: PlayerFactory | None = None, prefs: Path | None = None, start: Start | None = None, console: Sequence[ConsoleFacts] = ()):
        """Either ``station`` (with ``player_factory``) at once, or ``start`` with the ``console`` facts of each study:
        then the console is drawn from those facts and ``start`` runs in a thread once it is on screen."""
        super().__init__()
        self.station: Station | None = station
        self._start_station = start
        self._facts = list(console)
        self._station_open = False
        self._player_factory = player_factory
        self._player: Player | None = None
        self.player_problem: str | None = None
        first = self._facts[0] if station is None else None
        self.kiosk = station.settings.kiosk if station is not None else first.kiosk
        self.unlocked = False  # the moderator gave the PIN for the palette now open
        self.room = station.settings.room if station is not None else first.room
        self.sync_message = ""
        self._retry_timer = None
        self.keys_guard = KeyGuard()
        self.key_order = KeyOrder(self)  # a key acts only once the keys before it have (key_order.py)
        self.prefs = prefs  # the per-user settings file (the moderator's theme); None keeps nothing
        register_themes(self)
        self.theme = self._theme_by_app = moderator_theme(self)

    # The station's state, read-only here: it changes through the station's methods.
    @property
    def settings(self) -> StationSettings:
        return self.station.settings

    @property
    def store(self) -> Store:
        return self.station.store

    @property
    def flow(self) -> Flow | None:
        return self.station.flow if self.station is not None else None

    @property
    def paused(self) -> bool:
        return self.station is not None and self.station.paused

    @property
    def study(self) -> Study:
        return self.station.study

    @property
    def studies(self) -> dict[str, Study]:
        return self.station.studies

    @property
    def is_ready(self) -> bool:
        """Whether the station is loaded and its file open."""
        return self._station_open

    def console_facts(self) -> list[ConsoleFacts]:
        """What the console shows of each study: the current one first."""
        if self.station is None:
            return self._facts
        from ..survey.cache import facts_of

        known = {f.id: f for f in self._facts}
        current = self.station.study
        return [known.get(s.id) or facts_of(s) for s in (current, *(s for s in self.station.studies.values() if s is not current))]

    def tell(self, notice: Notice) -> None:
        """A notice of the station's as a toast (``notify`` shows it literally)."""
        self.notify(notice.text, severity="error" if notice.error else "information", timeout=notice.seconds)

    def get_driver_class(self):
        from .paste import install

        install()  # a bracketed paste that never ends must not hold the keyboard (ui/paste.py)
        return super().get_driver_class()

    # -- life cycle ---------------------------------------------------------

    def get_default_screen(self):
        """The console itself, when it is drawn before the station loads: its first frame is then the app's
        first, not one drawn inside the start's batch (which writes nothing) and drawn again after it."""
        from .moderator import ModeratorScreen

        return ModeratorScreen() if self.station is None else super().get_default_screen()

    async def on_mount(self) -> None:
        from .moderator import ModeratorScreen

        self.title = self.console_facts()[0].id
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        if self.station is not None:
            await self._open_station()
            await self.push_screen(ModeratorScreen())
        else:  # once drawn, load the rest, in a thread, while the moderator types
            self.after_frame(lambda: self.run_worker(self._load_station, thread=True, group="start", exit_on_error=False, name="start"))
        if self.kiosk:
            await self.lock()

    async def _open_station(self) -> None:
        await self.store.open()
        self._station_open = True
        if self.settings.idle_timeout:
            self.set_interval(1.0, self._check_idle)

    def _load_station(self) -> None:
        try:
            station, player_factory = self._start_station()
        except Exception as exc:  # noqa: BLE001 - the moderator is told why, and the app ends
            self.call_from_thread(self._station_failed, exc)
            return
        self.call_from_thread(self._station_loaded, station, player_factory)

    async def _station_loaded(self, station: Station, player_factory: PlayerFactory) -> None:
        from .moderator import ModeratorScreen

        self.station, self._player_factory = station, player_factory
        try:
            await self._open_station()
        except Exception as exc:  # noqa: BLE001 - the station file could not be opened
            self._station_failed(exc)
            return
        for screen in self.screen_stack:
            if isinstance(screen, ModeratorScreen):
                screen.call_later(screen.station_ready)  # in the screen's own turn, like its handlers

    def _station_failed(self, exc: Exception) -> None:
        from rich.text import Text

        from ..db.failures import describe_failure

        log.error("the station could not start: %s", exc, exc_info=exc)
        self.exit(return_code=1, message=Text(f"preview-tui: the station could not start: {describe_failure(exc)}"))  # Text: never markup

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.keys_guard.swallows(event.key):
            return  # a dial key still held as the clip ended: never an answer on the next page
        if self.key_order.holds(event):
            return  # it comes again once the keys before it are handled
        if isinstance(event, events.Key) and event.key == "escape" and self._close_help():
            return
        if isinstance(event, (events.Key, events.MouseDown)) and self.station is not None:
            self.station.touch()
        if self.kiosk and clicks_an_action(self, event):
            return  # a kiosk's mouse reaches the participant's controls, never an action in a text
        await super().on_event(event)

    # -- the moderator's control of the current session -------------------------

    async def pause_session(self) -> None:
        from .clip import ClipScreen
        from .kiosk import PausedScreen

        if not self.screen_stack or not self.station.pause():  # no screen: the app is closing
            return
        if isinstance(self.screen, ClipScreen):  # a clip stops (or a room's seat stops watching) while paused
            await self.screen.session_paused(True)
        await self.push_screen(PausedScreen(self.flow.language))

    async def resume_session(self) -> None:
        from .clip import ClipScreen
        from .kiosk import PausedScreen

        if not self.screen_stack or not self.station.resume_paused():
            return
        if isinstance(self.screen, PausedScreen):
            await self.pop_screen()
        if isinstance(self.screen, ClipScreen):
            await self.screen.session_paused(False)

    async def abandon_session(self, reason: str | None = None) -> None:
        """End the current session early: what was stored stays, the session is marked abandoned (by the moderator, unless ``reason``)."""
        from ..station.session import ENDED_BY_MODERATOR

        if self.station is not None and await self.station.abandon(reason or ENDED_BY_MODERATOR):
            await self.end_session()

    async def sealing_failed(self, exc: Exception) -> None:
        """A sensitive answer could not be sealed: the station stopped the session; tell the moderator."""
        notice = await self.station.sealing_failed(exc)
        if notice is not None:
            await self.end_session()
            self.tell(notice)

    async def withdraw_session(self) -> None:
        flow = self.flow
        if flow is not None:
            await self.confirm_withdrawal(flow.session_id, flow.runner.participant.get("code") or "this participant")

    async def confirm_withdrawal(self, session_id: uuid.UUID, who: str, then: Callable[[], Awaitable[None]] | None = None) -> None:
        """Ask the moderator to confirm; on yes the station erases the session, then ``then`` runs."""
        from ..station import withdrawal_question
        from .kiosk import ConfirmScreen

        async def decided(yes: bool | None) -> None:
            if yes:
                withdrawal = await self.station.withdraw(session_id)
                self.tell(withdrawal.notice)
                if withdrawal.ended:
                    await self.end_session()
                if then is not None:
                    await then()

        await self.push_screen(ConfirmScreen(withdrawal_question(who), "Withdraw and erase"), callback=decided)

    def _check_idle(self) -> None:
        from .kiosk import StillThereScreen
        from .participant import ParticipantScreen

        # A timer of the app's: it may tick while the app closes, its screens already gone.
        if not self.screen_stack or not isinstance(self.screen, ParticipantScreen) or not self.station.idle_due():
            return

        async def answered(still_there: bool | None) -> None:
            if await self.station.idle_answered(still_there):
                await self.end_session()

        self.push_screen(StillThereScreen(self.flow.language, self.settings.idle_warning), callback=answered)

    async def on_unmount(self) -> None:
        self.key_order.close()
        if self.station is not None:
            await self.store.close()
        if self._player is not None:
            player, self._player = self._player, None
            await asyncio.to_thread(player.close)

    def player(self) -> Player | None:
        """The station's player, created on first use; None (with ``player_problem`` set) when there is none."""
        from ..playback.base import PlayerUnavailable

        if self._player is None and self.player_problem is None:
            try:
                self._player = self._player_factory()
            except PlayerUnavailable as exc:
                self.player_problem = str(exc)
                log.warning("no player: %s", exc)
        return self._player

    def shares_clip(self, step) -> bool:
        """Whether a clip plays on a screening room's screen (a seat of a room says yes for its shared clips)."""
        return False

    def clip_player(self, step, on_replay: Callable[[], None]) -> Player | None:
        """The player of a shared clip (a room's seat follows the room display); a station has none."""
        return None

    # -- the participant's flow ---------------------------------------------

    async def start_session(self, participant: Participant) -> None:
        """Start a session with the console's choices for it (a pilot is cleared once it started)."""
        for notice in await self.station.start(participant):
            self.tell(notice)
        await self.show_step(first=True)

    def choose_study(self, study_id: str) -> None:
        self.title = self.station.choose_study(study_id).id

    async def resume_interrupted(self, session_id: uuid.UUID) -> None:
        """Take up an interrupted or abandoned session where it stopped."""
        for notice in await self.station.resume(session_id):
            self.tell(notice)
        await self.show_step(first=True)

    async def show_step(self, *, first: bool = False) -> None:
        """Show the screen for the flow's current step. Called from the outgoing screen's own handlers, so the
        switch is scheduled, not awaited: awaiting it would wait for that very screen to be removed."""
        from .participant import ParticipantScreen

        assert self.flow is not None
        screen = self._screen_for(self.flow.current)
        self.participant_theme(True)
        under = [s for s in self.screen_stack if isinstance(s, ParticipantScreen)]
        if first:
            self.push_screen(screen)
        elif under and under[-1] is not self.screen:  # a clip ended under the PIN, the palette or a pause: never replace those
            under[-1].next_screen = screen
        else:
            self.switch_screen(screen)

    async def end_session(self) -> None:
        """Back to the moderator screen (in kiosk mode, the welcome screen), with nothing of the participant left on screen."""
        from .moderator import ModeratorScreen

        self.station.end()
        self.participant_theme(False)
        # Not awaited: this is often called from the very screen being removed.
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ModeratorScreen):
            self.pop_screen()
        if self.kiosk:
            await self.lock()

    def _screen_for(self, item: Item):
        from ..survey.runner import ClipItem, ConsentItem, EndItem, LanguageItem, PageItem, StoryboardItem
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


def build_app(*, settings: StationSettings, study: Study, store: Store, player_factory: PlayerFactory, more_studies: Iterable[Study] = (), prefs: Path | None = None, station: Station | None = None) -> PreviewApp:
    """The app, from its parts: station settings, the study (and any others this station offers), the store, a way to make a player
    and the per-user settings file (``preview_tui.prefs.prefs_path()``; None keeps nothing, as in tests).

    ``station`` runs the sessions; by default one built from these settings, studies and store. A caller
    that shares it with another front end builds it from the same parts: the app shows that station's."""
    if station is None:
        from ..station import Station

        station = Station(settings=settings, study=study, store=store, more_studies=more_studies)
    return PreviewApp(station=station, player_factory=player_factory, prefs=prefs)


def build_app_later(*, console: Sequence[ConsoleFacts], start: Start, prefs: Path | None = None) -> PreviewApp:
    """The app drawn from each study's ``console`` facts first; ``start()`` (run in a thread once the console is
    on screen) returns the station and its player factory. Until it has, starting a session waits for it."""
    return PreviewApp(start=start, console=console, prefs=prefs)
