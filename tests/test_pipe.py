"""Piped texts: filled in a session, neutral in labels outside one."""

from preview_tui.survey.pipe import neutral, pipe


def test_a_label_outside_a_session_names_what_would_be_piped():
    assert neutral("You enjoy {genres}. Which one?") == "You enjoy [genres]. Which one?"
    assert neutral("You gave it {trailer_rating|–} of 5") == "You gave it [trailer_rating] of 5"
    assert neutral("{participant.code|You}: what first?") == "[participant.code]: what first?"
    assert neutral("Braces {{as written}} stay") == "Braces {as written} stay"
    assert neutral("nothing piped") == "nothing piped"


def test_in_a_session_the_same_text_is_filled_or_falls_back():
    answers = {"genres": "Drama", "trailer_rating": None}
    assert pipe("You enjoy {genres}.", answers.get) == "You enjoy Drama."
    assert pipe("You gave it {trailer_rating|–} of 5", answers.get) == "You gave it – of 5"
