"""What every part of a study's files shares: names, texts, codes, conditions, and strict models."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from .expr import parse

LANGUAGES = ("en", "fr", "de")
Lang = Literal["en", "fr", "de"]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]
# An option's code: a whole number or a word; never a boolean (YAML 1.1 reads `no` as false, which is 0).
Code = Union[StrictInt, Ident]
# A participant-facing text: one string for every language, or one per language.
Text = Union[str, dict[Lang, str]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_expr(value: str | None) -> str | None:
    if value is not None:
        parse(value)  # an ExprError (a ValueError) carries the column for the located message
    return value


Condition = Annotated[str, Field(description="an expression in the study's expression language")]


class ScreenOut(Strict):
    when: Condition
    reason: Ident = Field(description="the reason code stored with the screened-out session")

    _when = field_validator("when")(check_expr)

