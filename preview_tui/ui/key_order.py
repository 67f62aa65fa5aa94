"""Keys take effect in the order they were pressed, however busy the station is.

Textual routes a key from the terminal when the app takes it from its queue: a
priority binding (Ctrl+N, Ctrl+B) runs at once, any other key goes to the
widget that has the focus *then*, which handles it in its own task and passes it
up, widget by widget, to the app, which runs the focused widget's bindings (Tab,
Enter, Space on a list) only when it gets there. When a busy machine lets the
app read several keys at once, a later key overtakes the earlier ones: Ctrl+N
reads the page's answers before the Enter and the Space typed before it have
chosen anything, and a Space after a Tab goes to the question the Tab was
leaving. Nothing of that shows at a normal pace on an idle machine.

``KeyOrder`` hands the app one key (or paste) from the terminal at a time: a
key that arrives while the one before it, or anything that one set off (the
answer's messages, a new page being put up), is still being handled waits, and
goes on once the app and every widget of the screen in front have handled all
their messages. Mouse events are not held: they say themselves where they go.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

log = logging.getLogger(__name__)

# Longest wait for the app to settle before a held key goes on anyway (something that never
# stops sending messages must not hold the keyboard); far beyond a page change on a busy station.
SETTLE_LIMIT = 5.0  # seconds


def _pending(pump: MessagePump) -> bool:
    """Whether ``pump`` has messages, or callbacks to run once they are done (``call_next``), waiting."""
    return pump.message_queue_size > 0 or bool(pump._next_callbacks)  # noqa: SLF001 - Textual 8.2 keeps no public count


class KeyOrder:
    """Holds each key from the terminal until the app has handled everything before it."""

    def __init__(self, app: App, limit: float = SETTLE_LIMIT):
        self.app = app
        self.limit = limit
        self._held: deque[events.Event] = deque()
        self._released: events.Event | None = None  # the held key sent on, on its way back in
        self._settling: asyncio.Task | None = None

    def holds(self, event: events.Event) -> bool:
        """Called first for every event of the app: True when ``event`` must wait (it is kept and comes again)."""
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            return False
        if event is self._released:
            self._released = None
        elif self._settling is not None:
            self._held.append(event)
            return True
        self._settling = asyncio.create_task(self._settle())
        return False

    def close(self) -> None:
        if self._settling is not None:
            self._settling.cancel()
            self._settling = None
        self._held.clear()

    def _pumps(self) -> list[MessagePump]:
        try:
            screen = self.app.screen
        except Exception:  # noqa: BLE001 - no screen (starting or ending): only the app's own queue
            return [self.app]
        return [self.app, *screen.walk_children(with_self=True)]

    async def _settle(self) -> None:
        """Wait until the key just taken and all it set off are handled, then send on the next held one.

        Each round puts a callback behind what the app, the screen and every widget with messages
        waiting have queued; a pump runs it only once it has handled all of that (a handler still
        running included, such as the app saving a page). The app has settled when a round is
        over and nothing waits anywhere.
        """
        deadline = time.monotonic() + self.limit
        loop = asyncio.get_running_loop()
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("a key went on before the app had settled")
                    break
                pumps = self._pumps()
                rounds = []
                for pump in dict.fromkeys([*pumps[:2], *(p for p in pumps[2:] if _pending(p))]):
                    done = loop.create_future()
                    if pump.call_later(done.set_result, None):
                        rounds.append(done)
                if rounds:  # a short wait at a time: a pump removed meanwhile never runs its callback
                    _, waiting = await asyncio.wait(rounds, timeout=min(0.1, left))
                    if waiting:
                        continue
                else:  # every pump is closing: let it finish
                    await asyncio.sleep(0.02)
                if not any(_pending(p) for p in self._pumps()):
                    break
        finally:
            self._settling = None
        if self._held:
            self._released = self._held.popleft()
            self._settling = asyncio.current_task()  # still in line: keys after it wait until it is back in
            if not self.app.post_message(self._released):  # the app is closing
                self.close()
