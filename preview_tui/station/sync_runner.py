"""One sync with the central database, run to its end, and what the moderator is told of it.

Blocking on purpose: a front end runs it in a thread of its own (with its own event loop and
engines), so neither the interface nor the answers ever wait for the network. Which message the
moderator reads, whether it counts as failed and when to try again by itself are decided here;
a front end only draws the status and keeps the retry timer.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # sync/ is imported when a sync runs, not when the station starts
    from ..sync.engine import SyncReport
    from ..sync.errors import SyncError

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what to show, records done, records in all); called from the sync's thread

STARTING = "Syncing with the central database…"
ALREADY_RUNNING = "A sync is already running."
MIN_RETRY = 1.0  # seconds: a next try already due is still not a busy loop


@dataclass(frozen=True)
class SyncOutcome:
    message: str  # for the moderator, plain text (it may quote the server)
    failed: bool = False
    retry_in: float | None = None  # seconds until the station tries again by itself; None: only when asked


def reported(report: SyncReport) -> SyncOutcome:
    """A sync that ran through; records kept aside (conflicts, refusals) and files left behind still need the moderator's eye."""
    return SyncOutcome(report.summary(), failed=report.problems)


def stopped(exc: SyncError, now: datetime | None = None) -> SyncOutcome:
    """A sync that gave up; it is tried again at ``exc.next_try`` when that is worth it."""
    retry_in = None
    if exc.next_try is not None:
        retry_in = max(MIN_RETRY, (exc.next_try - (now or datetime.now(UTC))).total_seconds())
    return SyncOutcome(f"Sync failed: {exc.explain()}", failed=True, retry_in=retry_in)


def run_sync(station_db: Path, url: str, *, station_name: str, progress: Progress | None = None) -> SyncOutcome:
    """Send what the station has not yet sent to the central database at ``url``; never raises."""
    from ..sync.engine import sync
    from ..sync.errors import SyncError

    def each_batch(done: int, total: int, table: str) -> None:
        if progress is not None:
            progress(f"Syncing {table}…" if table else "Syncing…", done, total)

    try:
        report = asyncio.run(sync(station_db, url, progress=each_batch, station_name=station_name))
    except SyncError as exc:
        return stopped(exc)
    except Exception as exc:  # noqa: BLE001 - the moderator sees a reason, never a traceback
        log.exception("sync failed")
        return SyncOutcome(f"Sync failed: {exc}", failed=True)
    return reported(report)
