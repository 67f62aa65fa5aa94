"""Sealing sensitive answers with the research team's public key (libsodium sealed boxes, X25519).

A station holds only the public key: it can seal a value but never open one.
The private key stays with the research team; exports and reports open sealed
values with it (``load_private_key`` and ``open_value``).

Keys are one line of text with their kind in front, so that a key of the wrong
kind is recognised instead of silently used::

    x25519-public:<base64 of 32 bytes>     in the study's config.yaml (study.sealing.public_key)
    x25519-private:<base64 of 32 bytes>    in a file of its own, mode 0600, never on a station

A sealed value is stored as a JSON object ``{"sealed": "<base64>", "alg":
"x25519-sealedbox", "key": "<key id>"}``; ``key`` names the public key (the
first 16 hex digits of its SHA-256) so that an export can tell which private
key opens it. What is sealed is the value's canonical JSON, padded to a
multiple of ``PAD`` bytes (libsodium's ISO/IEC 7816-4 padding), so that the
length of a sealed code does not tell which code it is.

This module does no cryptography of its own: PyNaCl (libsodium) does it all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any

ALG = "x25519-sealedbox"
PUBLIC_PREFIX = "x25519-public:"
PRIVATE_PREFIX = "x25519-private:"
PAD = 64
KEY_BYTES = 32


class SealKeyError(ValueError):
    """A key that cannot be used; the message says why, in words for the moderator or researcher."""


class SealError(Exception):
    """A value could not be sealed or opened; nothing was written in the clear."""


# -- keys ----------------------------------------------------------------------

_OTHER_KINDS = (
    ("ssh-ed25519", "an SSH Ed25519 signing key"),
    ("ssh-", "an SSH key"),
    ("ed25519", "an Ed25519 signing key"),
    ("-----BEGIN", "a PEM key or certificate"),
    ("untrusted comment", "a minisign/signify signing key"),
    ("age1", "an age recipient"),
    ("AGE-SECRET-KEY", "an age secret key"),
)


def _key_bytes(text: str, prefix: str, what: str) -> bytes:
    body = text.strip()[len(prefix):].strip()
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise SealKeyError(f"the {what} is broken: '{body[:12]}…' is not base64") from None
    if len(raw) != KEY_BYTES:
        raise SealKeyError(f"the {what} is broken: it holds {len(raw)} bytes, an X25519 key has {KEY_BYTES}")
    return raw


def _kind_problem(text: str, expected: str) -> str:
    for start, kind in _OTHER_KINDS:
        if text.startswith(start):
            return f"this is {kind}, not an X25519 sealing key ({expected}…); make a key pair with `preview-tui keys generate`"
    return f"not a key made by `preview-tui keys generate`: it should start with '{expected}'"


def parse_public_key(text: Any):
    """The ``nacl.public.PublicKey`` in ``text`` (as ``keys generate`` prints it); SealKeyError says what is wrong."""
    from nacl.public import PublicKey

    if not isinstance(text, str) or not text.strip():
        raise SealKeyError("no public key given")
    text = text.strip()
    if text.startswith(PRIVATE_PREFIX):
        raise SealKeyError("this is a PRIVATE key: it must stay with the research team and never be on a station; put the public key (x25519-public:…) here, and make a new key pair, since this one has been exposed")
    if not text.startswith(PUBLIC_PREFIX):
        raise SealKeyError(_kind_problem(text, PUBLIC_PREFIX))
    key = PublicKey(_key_bytes(text, PUBLIC_PREFIX, "public key"))
    Sealer(key)  # a key that cannot seal (e.g. a low-order point) is refused here, before any session
    return key


def parse_private_key(text: Any):
    """The ``nacl.public.PrivateKey`` in ``text``; SealKeyError says what is wrong."""
    from nacl.public import PrivateKey

    if not isinstance(text, str) or not text.strip():
        raise SealKeyError("the private key file is empty")
    text = text.strip()
    if text.startswith(PUBLIC_PREFIX):
        raise SealKeyError("this is the public key; opening sealed answers needs the private key (x25519-private:…)")
    if not text.startswith(PRIVATE_PREFIX):
        raise SealKeyError(_kind_problem(text, PRIVATE_PREFIX))
    return PrivateKey(_key_bytes(text, PRIVATE_PREFIX, "private key"))


def load_private_key(path: Path | str):
    """The private key in the file at ``path``; SealKeyError with the file's name and the reason otherwise."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise SealKeyError(f"no private key file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SealKeyError(f"cannot read the private key file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return parse_private_key(text)
    except SealKeyError as exc:
        raise SealKeyError(f"{path}: {exc}") from None


def public_text(key) -> str:
    return PUBLIC_PREFIX + base64.b64encode(bytes(key)).decode("ascii")


def private_text(key) -> str:
    return PRIVATE_PREFIX + base64.b64encode(bytes(key)).decode("ascii")


def key_id(public_key) -> str:
    return hashlib.sha256(bytes(public_key)).hexdigest()[:16]


def generate() -> tuple[str, str]:
    """A new key pair as text: (public, private)."""
    from nacl.public import PrivateKey

    private = PrivateKey.generate()
    return public_text(private.public_key), private_text(private)


