"""A small study run as a screening room, and the seats that walk it, for the room's real-process tests and bench."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import yaml

from media_helpers import write_small_clip

PIN = "2468"
PIN_HASH = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())["station"]["moderator_pin"]  # the demo's PIN, 2468
ROOM = "Room T"
GENDERS = {1: "Woman", 2: "Man", 3: "Another"}


def write_room_study(root: Path, *, clip_seconds: float = 10.0) -> Path:
    """Language, consent, one page (gender), the shared clip with a dial, one page, the end."""
    for part in ("screens", "surveys", "media"):
        (root / part).mkdir(parents=True, exist_ok=True)
    write_small_clip(root / "media" / "clip.mp4", seconds=clip_seconds)
    config = {
        "study": {
            "id": "room_t",
            "title": {"en": "Room test", "fr": "Test de salle", "de": "Raumtest"},
            "languages": ["en", "fr", "de"],
            "screening": "main",
            "consent": {"version": "1", "text": {"en": "Do you agree?", "fr": "Acceptez-vous ?", "de": "Einverstanden?"}, "categories": ["answers", "viewing", "language"]},
            "thanks": {"en": "Thank you, all done", "fr": "Merci, c'est fini", "de": "Danke, fertig"},
            "screened_out": "bye",
            "declined": "no",
        },
        "station": {"name": "room-station", "room": ROOM, "moderator_pin": PIN_HASH, "end_screen_seconds": 2, "idle_timeout": 0, "playback": {"video": "headless", "audio": "dummy"}},
    }
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    about = {"id": "about", "pages": [{"id": "p1", "questions": [{"id": "gender", "type": "single", "text": {"en": "Your gender?", "fr": "Votre genre ?", "de": "Ihr Geschlecht?"}, "options": [{"code": c, "label": label} for c, label in GENDERS.items()]}]}]}
    after = {"id": "after", "pages": [{"id": "p2", "questions": [{"id": "again", "type": "single", "text": {"en": "See it again?", "fr": "Le revoir ?", "de": "Nochmal sehen?"}, "options": [{"code": 1, "label": "Yes"}, {"code": 2, "label": "No"}]}]}]}
    (root / "surveys" / "about.yaml").write_text(yaml.safe_dump(about, sort_keys=False, allow_unicode=True))
    (root / "surveys" / "after.yaml").write_text(yaml.safe_dump(after, sort_keys=False, allow_unicode=True))
    screen = {
        "id": "main",
        "shared_clips": True,
        "dial": {"rate_hz": 10, "neutral": 50, "step": 5},
        "steps": [
            {"type": "survey", "survey": "about"},
            {"type": "clip", "id": "trailer", "file": "clip.mp4", "dial": True, "must_watch": True, "title": {"en": "The trailer", "fr": "La bande-annonce", "de": "Der Trailer"}},
            {"type": "survey", "survey": "after"},
        ],
    }
    (root / "screens" / "main.yaml").write_text(yaml.safe_dump(screen, sort_keys=False, allow_unicode=True))
    return root


def command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("preview-tui")), *args]


def rows(db: Path, sql: str, *args) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def room_clip_events(db: Path) -> list[tuple]:
    return rows(db, "select seq, play, kind, media_ms, length_ms, mono, coalesce(detail, '') from room_clip_events where room = ? order by seq", ROOM)


def press(term, *keys: str, gap: float = 0.25) -> None:
    """One key at a time, as a person types (a screen just shown takes its focus first)."""
    for key in keys:
        time.sleep(gap)
        term.send(key)


def join(term, join_code: str, code: str) -> None:
    """Type the room's code and the participant's (the seat then waits for the moderator)."""
    term.wait_for("Room code", timeout=60)
    term.send_text(join_code)
    term.send("Enter")
    time.sleep(0.2)
    term.send_text(code)
    term.send("Enter")


def to_the_clip(term, gender: int) -> None:
    """From the language screen to the shared clip, in English."""
    term.wait_for("Please choose your language", timeout=60)
    press(term, "Enter")
    term.wait_for("Do you agree?", timeout=30)
    press(term, "Enter")
    term.wait_for("Your gender?", timeout=30)
    press(term, *(["Down"] * (gender - 1)), "Enter", "C-n")
    term.wait_for("watch the room's screen", timeout=30)


def after_the_clip(term) -> None:
    term.wait_for("See it again?", timeout=60)
    time.sleep(0.8)  # dial keys just after the clip's end are dropped
    press(term, "Enter", "C-n")
    term.wait_for("Thank you, all done", timeout=30)


def answers(db: Path) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for code, qid, value in rows(db, "select s.participant_code, a.question_id, a.value from answers a join sessions s on s.id = a.session_id"):
        out.setdefault(code, {})[qid] = json.loads(value) if isinstance(value, str) else value
    return out


class BrowserSeat:
    """A seat in a browser tab, driven with the same calls as a tmux seat (``tests/browser.py`` underneath)."""

    KEYS = {"Enter": "enter", "Down": "down", "Up": "up", "C-n": "ctrl+n", "Space": "space", "Tab": "tab"}

    def __init__(self, tab):
        self.tab = tab

    def wait_for(self, pattern, timeout: float = 10.0) -> str:
        from browser import wait_for_text

        return wait_for_text(self.tab, pattern, timeout=timeout)

    def send(self, *keys: str) -> None:
        from browser import press as press_keys

        press_keys(self.tab, *(self.KEYS.get(k, k) for k in keys))

    def send_text(self, text: str) -> None:
        from browser import type_text

        type_text(self.tab, text)

    def screen(self) -> str:
        from browser import screen_text

        return screen_text(self.tab)
