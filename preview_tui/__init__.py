"""preview-tui: moderated audience research in the terminal."""

__version__ = "0.1.0"
