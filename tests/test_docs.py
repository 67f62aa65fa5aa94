"""docs/study-format.md is generated from the schema the loader uses; it must be current."""

from preview_tui.survey import docs, schema


def test_the_format_reference_is_up_to_date():
    assert docs.main(["--check"]) == 0, "run: python -m preview_tui.survey.docs"


def test_the_reference_names_every_key_and_question_type():
    text = docs.render()
    for _, models in docs.SECTIONS:
        for model in models:
            for name in model.model_fields:
                assert f"| `{name}` |" in text, (model.__name__, name)
    for qtype in schema.QUESTION_TYPES:
        assert f"`type: {qtype}`" in text
    documented = {m for _, models in docs.SECTIONS for m in models}
    for name in dir(schema):  # a model added to the schema but not to the reference fails here
        obj = getattr(schema, name)
        if isinstance(obj, type) and issubclass(obj, schema.BaseModel) and obj.__module__ in schema.MODEL_MODULES and obj not in (schema.Strict, schema.ChoiceBase):
            assert obj in documented, f"{name} is missing from docs.SECTIONS"
