"""A small study with every kind of exported variable, and sessions scripted into a real station file."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.seal import generate, parse_private_key
from preview_tui.survey.study import Study, load_study
from studies import opts, page, q, write_study

PREFER_NOT = {"code": "prefer_not", "label": {"en": "Prefer not to say", "fr": "Je préfère ne pas répondre"}}
DONT_KNOW = {"code": "dont_know", "label": {"en": "Don't know", "fr": "Je ne sais pas"}}

# The study seals its sensitive answer (spend) with this pair's public key; exports open it with the private one.
PUBLIC_KEY, PRIVATE_KEY_TEXT = generate()
PRIVATE_KEY = parse_private_key(PRIVATE_KEY_TEXT)


def export_study(root: Path) -> Study:
    gender = q("gender", "single", text={"en": "Gender?", "fr": "Genre ?"}, special=[PREFER_NOT],
               options=[{"code": "f", "label": {"en": "Woman", "fr": "Femme"}}, {"code": "m", "label": {"en": "Man", "fr": "Homme"}}])
    pages = [
        page("about", q("age", "single", options=opts(1, 2, 3), screen_out=[{"when": "age == 1", "reason": "too_young"}]), gender),
        page(
            "taste",
            q("genres", "multi", options=opts("drama", "thriller", "other", other={"other": True}), randomize=True),
            q("grid", "matrix", rows=opts("pace", "music"), scale=opts(1, 2, 3), required=False),
            q("rank", "ranking", options=opts("a", "b", "c"), required=False),
            q("rating", "rating", points=5, special=[DONT_KNOW], labels=["1", "2", "3", "4", {"en": "Loved it", "fr": "Adoré"}]),
            q("spend", "numeric", decimal=True, min=0, special=[DONT_KNOW], sensitive="finances", required=False),
            q("when", "date", required=False),
            calculate=[{"id": "fan", "value": "rating >= 4"}],
        ),
        page("end", q("why", "text", show_if="rating <= 2", required=False), q("comment", "text", required=False)),
    ]
    steps = [{"type": "clip", "id": "teaser", "title": {"en": "Teaser", "fr": "Bande-annonce"}, "file": "t.mp4", "dial": True}, {"type": "survey", "survey": "s"}]
    return load_study(write_study(root, pages, steps=steps, languages=["en", "fr"], id="tasting", sealing={"public_key": PUBLIC_KEY}, title={"en": "Tasting", "fr": "Dégustation"}))


async def take(study: Study, store: Store, code: str, pages: list[dict[str, Any]], *, language: str = "en", is_test: bool = False, dial: list[int] = (50, 60, 70)):
    """One participant: language, consent, the clip (with the dial) and then ``pages`` in turn (as far as they go)."""
    flow = await Flow.start(study, store, Participant(code=code, room="R1", seat="S" + code, is_test=is_test), station="st")
    await flow.choose_language(language)
    await flow.consent(True)
    await flow.record("clip_play", detail={"play": 1})
    samples = [SimpleNamespace(seq=k, segment=0, media_ms=100 * k, mono=10.0 + k / 10, value=v) for k, v in enumerate(dial)]
    await flow.record_dial("teaser", 1, samples)
    await flow.record("clip_exposure", detail={"play": 1, "percent_watched": 100.0, "completed": True, "pauses": 0})
    flow.note_exposure("teaser", 100.0, True)
    await flow.finish_stimulus("clip_shown", detail={"plays": 1})
    for values in pages:
        assert flow.current.kind == "page", flow.current
        assert await flow.submit_page(values) == []
    return flow


TASTE_A = {"genres": ["drama", "other"], "genres.other": "musicals", "grid": {"pace": 1, "music": 3}, "rank": ["b", "a", "c"], "rating": 5, "spend": 12.5, "when": "2026-01-02"}
TASTE_C = {"genres": ["thriller"], "grid": {"pace": 2}, "rating": "dont_know", "spend": "dont_know"}


async def afternoon(db: Path, study: Study) -> dict[str, Any]:
    """A: completed (in French), B: screened out, C: completed with special answers, D: a pilot,
    E: withdrawn after completing, F: still on the second page. Returns the flows' session ids by letter."""
    upgrade(db)
    ids = {}
    async with Store(db) as store:
        ids["A"] = (await take(study, store, "A", [{"age": 2, "gender": "prefer_not"}, TASTE_A, {"comment": "good"}], language="fr")).session_id
        ids["B"] = (await take(study, store, "B", [{"age": 1, "gender": "f"}])).session_id
        ids["C"] = (await take(study, store, "C", [{"age": 3, "gender": "m"}, TASTE_C, {}], dial=[10, 20])).session_id
        ids["D"] = (await take(study, store, "D", [{"age": 2, "gender": "f"}, TASTE_A, {"comment": "pilot"}], is_test=True)).session_id
        ids["E"] = (await take(study, store, "E", [{"age": 2, "gender": "m"}, TASTE_A, {"comment": "withdrawn later"}])).session_id
        await store.withdraw(ids["E"])
        ids["F"] = (await take(study, store, "F", [{"age": 3, "gender": "f"}])).session_id
    return ids
