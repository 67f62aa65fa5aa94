"""A bracketed paste that never ends stops holding the keyboard.

Textual's terminal parser (``textual._xterm_parser.XTermParser``) reads
everything after ``ESC[200~`` as pasted text until ``ESC[201~``. A start with
no end (typed or sent raw by anyone at the keyboard) would swallow every key
after it, F12 included, until the app is restarted. ``PasteTimeoutParser``
watches the bytes for the start and, when no end has come ``PASTE_TIMEOUT``
seconds after it, gives the parser the end itself: what arrived is delivered
as a paste, and the keys after it are keys again. A real paste reaches the
app in milliseconds. Giving the end when the parser is not in a paste changes
nothing, so the watch may err on the side of ending.

Textual's Linux driver makes its parser by the name ``XTermParser`` in its
module when its input thread starts; ``install()`` points that name at this
parser (Textual 8.2; a real-terminal test covers it).
"""

from __future__ import annotations

import time
from typing import Iterable

from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.message import Message

PASTE_TIMEOUT = 0.5  # seconds; the driver checks about every 0.1 s, so a paste ends well within a second


class PasteTimeoutParser(XTermParser):
    """Textual's parser, with an end given to a bracketed paste that has none after ``PASTE_TIMEOUT`` seconds."""

    def __init__(self, *args, clock=time.monotonic, **kwargs) -> None:
        self._clock = clock
        self._paste_since: float | None = None  # when the open paste started
        self._tail = ""  # the last bytes fed, so that a start or end split across two reads is seen
        super().__init__(*args, **kwargs)

    def feed(self, data: str) -> Iterable[Message]:
        self._watch(data)
        yield from super().feed(data)
        yield from self._end_if_overdue()

    def tick(self) -> Iterable[Message]:
        yield from super().tick()
        yield from self._end_if_overdue()

    def _watch(self, data: str) -> None:
        seen = self._tail + data
        start, end = seen.rfind(BRACKETED_PASTE_START), seen.rfind(BRACKETED_PASTE_END)
        if start > end:
            if self._paste_since is None:
                self._paste_since = self._clock()
        elif end > start:
            self._paste_since = None
        self._tail = seen[-(len(BRACKETED_PASTE_START) - 1) :]

    def _end_if_overdue(self) -> Iterable[Message]:
        if self._paste_since is not None and self._clock() - self._paste_since >= PASTE_TIMEOUT and not self.is_eof:
            self._paste_since = None
            self._tail = ""
            yield from super().feed(BRACKETED_PASTE_END)


def install() -> None:
    """Make Textual's Linux driver read the terminal through ``PasteTimeoutParser``."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = PasteTimeoutParser
