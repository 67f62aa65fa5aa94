"""What an export is made of: its variables, filled in groups from each session, and the study's missing-value codes.

The writers and the codebook read these; ``variables.layout`` builds them from a study.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..survey.study import Study
from ..words import all_languages
from ..db.sessions import SessionRecord

NUMERIC, TEXT, DATETIME = "numeric", "text", "datetime"
MAX_SPECIALS = 17  # codes left in a band of 20 after screened out, not shown and sealed


class ExportError(Exception):
    """An export that cannot be made; the message is one line for the researcher."""


@dataclass(frozen=True)
class Codes:
    """The missing-value codes of one study: a band of 20 negative numbers below every valid value.

    The band is -99 to -80 unless the study declares valid values that low (a
    slider from -100, an option coded -90): then -999 to -980, and so on.
    ``screened_out`` is the band's lowest code, then ``not_shown``, ``sealed``,
    and the special answers in the order the study first uses them. In Stata
    they are extended missing values: screened out ``.z``, not shown ``.y``,
    sealed ``.x``, special answers ``.a``, ``.b``, ...
    """

    base: int
    specials: dict[str, int]
    special_labels: dict[str, dict[str, str]]

    @property
    def screened_out(self) -> int:
        return -self.base

    @property
    def not_shown(self) -> int:
        return -self.base + 1

    @property
    def sealed(self) -> int:
        return -self.base + 2

    @property
    def band(self) -> tuple[int, int]:
        return -self.base, -self.base + 2 + MAX_SPECIALS

    def stata_letter(self, code: int) -> str:
        offset = code + self.base
        return {0: "z", 1: "y", 2: "x"}.get(offset) or chr(ord("a") + offset - 3)

    def labels(self, code: int, languages: list[str]) -> dict[str, str]:
        for key, number in (("screened_out", self.screened_out), ("not_shown", self.not_shown), ("sealed", self.sealed)):
            if code == number:
                return all_languages(key, languages)
        name = next(n for n, c in self.specials.items() if c == code)
        return self.special_labels[name]


@dataclass
class Variable:
    name: str
    kind: str  # NUMERIC, TEXT or DATETIME
    label: dict[str, str]  # by language
    values: dict[int | float, dict[str, str]] = field(default_factory=dict)  # value labels (missing codes included), by language
    missing: tuple[int, ...] = ()  # the missing-value codes it can hold
    source: str = "session"  # session, order, question, specify, calculation, clip, storyboard
    question: str | None = None  # the question, calculation or step it comes from
    question_type: str | None = None
    survey: str | None = None
    page: str | None = None
    shown_if: tuple[str, ...] = ()  # the conditions (block, page, question) that show it
    sensitive: str | None = None
    stored: dict[int, Any] = field(default_factory=dict)  # number -> code as stored, where they differ
    categorical: bool | None = None  # its valid values are labelled categories; None: whether any valid value has a label

    @property
    def is_categorical(self) -> bool:
        """A number whose valid values are categories with labels (not a count, a measure, or a scale with labelled ends)."""
        if self.kind != NUMERIC:
            return False
        if self.categorical is not None:
            return self.categorical
        return any(code not in self.missing for code in self.values)

    @property
    def level(self) -> str:
        """The measurement level SPSS is told: ratings and ranks ordinal, labelled categories nominal, other numbers scale."""
        if self.kind != NUMERIC:
            return "nominal"
        if self.question_type in ("rating", "ranking"):
            return "ordinal"
        return "nominal" if self.is_categorical else "scale"

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or next(iter(self.label.values()), "")

    def value_labels_in(self, lang: str) -> dict[int | float, str]:
        return {code: texts.get(lang) or texts.get("en") or next(iter(texts.values()), "") for code, texts in self.values.items()}


Fill = Callable[[SessionRecord], list[Any]]


@dataclass
class Group:
    """Variables filled together from one session (the columns of one question, say)."""

    variables: list[Variable]
    fill: Fill


@dataclass
class Layout:
    study: Study
    codes: Codes
    groups: list[Group]

    @property
    def variables(self) -> list[Variable]:
        return [v for g in self.groups for v in g.variables]

    @property
    def names(self) -> list[str]:
        return [v.name for g in self.groups for v in g.variables]

    def row(self, record: SessionRecord) -> list[Any]:
        out: list[Any] = []
        for group in self.groups:
            try:
                out.extend(group.fill(record))
            except (TypeError, ValueError, KeyError) as exc:  # a stored value of a shape the question never takes
                raise ExportError(f"session {record.id.hex}: the stored data for '{group.variables[0].question}' cannot be read ({exc}); was the study changed after these data were collected?") from None
        return out
