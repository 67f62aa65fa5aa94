"""XLSForm import: each question type, each translation rule and each reported failure, on forms written here."""

from __future__ import annotations

import pytest

from preview_tui.survey.expr import parse
from preview_tui.xlsform.translate import Field, bounds, condition
from preview_tui.xlsform.xpath import XPathError
from xlsform_helpers import imported, problems, questions

YN = [{"list_name": "yn", "name": "yes", "label::English (en)": "Yes", "label::French (fr)": "Oui", "label::German (de)": "Ja"},
      {"list_name": "yn", "name": "no", "label::English (en)": "No", "label::French (fr)": "Non", "label::German (de)": "Nein"}]
BANDS = [{"list_name": "band", "name": str(n), "label": f"Band {n}"} for n in (1, 2, 3)]


def labels(en: str, fr: str | None = None, de: str | None = None) -> dict:
    return {"label::English (en)": en, "label::French (fr)": fr or f"{en} (fr)", "label::German (de)": de or f"{en} (de)"}


def test_every_type_becomes_a_study_question_in_three_languages(tmp_path):
    survey = [
        {"type": "begin group", "name": "about", **labels("About you", "À propos", "Über Sie")},
        {"type": "note", "name": "intro", **labels("Please answer honestly.")},
        {"type": "select_one yn", "name": "member", "required": "yes", "hint::English (en)": "One answer", "hint::French (fr)": "Une réponse", "hint::German (de)": "Eine Antwort", **labels("Are you a member?")},
        {"type": "select_multiple yn", "name": "both", **labels("Pick any")},
        {"type": "integer", "name": "age", **labels("Age")},
        {"type": "decimal", "name": "spend", **labels("Spend")},
        {"type": "end group"},
        {"type": "text", "name": "why", **labels("Why?")},
        {"type": "date", "name": "when", **labels("When?")},
        {"type": "range", "name": "score", "parameters": "start=0 end=100 step=5", **labels("Score")},
        {"type": "rank yn", "name": "order", **labels("Rank them")},
    ]
    study, data = imported(tmp_path, survey, YN, {"form_title": "Panel", "form_id": "panel", "default_language": "English (en)"})
    assert study.config.study.languages == ["en", "fr", "de"] and study.id == "panel"
    q = questions(data)
    assert {k: v["type"] for k, v in q.items()} == {"member": "single", "both": "multi", "age": "numeric", "spend": "numeric", "why": "text", "when": "date", "score": "slider", "order": "ranking"}
    assert q["spend"]["decimal"] is True and "decimal" not in q["age"]
    assert (q["score"]["min"], q["score"]["max"], q["score"]["step"]) == (0, 100, 5)
    assert q["member"]["required"] is True and q["why"]["required"] is False  # XLSForm's default is not required
    assert q["member"]["text"] == {"en": "Are you a member?", "fr": "Are you a member? (fr)", "de": "Are you a member? (de)"}
    assert q["member"]["help"]["fr"] == "Please answer honestly. (fr)\n\nUne réponse"  # the note is shown with the next question
    assert data["choices"]["yn"] == [{"code": "yes", "label": {"en": "Yes", "fr": "Oui", "de": "Ja"}}, {"code": "no", "label": {"en": "No", "fr": "Non", "de": "Nein"}}]
    pages = [(p["id"], [x["id"] for x in p["questions"]]) for p in data["pages"]]
    assert pages == [("about", ["member", "both", "age", "spend"]), ("p_why", ["why"]), ("p_when", ["when"]), ("p_score", ["score"]), ("p_order", ["order"])]
    assert data["pages"][0]["title"] == {"en": "About you", "fr": "À propos", "de": "Über Sie"}


def test_numeric_choice_names_become_numeric_codes_and_relevant_follows_them(tmp_path):
    survey = [
        {"type": "select_one band", "name": "band", "label": "Band"},
        {"type": "text", "name": "more", "label": "Tell us more", "relevant": "${band} = '2' or selected(${band}, '3')"},
    ]
    study, data = imported(tmp_path, survey, BANDS)
    assert [o["code"] for o in data["choices"]["band"]] == [1, 2, 3]
    assert questions(data)["more"]["show_if"] == "band == 2 or selected(band, 3)"
    assert study.config.study.languages == ["en"]
    expr = parse(questions(data)["more"]["show_if"])
    assert expr.holds({"band": 2}) and expr.holds({"band": 3}) and not expr.holds({"band": 1}) and not expr.holds({})


