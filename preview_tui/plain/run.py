"""The plain station: a participant code, the session, the end, and the next code.

The session services are the Textual app's (``station.Station``: start with the moderator's
choices for the next session, withdraw, stop when an answer cannot be sealed); the store, sealing and
durability are the same. When the input ends or Ctrl+C is pressed during a session, the session is
left as it was stored, interrupted: the same code typed again takes it up (``Station.resumable``,
``Station.resume``), as F5 does on the console.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from ..db.failures import InvitationRefused, StoreError
from ..db.store import Store
from ..flow import Participant, SealingRefused
from ..station import Station
from ..survey.study import Study
from ..words import in_each, word
from .steps import Steps, Stopped, Withdrawn
from .terminal import Interrupted, Terminal

log = logging.getLogger(__name__)

QUIT, RESUME = "!quit", "resume"
KIOSK_REFUSED = "the plain mode cannot keep a kiosk (station.kiosk: true): its participants could leave the flow; turn kiosk off for a plain station"
INTERRUPTED = "The session is left interrupted, as stored: type the same code at the next start to take it up (or F5 on the console)."


class PlainStation:
    def __init__(self, station: Station, term: Terminal):
        self.station, self.term = station, term

    async def serve(self) -> None:
        """Sessions one after the other until the moderator types !quit or the input ends."""
        await self.station.store.open()
        try:
            while True:
                try:
                    participant = self.ask_code()
                except Interrupted:
                    return
                if participant is None:
                    return
                try:
                    started = await self.start(participant)
                except Interrupted:
                    return
                if started and not await self.session():
                    return
        finally:
            await self.station.store.close()

    def ask_code(self) -> Participant | None:
        languages = self.station.study.settings.languages
        while True:
            self.term.blank()
            self.term.say(in_each("seat_your_code", languages))  # before a language is chosen: in each the study offers
            self.term.say(f"(moderator: {QUIT} to stop the station)")
            code = self.term.read().strip()
            if code.casefold() == QUIT:
                return None
            if code:
                return Participant(code=code, room=self.station.settings.room)
            self.term.say(in_each("seat_no_code", languages))

    async def start(self, participant: Participant) -> bool:
        """Start the participant's session, or take up one of theirs that was interrupted when the moderator says so."""
        try:
            earlier = await self.station.resumable(participant.code)
            if earlier and self.resume_asked(earlier[0]):
                notices = await self.station.resume(earlier[0].id)
            else:
                notices = await self.station.start(participant)
        except (InvitationRefused, SealingRefused) as exc:
            self.term.say(f"Not started: {exc}.")
            return False
        except (StoreError, ValueError) as exc:
            self.term.say(f"Could not start the session: {exc.reason if isinstance(exc, StoreError) else exc}.")
            return False
        for notice in notices:
            self.term.say(notice.text)
        return True

    def resume_asked(self, session) -> bool:
        """Whether the moderator takes up ``session`` (the newest interrupted one of this code) rather than start anew."""
        started = session.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        state = "interrupted" if session.status == "in_progress" else session.status
        self.term.say(f"{session.participant_code} has an {state} session, started {started}. Type {RESUME} to take it up where it stopped; Enter starts a new session.")
        return self.term.read().strip().casefold() == RESUME

    async def session(self) -> bool:
        """The running session to its end; False when the station should stop (the input ended)."""
        flow = self.station.flow
        assert flow is not None
        steps = Steps(self.station, self.term)
        try:
            await steps.run()
            steps.wait_enter()
        except Withdrawn:
            lang = flow.language
            withdrawal = await self.station.withdraw(flow.session_id)
            log.info("session %s withdrawn by the participant (plain mode)", flow.session_id)
            self.term.say(word("plain_withdrawn", lang))
            self.term.say(f"Moderator: {withdrawal.notice.text}")
        except Stopped:
            pass
        except (Interrupted, KeyboardInterrupt):
            if self.station.flow is not None and flow.current.kind != "end":
                self.term.blank()
                self.term.say(INTERRUPTED)
            return False
        finally:
            self.station.end()
        return True


def run_station(studies: list[Study], db_file: Path) -> int:
    """Run the plain station on ``studies`` (the first one's sessions, its station settings) and the prepared ``db_file``."""
    import signal
    import sys

    study = studies[0]
    if study.config.station.kiosk:  # a line-by-line terminal cannot keep the participant in the flow (Ctrl+C, !quit)
        print(f"preview-tui: {KIOSK_REFUSED}", file=sys.stderr)
        return 1
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # bytes that are not text are read as U+FFFD, never stored as they came
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a terminal set to Latin-1 or ASCII gets "?" for what it cannot show, never a crash
    station = Station(settings=study.config.station, study=study, store=Store(db_file), more_studies=studies[1:])

    async def serve() -> None:
        # asyncio.run turns the first Ctrl+C into a cancel on the loop's next turn, which never comes while the
        # station waits for a line: Python's own handler raises it there at once, and the session is left as stored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        await PlainStation(station, Terminal()).serve()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 130
    return 0
