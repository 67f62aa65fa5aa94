"""Clip playback: the Player interface, the libVLC player and a fake one.

Importing this package is cheap: it never imports ``vlc`` (python-vlc loads
libVLC on import) nor :mod:`.vlc_player`. ``VlcPlayer`` is loaded on first
access; :func:`make_player` probes libVLC and builds one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .base import EventKind, Listener, Player, PlayerEvent, PlayerUnavailable
from .fake import FakePlayer
from .probe import VlcProbe, doctor_lines, make_player, probe_vlc

if TYPE_CHECKING:
    from .vlc_player import VlcPlayer

# A library adds no handler of its own; this keeps logging's last-resort handler
# from printing our warnings on stderr (under a TUI) when the app set up none.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "EventKind",
    "FakePlayer",
    "Listener",
    "Player",
    "PlayerEvent",
    "PlayerUnavailable",
    "VlcPlayer",
    "VlcProbe",
    "doctor_lines",
    "make_player",
    "probe_vlc",
]


def __getattr__(name: str) -> Any:
    if name == "VlcPlayer":
        from .vlc_player import VlcPlayer

        return VlcPlayer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