def write_key_pair(folder: Path, name: str = "sealing") -> tuple[Path, Path, str]:
    """Write ``<name>.private-key`` (mode 0600, never overwritten) and ``<name>.public-key`` in ``folder``.

    Returns (private file, public file, public key text). Raises FileExistsError when the private file exists.
    """
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    public, private = generate()
    private_file, public_file = folder / f"{name}.private-key", folder / f"{name}.public-key"
    fd = os.open(private_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # created with its mode: never readable by others
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(private + "\n")
    public_file.write_text(public + "\n", encoding="ascii")
    return private_file, public_file, public


# -- sealing and opening -----------------------------------------------------------


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Sealer:
    """Seals values with one public key. Made from a key that cannot seal, it raises SealKeyError."""

    def __init__(self, public_key):
        from nacl.public import SealedBox

        self.public_key = public_key
        self.key_id = key_id(public_key)
        self._box = SealedBox(public_key)
        try:
            self.seal("probe")
        except SealError as exc:
            raise SealKeyError(f"this key cannot seal ({exc}); make a key pair with `preview-tui keys generate`") from None

    @classmethod
    def throwaway(cls) -> "Sealer":
        """A sealer whose private key is dropped at once: what it seals can never be opened (pilot sessions without a key)."""
        from nacl.public import PrivateKey

        return cls(PrivateKey.generate().public_key)

    def seal(self, value: Any) -> dict[str, str]:
        """``value`` sealed, in the form stored in place of the answer."""
        from nacl.bindings import sodium_pad
        from nacl.exceptions import CryptoError

        try:
            sealed = self._box.encrypt(sodium_pad(_canonical(value), PAD))
        except (CryptoError, TypeError, ValueError) as exc:  # nacl's own RuntimeError is a CryptoError
            raise SealError(f"sealing failed: {exc or type(exc).__name__}") from None
        return {"sealed": base64.b64encode(sealed).decode("ascii"), "alg": ALG, "key": self.key_id}


    def seal_bytes(self, data: bytes) -> bytes:
        """A file's bytes sealed (a recording): ``FILE_MAGIC``, the key id, then the sealed box."""
        from nacl.exceptions import CryptoError

        try:
            return FILE_MAGIC + self.key_id.encode("ascii") + self._box.encrypt(bytes(data))
        except (CryptoError, TypeError, ValueError) as exc:
            raise SealError(f"sealing failed: {exc or type(exc).__name__}") from None


FILE_MAGIC = b"preview-tui sealed file 1\n"


def open_bytes(sealed: bytes, private_key) -> bytes:
    """The plain bytes of a file sealed by ``Sealer.seal_bytes``; SealError for another key or damaged bytes."""
    from nacl.exceptions import CryptoError
    from nacl.public import SealedBox

    head = len(FILE_MAGIC) + 16
    if not sealed.startswith(FILE_MAGIC) or len(sealed) < head:
        raise SealError("not a sealed file")
    sealed_for, mine = sealed[len(FILE_MAGIC):head].decode("ascii", "replace"), key_id(private_key.public_key)
    if sealed_for != mine:
        raise SealError(f"sealed for another key ({sealed_for}); this private key is {mine}")
    try:
        return SealedBox(private_key).decrypt(sealed[head:])
    except CryptoError as exc:
        raise SealError(f"cannot open a sealed file: {exc or 'damaged'}") from None


def is_sealed(stored: Any) -> bool:
    """Whether a stored answer (the JSON value, or its text as SQLite or PostgreSQL return it) is sealed."""
    if isinstance(stored, (str, bytes)):
        try:
            stored = json.loads(stored)
        except ValueError:
            return False
    return isinstance(stored, dict) and stored.get("alg") == ALG and isinstance(stored.get("sealed"), str)


def open_value(stored: Any, private_key) -> Any:
    """The plain value of a sealed answer; a value that is not sealed is returned as it is.

    Raises SealError when ``private_key`` is not the key it was sealed for, or the value was damaged.
    """
    from nacl.bindings import sodium_unpad
    from nacl.exceptions import CryptoError
    from nacl.public import SealedBox

    if isinstance(stored, (str, bytes)) and is_sealed(stored):
        stored = json.loads(stored)
    if not is_sealed(stored):
        return stored
    if stored.get("key") not in (None, key_id(private_key.public_key)):
        raise SealError(f"sealed for another key ({stored.get('key')}); this private key is {key_id(private_key.public_key)}")
    try:
        plain = sodium_unpad(SealedBox(private_key).decrypt(base64.b64decode(stored["sealed"], validate=True)), PAD)
        return json.loads(plain.decode("utf-8"))
    except (CryptoError, binascii.Error, ValueError) as exc:
        raise SealError(f"cannot open a sealed value: {exc or 'damaged or sealed for another key'}") from None


class _Sealed:
    """An answer that stays sealed where it is read (no private key): counted or coded as sealed, never as a value."""

    def __repr__(self) -> str:
        return "SEALED"


SEALED = _Sealed()


def opened(stored: Any, private_key=None) -> Any:
    """A stored answer as exports and reports read it (its decoded JSON value): the plain value, or
    ``SEALED`` when it is sealed and there is no key.

    Raises SealError when ``private_key`` is not the key it was sealed for.
    """
    if not (isinstance(stored, dict) and is_sealed(stored)):  # decoded JSON: a text answer is never taken for a sealed one
        return stored
    return SEALED if private_key is None else open_value(stored, private_key)
