"""The shape of a study's files, as pydantic models.

``config.yaml`` holds the study and the station's settings, ``screens/*.yaml``
the screening (its ordered steps) and ``surveys/*.yaml`` the questionnaires.
Unknown keys are errors (a misspelt key must not be silently ignored).

The models live in ``schema_base.py`` (what every file shares),
``schema_questions.py`` (questionnaires) and ``schema_study.py`` (screenings
and settings); this module is the one place the rest of the code takes them from.
"""

from __future__ import annotations

from pydantic import BaseModel

from .schema_base import LANGUAGES, Code, Condition, Ident, Lang, ScreenOut, Strict, Text
from .schema_questions import (
    CHOICE_TYPES,
    MESSAGE_KEYS,
    NPS,
    QUESTION_TYPES,
    SCALE_LIMIT,
    SENSITIVE_CATEGORIES,
    Block,
    Calculation,
    ChoiceBase,
    DateQuestion,
    ImageChoice,
    Matrix,
    MultipleChoice,
    Numeric,
    OpenText,
    Option,
    Page,
    Question,
    QuestionBase,
    Ranking,
    Rating,
    Recording,
    Sensitive,
    SingleChoice,
    Slider,
    Special,
    Survey,
)
from .schema_quality import Attention, Quality, Speeding, StraightLining
from .schema_study import (
    MAX_QUOTA_CELLS,
    STEP_TYPES,
    ClipStep,
    Config,
    Consent,
    DataCategory,
    DialSettings,
    Frame,
    PlaybackSettings,
    Quota,
    Rewards,
    Screening,
    Sealing,
    StationSettings,
    Step,
    StimulusOrder,
    StoryboardStep,
    StudySettings,
    SurveyStep,
)

# The modules that define the study's models (the format reference checks it documents each one).
MODEL_MODULES = (__name__, f"{__package__}.schema_base", f"{__package__}.schema_questions", f"{__package__}.schema_study", f"{__package__}.schema_quality")

__all__ = [
    "BaseModel", "LANGUAGES", "Code", "Condition", "Ident", "Lang", "ScreenOut", "Strict", "Text",
    "CHOICE_TYPES", "MESSAGE_KEYS", "NPS", "QUESTION_TYPES", "SCALE_LIMIT", "SENSITIVE_CATEGORIES", "Block", "Calculation",
    "ChoiceBase", "DateQuestion", "ImageChoice", "Matrix", "MultipleChoice", "Numeric", "OpenText", "Option", "Page",
    "Question", "QuestionBase", "Ranking", "Rating", "Recording", "Sensitive", "SingleChoice", "Slider", "Special", "Survey",
    "MAX_QUOTA_CELLS", "STEP_TYPES", "ClipStep", "Config", "Consent", "DataCategory", "DialSettings", "Frame",
    "PlaybackSettings", "Quota", "Rewards", "Screening", "Sealing", "StationSettings", "Step", "StimulusOrder",
    "StoryboardStep", "StudySettings", "SurveyStep", "MODEL_MODULES", "Attention", "Quality", "Speeding", "StraightLining",
]
