"""The moderator PIN: stored only as a salted scrypt hash (``scrypt$n$r$p$salt$hash``, hex).

Wrong PINs make the next try wait longer, and enough of them in a row lock
the PIN until the moderator unlocks it (``preview-tui pin --unlock``); see
``pin_state``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

N, R, P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=N, r=R, p=P)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def is_pin_hash(stored: str) -> bool:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return False
    return n > 1 and (n & (n - 1)) == 0 and r > 0 and p > 0 and n * r <= 2**22


def check_pin(pin: str, stored: str) -> bool:
    if not is_pin_hash(stored):
        return False
    _, n, r, p, salt, expected = stored.split("$")
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), maxmem=2**26)
    return hmac.compare_digest(digest.hex(), expected)


# -- wrong PINs: a growing wait, then a lockout ---------------------------------------
#
# Every attempt is an entry of the station's audit log (``db/audit.py``: pin_accepted,
# pin_refused, pin_unlocked), never the PIN itself; the state below is worked out from
# the newest of those entries, so quitting or killing the app changes nothing of it.

LIMIT = 5  # wrong PINs in a row that lock the PIN until the moderator unlocks it
DELAYS = (0.0, 1.0, 2.0, 4.0)  # seconds to wait after the 1st (a typo is free), 2nd, 3rd and 4th wrong PIN in a row

# The kinds of those audit entries (``db/audit.py`` names them PIN_ACCEPTED, PIN_REFUSED and PIN_UNLOCKED).
ACCEPTED, REFUSED, UNLOCKED = "pin_accepted", "pin_refused", "pin_unlocked"
KINDS = (ACCEPTED, REFUSED, UNLOCKED)


@dataclass(frozen=True)
class PinState:
    """Wrong PINs in a row (since the last right one or unlock) and when the last one was given."""

    failures: int = 0
    last_failure: datetime | None = None

    @property
    def locked(self) -> bool:
        return self.failures >= LIMIT

    @property
    def tries_left(self) -> int:
        return max(0, LIMIT - self.failures)

    def wait(self, now: datetime) -> float:
        """Seconds before the next PIN may be tried (0: now). A clock set back never makes it longer than the delay."""
        if self.failures == 0 or self.locked or self.last_failure is None:
            return 0.0
        delay = DELAYS[min(self.failures, len(DELAYS)) - 1]
        return min(delay, max(0.0, delay - (now - self.last_failure).total_seconds()))


def pin_state(attempts: Iterable[tuple[str, datetime]]) -> PinState:
    """The state after ``attempts`` (kind, time), newest first; reading stops at the last right PIN or unlock."""
    failures, last = 0, None
    for kind, at in attempts:
        if kind != REFUSED:
            break
        failures += 1
        last = last or at
        if failures >= LIMIT:
            break
    return PinState(failures, last)
