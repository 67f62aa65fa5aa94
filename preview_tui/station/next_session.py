"""What the moderator chose for the next session only, and how a session is started with it.

A pilot is a researcher's test run: its data are stored as test data (``is_test``) and kept out
of quotas, counterbalancing and exports. Choosing it is a choice for one session: once a session
has started with it, it is cleared, so the next participant is never stored as test data because
a box stayed ticked. Every front end (the Textual console, a room seat, a plain prompt) starts its
sessions through ``Station.start`` (``station/session.py``), which holds one of these, and shows
:attr:`NextSession.pilot`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..db.store import Store
from ..flow import Flow, Participant
from ..survey.study import Study


@dataclass
class NextSession:
    """The choices for the session the station starts next."""

    pilot: bool = False

    async def start(self, study: Study, store: Store, participant: Participant, *, station: str, **options: Any) -> Flow:
        """Start ``participant``'s session with these choices, then clear them (``options`` go to ``Flow.start``).

        ``participant.is_test`` is set from :attr:`pilot` (whatever it held). When the session
        cannot start (a refused invitation code, a study that cannot seal), nothing is cleared:
        the moderator's choice stands for the next try.
        """
        participant.is_test = self.pilot
        flow = await Flow.start(study, store, participant, station=station, **options)
        self.pilot = False
        return flow
