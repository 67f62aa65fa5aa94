"""Results of a study: what the answers and the dial say, for the moderator console and ``preview-tui report``.

- ``source.py`` reads the eligible sessions (never test data unless asked,
  never withdrawn participants) from a station's SQLite file or the central
  PostgreSQL database, with their answers, clip exposure and dial samples.
- ``values.py`` is the one place a stored answer value is read (a sealed value
  is opened with a key, or left out and counted as sealed).
- ``numbers.py`` computes the report: distributions, histograms, NPS,
  outcomes, screen-outs, quota cells and the mean dial traces.
- ``terminal.py`` draws it with plotext; ``files.py`` writes PNG, SVG or HTML
  with matplotlib.

Numbers and drawing are kept apart: nothing here imports Textual.
"""

from .numbers import Report, build_report
from .source import ReportSourceError, read_sessions

__all__ = ["Report", "ReportSourceError", "build_report", "read_sessions"]
