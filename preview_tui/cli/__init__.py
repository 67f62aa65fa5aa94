"""The ``preview-tui`` command.

    preview-tui [--study DIR]...       run the study (default: the current directory); several
                                       --study options put several studies on the station
    preview-tui --plain                run it line by line, for screen readers and plain terminals
    preview-tui validate [PATH]        check a study directory or one file
    preview-tui validate --walk        ... and explore every branch, reporting coverage
    preview-tui import FORM --out DIR  make a study folder from an XLSForm workbook
    preview-tui doctor                 check this station: libVLC, display, images, station file,
                                       central database, logs
    preview-tui audit verify           check the station's hash-chained audit log (--central URL: against what it sent)
    preview-tui invite FILE            import single-use invitation codes (one per line)
    preview-tui pin                    make the moderator PIN's hash for config.yaml
    preview-tui pin --unlock           lift the PIN's lockout after too many wrong PINs
    preview-tui sync                   send what the station has not yet sent to the central database
    preview-tui export                 write the study's data as CSV, JSON, SPSS .sav and Stata .dta
    preview-tui codebook               write the study's data dictionary (Markdown and CSV)
    preview-tui keys generate --out DIR   make the key pair that seals sensitive answers
    preview-tui room                   run a screening room: room view, room screen, seats (--serve to browsers)
    preview-tui seat                   one seat of the room open on this computer
    preview-tui observe                the back room's live dial trace (behind the PIN)
    preview-tui report                 the study's results: charts in the terminal, or --out FILE
                                       (.html, .png, .svg) to share

Every command takes ``--study DIR`` and ``--database FILE`` (``parser.py``); a
``--central URL`` is ``postgresql://`` (or ``postgresql+asyncpg://``). Problems in
a study are printed as ``file:line:col: message`` and the command exits with
status 1; nothing here prints a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .common import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, setup_logging
from .parser import build_parser

_setup_logging = setup_logging  # the name tests and the app's own start use

__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "main"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    studies = args.study or [Path(".")]
    study, database = studies[0], args.database
    try:
        return _dispatch(args, studies, study, database)
    except KeyboardInterrupt:
        return 130


def _dispatch(args, studies: list[Path], study: Path, database: str | None) -> int:
    command = args.command
    if command == "validate":
        from .study import validate

        return validate(args.path or study, walk=args.walk)
    if command == "import":
        from .xlsform import import_command

        return import_command(args.form, args.out)
    if command == "doctor":
        from .doctor import doctor

        return doctor(study, database, args.central)
    if command in ("audit", "invite", "pin", "keys"):
        from . import station

        if command == "audit":
            return station.audit_verify(study, database, args.central)
        if command == "invite":
            return station.invite(study, database, args.file)
        if command == "pin":
            return station.pin_unlock(study, database) if args.unlock else station.make_pin()
        return station.keys_generate(args.out, args.name, study)
    if command in ("sync", "export", "codebook", "report"):
        from . import data

        if command == "sync":
            return data.sync(study, database, args.central, progress=not args.no_progress)
        if command == "export":
            return data.export(study, database, args.central, args.out, formats=args.formats, language=args.language, private_key=args.private_key, progress=not args.no_progress, spreadsheet=args.excel)
        if command == "codebook":
            return data.codebook(study, args.out, formats=args.formats)
        return data.report(study, args.central or database, split_by=args.split_by, language=args.language, out=args.out, private_key=args.private_key, include_test=args.include_test, all_sessions=args.all_sessions)
    if command in ("room", "seat", "observe"):
        from . import room

        if command == "room":
            return room.room(study, database, name=args.room_name, serve=args.serve, observers=args.observers, code=args.code)
        if command == "seat":
            return room.seat(study, database, name=args.room_name, seat_name=args.seat_name)
        return room.observe(study, database, name=args.room_name)
    from .study import run

    return run(studies, database, plain=args.plain)
