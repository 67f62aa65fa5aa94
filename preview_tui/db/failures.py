"""How the station's store fails, in words the moderator understands.

The store raises only these (``StoreError`` and its kinds), whatever the
database library underneath raised, so that a screen catches ``StoreError``
and shows ``reason`` without knowing that library. Nothing here imports it.
"""

from __future__ import annotations


class StoreError(Exception):
    """The station could not save or read; ``reason`` says why, for the moderator."""

    @property
    def reason(self) -> str:
        return describe_failure(self)


class StoreUnavailable(StoreError):
    """The station file could not be used (disk full, locked by another program, damaged, connection lost).

    Its message is the one-line reason ``describe_failure`` gives for what the
    database library raised (kept as ``__cause__``). Nothing of the write was kept.
    """

    def __init__(self, reason: str):
        super().__init__(reason)

    @property
    def reason(self) -> str:
        return str(self)


class InvitationRefused(StoreError):
    """An invitation code that is unknown, or already used; the message says which."""


def describe_failure(exc: BaseException) -> str:
    """A moderator-readable reason for a failed write."""
    if isinstance(exc, StoreUnavailable):
        return exc.reason  # described when it was raised
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "disk is full" in text or "no space" in text:
        return "the station's disk is full: free some space, then try again"
    if "locked" in text or "busy" in text:
        return "the station database is locked by another program: close it, then try again"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the station database cannot be written (read-only or no permission)"
    if "no such table" in text or "malformed" in text or "not a database" in text:
        return "the station database is damaged or from another program"
    return f"the station database could not be written ({getattr(exc, 'orig', None) or exc})"