NUM, MULTI, TEXT = Field("numeric"), Field("multi", {"a": "a", "b": "b"}), Field("text")
FIELDS = {"age": NUM, "pets": MULTI, "name": TEXT, "band": Field("single", {"1": 1, "2": 2})}


@pytest.mark.parametrize(
    "xpath, ours, true_for, false_for",
    [
        ("${age} >= 18", "age >= 18", {"age": 18}, {"age": 17}),
        ("${age} > 17 and ${age} < 65", "age > 17 and age < 65", {"age": 30}, {"age": 70}),
        ("${band} = '1' or ${band} != '2'", "band == 1 or band != 2", {"band": 1}, {"band": 2}),
        ("selected(${pets}, 'a')", 'selected(pets, "a")', {"pets": ["a"]}, {"pets": ["b"]}),
        ("not(selected(${pets}, 'b'))", 'not selected(pets, "b")', {"pets": ["a"]}, {"pets": ["b"]}),
        ("count-selected(${pets}) >= 2", "count(pets) >= 2", {"pets": ["a", "b"]}, {"pets": ["a"]}),
        ("${name} != ''", "answered(name)", {"name": "x"}, {"name": ""}),
        ("${name} = ''", "not answered(name)", {}, {"name": "x"}),
        ("string-length(${name}) > 3", "count(name) > 3", {"name": "abcd"}, {"name": "ab"}),
        ("(${age} + 1) * 2 div 4 >= 10", "(age + 1) * 2 / 4 >= 10", {"age": 20}, {"age": 1}),
        ("${age} >= 18 and (${band} = '1' or ${band} = '2')", "age >= 18 and (band == 1 or band == 2)", {"age": 20, "band": 2}, {"age": 20}),
        ("${name} = \"O'Hara\"", "name == \"O'Hara\"", {"name": "O'Hara"}, {"name": "x"}),
        ("true()", "true", {}, None),
    ],
)
def test_relevant_in_the_study_expression_language(xpath, ours, true_for, false_for):
    text, names = condition(xpath, FIELDS)
    assert text == ours
    assert names <= set(FIELDS)
    expr = parse(text)  # the study's own parser reads it, and it means what the form meant
    assert expr.holds(true_for)
    if false_for is not None:
        assert not expr.holds(false_for)


@pytest.mark.parametrize(
    "xpath, why",
    [
        ("today() > ${age}", "today() has no counterpart"),
        ("regex(${name}, '^a')", "regex() has no counterpart"),
        ("${age} mod 2 = 0", "'mod' has no counterpart"),
        ("../age > 1", "paths"),
        ("${nobody} = 1", "${nobody} is not a question"),
        ("${band} = '7'", "'7' is not a choice"),
        ("${age} >", "ends too early"),
        ("age > 1", "refer to questions as ${name}"),
    ],
)
def test_what_cannot_be_translated_says_why(xpath, why):
    with pytest.raises(XPathError, match=why.replace("(", r"\(").replace(")", r"\)").replace("$", r"\$").replace("{", r"\{").replace("}", r"\}")):
        condition(xpath, FIELDS)


@pytest.mark.parametrize(
    "constraint, kind, expected",
    [
        (". >= 0 and . <= 120", "numeric", {"min": 0, "max": 120}),
        (". > 17", "numeric", {"min": 18}),
        ("18 <= .", "numeric", {"min": 18}),
        (". >= -5.5 and . <= 2.5", "decimal", {"min": -5.5, "max": 2.5}),
        ("string-length(.) <= 60", "text", {"max_length": 60}),
        ("string-length(.) > 2", "text", {"min_length": 3}),
        ("count-selected(.) >= 1 and count-selected(.) <= 3", "multi", {"min_selected": 1, "max_selected": 3}),
        (". >= date('2020-01-01') and . <= '2026-12-31'", "date", {"min": "2020-01-01", "max": "2026-12-31"}),
    ],
)
def test_constraints_become_bounds(constraint, kind, expected):
    assert bounds(constraint, kind) == expected


