"""Single-use invitation codes of a study: kept as digests, never the codes themselves."""

from __future__ import annotations

import hashlib
import uuid
from typing import Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import models as m
from .failures import InvitationRefused


def code_digest(study_id: str, code: str) -> str:
    """How an invitation code is kept: a digest, never the code itself."""
    return hashlib.sha256(f"{study_id}\n{code.strip()}".encode("utf-8")).hexdigest()


async def add_codes(s: AsyncSession, study_id: str, codes: Iterable[str]) -> tuple[int, int]:
    """Add single-use codes for a study, in the write ``s``; returns (added, already there)."""
    wanted = {code_digest(study_id, c) for c in codes if c.strip()}
    known = set((await s.scalars(select(m.Invitation.code_digest).where(m.Invitation.study_id == study_id, m.Invitation.code_digest.in_(wanted)))).all())
    new = [{"study_id": study_id, "code_digest": d, "imported_at": m.now()} for d in sorted(wanted - known)]
    if new:
        await s.execute(insert(m.Invitation), new)
    return len(new), len(known)


async def code_counts(s: AsyncSession, study_id: str) -> tuple[int, int]:
    """(codes imported, codes used) for a study."""
    total = await s.scalar(select(func.count()).select_from(m.Invitation).where(m.Invitation.study_id == study_id))
    used = await s.scalar(select(func.count()).select_from(m.Invitation).where(m.Invitation.study_id == study_id, m.Invitation.used_at.is_not(None)))
    return int(total or 0), int(used or 0)


async def use_code(s: AsyncSession, study_id: str, code: str, session_id: uuid.UUID) -> None:
    """Use up ``code`` for ``session_id``, in the write ``s``; InvitationRefused when it is unknown or used."""
    invitation = await s.get(m.Invitation, (study_id, code_digest(study_id, code)))
    if invitation is None:
        raise InvitationRefused(f"the code '{code}' is not an invitation to this study")
    if invitation.used_at is not None:
        when = invitation.used_at.astimezone().strftime("%Y-%m-%d %H:%M")
        raise InvitationRefused(f"the code '{code}' was already used ({when})")
    invitation.used_at, invitation.session_id = m.now(), session_id
