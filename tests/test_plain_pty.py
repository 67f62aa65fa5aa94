"""`preview-tui --plain` on a pseudo-terminal, as a person at a plain terminal uses it: the demo study
walked end to end in French, typing every answer (some wrong first, to meet the engine's complaints),
then a second participant who withdraws. Nothing printed holds an escape sequence, and the station
file holds exactly what was typed."""

from __future__ import annotations

import io
import json
import os
import re
import sys

import pexpect

from conftest import ROOT, rows

PROMPT = "\n> "
TIMEOUT = 60  # seconds for any one line: generous, the machine may be busy


def option(block: str, *labels: str) -> str:
    """The numbers the last printed list gives these labels, in this order (options may be shuffled)."""
    listed = {}
    for number, label in re.findall(r"^(\d+)\. (.+)$", block, re.M):
        listed[label.strip()] = number
    return " ".join(listed[label] for label in labels)


# What is asked (a text the question prints), and the lines typed, in order, while it is the question asked.
# A callable reads the printed block to find the numbers of labels in a shuffled list.
SCRIPT: dict[str, list] = {
    "Votre code de participant": ["P-FR-1", "P-FR-2", "!quit"],
    "Veuillez choisir votre langue": ["2", "2"],
    "J'ai 18 ans ou plus et j'accepte": ["1", "1"],
    "Non merci": ["1", ""],
    "Quel âge avez-vous ?": ["9", "2", "", "!retrait", "oui"],  # "" after !retour: keeps 18 à 34 ans
    "Comment vous décrivez-vous ?": ["!aide", "!retour", "a"],
    "À quelle fréquence allez-vous au cinéma ?": ["3"],
    "Quels genres de films aimez-vous ?": ["1 2 3 4", "1 2"],
    "Combien dépensez-vous": ["abc", "500", "12,5"],
    "Lequel préférez-vous": ["Le thriller, pour le suspense"],
    "situation financière de votre foyer": ["2"],
    "En politique, où vous situeriez-vous ?": [""],
    "Image 1 sur 3": [""],
    "Image 2 sur 3": [""],
    "Image 3 sur 3": [""],
    "Extrait : Bande-annonce teaser": [""],
    "avez-vous aimé la bande-annonce ?": ["4"],
    "Iriez-vous voir ce film au cinéma ?": ["1"],
    "Qu'avez-vous aimé ?": [lambda b: option(b, "L'ambiance", "Autre chose")],
    "Autre, veuillez préciser": ["Le phare"],
    "Vous avez donné 4 sur 5": ["Très belle lumière"],
    "Quelle image du storyboard avez-vous préférée ?": [lambda b: option(b, "La tempête de nuit")],
    ": Le rythme": [lambda b: option(b, "Trop")],
    ": Le suspense": [lambda b: option(b, "Juste bien")],
    ": Les personnages": [""],
    "Classez-les": ["1 2", lambda b: option(b, "Les critiques", "L'histoire", "Les acteurs", "L'avis des amis")],
    "Déplacez le curseur": ["150", "75"],
    "m'a rendu curieux": ["a"],
    "que diriez-vous d'abord de ce film": ["Allez-y"],
    "Quelle est la probabilité": ["", "9"],
    "Combien de billets": ["2"],
    "quel jour ?": ["2026-13-01", "2026-12-05"],
    "Que couperiez-vous ?": ["La tempête"],
    "Vos réponses ont été enregistrées": [""],
}

# What the engine says back, in French, at the wrong answers typed above.
COMPLAINTS = [
    "Veuillez choisir l'une des réponses.",  # 9 of 4 ages; a ranking of 2 of 4
    "Veuillez choisir au plus vos trois genres préférés.",  # the study's own message
    "Veuillez saisir un nombre.",
    "Veuillez indiquer un montant entre 0 et 100 euros.",  # the study's own message
    "Veuillez choisir une valeur de 0 à 100.",
    "Vous n'avez pas répondu à cette question. Appuyez sur Entrée sur une ligne vide",
    "Veuillez saisir une date au format AAAA-MM-JJ.",
    "Une ligne vide garde votre réponse : 18 à 34 ans",  # back on the page: the answer given is offered again
    "Commandes : !retour la question précédente",
    "Vous avez quitté l'étude.",
]


