"""The plain mode's terminal: lines out, lines in, nothing else.

Everything printed goes through ``visible()``: a study text, an answer read back or a code can hold
control characters (ESC starts every escape sequence), and each is shown as ``\\uXXXX``, never sent.
The app itself prints no escape sequence either: no colour, no cursor movement, no redraw, so a
screen reader, a Braille display or a serial line gets each line once, in order.

Input is read with ``readline()`` on the stream itself, never ``input()``: once GNU readline is loaded,
``input()`` on a terminal may write escape sequences of its own.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from ..visible import visible
from ..words import word

PROMPT = "> "
COMMANDS = ("back", "withdraw", "help")


class Interrupted(Exception):
    """The input ended (Ctrl+D, a closed connection) or Ctrl+C was pressed: the session stays as it was stored."""


@dataclass(frozen=True)
class Typed:
    """One line the participant typed: the text as typed, or one of the ``COMMANDS``."""

    text: str
    command: str | None = None


def command_of(line: str, lang: str) -> str | None:
    """The command a line names, in English or the participant's language (``!withdraw``, ``!retrait``...)."""
    typed = line.strip().casefold()
    if not typed.startswith("!"):
        return None
    for command in COMMANDS:
        if typed in {word(f"plain_cmd_{command}", "en").casefold(), word(f"plain_cmd_{command}", lang).casefold()}:
            return command
    return None


class Terminal:
    """Prints lines and reads them; the streams are the process's unless a test passes its own."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def say(self, text: object = "") -> None:
        """``text`` (lines and all) shown literally, then a line feed."""
        self.stdout.write(visible(text) + "\n")
        self.stdout.flush()

    def blank(self) -> None:
        self.say("")

    def read(self, prompt: str = PROMPT) -> str:
        """The next line, without its line feed; Interrupted at the end of the input or on Ctrl+C."""
        self.stdout.write(visible(prompt))
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except KeyboardInterrupt:
            raise Interrupted() from None
        if not line:
            raise Interrupted()
        return line.rstrip("\r\n")

    def typed(self, lang: str, prompt: str = PROMPT) -> Typed:
        """The next line as the participant meant it: a command, or the text."""
        line = self.read(prompt)
        return Typed(line, command_of(line, lang))