@pytest.mark.parametrize(
    "constraint, kind, why",
    [
        (". > 0", "decimal", "leaves out its bound"),
        (". >= 1 or . <= 0", "numeric", "joined by 'and'"),
        (". <= ${age}", "numeric", "fixed number"),
        ("regex(., '[a-z]+')", "text", "joined by 'and'"),
        (". >= today()", "date", "fixed date"),
        (". >= 1", "single", "single question"),
        ("string-length(.) < 3", "multi", "does not apply"),
    ],
)
def test_constraints_that_are_not_bounds_are_refused(constraint, kind, why):
    with pytest.raises(XPathError, match=why):
        bounds(constraint, kind)


def test_constraint_message_and_required_message_become_the_questions_messages(tmp_path):
    survey = [
        {"type": "integer", "name": "age", "label::English (en)": "Age", "label::German (de)": "Alter", "required": "true",
         "constraint": ". >= 18 and . <= 99", "constraint_message::English (en)": "18 to 99", "constraint_message::German (de)": "18 bis 99",
         "required_message::English (en)": "Needed", "required_message::German (de)": "Nötig"},
        {"type": "text", "name": "nick", "label::English (en)": "Nickname", "label::German (de)": "Spitzname", "constraint": "string-length(.) <= 12",
         "constraint_message::English (en)": "Too long", "constraint_message::German (de)": "Zu lang"},
    ]
    study, data = imported(tmp_path, survey)
    q = questions(data)
    assert (q["age"]["min"], q["age"]["max"]) == (18, 99)
    assert q["age"]["messages"] == {"out_of_range": {"en": "18 to 99", "de": "18 bis 99"}, "required": {"en": "Needed", "de": "Nötig"}}
    assert q["nick"]["max_length"] == 12 and q["nick"]["messages"] == {"too_long": {"en": "Too long", "de": "Zu lang"}}
    assert study.config.study.languages == ["en", "de"]
    from preview_tui.survey.answers import check

    loaded = {x.id: x for _, _, x in study.questions()}
    assert check(loaded["age"], 17)[0] == "out_of_range" and check(loaded["age"], 100)[0] == "out_of_range" and check(loaded["age"], 18) is None
    assert loaded["age"].messages["out_of_range"]["de"] == "18 bis 99"  # what the participant reads when the engine refuses it
    assert check(loaded["nick"], "x" * 13)[0] == "too_long" and check(loaded["nick"], "x" * 12) is None


def test_piping_and_braces(tmp_path):
    survey = [
        {"type": "begin group", "name": "g", "label": "Page"},
        {"type": "text", "name": "name", "label": "Your name {first}"},
        {"type": "integer", "name": "age", "label": "How old are you, ${name}?"},
        {"type": "end group"},
    ]
    _, data = imported(tmp_path, survey)
    q = questions(data)
    assert q["name"]["text"] == "Your name {{first}}" and q["age"]["text"] == "How old are you, {name}?"
    # A label that pipes an answer of its own page starts the next page, so the answer is known when it is shown.
    assert [[x["id"] for x in p["questions"]] for p in data["pages"]] == [["name"], ["age"]]
    assert data["pages"][1]["id"] == "g_2" and data["pages"][1]["title"] == "Page"


def test_a_split_page_repeats_its_title_in_full(tmp_path):
    survey = [
        {"type": "begin group", "name": "g", **labels("Page")},
        {"type": "text", "name": "name", **labels("Name")},
        {"type": "integer", "name": "age", **labels("Age, ${name}?")},
        {"type": "end group"},
    ]
    _, data = imported(tmp_path, survey)
    assert data["pages"][0]["title"] == data["pages"][1]["title"] == {"en": "Page", "fr": "Page (fr)", "de": "Page (de)"}
    assert "&id" not in (tmp_path / "study" / "surveys" / "form.yaml").read_text(encoding="utf-8")  # written out, not as a YAML alias


def test_groups_nested_and_relevant_make_pages_with_both_conditions(tmp_path):
    survey = [
        {"type": "integer", "name": "age", "label": "Age"},
        {"type": "begin group", "name": "adult", "label": "Adults", "relevant": "${age} >= 18"},
        {"type": "text", "name": "job", "label": "Job"},
        {"type": "begin group", "name": "senior", "relevant": "${age} >= 65"},
        {"type": "text", "name": "pension", "label": "Pension"},
        {"type": "end group"},
        {"type": "text", "name": "car", "label": "Car", "relevant": "${job} != ''"},
        {"type": "end group"},
    ]
    _, data = imported(tmp_path, survey)
    pages = {p["id"]: p for p in data["pages"]}
    assert list(pages) == ["p_age", "adult", "senior", "adult_2"]
    assert pages["adult"]["show_if"] == "age >= 18" and pages["senior"]["show_if"] == "(age >= 18) and (age >= 65)"
    assert pages["senior"]["title"] == "Adults" and questions(data)["car"]["show_if"] == "answered(job)"