def test_the_demo_study_walked_in_french_stores_what_was_typed_and_prints_no_escape(tmp_path):
    db = tmp_path / "station.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVIEW_TUI_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"), TERM="xterm-256color", LANG="C.UTF-8")
    out = io.BytesIO()
    child = pexpect.spawn(sys.executable, ["-m", "preview_tui", "--plain", "--study", str(ROOT), "--database", str(db)], env=env, cwd=str(tmp_path), timeout=TIMEOUT, dimensions=(24, 80))
    child.logfile_read = out
    left = {marker: list(lines) for marker, lines in SCRIPT.items()}
    current, asked = None, ""
    try:
        for _ in range(200):
            child.expect_exact(PROMPT)
            block = child.before.decode("utf-8").replace("\r", "")
            seen = [(block.rfind(marker), marker) for marker in SCRIPT if marker in block]
            if seen:
                current, asked = max(seen)[1], block  # a complaint alone is printed under the question still asked
            assert current is not None and left[current], f"nothing left to type at:\n{block}"
            line = left[current].pop(0)
            child.sendline(line(asked) if callable(line) else line)
            if line == "!quit":
                break
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    printed = out.getvalue()
    assert b"\x1b" not in printed, "an escape sequence was printed"
    text = printed.decode("utf-8").replace("\r", "")
    assert child.exitstatus == 0, text[-2000:]
    assert {marker: lines for marker, lines in left.items() if lines} == {}, "not every question was asked"
    for complaint in COMPLAINTS:
        assert complaint in text

    (session, status, language, rewards), = rows(db, "SELECT id, status, language, rewards_opt_in FROM sessions WHERE participant_code = 'P-FR-1'")
    assert (status, language, rewards) == ("completed", "fr", 1)
    stored = {qid: json.loads(value) if isinstance(value, str) else value for qid, value in rows(db, f"SELECT question_id, value FROM answers WHERE session_id = '{session}'")}
    sealed = stored.pop("money_situation")
    assert set(sealed) == {"sealed", "alg", "key"}  # a sensitive answer, sealed before it was stored
    assert stored == {
        "age_band": 2,
        "gender": "prefer_not",
        "cinema_visits": 3,
        "genres": ["drama", "thriller"],
        "budget": 12.5,
        "favourite_genre": "Le thriller, pour le suspense",
        "trailer_rating": 4,
        "would_watch": 1,
        "keen": True,
        "liked_elements": ["mood", "other"],
        "liked_elements.other": "Le phare",
        "comments": "Très belle lumière",
        "best_frame": 3,
        "scene_grid": {"pace": 3, "suspense": 2},
        "rank_elements": ["reviews", "story", "cast", "friends"],
        "music_vas": 75,
        "mood_agree": "dont_know",
        "first_thing": "Allez-y",
        "recommend": 9,
        "tickets": 2,
        "visit_date": "2026-12-05",
        "pace_note": "La tempête",
    }
    kinds = [kind for kind, in rows(db, f"SELECT kind FROM events WHERE session_id = '{session}'")]
    assert kinds.count("frame_viewed") == 3 and "storyboard_done" in kinds and "clip_not_shown" in kinds
    assert "soft_required_warned" in kinds
    assert rows(db, "SELECT count(*) FROM sessions WHERE participant_code = 'P-FR-2'") == [(0,)]  # withdrawn: erased
    assert rows(db, "SELECT count(*) FROM tombstones") == [(1,)]


def test_ctrl_c_mid_session_leaves_it_interrupted_with_what_was_answered(tmp_path):
    db = tmp_path / "station.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVIEW_TUI_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"), TERM="xterm-256color", LANG="C.UTF-8")
    child = pexpect.spawn(sys.executable, ["-m", "preview_tui", "--plain", "--study", str(ROOT), "--database", str(db)], env=env, cwd=str(tmp_path), timeout=TIMEOUT)
    out = io.BytesIO()
    child.logfile_read = out
    try:
        for wait, typed in (("Votre code de participant", "P-C"), ("Veuillez choisir votre langue", "2"), ("J'ai 18 ans ou plus", "1"), ("Non merci", ""), ("Quel âge avez-vous ?", "3")):
            child.expect_exact(wait.encode())
            child.expect_exact(PROMPT)
            child.sendline(typed)
        child.expect_exact("Comment vous décrivez-vous ?".encode())
        child.expect_exact(PROMPT)
        child.sendintr()  # Ctrl+C while the station waits for a line
        child.expect_exact("left interrupted")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert b"\x1b" not in out.getvalue()
    assert rows(db, "SELECT status, language FROM sessions") == [("in_progress", "fr")]
    assert rows(db, "SELECT count(*) FROM answers") == [(0,)]  # the page was never submitted: nothing half of it is kept
