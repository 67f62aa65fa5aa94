"""The plain, line-by-line front end, for screen readers, Braille displays and plain serial or SSH terminals.

Each question is printed once with its options numbered, the answer is read as a line, and nothing
is ever redrawn: no cursor movement, no colour, no escape sequence of any kind. It runs the same
engine (``survey/``, ``flow.py``), store, sealing and station services (``station/``) as the Textual
app, and never imports Textual or Rich (import-linter checks it): the proof that the engine stands
on its own. ``preview-tui --plain`` (or ``station.interface: plain``) starts it.
"""

from .run import run_station

__all__ = ["run_station"]
