"""Results of a study: what the answers and the dial say, for the moderator console and ``preview-tui report``.

- ``source.py`` reads the eligible sessions (never test data unless asked,
  never withdrawn participants) from a station's SQLite file or the central
  PostgreSQL database through the store's reader (``db/sessions.py``), with
  their answers (a sealed one opened with a key, or counted as sealed), clip
  exposure and dial samples.
- ``numbers.py`` computes the report: distributions, histograms, NPS,
  outcomes, screen-outs, quota cells and the mean dial traces.
- ``terminal.py`` draws it with plotext; ``files.py`` writes PNG, SVG or HTML
  with matplotlib.

Numbers and drawing are kept apart: nothing here imports Textual.
"""

from .numbers import Report, build_report
from ..db.reader import SourceError
from .source import read_sessions

__all__ = ["Report", "SourceError", "build_report", "read_sessions"]
