"""Small studies written to a temporary folder, for tests of the engine and `validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def config(**study: Any) -> dict:
    base = {
        "id": "t",
        "title": "T",
        "languages": ["en"],
        "screening": "main",
        "consent": {"version": "1", "text": "ok?", "categories": ["answers", "ethnic_origin", "political_opinions", "religion", "sexual_orientation", "social_status", "finances"]},
        "thanks": "thanks",
        "screened_out": "bye",
        "declined": "no",
    }
    base.update(study)
    return {"study": base}


def write_study(root: Path, pages: list[dict] | None = None, *, survey: dict | None = None, steps: list[dict] | None = None, screening: dict | None = None, **study: Any) -> Path:
    """A study with one survey ``s`` (``pages`` or a whole ``survey`` mapping) and screening ``main``."""
    root.mkdir(parents=True, exist_ok=True)
    for part in ("screens", "surveys", "media"):
        (root / part).mkdir(exist_ok=True)
    (root / "config.yaml").write_text(yaml.safe_dump(config(**study), sort_keys=False, allow_unicode=True))
    survey = survey or {"id": "s", "pages": pages}
    (root / "surveys" / "s.yaml").write_text(yaml.safe_dump(survey, sort_keys=False, allow_unicode=True))
    screen = {"id": "main", "steps": steps or [{"type": "survey", "survey": "s"}]}
    screen.update(screening or {})
    (root / "screens" / "main.yaml").write_text(yaml.safe_dump(screen, sort_keys=False, allow_unicode=True))
    return root


def opts(*codes: Any, **flags: dict) -> list[dict]:
    out = []
    for code in codes:
        option = {"code": code, "label": str(code)}
        option.update(flags.get(str(code), {}))
        out.append(option)
    return out


def page(pid: str, *questions: dict, **extra: Any) -> dict:
    return {"id": pid, "questions": list(questions), **extra}


def q(qid: str, qtype: str, **extra: Any) -> dict:
    return {"id": qid, "type": qtype, "text": f"{qid}?", **extra}
