"""Which file may become or be a station file, decided before anything is written to it.

A station file carries SQLite's ``application_id`` (``APPLICATION_ID``) and,
as ``user_version``, the number of its schema revision. Before the app, or a
command that writes, opens a file, ``check`` looks at it without writing:

- a path that does not exist yet, or an empty file (an empty SQLite database),
  becomes a new station file, provided its folder can be written;
- a file with our ``application_id`` is a station file;
- a file made by a version before the ``application_id`` (our Alembic
  revisions in ``alembic_version`` and our tables) is one too, and is stamped;
- anything else is refused with a one-line reason saying what to do: another
  program's SQLite database, a file that is not SQLite, a folder, a device, a
  file or folder that cannot be written (read-only, immutable, a read-only
  mount). Nothing is created then, not even a journal.

Writability is tested the way the kernel decides it (``os.access``, which also
says no to root for an immutable file or a read-only mount) and then by
opening the file for writing and creating a file in its folder (SQLite needs
to create ``-wal`` and ``-shm`` beside it); the probe leaves nothing behind.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from pathlib import Path

APPLICATION_ID = 0x50545549  # "PTUI": what `PRAGMA application_id` says of a station file
SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"alembic_version", "sessions", "answers", "events"}  # in every revision since the first

NEW, STATION, LEGACY = "new", "station", "legacy"


class StationFileError(Exception):
    """This file cannot be the station file; the message says why and what to do, in one line."""


def check(path: Path, head: int) -> tuple[str, int]:
    """What ``path`` is: (NEW, 0), (STATION, its user_version) or (LEGACY, 0); StationFileError otherwise.

    ``head`` is the newest schema revision this version knows, as a number.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        _folder_writable(path)
        return NEW, 0
    except NotADirectoryError:
        raise StationFileError(f"a part of the path {path} is a file, not a folder: give --database a file in a folder") from None
    except OSError as exc:
        raise StationFileError(f"{path} cannot be read ({exc.strerror}): choose another --database file") from None
    if stat.S_ISDIR(info.st_mode):
        raise StationFileError(f"{path} is a folder, not a file: give --database a file name, e.g. {path / 'station.sqlite'}")
    if not stat.S_ISREG(info.st_mode):
        raise StationFileError(f"{path} is {_kind(info.st_mode)}, not a file: give --database the name of a file, e.g. station.sqlite")
    _file_writable(path)
    _folder_writable(path)
    if info.st_size == 0:
        return NEW, 0  # an empty file is an empty SQLite database
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise StationFileError(f"{path} cannot be read ({exc.strerror}): choose another --database file") from None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise StationFileError(f"{path} is not an SQLite database (another kind of file): preview-tui does not write to it; choose another --database file")
    application_id = int.from_bytes(header[68:72], "big", signed=True)
    user_version = int.from_bytes(header[60:64], "big", signed=True)
    if application_id == APPLICATION_ID:
        if user_version > head:
            raise StationFileError(f"{path} was made by a newer preview-tui (schema {user_version}; this one knows up to {head}): update preview-tui on this station")
        return STATION, user_version
    if application_id != 0:
        raise StationFileError(f"{path} belongs to another program (SQLite application_id {application_id & 0xFFFFFFFF:#010x}): preview-tui does not write to it; choose another --database file")
    tables, revision = _tables(path)
    if not tables:
        return NEW, 0  # an SQLite database with nothing in it
    if OUR_TABLES <= tables and revision is not None and revision.isdigit() and 0 < int(revision) <= head:
        return LEGACY, 0
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    raise StationFileError(f"{path} is another program's SQLite database (tables: {shown}): preview-tui does not write to it; choose another --database file")


def stamp(path: Path, head: int) -> None:
    """Mark ``path`` as a station file of schema ``head``, and write the mark into the file itself (checkpoint)."""
    con = sqlite3.connect(path)
    try:
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {int(head)}")
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # so that the header on disk says it, for `check`
    finally:
        con.close()


def _tables(path: Path) -> tuple[set[str], str | None]:
    """The file's tables and its Alembic revision, read without writing anything (not even a -wal)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise StationFileError(f"{path} cannot be read as an SQLite database ({exc}): choose another --database file") from None
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = str(row[0]) if row else None
        return tables, revision
    except sqlite3.Error as exc:
        raise StationFileError(f"{path} is a damaged SQLite database ({exc}): choose another --database file") from None
    finally:
        con.close()


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _file_writable(path: Path) -> None:
    problem = None
    if not os.access(path, os.R_OK | os.W_OK):
        problem = "read-only or immutable"
    else:
        try:
            os.close(os.open(path, os.O_RDWR))  # changes nothing: no O_TRUNC, nothing written
        except OSError as exc:
            problem = exc.strerror.lower() if exc.strerror else "refused"
    if problem:
        raise StationFileError(f"{path} cannot be written ({problem}): make it writable (chmod u+rw; chattr -i if lsattr shows 'i') or choose another --database file")


def _folder_writable(path: Path) -> None:
    """The nearest existing folder of ``path`` must take new files (the station file, or its -wal and -shm)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise StationFileError(f"{folder} is a file, not a folder: give --database a file in a folder")
    problem = None
    if not os.access(folder, os.W_OK | os.X_OK):
        problem = "read-only or immutable"
    else:
        try:
            fd, probe = tempfile.mkstemp(prefix=".preview-tui-probe-", dir=folder)
        except OSError as exc:
            problem = exc.strerror.lower() if exc.strerror else "refused"
        else:
            os.close(fd)
            os.unlink(probe)
    if problem:
        raise StationFileError(f"the folder {folder} cannot be written ({problem}), and the station file and its -wal and -shm files go there: make it writable or choose a --database file elsewhere")
