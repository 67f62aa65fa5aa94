"""A screening room on one computer: the moderator's room view, its seats and the observers' view.

``preview-tui room`` opens the room in the station file (a fresh join code),
plays the shared clips on the room display, and with ``--serve HOST:PORT``
serves seats to the tablets' browsers through textual-serve (one ``preview-tui
seat`` process per tab; nothing else is served there). ``--observers
HOST:PORT`` serves the observers' view the same way, on its own address.
Terminal seats run ``preview-tui seat`` against the same file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .common import EXIT_OK, EXIT_PROBLEMS, load, named_database, prepare, say, setup_logging

DEFAULT_ROOM = "Room 1"


def _parts(study_dir: Path, database: str | None):
    """(study, station file) ready to use, or None after saying why."""
    from ..settings import database_path

    study = load(study_dir)
    if study is None:
        return None
    settings = study.config.station
    db_file = named_database(database) if database else database_path(settings, study.root)
    if not prepare(db_file):
        return None
    return study, db_file


def room_name(study, given: str | None) -> str:
    return (given or study.config.station.room or DEFAULT_ROOM).strip()[:32]


def _python_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "preview_tui", *args]


def _serve(address: str, command: list[str], title: str, log_name: str) -> tuple[subprocess.Popen, str] | None:
    import socket

    from ..settings import log_dir

    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        say(f"--serve and --observers take HOST:PORT (e.g. 192.168.1.10:8000), not {address!r}")
        return None
    # On every address, tablets reach the room computer by its name.
    url = f"http://{socket.gethostname() if host in ('0.0.0.0', '::') else host}:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "preview_tui.serve", "--host", host, "--port", port, "--title", title, "--public-url", url.rstrip("/"), "--log-file", str(log_dir() / log_name), "--", *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its log goes to the log file; never onto the room view
    )
    return server, url


def room(study_dir: Path, database: str | None, *, name: str | None, serve: str | None, observers: str | None, code: str | None) -> int:
    parts = _parts(study_dir, database)
    if parts is None:
        return EXIT_PROBLEMS
    study, db_file = parts
    setup_logging()
    from ..db.room import RoomDb, new_join_code
    from ..db.store import Store
    from ..settings import player_factory

    the_room = room_name(study, name)
    join_code = (code or new_join_code()).strip().upper()
    if not join_code.isalnum() or len(join_code) > 16:
        say("--code takes letters and digits only (at most 16)")
        return EXIT_PROBLEMS
    if observers and not study.config.station.moderator_pin:
        say("the observers' view is behind the moderator PIN: set station.moderator_pin in config.yaml (`preview-tui pin` makes it)")
        return EXIT_PROBLEMS
    room_db = RoomDb(db_file, the_room)
    room_db.open_room(study.id, join_code)
    base = ["--study", str(study.root.resolve()), "--database", str(Path(db_file).resolve())]
    servers: list[subprocess.Popen] = []
    urls: list[str] = []
    try:
        for address, command, title in ((serve, _python_command("seat", *base, "--room", the_room), "Seat"), (observers, _python_command("observe", *base, "--room", the_room), "Observers")):
            if address:
                started = _serve(address, command, f"{study.id} · {title}", f"serve-{title.lower()}.log")
                if started is None:
                    return EXIT_PROBLEMS
                servers.append(started[0])
                urls.append(f"{title.lower()}s: {started[1]}")
        from ..ui.room_view import RoomApp

        settings = study.config.station.model_copy(update={"playback": study.config.station.playback.model_copy(update={"fullscreen": True})})
        app = RoomApp(study=study, store=Store(db_file), room=room_db, player_factory=player_factory(settings), urls=urls)
        app.run()
        return EXIT_OK if app.return_code in (None, 0) else app.return_code
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
        room_db.close_room()


def seat(study_dir: Path, database: str | None, *, name: str | None, seat_name: str | None) -> int:
    parts = _parts(study_dir, database)
    if parts is None:
        return EXIT_PROBLEMS
    study, db_file = parts
    setup_logging()
    from ..db.room import RoomDb
    from ..db.store import Store
    from ..settings import player_factory
    from ..ui.seat import build_seat

    room_db = RoomDb(db_file, room_name(study, name))
    if room_db.room_info() is None:
        say(f"no room '{room_db.room}' is open in {db_file}: the moderator starts it with `preview-tui room`")
        return EXIT_PROBLEMS
    settings = study.config.station
    if any(getattr(step, "type", "") == "storyboard" for step in study.screening.steps):
        from ..ui.image_support import ask_before_run

        ask_before_run(settings.images)  # the terminal query must happen before Textual owns stdin
    app = build_seat(room=room_db, seat=seat_name, settings=settings, study=study, store=Store(db_file), player_factory=player_factory(settings))
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else app.return_code


def observe(study_dir: Path, database: str | None, *, name: str | None) -> int:
    parts = _parts(study_dir, database)
    if parts is None:
        return EXIT_PROBLEMS
    study, db_file = parts
    pin = study.config.station.moderator_pin
    if not pin:
        say("the observers' view is behind the moderator PIN: set station.moderator_pin in config.yaml (`preview-tui pin` makes it)")
        return EXIT_PROBLEMS
    setup_logging()
    from ..db.room import RoomDb
    from ..db.store import Store
    from ..ui.observer import ObserverApp

    app = ObserverApp(study=study, store=Store(db_file), room=RoomDb(db_file, room_name(study, name)), pin_hash=pin)
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else app.return_code
