"""The station app's keys and themes: quitting (which asks while a session runs), Ctrl+C, the
help panel (F1, ?), and the moderator's theme against the participants' one. A mixin of
``PreviewApp``, kept apart so that the app module stays about sessions."""

from __future__ import annotations

from textual.command import CommandPalette

from .literal import literal
from .themes import PARTICIPANT_THEMES, moderator_theme, save_theme


class KeysAndThemes:
    """Methods of ``PreviewApp`` (it provides ``flow``, ``kiosk`` and Textual's App)."""

    async def quit_station(self) -> None:
        """Quit; while a participant's session runs, ask first. The session then stays stored as
        interrupted (in progress), to be resumed with F5 at the next start."""
        from .kiosk import ConfirmScreen

        flow = self.flow
        if flow is None:
            self.exit()
            return
        if isinstance(self.screen, ConfirmScreen):
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self.exit()

        who = flow.runner.participant.get("code") or "a participant"
        question = f"A session is running ({who}). Quit preview-tui? The session is kept as interrupted: select it on the console and press F5 to resume it where it stopped."
        await self.push_screen(ConfirmScreen(literal(question), "Quit"), callback=decided)

    def action_help_quit(self) -> None:
        """Ctrl+C: outside kiosk mode, say how to quit (Textual's own note); in kiosk mode nothing."""
        if not self.kiosk:
            super().action_help_quit()

    async def action_help(self) -> None:
        """F1 (and ? where no text field has focus): show or hide the keys of the screen in front."""
        from .help import HelpPanel, keys_of

        shown = self.screen.query(HelpPanel)
        if shown:
            await shown.remove()
            return
        if CommandPalette.is_open(self):
            return
        keys = keys_of(self.screen)
        if keys is not None:
            await self.screen.mount(HelpPanel(*keys))

    def _close_help(self) -> bool:
        from .help import HelpPanel

        shown = self.screen.query(HelpPanel)
        if shown:
            shown.remove()
        return bool(shown)

    # -- themes ------------------------------------------------------------------

    def participant_theme(self, on: bool) -> None:
        """The study's theme for participants (``station.participant_theme``) while a session is shown;
        the moderator's own theme otherwise."""
        chosen = self.flow.study.settings.participant_theme if on and self.flow is not None else "default"
        wanted = PARTICIPANT_THEMES[chosen] or moderator_theme(self)
        if self.theme != wanted:
            self._theme_by_app = wanted
            self.theme = wanted

    def _theme_chosen(self, theme) -> None:
        """A theme chosen in the palette is the moderator's, kept for the next start."""
        if theme.name == getattr(self, "_theme_by_app", None):
            self._theme_by_app = None
            return
        if self.flow is not None and PARTICIPANT_THEMES[self.flow.study.settings.participant_theme]:
            return  # the participants' theme of the study, not a choice
        save_theme(self, theme.name)
