"""The command line's grammar: every subcommand, and the options they share.

Every subcommand takes ``--study DIR`` and ``--database FILE`` (and, where a
central PostgreSQL database can be read, ``--central URL``) from one shared
parent parser, so they are spelt, placed and explained the same everywhere, before
or after the subcommand's name. argparse (the standard library) is enough for
this: sub-parsers with shared parents give that one language without a framework.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import __version__

STUDY_HELP = "the study directory (default: the current directory); for the app, repeat it to offer several studies, the first one's station settings apply"
DATABASE_HELP = "the station's SQLite file (default: PREVIEW_TUI_DATABASE, else station.database in config.yaml, else the per-user data directory)"
CENTRAL_HELP = "the central PostgreSQL database, postgresql://user:password@host:5432/db (default: PREVIEW_TUI_CENTRAL_DATABASE, else station.central_database in config.yaml)"
PLAIN_HELP = "one line after another, for screen readers, Braille displays and plain serial or SSH terminals: numbered options, answers typed, no escape sequences (also station.interface: plain)"
OUT_DIR_HELP = "the folder to write to, made if missing (default: exports)"


def _shared() -> argparse.ArgumentParser:
    """--study and --database, for every subcommand (SUPPRESS: one given before the subcommand stays)."""
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--study", type=Path, action="append", metavar="DIR", default=argparse.SUPPRESS, help=STUDY_HELP)
    shared.add_argument("--database", "--db", dest="database", metavar="FILE", default=argparse.SUPPRESS, help=DATABASE_HELP)
    return shared


def _central() -> argparse.ArgumentParser:
    central = argparse.ArgumentParser(add_help=False)
    central.add_argument("--central", metavar="URL", help=CENTRAL_HELP)
    return central


def _progress() -> argparse.ArgumentParser:
    progress = argparse.ArgumentParser(add_help=False)
    progress.add_argument("--no-progress", action="store_true", help="no progress bar, only the summary")
    return progress


_TOP_VALUED = ("--study", "--database", "--db")  # the top level's options that take a value


def runs_the_app(argv: list[str]) -> bool:
    """Whether ``argv`` holds only the top level's own options, spelt in full (the app's start, on every
    station and every seat): then the subcommands' grammar need not be built to read them."""
    tokens = iter(argv)
    for token in tokens:
        if token in _TOP_VALUED:
            if next(tokens, None) is None:
                return False  # argparse says what is missing
        elif token != "--plain" and token.partition("=")[0] not in _TOP_VALUED:
            return False
    return True


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole grammar; or, when ``argv`` only starts the app (``runs_the_app``), its top level alone."""
    parser = argparse.ArgumentParser(prog="preview-tui", description="Moderated audience research in the terminal.")
    parser.add_argument("--version", action="version", version=f"preview-tui {__version__}")
    parser.add_argument("--study", type=Path, action="append", metavar="DIR", help=STUDY_HELP)
    parser.add_argument("--database", "--db", dest="database", metavar="FILE", help=DATABASE_HELP)
    parser.add_argument("--plain", action="store_true", help=PLAIN_HELP)
    if argv is not None and runs_the_app(argv):
        parser.set_defaults(command=None)
        return parser
    shared, central, progress = _shared(), _central(), _progress()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, *, parents=(), into=sub) -> argparse.ArgumentParser:
        return into.add_parser(name, help=help, description=help, parents=[shared, *parents])

    command("run", "run the study (the default)").add_argument("--plain", action="store_true", default=argparse.SUPPRESS, help=PLAIN_HELP)
    validate = command("validate", "check a study directory or one study file")
    validate.add_argument("path", nargs="?", type=Path, help="a study directory or a .yaml file (default: --study)")
    validate.add_argument("--walk", action="store_true", help="also explore every branch with a bot and report coverage and dead ends")
    xlsform = command("import", "make a study folder from an XLSForm workbook (ODK, KoboToolbox): survey, choices and settings sheets")
    xlsform.add_argument("form", type=Path, help="the XLSForm (.xlsx, or .xls)")
    xlsform.add_argument("--out", type=Path, required=True, metavar="DIR", help="the study folder to write: new, or empty")
    command("doctor", "check this station: libVLC, display, images, station file, central database, logs", parents=[central])

    audit = command("audit", "the station's audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    command("verify", "check that the hash chain holds and every answer matches it", parents=[central], into=audit_sub)

    invite = command("invite", "import single-use invitation codes for the study")
    invite.add_argument("file", type=Path, help="a text file with one code per line ('-' reads standard input)")
    pin = command("pin", "make the moderator PIN's hash for config.yaml (station.moderator_pin), or --unlock it")
    pin.add_argument("--unlock", action="store_true", help="lift the lockout after too many wrong PINs on this station (recorded in the audit log)")
    command("sync", "send what this station has not yet sent to the central PostgreSQL database", parents=[central, progress])

    export = command("export", "write the study's data for SPSS, Stata, R and spreadsheets (test sessions and withdrawn participants left out)", parents=[central, progress])
    export.add_argument("--format", "-f", dest="formats", action="append", choices=("csv", "json", "sav", "dta"), help="csv, json, sav (SPSS) or dta (Stata); repeat it for several (default: all four)")
    export.add_argument("--language", metavar="LANG", help="the language of the labels (default: the study's first language)")
    export.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR", help=OUT_DIR_HELP)
    export.add_argument("--private-key", type=Path, metavar="FILE", help="the research team's private key (from `preview-tui keys generate`): sealed answers are opened; without it they are exported as the 'sealed' code")
    export.add_argument("--excel", action="store_true", help="write the CSV for a spreadsheet in the --language's locale: a UTF-8 byte-order mark, and ';' and a decimal comma for French and German")

    codebook = command("codebook", "write the study's data dictionary: every exported variable, its texts, codes and conditions")
    codebook.add_argument("--format", "-f", dest="formats", action="append", choices=("md", "csv"), help="md or csv; repeat it for both (default: both)")
    codebook.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR", help=OUT_DIR_HELP)

    report = command("report", "the study's results: charts in the terminal, or a PNG, SVG or HTML file to share", parents=[central])
    report.add_argument("--split-by", metavar="QUESTION", help="split the dial traces by the answer to this question (e.g. age_band)")
    report.add_argument("--language", metavar="LANG", help="the language of the questions and answer labels (default: the study's first)")
    report.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE (.html, .png or .svg; its folder is made if missing) instead of printing it")
    report.add_argument("--private-key", type=Path, metavar="FILE", help="the research team's private key: sealed answers are opened and counted; without it they are counted as sealed")
    report.add_argument("--include-test", action="store_true", help="count pilot (test) sessions too; every output then says so")
    report.add_argument("--all-sessions", action="store_true", help="chart the answers of every session, not only the completed ones")

    room_help = "the room's name, stored with each session (default: station.room in config.yaml)"
    room = command("room", "run a screening room on this computer: the moderator's room view, the room's screen and the seats' server")
    room.add_argument("--name", dest="room_name", metavar="ROOM", help=room_help)
    room.add_argument("--serve", metavar="HOST:PORT", help="serve seats to browsers (tablets) at this address, e.g. 0.0.0.0:8000")
    room.add_argument("--observers", metavar="HOST:PORT", help="serve the observers' live view (behind the moderator PIN) at this address")
    room.add_argument("--code", metavar="CODE", help="the join code seats type (default: a new random one)")
    seat = command("seat", "one seat of the room open on this computer (what a terminal or a browser tab runs)")
    seat.add_argument("--room", dest="room_name", metavar="ROOM", help=room_help)
    seat.add_argument("--seat", dest="seat_name", metavar="SEAT", help="this seat's name (default: the first free S1, S2...)")
    observe = command("observe", "the back room's live dial trace of the room's shared clip (behind the moderator PIN)")
    observe.add_argument("--room", dest="room_name", metavar="ROOM", help=room_help)

    keys = command("keys", "the key pair that seals sensitive answers")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    generate = command("generate", "make a key pair: the private key file stays with the research team, the public key goes in config.yaml", into=keys_sub)
    generate.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write NAME.private-key (mode 0600) and NAME.public-key; never the study folder")
    generate.add_argument("--name", default="sealing", help="the files' name (default: sealing)")
    return parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every subcommand's parser by its full name ("export", "audit verify"), for tests and help."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(p: argparse.ArgumentParser, prefix: str) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found[f"{prefix}{name}"] = child
                    walk(child, f"{prefix}{name} ")

    walk(parser, "")
    return found
