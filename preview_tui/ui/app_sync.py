"""The station app's sync with the central database: started from the moderator's palette, run in a
thread of its own, its state shown on the console and retried when the station runner says when."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..station.sync_runner import SyncOutcome

log = logging.getLogger("preview_tui.ui.app")


class StationSync:
    """Methods of ``PreviewApp`` (it provides ``station``, ``sync_message``, ``_retry_timer`` and Textual's App)."""

    def sync_now(self) -> None:
        """Start a sync in a thread of its own: the interface and the answers never wait for it."""
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        from ..station.sync_runner import ALREADY_RUNNING, STARTING

        if any(w.group == "sync" and not w.is_finished for w in self.workers):
            self._sync_status(ALREADY_RUNNING)
            return
        self._sync_status(STARTING, progress=(0, None))
        self.run_worker(self._sync_in_thread, thread=True, group="sync", exclusive=True, exit_on_error=False, name="sync")

    def _sync_in_thread(self) -> None:
        def progress(message: str, done: int, total: int) -> None:
            self.call_from_thread(self._sync_status, message, progress=(done, total))

        self.call_from_thread(self._synced, self.station.sync(progress))

    def _synced(self, outcome: SyncOutcome) -> None:
        self._sync_status(outcome.message, failed=outcome.failed)
        if outcome.retry_in is not None:
            self._retry_timer = self.set_timer(outcome.retry_in, self.sync_now)

    def _sync_status(self, message: str, *, progress: tuple[int, int | None] | None = None, failed: bool = False) -> None:
        """Show the sync's state on the moderator console (kept when the console is not on screen)."""
        from .moderator import ModeratorScreen

        self.sync_message = message
        log.info("sync: %s", message.replace("\n", " "))
        for screen in self.screen_stack:
            if isinstance(screen, ModeratorScreen):
                screen.show_sync(message, progress=progress, failed=failed)
