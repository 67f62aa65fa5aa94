"""The station's recordings on disk: a folder beside the station file, each kept recording sealed in it.

While a participant records, the plain file is in ``work/`` (mode 0700): it
can be played back before it is kept. Keeping it seals it with the study's key
(``seal.Sealer.seal_bytes``), writes the sealed file durably (written to a
temporary name, fsynced, renamed, the folder fsynced) and deletes the plain one,
before the answer naming it is stored. The station can then no longer play it.

A kill while recording leaves at most a plain file in ``work/`` and a temporary
sealed one: ``sweep`` (at every start) deletes both; kept files, named in the
``recordings`` table, are never touched. A withdrawal erases the session's files.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".sealed"
PARTIAL = ".partial"


def folder(station_db: Path) -> Path:
    """Where the station file's recordings are: ``<station file>.recordings/`` (mode 0700)."""
    station_db = Path(station_db)
    return station_db.with_name(station_db.name + ".recordings")


def work_folder(station_db: Path) -> Path:
    """Where plain recordings are made and played back, until they are kept or thrown away."""
    work = folder(station_db) / "work"
    work.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(work.parent, 0o700)
    return work


def work_file(station_db: Path, session_id: uuid.UUID, question_id: str, video: bool) -> Path:
    """A new plain file to record into, made 0600 before anything is written to it."""
    path = work_folder(station_db) / f"{session_id.hex}-{question_id}-{os.getpid()}-{uuid.uuid4().hex[:8]}.{'mkv' if video else 'mka'}"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Kept:
    """A sealed recording on disk: what its row in ``recordings`` holds."""

    id: uuid.UUID
    file_name: str
    size: int
    sha256: str

    def row(self, question_id: str, seconds: float, video: bool) -> dict:
        return {"id": self.id, "question_id": question_id, "file_name": self.file_name, "size": self.size, "sha256": self.sha256, "seconds": float(seconds), "video": bool(video)}


def keep(station_db: Path, plain: Path, sealer, session_id: uuid.UUID, question_id: str) -> Kept:
    """Seal the plain recording ``plain`` into the recordings folder, durably, and delete the plain file.

    Raises ``seal.SealError`` (nothing kept) when sealing fails, OSError when the disk does.
    """
    sealed = sealer.seal_bytes(Path(plain).read_bytes())
    rec_id = uuid.uuid4()
    name = f"{session_id.hex}-{question_id}-{rec_id.hex}{SUFFIX}"
    where = folder(station_db)
    where.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = where / f"{name}.{os.getpid()}{PARTIAL}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(sealed)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, where / name)
    _fsync_dir(where)
    discard(plain)
    return Kept(rec_id, name, len(sealed), hashlib.sha256(sealed).hexdigest())


def discard(plain: Path) -> None:
    """Delete a plain recording (thrown away, or kept and sealed)."""
    Path(plain).unlink(missing_ok=True)
    _fsync_dir(Path(plain).parent)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def sweep(station_db: Path) -> list[str]:
    """Delete what a killed process left: its plain recordings in ``work/`` and half-written sealed files
    (both carry the pid of the process writing them; a room's other processes may be recording). The names deleted."""
    where = folder(station_db)
    if not where.is_dir():
        return []
    plain = [p for p in (where / "work").glob("*") if p.is_file() and not _alive(p.stem.split("-")[-2] if p.stem.count("-") >= 3 else "")]
    partial = [p for p in where.glob(f"*{PARTIAL}") if not _alive(p.name[: -len(PARTIAL)].rsplit(".", 1)[-1])]
    gone = plain + partial
    for path in gone:
        path.unlink(missing_ok=True)
    return [p.name for p in gone]


def erase_session(station_db: Path, session_id: uuid.UUID) -> int:
    """Delete every file of a session (kept, partial or plain): a withdrawal. How many were deleted."""
    where = folder(station_db)
    if not where.is_dir():
        return 0
    found = [p for p in [*where.glob(f"{session_id.hex}-*"), *(where / "work").glob(f"{session_id.hex}-*")] if p.is_file()]
    for path in found:
        path.unlink(missing_ok=True)
    _fsync_dir(where)
    return len(found)


def path_of(station_db: Path, file_name: str) -> Path:
    return folder(station_db) / Path(file_name).name
