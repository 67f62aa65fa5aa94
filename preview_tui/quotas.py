"""Which quota cells are full: this station's sessions (a room's seats with it), and the other stations' when the central database answers.

A cell counts its completed sessions and holds a place for each session in progress whose answers already
fall in it (the README's "Running a screening room" states the policy; ``survey/quota_rules.py`` the rule);
the flow counts again just before the page that decides a cell.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .db.store import Store
from .survey import quota_rules
from .survey.expr import parse
from .survey.study import Study

HOLD = timedelta(minutes=30)  # how long a session in progress keeps its place without answering anything


async def full_quotas(study: Study, store: Store, more: list[dict[str, Any]] = (), *, exclude: uuid.UUID | None = None) -> set[str]:
    """The quota cells that hold their target on this station (and in ``more``: other stations' completed sessions).

    A cell counts its completed sessions, and holds a place for every session in progress whose answers
    already fall in it (a room's seats answering at the same time): a session that answered something in
    the last ``HOLD`` keeps its place while it goes on; one that ends, is withdrawn or stops answering frees it.
    ``exclude`` is the session asking, which never counts against itself.
    """
    cells = study.quota_cells()
    if not cells:
        return set()
    here = await store.quota_sessions(study.id, counted=quota_rules.COUNTED, held=quota_rules.HELD, active_since=datetime.now(UTC) - HOLD, exclude=exclude)
    counted = [answers for status, is_test, answers in here if quota_rules.counts(status, is_test, holding=True)]
    return quota_rules.full_cells(cells, quota_rules.cell_counts(cells, [*counted, *more]))


@dataclass
class QuotaState:
    full: set[str]
    note: str | None  # which count was used, for the moderator; None without quotas or without a central database
    others: list[dict[str, Any]] | None = field(default_factory=list)  # other stations' completed answers; None: counted no further (closed)


async def quota_state(study: Study, store: Store, central: str | None) -> QuotaState:
    """The full quota cells, counted on every station when the central database answers in time.

    Otherwise the study's ``quotas_offline`` decides: ``local`` counts this station's
    sessions only, ``closed`` treats every cell as full until the centre answers again.
    """
    cells = study.quota_cells()
    if not cells:
        return QuotaState(set(), None)
    if not central:
        return QuotaState(await full_quotas(study, store), None)  # a station on its own: nothing to tell
    from .sync.quotas import CENTRAL_TIMEOUT, CLOSED, CentralUnreachable, others_completed_answers

    questions = {name for _, when, _ in cells for name in parse(when).names}
    try:
        others = await others_completed_answers(central, study.id, station_db=store.path, questions=questions)
    except CentralUnreachable as exc:
        if study.settings.quotas_offline == CLOSED:
            return QuotaState({cell for cell, _, _ in cells}, f"Quotas closed: {exc}; participants in a quota are screened out until it answers (quotas_offline: closed).", None)
        return QuotaState(await full_quotas(study, store), f"Quotas: this station's count only: {exc} (quotas_offline: local).")
    full = await full_quotas(study, store, others)
    return QuotaState(full, f"Quotas: counted on every station ({len(others)} completed elsewhere, central database within {CENTRAL_TIMEOUT:g} s).", others)
