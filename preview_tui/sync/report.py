"""What a sync reports: records sent per table, conflicts and refusals kept aside, files left behind, retries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass
class Conflict:
    table: str
    key: str
    reason: str


@dataclass
class SyncReport:
    station_id: uuid.UUID
    sent: dict[str, int] = field(default_factory=dict)  # records (rows, however often each changed) the centre confirmed, per table
    deleted: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[Conflict] = field(default_factory=list)
    files_unsent: list[Conflict] = field(default_factory=list)  # recordings whose file could not be sent (missing, short, damaged)
    retries: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    @property
    def problems(self) -> bool:
        """Whether anything was kept aside or left behind: the moderator must look."""
        return bool(self.conflicts or self.rejected or self.files_unsent)

    def sent_text(self) -> str:
        """``12 record(s) (3 sessions, 9 answers)``: what was sent, by table."""
        parts = [f"{n} {name}" for name, n in self.sent.items() if n]
        return f"{self.total} record(s)" + (f" ({', '.join(parts)})" if parts else "")

    def summary(self) -> str:
        if not self.total and not self.problems:
            return "Nothing new to send: the central database has everything from this station."
        line = f"Sent {self.sent_text()} in {self.seconds:.1f} s."
        if self.conflicts:
            line += f"\n{len(self.conflicts)} record(s) conflict with what the central database holds (same id, other content): kept aside in sync_conflicts, nothing was overwritten."
        if self.rejected:
            line += f"\n{len(self.rejected)} record(s) were refused by the central database and kept aside; first: {self.rejected[0].reason}"
        if self.files_unsent:
            line += f"\n{len(self.files_unsent)} recording file(s) could not be sent and wait on the station; first: {self.files_unsent[0].key}: {self.files_unsent[0].reason}"
        return line
