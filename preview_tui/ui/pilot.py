"""Pilot mode for researchers: the engine's state beside the participant's screen, and a jump menu."""

from __future__ import annotations

import json

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ..flow import Flow
from ..survey.runner import item_name
from .literal import literal


class PilotPanel(Vertical):
    """Docked on the right of every participant screen of a pilot session."""

    def __init__(self, flow: Flow):
        super().__init__(id="pilot-panel")
        self.flow = flow

    def compose(self) -> ComposeResult:
        yield Label("PILOT · test data · F7 jumps", id="pilot-banner")
        if self.flow.throwaway_key:
            yield Label("NO USABLE SEALING KEY: sensitive answers are sealed with a throwaway key and can never be opened", id="pilot-seal-banner")
        with VerticalScroll():
            yield Static(literal(self.describe()), id="pilot-state")

    def describe(self) -> str:
        return "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False, default=str)}" for key, value in self.flow.runner.state().items())


class JumpScreen(ModalScreen[int | None]):
    """Every step of the study; the chosen one is shown next."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, flow: Flow):
        super().__init__()
        self.flow = flow

    def compose(self) -> ComposeResult:
        runner = self.flow.runner
        options = []
        for i, item in enumerate(runner.items):
            survey = getattr(item, "survey_id", "")
            label = f"{i + 1:>3}  {item.kind:<10} {survey + ' / ' if survey else ''}{item_name(item)}"
            options.append(Option(literal(label), id=str(i)))
        with Vertical(id="jump-box", classes="dialog"):
            yield Label("Jump to a step (pilot)", classes="title")
            yield OptionList(*options, id="jump-list")

    def on_mount(self) -> None:
        listing = self.query_one("#jump-list", OptionList)
        listing.highlighted = self.flow.runner.position
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
