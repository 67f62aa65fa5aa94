"""Which image protocol the terminal speaks, asked once per kind of terminal.

textual-image asks the terminal when it is first imported: it writes a
query and reads the answer from stdin, waiting up to 0.1 s for each protocol a
terminal does not answer for. Once Textual runs, its input thread owns stdin:
the answer is lost and the query swallows the participant's keystrokes. So the
question is asked before ``App.run()`` (:func:`ask_before_run`), and only when
this kind of terminal was never asked: the answer is kept per terminal (its
program, version and multiplexer, as the environment names them) in the
per-user cache folder. Every later start, and every start with a renderer set in
config.yaml, imports textual-image with nothing to ask (:func:`widget_class`),
when the first picture is shown.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from pathlib import Path

RENDERERS = ("kitty", "sixel", "halfcell", "unicode")
_BY_MODULE = {"tgp": "kitty", "sixel": "sixel", "halfcell": "halfcell", "unicode": "unicode"}
# What tells one terminal from another: a terminal that answers differently sets at least one of these differently.
_IDENTITY = ("TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "LC_TERMINAL", "LC_TERMINAL_VERSION", "COLORTERM", "VTE_VERSION", "KONSOLE_VERSION", "TERMINAL_EMULATOR")
_PRESENT = ("TMUX", "STY", "KITTY_WINDOW_ID", "WEZTERM_PANE", "WT_SESSION", "ALACRITTY_WINDOW_ID", "SSH_TTY", "TEXTUAL_CELL_WIDTH")

_answer: str | None = None  # what this process was told, by the terminal or the cache


def _tty() -> bool:
    out = sys.__stdout__
    return bool(out and out.isatty())


def terminal_identity() -> str:
    parts = [f"{name}={os.environ.get(name, '')}" for name in _IDENTITY]
    parts += [f"{name}?{name in os.environ}" for name in _PRESENT]
    parts.append(f"tty={_tty()}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _cache_file() -> Path:
    from ..survey.cache import cache_dir

    return cache_dir().parent / "terminals.json"


def _known() -> dict[str, str]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if v in RENDERERS} if isinstance(data, dict) else {}


def _remember(identity: str, renderer: str) -> None:
    from ..files import private_dir, write_private

    known = _known()
    known[identity] = renderer
    try:
        private_dir(_cache_file().parent)
        write_private(_cache_file(), json.dumps(dict(list(known.items())[-32:])).encode())
    except OSError:
        pass  # asked again next time


def ask_before_run(setting: str) -> None:
    """Before ``App.run()``: learn the terminal's protocol for ``setting`` 'auto', from the cache or by asking."""
    global _answer
    if setting != "auto" or _answer is not None:
        return
    identity = terminal_identity()
    _answer = _known().get(identity)
    if _answer is None:
        from textual_image import renderable  # asks the terminal, once

        _answer = _BY_MODULE.get(renderable.Image.__module__.rsplit(".", 1)[-1], "halfcell" if _tty() else "unicode")
        _remember(identity, _answer)


def renderer(setting: str) -> str:
    """The protocol to draw with: the one set in config.yaml, else the terminal's answer (halfcell or unicode when it was never asked)."""
    if setting != "auto":
        return setting
    return _answer or ("halfcell" if _tty() else "unicode")


def widget_class(setting: str):
    """The textual-image widget for ``setting`` ('auto' draws with what the terminal answered)."""
    if "textual_image.renderable" not in sys.modules:
        _import_without_asking()
    from textual_image import widget

    return {"kitty": widget.TGPImage, "sixel": widget.SixelImage, "halfcell": widget.HalfcellImage, "unicode": widget.UnicodeImage}[renderer(setting)]


def _import_without_asking() -> None:
    """Import textual-image with no terminal to ask: it would read stdin, which Textual's input thread owns by now.

    Its module-level detection writes to and reads from ``sys.__stdout__``'s terminal only when there is one;
    for the length of the import there is none, so it asks nothing (and its own default is never used).
    """
    saved = sys.__stdout__
    sys.__stdout__ = None  # type: ignore[misc]
    try:
        importlib.import_module("textual_image.renderable")
    finally:
        sys.__stdout__ = saved  # type: ignore[misc]
