"""Text as it may reach a terminal: control characters shown, never interpreted.

Study texts, participants' answers, codes and anything read back from a database can hold
C0/C1 control characters (ESC starts every terminal escape sequence) and Unicode bidi
controls (which reorder what is shown). ``visible()`` replaces each with a printable
``\\uXXXX`` so that it is seen and never acted on. Line feeds and tabs are kept.

This module imports nothing from the UI, so the report, exports and the command line use
it too; widgets go through ``ui.literal``, which builds on it.
"""

from __future__ import annotations

import re

# C0 controls except tab (\x09) and line feed (\x0a), DEL and C1 controls, bidi marks,
# embeddings, overrides and isolates, the byte-order mark / zero-width no-break space, and
# lone surrogates (a JSON value can hold one; no terminal encoding can write it).
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def escape_char(char: str) -> str:
    return f"\\u{ord(char):04x}"


def visible(text: object) -> str:
    """``text`` as a string whose every character is safe to print and shown as typed."""
    return INVISIBLE.sub(lambda match: escape_char(match.group()), str(text))


def invisible_chars(text: str) -> list[tuple[int, str]]:
    """Where ``text`` holds characters that ``visible`` would escape: (index, character)."""
    return [(match.start(), match.group()) for match in INVISIBLE.finditer(text)]
