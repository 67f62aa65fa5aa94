"""What a withdrawal does to the central copies of a participant's audit entries.

The station redacts a withdrawn participant's entries in place (``db/audit.py``):
the same seq and hash, with what they said erased. Centrally, such a redacted
entry replaces the full one it was instead of being a conflict; entries of a
withdrawn session that arrive in full (from a station of an earlier version)
are redacted on arrival; and a tombstone redacts the session's entries from
every station and drops what ``sync_conflicts`` kept of the session.
"""

from __future__ import annotations

from preview_tui.db.audit import REDACTED, REDACTION, WITHDRAWN

from . import tables as t


def redaction_conflict(table: str, key_cols: list[str]) -> str:
    """The ON CONFLICT clause of a redactable table: the one change an immutable entry may see is its redaction."""
    keys = ", ".join(f'"{k}"' for k in key_cols)
    return f"ON CONFLICT ({keys}) DO UPDATE SET {REDACTION} WHERE EXCLUDED.kind = '{REDACTED}' AND \"{table}\".hash = EXCLUDED.hash"


async def redact_withdrawn(raw, spec: t.SyncedTable, stage: str) -> None:
    """Redact the entries of withdrawn participants among the sessions of the batch staged in ``stage``."""
    if not spec.redact_on_withdrawal:
        return
    col = spec.session_column
    await raw.execute(
        f'UPDATE "{spec.name}" c SET {REDACTION} WHERE c.kind NOT IN (\'{REDACTED}\', \'{WITHDRAWN}\') '
        f'AND c."{col}" IN (SELECT CAST(s."{col}" AS uuid) FROM "{stage}" s) '
        f'AND EXISTS (SELECT 1 FROM tombstones w WHERE w.session_id = c."{col}")'
    )


async def redact_sessions(raw, stage: str) -> None:
    """Redact, in every redactable table, the entries of the sessions whose tombstones are staged in ``stage``."""
    for spec in t.SYNCED:
        if spec.redact_on_withdrawal:
            await raw.execute(
                f'UPDATE "{spec.name}" SET {REDACTION} WHERE kind NOT IN (\'{REDACTED}\', \'{WITHDRAWN}\') '
                f'AND "{spec.session_column}" IN (SELECT CAST(s.session_id AS uuid) FROM "{stage}" s)'
            )


async def erase_kept_aside(raw, stage: str) -> None:
    """Drop what ``sync_conflicts`` kept of the sessions whose tombstones are staged (ids as hex, with or without dashes)."""
    await raw.execute(
        "DELETE FROM sync_conflicts WHERE replace(COALESCE(incoming->>'session_id', CASE WHEN table_name = 'sessions' THEN incoming->>'id' END), '-', '') "
        f"IN (SELECT replace(CAST(s.session_id AS text), '-', '') FROM \"{stage}\" s)"
    )
