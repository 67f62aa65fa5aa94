"""The moderator's commands on the station app: the command palette's entries, F12 (behind the
PIN in kiosk mode), F7's pilot jump, the clip controls (F2-F4), and what a kiosk's participant
may not do (quit, suspend, open the palette). A mixin of ``PreviewApp``, kept apart so that the
app module stays about the session it shows."""

from __future__ import annotations

from typing import Iterable

from textual.app import SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen


class ModeratorCommands:
    """Methods of ``PreviewApp`` (it provides ``station``, ``kiosk``, ``unlocked``, the session methods and Textual's App)."""

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
        if self.station.central_url():
            yield SystemCommand("Sync with the central database", "Send what this station has not yet sent; collecting goes on meanwhile", self.sync_now)
        if self.kiosk:
            yield SystemCommand("Quit preview-tui", "Close the app on this station", self.quit_station)
        else:
            yield from super().get_system_commands(screen)

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
