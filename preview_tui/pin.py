"""The moderator PIN: stored only as a salted scrypt hash (``scrypt$n$r$p$salt$hash``, hex)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

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
