"""Validated studies kept between starts, keyed by their files' content.

Checking a study (YAML, schema, every cross-reference) costs far more than
reading back what that check produced. So once a study has loaded clean, the
``Study`` is kept in the per-user cache folder, under a key made of:

- the bytes of ``config.yaml``, ``screens/*.y*ml`` and ``surveys/*.y*ml``,
- the name, size and modification time of every file under ``media/`` (the
  check warns about missing media; clips are never hashed whole),
- the study folder's absolute path, the Python version and the size and time
  of every module of this package (a changed loader never reads a stale entry).

Beside it goes the little the moderator's first screen needs (:class:`ConsoleFacts`),
as JSON, so that screen is drawn before the engine and the store are imported.

The entry is a pickle: only files this user wrote are read, in a folder made
0700 and a file made 0600; an entry owned by anyone else or writable by others
is ignored, and so is one that cannot be read back. A study whose files
changed gets a new key, so it is checked again (and its problems reported).
Nothing here imports the engine's models until an entry is read back.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .sizes import MAX_STUDY_BYTES, MAX_STUDY_FILES

if TYPE_CHECKING:
    from .study import Study

KEEP = 16  # entries kept; the oldest go first
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ConsoleFacts:
    """What the moderator's console shows before the study itself is loaded."""

    id: str
    title: str  # in English, as the console shows it
    languages: tuple[str, ...]
    warnings: tuple[str, ...]
    sealing_problem: str | None
    station: str
    room: str
    kiosk: bool
    database: str | None  # the station file set in config.yaml
    pictures: bool  # a storyboard or an image choice: the terminal's image support is needed
    images: str  # the renderer set in config.yaml
    interface: str = "textual"  # station.interface: "plain" runs the line-by-line mode, which needs no console


def facts_of(study: Study) -> ConsoleFacts:
    from .schema import ImageChoice, StoryboardStep
    from .study import text

    station = study.config.station
    pictures = any(isinstance(q, ImageChoice) for _, _, q in study.questions()) or any(isinstance(s, StoryboardStep) for s in study.screening.steps)
    return ConsoleFacts(
        id=study.id,
        title=text(study.settings.title, "en"),
        languages=tuple(study.settings.languages),
        warnings=tuple(str(w) for w in study.warnings),
        sealing_problem=study.sealing.problem,
        station=station.name,
        room=station.room,
        kiosk=station.kiosk,
        database=station.database,
        pictures=pictures,
        images=station.images,
        interface=station.interface,
    )


def cache_dir() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "preview-tui" / "studies"


def study_key(root: Path) -> str | None:
    """The key of the study in ``root`` as it is on disk now; None when it cannot be cached (too big, unreadable)."""
    root = Path(root).resolve()
    digest = hashlib.sha256()
    digest.update(f"{sys.version}\0{root}\0".encode())
    try:
        for name, info in _walk(_PACKAGE, ".py"):
            digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
        files = [root / "config.yaml"]
        for folder in ("screens", "surveys"):
            if (root / folder).is_dir():
                files += sorted((root / folder).glob("*.y*ml"))
        if len(files) > MAX_STUDY_FILES + 1 or sum(f.stat().st_size for f in files) > MAX_STUDY_BYTES:
            return None  # the check says what is wrong with it
        for path in files:
            data = path.read_bytes()
            digest.update(f"{path.relative_to(root)}\0{len(data)}\0".encode())
            digest.update(data)
        media = root / "media"
        if media.is_dir():
            for name, info in _walk(media):
                digest.update(f"media/{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    except OSError:
        return None
    return digest.hexdigest()


def _walk(top: Path, suffix: str = ""):
    """Each file under ``top`` whose name ends in ``suffix`` (its path below ``top``, its stat), in a fixed
    order, ``__pycache__`` left out: ``os.walk`` is several times faster than ``Path.rglob``."""
    top = str(top)
    for folder, subfolders, files in os.walk(top):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        below = folder[len(top) + 1:]
        for name in sorted(files):
            if name.endswith(suffix):
                yield f"{below}/{name}" if below else name, os.stat(f"{folder}/{name}")


def _ours(path: Path) -> bool:
    """Whether ``path`` is a plain file of this user's that nobody else may write."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def read_facts(key: str | None) -> ConsoleFacts | None:
    if key is None:
        return None
    path = cache_dir() / f"{key}.json"
    if not (_ours(path) and _ours(path.with_suffix(".pickle"))):
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ConsoleFacts(**{**data, "languages": tuple(data["languages"]), "warnings": tuple(data["warnings"])})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def read_study(key: str) -> Study | None:
    """The study kept under ``key``; None when there is none (or it cannot be read back)."""
    path = cache_dir() / f"{key}.pickle"
    if not _ours(path):
        return None
    try:
        with open(path, "rb") as file:
            return pickle.load(file)
    except Exception:  # an entry of an older layout, or cut short: the study is checked again
        return None


def load(root: Path, key: str | None = None) -> Study:
    """The study in ``root``: as kept, when its files are as they were when it last loaded clean; else checked
    (``load_study``, whose StudyError lists the problems) and kept. ``key``: ``study_key(root)``, when known."""
    from .study import load_study

    key = key if key is not None else study_key(root)
    study = read_study(key) if read_facts(key) is not None else None
    if study is None:
        study = load_study(root)
        keep(key, study)
    return study


def keep(key: str | None, study: Study) -> ConsoleFacts:
    """Keep ``study`` under ``key`` (when there is one); its console facts either way. Never fails on a full or read-only disk."""
    from ..files import private_dir, write_private

    facts = facts_of(study)
    if key is None:
        return facts
    folder = cache_dir()
    try:
        private_dir(folder)
        write_private(folder / f"{key}.pickle", pickle.dumps(study, protocol=pickle.HIGHEST_PROTOCOL))
        write_private(folder / f"{key}.json", json.dumps(asdict(facts)).encode())
        _prune(folder)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # the study is checked again next time
    return facts


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        for path in (old, old.with_suffix(".json")):
            path.unlink(missing_ok=True)
