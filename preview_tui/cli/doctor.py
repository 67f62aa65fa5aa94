"""``preview-tui doctor``: whether this station can run as configured, one line per check with what to do.

It exits 0 when every check passes. A headless station is fine unless its
``playback.video`` asks for a window; a central database is checked only when
one is configured.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..visible import visible
from .common import EXIT_OK, EXIT_PROBLEMS, named_database

Check = tuple[bool, str]
IMAGE_METHODS = {"tgp": "kitty", "sixel": "sixel", "halfcell": "halfcell", "unicode": "unicode"}  # textual-image's renderers


def doctor(study_dir: Path, database: str | None, central: str | None = None) -> int:
    from ..survey.errors import StudyError
    from ..survey.study import load_study

    checks: list[Check] = []
    study = None
    try:
        study = load_study(study_dir)
    except StudyError as exc:
        checks.append((False, f"study in {study_dir}: {len(exc.problems)} problem(s); run `preview-tui validate {study_dir}`"))
    settings = study.config.station if study else None
    from ..playback.probe import doctor_lines

    checks[:0] = doctor_lines(video=settings.playback.video if settings else "auto")
    checks.append(image_check(settings.images if settings else "auto"))
    from ..playback.capture import doctor_lines as capture_lines, found_devices

    checks += capture_lines(found_devices(), needed=study is not None and any(q.type == "recording" for _, _, q in study.questions()))
    if study is not None:
        checks.append((True, f"study '{study.id}' in {study_dir} is valid"))
        from ..settings import database_path

        checks += station_file_checks(named_database(database) if database else database_path(settings, study.root))
    elif database:
        checks += station_file_checks(named_database(database))
    checks.append(central_check(central, settings))
    checks.append(log_check())
    for ok, line in checks:
        print(visible(f"{'ok ' if ok else 'NO '} {line}"))
    return EXIT_OK if all(ok for ok, _ in checks) else EXIT_PROBLEMS


def image_check(configured: str) -> Check:
    """How storyboards and image choices are drawn: the configured method, or the terminal's answer to 'auto'."""
    if configured != "auto":
        return True, f"images: {configured} (station.images in config.yaml)"
    try:
        from textual_image import renderable
    except Exception as exc:  # noqa: BLE001 - the terminal could not be asked; the app falls back the same way
        return False, f"images: the terminal's graphics could not be detected ({exc}); set station.images: halfcell"
    kind = renderable.Image.__module__.rsplit(".", 1)[-1]
    method = IMAGE_METHODS.get(kind, kind)
    return True, f"images: {method} (what this terminal answered to 'auto'; set station.images to choose)"


def station_file_checks(db_file: Path) -> list[Check]:
    """The station file: recognised, at this version's schema, writable, and its audit chain intact."""
    from ..db.migrate import HEAD
    from ..db.station_file import StationFileError, check

    try:
        check(db_file, int(HEAD))
    except StationFileError as exc:
        return [(False, f"station database: {exc}")]
    if not db_file.exists():
        folder = next((p for p in db_file.parents if p.exists()), Path("/"))
        if not os.access(folder, os.W_OK | os.X_OK):
            return [(False, f"station database: {db_file} cannot be created: {folder} is not writable")]
        return [(True, f"station database: {db_file} (not created yet)")]
    if db_file.stat().st_mode & 0o077:  # made by an earlier version, or changed since
        return [(False, f"station database: {db_file} can be read by other users: chmod 600 {db_file}")]
    checks: list[Check] = [(True, f"station database: {db_file}")]
    if not (os.access(db_file, os.W_OK) and os.access(db_file.parent, os.W_OK | os.X_OK)):
        checks.append((False, f"station database: {db_file} or its folder is not writable: answers could not be stored"))
    try:
        con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return checks + [(False, f"station database: cannot be opened: {exc}")]
    if version == int(HEAD):
        checks.append((True, f"station database schema: {version}, this version's"))
    else:
        checks.append((True, f"station database schema: {version}; the app or any command upgrades it to {int(HEAD)} on its next start"))
    from ..db.audit import verify

    try:
        report = verify(db_file)
    except sqlite3.DatabaseError as exc:
        return checks + [(False, f"audit chain: cannot be read: {exc}")]
    if report.ok:
        checks.append((True, f"audit chain: holds ({report.entries} entries), every stored answer matches it"))
    else:
        checks.append((False, f"audit chain: {len(report.problems)} problem(s), the file was changed outside preview-tui; `preview-tui audit verify` lists them"))
    return checks


def central_check(central: str | None, settings) -> Check:
    """The central database, when one is configured: reachable, and at which schema."""
    from ..sync.engine import central_url

    url = central or central_url(settings.central_database if settings else None)
    if not url:
        return True, "central database: none configured (station.central_database); this station keeps its data until one is set"
    import asyncio

    from ..sync.central import CENTRAL_HEAD, VERSION_TABLE
    from ..sync.quotas import CentralUnreachable, ask_central

    async def version(conn) -> str | None:
        if await conn.fetchval("SELECT to_regclass($1)", VERSION_TABLE) is None:
            return None
        return await conn.fetchval(f"SELECT version_num FROM {VERSION_TABLE}")

    try:
        found = asyncio.run(ask_central(url, version, timeout=5.0))
    except CentralUnreachable as exc:
        return False, f"central database: {exc}; check station.central_database and the network"
    if found is None:
        return True, "central database: reachable, no schema yet (the first sync creates it)"
    if found == CENTRAL_HEAD:
        return True, f"central database: reachable, schema {found}"
    return True, f"central database: reachable, schema {found}; the next sync upgrades it to {CENTRAL_HEAD}"


def log_check() -> Check:
    from ..settings import log_dir

    folder = log_dir()
    existing = folder if folder.exists() else next((p for p in folder.parents if p.exists()), Path("/"))
    if not os.access(existing, os.W_OK | os.X_OK):
        return False, f"logs: {folder} cannot be written; make it writable for this user"
    return True, f"logs: {folder} (preview-tui.log, and vlc.log for libVLC)"
