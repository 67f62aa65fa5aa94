"""The one way a stored answer value is read for the report.

Answers to sensitive questions are stored sealed with the research team's
public key (``seal.py``). Such a value is opened with the team's private key
when the report is given it; without it, it is left out of every count and
counted as sealed.
"""

from __future__ import annotations

from typing import Any

from ..seal import SEALED, opened

__all__ = ["SEALED", "answer_value"]


def answer_value(stored: Any, private_key: Any = None) -> Any:
    """The answer as the participant gave it; ``SEALED`` when it is sealed and there is no key."""
    return opened(stored, private_key)
