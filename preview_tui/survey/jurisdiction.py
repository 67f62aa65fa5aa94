"""Where the room is: the age of majority that the age gate asks for.

A station names its jurisdiction in ``station.jurisdiction`` (an ISO 3166
country code, or country-subdivision such as ``us-ca``). Adults only take
part: the age gate asks for the age of majority of that place, unless the
study sets a higher ``minimum_age``.
"""

from __future__ import annotations

DEFAULT_AGE_OF_MAJORITY = 18

# Places whose age of majority is not 18.
AGE_OF_MAJORITY = {
    "us-al": 19,  # Alabama
    "us-ne": 19,  # Nebraska
    "us-ms": 21,  # Mississippi
    "ca-bc": 19,  # British Columbia
    "ca-nb": 19,  # New Brunswick
    "ca-nl": 19,  # Newfoundland and Labrador
    "ca-ns": 19,  # Nova Scotia
    "ca-nt": 19,  # Northwest Territories
    "ca-nu": 19,  # Nunavut
    "ca-yt": 19,  # Yukon
    "kr": 19,  # South Korea
}


def age_of_majority(jurisdiction: str | None) -> int:
    if not jurisdiction:
        return DEFAULT_AGE_OF_MAJORITY
    return AGE_OF_MAJORITY.get(jurisdiction.lower(), DEFAULT_AGE_OF_MAJORITY)


def minimum_age(study_minimum: int | None, jurisdiction: str | None) -> int:
    """The age a participant must have reached: the place's age of majority, or the study's higher minimum."""
    return max(age_of_majority(jurisdiction), study_minimum or 0)
