"""The station's services, for every front end: the Textual app, a room's seats, the room's views and a
plain line-by-line mode tomorrow. Nothing here imports Textual or Rich (import-linter checks it), so a
rule that a moderator or a participant relies on is written once and tested once."""

from .session import Notice, Station, Withdrawal, withdrawal_question

__all__ = ["Notice", "Station", "Withdrawal", "withdrawal_question"]
