"""What the station writes is its user's alone: files 0600 in folders 0700, whatever the umask.

Station files, logs and exports hold participants' data or traces of it. A
file is created with its mode (``os.open``), never chmod-ed after others
could have opened it; a folder the app creates gets 0700 at once. SQLite
gives a database's ``-wal`` and ``-shm`` files the mode of the database
itself, so creating the station file 0600 covers them too. Folders that
already exist (a home directory, an export folder the user made) are left
as they are.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(folder: Path) -> Path:
    """Create ``folder`` and any missing parents with mode 0700; existing ones are left alone."""
    folder = Path(folder)
    missing = []
    level = folder
    while not level.exists() and level != level.parent:
        missing.append(level)
        level = level.parent
    for level in reversed(missing):
        try:
            os.mkdir(level, DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(level, DIR_MODE)  # the umask may have taken bits away; never adds any beyond 0700
    return folder


def private_file(path: Path, *, exclusive: bool = False) -> Path:
    """Make sure ``path`` exists as a 0600 file (created empty), its folders made by ``private_dir``.

    A file that exists already is set to 0600 as well (it is about to be rewritten or appended to),
    unless ``exclusive``: then it must not exist (FileExistsError).
    """
    path = Path(path)
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600) whole or not at all: written beside it, then renamed over it."""
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "wb") as file:
        file.write(data)
    os.replace(temp, path)
