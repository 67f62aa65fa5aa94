"""Exports of a study's data (CSV, JSON, SPSS, Stata) and its codebook.

``variables`` derives the variables from the study (shared by the exports and
the codebook, so the names match), ``records`` reads the eligible sessions of
a station file or the central database, ``writers`` writes each format,
``run.export`` puts them together and ``codebook`` writes the data dictionary.
Never imports Textual or Rich: the command line shows the progress.
"""
