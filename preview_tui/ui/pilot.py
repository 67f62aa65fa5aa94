"""Pilot mode for researchers: the engine's state beside the participant's screen, and a jump menu."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ..flow import Flow
from ..survey.runner import item_name
from .literal import literal
from .themes import PARTICIPANT_CSS


def _plain(value: object) -> str:
    """A value as a researcher reads it: lists joined, text without quotes, objects as key=value."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) or "(none)"
    if isinstance(value, dict):
        if "sealed" in value:
            return "(sealed)"
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items()) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "(empty)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
        """The engine's state as a researcher reads it: one line per answer, clip and order."""
        runner = self.flow.runner
        item = runner.current
        survey = getattr(item, "survey_id", "")
        lines = [f"Step {runner.position + 1} of {len(runner.items)}: {item.kind}", f"  {survey + ' / ' if survey else ''}{item_name(item)}".rstrip()]
        state = runner.state()
        people = state.get("participant") or {}
        if people:
            lines += ["", "Participant"] + [f"  {key}: {_plain(value)}" for key, value in people.items() if value not in (None, "")]
        answers = state.get("answers") or {}
        lines += ["", f"Answers ({len(answers)})"] + ([f"  {key} = {_plain(value)}" for key, value in answers.items()] or ["  none yet"])
        exposure = state.get("exposure") or {}
        if exposure:
            lines += ["", "Clips"] + [f"  {key}: {_plain(value)}{' %' if key.startswith('watched.') else ''}" for key, value in exposure.items()]
        orders = state.get("orders") or {}
        if orders:
            lines += ["", "Orders"] + [f"  {key}: {_plain(value)}" for key, value in orders.items()]
        lines += ["", "Full quotas: " + (", ".join(state.get("full quotas") or []) or "none")]
        warned = state.get("warned") or []
        if warned:
            lines.append("Warned (left empty): " + ", ".join(warned))
        return "\n".join(lines)


class JumpScreen(ModalScreen[int | None]):
    """Every step of the study; the chosen one is shown next."""

    CSS_PATH = PARTICIPANT_CSS

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
