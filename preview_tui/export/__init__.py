"""Exports of a study's data (CSV, JSON, SPSS, Stata) and its codebook.

``variables`` derives the variables from the study (shared by the exports and
the codebook, so the names match), ``writers`` writes each format,
``run.export`` puts them together and ``codebook`` writes the data dictionary.
The sessions are read through the store's one reader (``db/reader.py`` opens
a station file or the central database, ``db/sessions.py`` reads them).
Never imports Textual or Rich: the command line shows the progress.
"""
