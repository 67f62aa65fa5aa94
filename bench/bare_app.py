"""The baseline for bench/startup.py: a bare Textual app that draws one line."""

from textual.app import App, ComposeResult
from textual.widgets import Label


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Participant code")


if __name__ == "__main__":
    Bare().run()
