"""The data-quality flags in the exports: one count per check the study makes, the total, and the reasons.

A study that makes no check (no ``attention``, no ``study.quality``) adds no
variable. Otherwise, after the others:

- ``flags``: how many flags the session has;
- ``flag_attention``, ``flag_straightlining``, ``flag_speeding_page``: how many
  attention checks failed, matrices were straight-lined, pages were answered too
  fast (0: none); ``flag_speeding_session``: 1 when the session was too fast;
  each only when the study makes that check;
- ``flag_reasons``: every flag's reason, page by page as they were answered (and by check within a
  page: attention, straight-lining, speeding), separated by `` | ``.

The reader of stored sessions reads them (``db/sessions.read_sessions`` with
``flags``, from the ``quality_flags`` table of a station file or the central
database) when ``checks`` finds the study makes any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..survey.quality import ATTENTION, KINDS, SPEEDING_PAGE, SPEEDING_SESSION, STRAIGHTLINING
from ..survey.schema import Matrix
from ..survey.study import Study
from ..words import all_languages

SEPARATOR = " | "


@dataclass
class Column:
    name: str
    numeric: bool
    label: dict[str, str]
    kind: str | None = None  # the check it counts


@dataclass
class FlagLayout:
    columns: list[Column] = field(default_factory=list)
    fill: Callable[[Any], list[Any]] = lambda rec: []


def checks(study: Study) -> list[str]:
    """The kinds of check the study makes, in the order of ``survey.quality.KINDS``."""
    quality = study.settings.quality
    found = set()
    for _, _, q in study.questions():
        if getattr(q, "attention", None) is not None or (isinstance(q, Matrix) and any(r.attention for r in q.rows)):
            found.add(ATTENTION)
        if isinstance(q, Matrix) and (q.straightlining or (q.straightlining is None and quality is not None and quality.straightlining is not None)):
            found.add(STRAIGHTLINING)
    speeding = quality.speeding if quality is not None else None
    if speeding is not None:
        if speeding.page_floor_s is not None or speeding.median_fraction is not None:
            found.add(SPEEDING_PAGE)
        if speeding.session_floor_s is not None or speeding.median_fraction is not None:
            found.add(SPEEDING_SESSION)
    return [kind for kind in KINDS if kind in found]


def layout(study: Study, languages: list[str]) -> FlagLayout:
    """The flags' columns and how a session record fills them (none when the study makes no check)."""
    kinds = checks(study)
    if not kinds:
        return FlagLayout()
    columns = [Column("flags", True, all_languages("flags", languages))]
    columns += [Column(f"flag_{kind}", True, all_languages(f"flag_{kind}", languages), kind) for kind in kinds]
    columns.append(Column("flag_reasons", False, all_languages("flag_reasons", languages)))

    def fill(rec: Any) -> list[Any]:
        flags = rec.flags
        counts = [sum(1 for kind, _ in flags if kind == wanted) for wanted in kinds]
        return [len(flags), *counts, SEPARATOR.join(reason for _, reason in flags) or None]

    return FlagLayout(columns, fill)
