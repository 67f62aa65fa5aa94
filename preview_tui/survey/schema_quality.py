"""The shape of a study's data-quality checks: instructed responses, straight-lining and speeding.

A question (or a matrix row) carries ``attention``; ``config.yaml``'s ``study.quality`` sets
straight-lining and speeding for the whole study. Each failed check is a flag stored with the
session (``survey/quality.py`` decides them); with ``screen_out`` it also ends the session.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .schema_base import Code, Ident, Strict


class Attention(Strict):
    """An instructed-response item ("choose 'Agree' here"): an answer other than ``expect`` is flagged.

    A single or image choice passes with that option, a multi with that option alone, a ranking
    with that option first, a matrix row with that point of the scale.
    """

    expect: Code = Field(description="the option (for a matrix row: the scale's point) the instruction asks for")
    screen_out: Ident | None = Field(None, description="screen the participant out with this reason code when the check fails")


class StraightLining(Strict):
    """Every row of a matrix given the same answer."""

    min_rows: int = Field(5, ge=2, le=1000, description="a matrix is checked when at least this many of its rows were answered")
    screen_out: Ident | None = Field(None, description="screen the participant out with this reason code when the check fails")


class Speeding(Strict):
    """A page or a whole session answered faster than a floor, or than a fraction of the usual time."""

    page_floor_s: float | None = Field(None, gt=0, le=3600, description="a page submitted in fewer seconds than this is flagged")
    session_floor_s: float | None = Field(None, gt=0, le=86400, description="a session completed in fewer seconds than this is flagged")
    median_fraction: float | None = Field(None, gt=0, lt=1, description="a page or session under this fraction of the median of completed sessions is flagged")
    median_min_sessions: int = Field(10, ge=1, le=100000, description="the median rule applies once this many completed sessions are counted")
    screen_out: Ident | None = Field(None, description="screen the participant out with this reason code when a page or the session is flagged")

    @model_validator(mode="after")
    def _some_rule(self) -> "Speeding":
        if self.page_floor_s is None and self.session_floor_s is None and self.median_fraction is None:
            raise ValueError("speeding needs page_floor_s, session_floor_s or median_fraction")
        return self


class Quality(Strict):
    """The study's checks of data quality; every failed check is a flag with its reason, stored with the session."""

    straightlining: StraightLining | None = Field(None, description="check every matrix with enough rows answered (a matrix's own straightlining: false leaves it out)")
    speeding: Speeding | None = Field(None, description="flag pages and sessions answered too fast")