def test_or_other_is_the_options_please_specify(tmp_path):
    survey = [{"type": "select_one yn or_other", "name": "fav", "label": "Favourite"}]
    choices = [{"list_name": "yn", "name": n, "label": n.title()} for n in ("yes", "no")]
    _, data = imported(tmp_path, survey, choices)
    assert [p["questions"][0]["id"] for p in data["pages"]] == ["fav"]  # no separate "fav_other" text question
    assert data["choices"]["yn"][-1] == {"code": "other", "label": "Other", "other": True}


def test_metadata_is_left_out_with_a_note(tmp_path):
    from preview_tui.xlsform import import_form
    from xlsform_helpers import write_form

    form = write_form(tmp_path / "f.xlsx", [{"type": "start", "name": "started"}, {"type": "text", "name": "t", "label": "T"}], settings={"instance_name": "x"})
    report = import_form(form, tmp_path / "out", shown_as="F.xlsx")
    assert [str(n) for n in report.notes] == ["F.xlsx:survey:2: 'start' is left out: the app records each session's times and station itself", "F.xlsx:settings:2: 'instance_name' is left out: it has no meaning for a study"]


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([{"type": "geopoint", "name": "where", "label": "Where"}], "FORM.xlsx:survey:3: the type 'geopoint' cannot be imported"),
        ([{"type": "image", "name": "photo", "label": "Photo"}], "FORM.xlsx:survey:3: the type 'image' cannot be imported"),
        ([{"type": "calculate", "name": "c", "label": "", "calculation": "1 + 1"}], "FORM.xlsx:survey:3: the type 'calculate' cannot be imported"),
        ([{"type": "begin repeat", "name": "kids", "label": "Kids"}, {"type": "text", "name": "kid", "label": "Kid"}, {"type": "end repeat"}], "FORM.xlsx:survey:3: the type 'begin repeat' cannot be imported"),
        ([{"type": "integer", "name": "n", "label": "N", "default": "3"}], "FORM.xlsx:survey:3: a default answer cannot be imported"),
        ([{"type": "integer", "name": "n", "label": "N", "relevant": "today() > 1"}], "FORM.xlsx:survey:3: relevant 'today() > 1' cannot be translated: today() has no counterpart in preview-tui's expressions"),
        ([{"type": "integer", "name": "n", "label": "N", "constraint": ". != 3"}], "FORM.xlsx:survey:3: constraint '. != 3' cannot be imported"),
        ([{"type": "integer", "name": "n", "label": "N", "required": "${ok} = 'yes'"}], "FORM.xlsx:survey:3: required depends on a condition"),
        ([{"type": "note", "name": "warn", "label": "Careful", "relevant": "${ok} = 'yes'"}, {"type": "text", "name": "t", "label": "T"}], "FORM.xlsx:survey:3: a note with relevant cannot be imported"),
        ([{"type": "integer", "name": "my-age", "label": "Age"}], "FORM.xlsx:survey:3: the name 'my-age' cannot be a question id"),
        ([{"type": "start", "name": "began"}, {"type": "text", "name": "t", "label": "Since ${began}"}], "FORM.xlsx:survey:4: ${began} is piped, but it is not a question of the imported study"),
        ([{"type": "text", "name": "t", "label": "Hello ${nobody}"}], "FORM.xlsx:survey:3: On the 'survey' sheet, the 'label' value is invalid"),  # pyxform's own check
        ([{"type": "text", "name": "t", "label::English (en)": "Hi", "label::Spanish (es)": "Hola"}], "FORM.xlsx:survey:1: the language(s) Spanish (es) are not among the app's"),
        ([{"type": "text", "name": "t", "label::Español (es)": "Hola"}], "FORM.xlsx:survey:1: the language(s) Español (es) are not among the app's"),
        ([{"type": "text", "name": "t", "label::English (en)": "Hi", "label::French (fr)": "Salut"}, {"type": "text", "name": "u", "label::English (en)": "Only English"}], "FORM.xlsx:survey:4: label: no text in fr"),
        ([{"type": "select_one yn", "name": "q", "label": "Q", "choice_filter": "name != 'no'"}], "FORM.xlsx:survey:3: choice_filter cannot be imported"),
        ([{"type": "select_one odd", "name": "q", "label": "Q"}], "FORM.xlsx:choices:4: the choice name 'a-b' cannot be an answer code"),
        ([{"type": "select_one single", "name": "q", "label": "Q"}], "FORM.xlsx:survey:3: the list 'single' needs at least 2 choices"),
        ([{"type": "select_one_from_file towns.csv", "name": "q", "label": "Q"}], "FORM.xlsx:survey:3: choices from a file (towns.csv) cannot be imported"),
    ],
)
def test_what_cannot_be_imported_is_reported_at_its_row_and_nothing_is_written(tmp_path, rows, expected):
    survey = [{"type": "select_one yn", "name": "ok", "label": "OK?"}, *rows]
    choices = [*({"list_name": "yn", "name": n, "label": n} for n in ("yes", "no")), {"list_name": "odd", "name": "a-b", "label": "A"}, {"list_name": "odd", "name": "c", "label": "C"}, {"list_name": "single", "name": "x", "label": "X"}]
    found = problems(tmp_path, survey, choices)
    assert any(p.startswith(expected) for p in found), found


