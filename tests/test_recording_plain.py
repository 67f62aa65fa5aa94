"""A recording question in the plain line-by-line mode: nothing can be recorded there, so it says so and skips it."""

from preview_tui import seal
from preview_tui.survey.answers import NOT_AVAILABLE
from preview_tui.survey.study import load_study
from preview_tui.words import word
from recording_helpers import recording_study
from test_plain import END, START, walk


async def test_the_plain_mode_skips_a_recording_as_not_available(tmp_path):
    public, private = seal.generate()
    study = load_study(recording_study(tmp_path / "s", public))
    text, answers = await walk(tmp_path, study, [*START, "", "ok", "ok", "", *END])
    assert word("plain_recording", "en") in text and word("plain_type_anything", "en") in text
    assert word("required", "en") in text  # an empty line is no answer: the question is asked again
    key = seal.parse_private_key(private)
    assert {qid: seal.open_value(v, key) for qid, v in answers.items()} == {"face": NOT_AVAILABLE, "voice": NOT_AVAILABLE}
