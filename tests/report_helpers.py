"""A small study with every chartable question type and a dialled clip, and sessions scripted into a real station file."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.flow import Flow, Participant
from preview_tui.seal import generate, parse_private_key
from preview_tui.survey.study import Study, load_study
from studies import config, opts, page, q


# The study seals its sensitive answer (money) with this pair's public key; reports open it with the private one.
PUBLIC_KEY, PRIVATE_KEY_TEXT = generate()
PRIVATE_KEY = parse_private_key(PRIVATE_KEY_TEXT)


def write_report_study(root: Path) -> Path:
    """Screener (age band with a screen-out, gender), a 4-second clip with the dial, then reactions."""
    for part in ("screens", "surveys", "media"):
        (root / part).mkdir(parents=True, exist_ok=True)
    study = config(
        id="rs",
        title={"en": "Report study", "fr": "Étude rapport"},
        languages=["en", "fr"],
        sealing={"public_key": PUBLIC_KEY},
        quotas=[
            {"id": "women", "when": "gender == 1", "target": 2, "reason": "quota_full"},
            {"id": "cells", "cross": {"gender": [1, 2], "age_band": [2, 3]}, "target": 5},
        ],
    )
    study["study"]["consent"]["text"] = {"en": "ok?", "fr": "d'accord ?"}
    for key in ("thanks", "screened_out", "declined"):
        study["study"][key] = {"en": key, "fr": key}

    def label(en: str, fr: str) -> dict:
        return {"en": en, "fr": fr}

    pre = {"id": "pre", "pages": [page(
        "about",
        q("age_band", "single", text=label("Age?", "Âge ?"), options=[
            {"code": 1, "label": label("Under 18", "Moins de 18")},
            {"code": 2, "label": label("18 to 34", "18 à 34")},
            {"code": 3, "label": label("35 or older", "35 ou plus")},
        ], screen_out=[{"when": "age_band == 1", "reason": "under_18"}]),
        q("gender", "single", text=label("Gender?", "Genre ?"), options=[
            {"code": 1, "label": label("Woman", "Femme")},
            {"code": 2, "label": label("Man", "Homme")},
        ], special=[{"code": "prefer_not", "label": label("Prefer not to say", "Préfère ne pas dire")}]),
    )]}
    post = {"id": "post", "pages": [page(
        "reactions",
        q("liked", "rating", points=5, text=label("Liked it?", "Aimé ?"), special=[{"code": "dont_know", "label": label("Don't know", "Ne sait pas")}]),
        q("elements", "multi", text=label("What did you like?", "Qu'avez-vous aimé ?"), options=[
            {"code": "story", "label": label("Story", "Histoire")},
            {"code": "music", "label": label("Music", "Musique")},
            {"code": "cast", "label": label("Cast", "Acteurs")},
        ]),
        q("recommend", "nps", text=label("Recommend?", "Recommander ?")),
        q("tickets", "numeric", min=0, max=10, text=label("Tickets?", "Billets ?")),
        q("music_vas", "slider", min=0, max=100, text=label("Music fit?", "Musique ?")),
        q("grid", "matrix", text=label("Pace?", "Rythme ?"), rows=[{"code": "pace", "label": label("Pace", "Rythme")}, {"code": "cast", "label": label("Cast", "Acteurs")}],
          scale=[{"code": 1, "label": label("Too little", "Trop peu")}, {"code": 2, "label": label("Right", "Juste")}, {"code": 3, "label": label("Too much", "Trop")}]),
        q("rank", "ranking", required=False, text=label("Order?", "Ordre ?"), options=[{"code": "a", "label": label("A", "A")}, {"code": "b", "label": label("B", "B")}]),
        q("comments", "text", required=False, text=label("Comments?", "Commentaires ?")),
        q("money", "single", required=False, sensitive="finances", text=label("Money?", "Argent ?"), options=[{"code": 1, "label": label("Fine", "Bien")}, {"code": 2, "label": label("Hard", "Dur")}]),
    )]}
    screen = {"id": "main", "steps": [
        {"type": "survey", "survey": "pre"},
        {"type": "clip", "id": "trailer", "title": label("Trailer", "Bande-annonce"), "file": "trailer.mp4", "dial": True},
        {"type": "survey", "survey": "post"},
    ]}
    dump = lambda data: yaml.safe_dump(data, sort_keys=False, allow_unicode=True)  # noqa: E731
    (root / "config.yaml").write_text(dump(study))
    (root / "surveys" / "pre.yaml").write_text(dump(pre))
    (root / "surveys" / "post.yaml").write_text(dump(post))
    (root / "screens" / "main.yaml").write_text(dump(screen))
    return root


def samples(values: list[int], *, step_ms: int = 100, start_seq: int = 0) -> list[SimpleNamespace]:
    """Dial samples every ``step_ms`` of clip time, from 0."""
    return [SimpleNamespace(seq=start_seq + k, segment=0, media_ms=k * step_ms, mono=100.0 + k * step_ms / 1000, value=v) for k, v in enumerate(values)]


async def session(study: Study, store: Store, code: str, pre: dict, *, dial: list[int] | None = None, post: dict | None = None,
                  is_test: bool = False, replay: list[int] | None = None, finish: bool = True) -> Flow:
    """One participant through the flow: the screener, the clip with its dial (and a replay), the reactions."""
    flow = await Flow.start(study, store, Participant(code=code, is_test=is_test), station="st")
    await flow.choose_language("en")
    await flow.consent(True)
    assert await flow.submit_page(pre) == []
    if flow.current.kind != "clip":
        return flow  # screened out
    if dial is not None:
        await flow.record_dial("trailer", 1, samples(dial))
        await flow.record("clip_exposure", detail={"play": 1, "percent_watched": 100.0, "completed": True})
    if replay is not None:
        await flow.record_dial("trailer", 2, samples(replay))
    await flow.finish_stimulus("clip_shown")
    if post is not None and finish:
        assert await flow.submit_page(post) == []
    return flow


POST_DEFAULT: dict[str, Any] = {"liked": 4, "elements": ["story"], "recommend": 9, "tickets": 2, "music_vas": 50, "grid": {"pace": 2, "cast": 2}}


async def afternoon(root: Path, db: Path) -> dict[str, Any]:
    """Eight sessions that count (five completed, two screened out, one interrupted), a pilot session and a withdrawn one.

    Returns what was scripted, for the tests to compute the expected numbers themselves.
    """
    study = load_study(write_report_study(root))
    upgrade(db)
    completed = {
        "A": ({"age_band": 2, "gender": 1}, [50, 52, 54, 56, 58, 60, 62, 64, 66, 68] * 4, {**POST_DEFAULT, "liked": 5, "recommend": 10, "elements": ["story", "music"], "tickets": 3, "music_vas": 90, "grid": {"pace": 3, "cast": 2}, "rank": ["a", "b"], "money": 1}),
        "B": ({"age_band": 2, "gender": 2}, [30] * 20 + [40] * 20, {**POST_DEFAULT, "liked": 3, "recommend": 6, "tickets": 0, "music_vas": 10, "grid": {"pace": 1, "cast": 1}, "rank": ["b", "a"]}),
        "C": ({"age_band": 3, "gender": 1}, [80] * 40, {**POST_DEFAULT, "liked": "dont_know", "recommend": 8, "elements": ["cast"], "tickets": 10, "music_vas": 75, "comments": "fine"}),
        "D": ({"age_band": 3, "gender": 2}, [20, 25] * 15, {**POST_DEFAULT, "liked": 2, "recommend": 3, "elements": ["music"], "tickets": 5, "music_vas": 35, "money": 2}),
        "E": ({"age_band": 2, "gender": "prefer_not"}, None, {**POST_DEFAULT, "liked": 4, "recommend": 9, "elements": ["story", "cast"], "tickets": 1, "music_vas": 60}),
    }
    async with Store(db) as store:
        for code, (pre, dial, post) in completed.items():
            replay = [0] * 40 if code == "A" else None  # a replay is a second exposure: not counted
            await session(study, store, code, pre, dial=dial, post=post, replay=replay)
        await session(study, store, "U", {"age_band": 1, "gender": 2})  # screened out: under 18
        await session(study, store, "Q", {"age_band": 3, "gender": 1})  # screened out: two women completed, the quota is full
        await session(study, store, "I", {"age_band": 3, "gender": 2}, dial=[99] * 10)  # interrupted during the reactions
        pilot = await session(study, store, "PILOT", {"age_band": 2, "gender": 2}, dial=[0] * 40, post={**POST_DEFAULT, "liked": 1, "recommend": 0}, is_test=True)
        gone = await session(study, store, "W", {"age_band": 2, "gender": 2}, dial=[100] * 40, post={**POST_DEFAULT, "liked": 1, "recommend": 0})
        await store.withdraw(gone.session_id)
    return {"study": study, "completed": completed, "interrupted_dial": [99] * 10, "pilot_id": pilot.session_id}


async def through(flow: Flow, answers: dict[str, Any], *, dial: list[int] | None = None) -> Flow:
    """Take a participant to the end of any study: each page gets its keys from ``answers``
    (soft warnings are accepted), storyboards are looked at, clips watched with ``dial``."""
    while flow.current.kind != "end":
        item = flow.current
        if item.kind == "page":
            values = {k: answers[k] for k in flow.runner.page_keys(item.page) if k in answers and not k.startswith("keen")}
            problems = await flow.submit_page(values)
            if problems and all(p.soft for p in problems):
                problems = await flow.submit_page(values)
            assert problems == [], problems
        elif item.kind == "storyboard":
            await flow.finish_stimulus("storyboard_done")
        elif item.kind == "clip":
            if dial is not None and getattr(item.step, "dial", False):
                await flow.record_dial(item.step.id, 1, samples(dial))
                await flow.record("clip_exposure", detail={"play": 1, "percent_watched": 100.0, "completed": True})
            await flow.finish_stimulus("clip_shown")
        else:
            raise AssertionError(f"unexpected step {item.kind}")
    return flow


async def demo_afternoon(study: Study, db: Path) -> list[tuple[dict[str, Any], list[int]]]:
    """Four participants through the demo study (two age bands), one of them under 18, and a pilot run."""
    upgrade(db)
    people = [
        ({"age_band": 2, "gender": 1, "cinema_visits": 3, "genres": ["thriller"], "budget": 12, "trailer_rating": 5, "would_watch": 1, "recommend": 10}, [60] * 30),
        ({"age_band": 2, "gender": 2, "cinema_visits": 2, "genres": ["drama"], "budget": 9, "trailer_rating": 4, "would_watch": 2, "recommend": 8}, [70] * 30),
        ({"age_band": 4, "gender": 1, "cinema_visits": 2, "genres": ["comedy"], "budget": 15, "trailer_rating": 2, "would_watch": 3, "recommend": 3}, [20] * 30),
    ]
    async with Store(db) as store:
        for n, (answers, dial) in enumerate(people):
            flow = await Flow.start(study, store, Participant(code=f"D{n}"), station="demo")
            await flow.choose_language("en")
            await flow.consent(True)
            await through(flow, answers, dial=dial)
        young = await Flow.start(study, store, Participant(code="KID"), station="demo")
        await young.choose_language("en")
        await young.consent(True)
        await young.submit_page({"age_band": 1, "gender": 2})
        pilot = await Flow.start(study, store, Participant(code="PILOT", is_test=True), station="demo")
        await pilot.choose_language("en")
        await pilot.consent(True)
        await through(pilot, people[0][0], dial=[0] * 30)
    return people