def test_a_default_language_the_app_lacks_is_reported_even_for_plain_labels(tmp_path):
    found = problems(tmp_path, [{"type": "text", "name": "t", "label": "Hola"}], settings={"form_id": "f", "default_language": "Spanish (es)"})
    assert found == ["FORM.xlsx:settings:2: default_language Spanish (es) is not among the app's languages: English (en), French (fr), German (de)"]


def test_settings_public_key_is_refused(tmp_path):
    found = problems(tmp_path, [{"type": "text", "name": "t", "label": "T"}], settings={"form_id": "f", "public_key": "MIIB"})
    assert found == ["FORM.xlsx:settings:2: encrypting submissions with public_key cannot be imported: mark sensitive questions and give the study a sealing key instead"]


def test_pyxform_s_own_errors_are_located(tmp_path):
    found = problems(tmp_path, [{"type": "begin group", "name": "g", "label": "G"}, {"type": "text", "name": "t", "label": "T"}])
    assert len(found) == 1 and found[0].startswith("FORM.xlsx:survey:2: ") and "group" in found[0].lower()


def test_a_file_that_is_not_a_workbook_gives_a_reason(tmp_path):
    from preview_tui.xlsform import ImportFailed, import_form

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook at all")
    with pytest.raises(ImportFailed) as caught:
        import_form(bad, tmp_path / "out", shown_as="bad.xlsx")
    (problem,) = caught.value.report.problems
    assert str(problem).startswith("bad.xlsx: ") and not (tmp_path / "out").exists()


def test_a_plain_label_beside_translations_is_the_default_language(tmp_path):
    survey = [{"type": "text", "name": "t", "label": "Hello", "label::French (fr)": "Bonjour"}]
    study, data = imported(tmp_path, survey, settings={"form_id": "f", "default_language": "English (en)"})
    assert study.config.study.languages == ["en", "fr"] and questions(data)["t"]["text"] == {"en": "Hello", "fr": "Bonjour"}
    (tmp_path / "fr").mkdir()
    study, data = imported(tmp_path / "fr", [{"type": "text", "name": "t", "label::Deutsch": "Hallo", "label::Français": "Salut"}], settings={"form_id": "f", "default_language": "Français"})
    assert study.config.study.languages == ["fr", "de"] and questions(data)["t"]["text"] == {"fr": "Salut", "de": "Hallo"}


def test_equality_on_a_multiple_choice_is_refused_and_randomize_is_kept(tmp_path):
    with pytest.raises(XPathError, match="selected"):
        condition("${pets} = 'a'", FIELDS)
    survey = [{"type": "select_multiple yn", "name": "m", "label": "M", "parameters": "randomize=true"}]
    _, data = imported(tmp_path, survey, [{"list_name": "yn", "name": n, "label": n} for n in ("y", "n")])
    assert questions(data)["m"]["randomize"] is True
    (tmp_path / "seed").mkdir()
    found = problems(tmp_path / "seed", [{"type": "select_one yn", "name": "s", "label": "S", "parameters": "randomize=true seed=7"}], [{"list_name": "yn", "name": n, "label": n} for n in ("y", "n")])
    assert any("the parameter 'seed' cannot be imported" in p for p in found), found
