"""The one way a stored answer value is read for the report.

Some answers (a question's ``sensitive`` category) may be stored sealed:
encrypted with the research team's public key, as a JSON object whose only
key is ``"$sealed"`` (a key no question or matrix row can have). Such a value
is opened with ``opener`` (a callable given the stored object, returning the
plain value), or, without one, left out of every count and counted as sealed.
"""

from __future__ import annotations

from typing import Any, Callable

Opener = Callable[[Any], Any]

SEALED_KEY = "$sealed"


class _Sealed:
    """An answer stored sealed that could not be opened here."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SEALED"


SEALED = _Sealed()


def is_sealed(stored: Any) -> bool:
    return isinstance(stored, dict) and SEALED_KEY in stored


def answer_value(stored: Any, opener: Opener | None = None) -> Any:
    """The answer as the participant gave it; ``SEALED`` when it is sealed and there is no opener."""
    if not is_sealed(stored):
        return stored
    if opener is None:
        return SEALED
    return opener(stored)
