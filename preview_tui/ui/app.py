"""The Textual app and the factory that builds it from its parts."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from textual.app import App
from textual.binding import Binding

from ..db.store import Store
from ..flow import Flow, Participant
from ..playback.base import Player, PlayerUnavailable
from ..survey.runner import ClipItem, ConsentItem, EndItem, Item, LanguageItem, PageItem, StoryboardItem
from ..survey.schema import StationSettings
from ..survey.study import Study

log = logging.getLogger(__name__)

PlayerFactory = Callable[[], Player]


class PreviewApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "preview-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        # Moderator controls of a clip; the participant is not told about these keys.
        Binding("f5", "moderator_pause", show=False, priority=True),
        Binding("f6", "moderator_replay", show=False, priority=True),
        Binding("f8", "moderator_skip", show=False, priority=True),
    ]

    def __init__(self, *, settings: StationSettings, study: Study, store: Store, player_factory: PlayerFactory):
        super().__init__()
        self.settings = settings
        self.study = study
        self.store = store
        self._player_factory = player_factory
        self._player: Player | None = None
        self.player_problem: str | None = None
        self.flow: Flow | None = None

    # -- life cycle ---------------------------------------------------------

    async def on_mount(self) -> None:
        from .moderator import ModeratorScreen

        self.title = self.study.id
        await self.store.open()
        await self.push_screen(ModeratorScreen())

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

    # -- moderator controls -------------------------------------------------
    # App actions, so that one place can later ask for the moderator's PIN.

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
        self.flow = await Flow.start(self.study, self.store, participant, station=self.settings.name)
        await self.show_step(first=True)

    async def show_step(self, *, first: bool = False) -> None:
        """Show the screen for the flow's current step.

        Called from the outgoing screen's own handlers, so the switch is scheduled, not awaited:
        awaiting it would wait for that very screen to be removed.
        """
        assert self.flow is not None
        screen = self._screen_for(self.flow.current)
        if first:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    async def end_session(self) -> None:
        """Back to the moderator screen, with nothing of the participant left on screen."""
        self.flow = None
        self.pop_screen()

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


def build_app(*, settings: StationSettings, study: Study, store: Store, player_factory: PlayerFactory) -> PreviewApp:
    """The app, from its parts: station settings, the study, the store and a way to make a player."""
    return PreviewApp(settings=settings, study=study, store=store, player_factory=player_factory)
