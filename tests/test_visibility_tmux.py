"""Every participant sees every answer they can give: the real `preview-tui` in a real terminal (tmux).

One app run per terminal size and language walks the consent and every page of
``tests/data/long_labels`` (one question type a page, the longest French and German
labels we could write). On each screen it reads the captured terminal and asserts
that every option label or point, both end labels, the buttons and the hint are there
and whole. Where the screen shows its "more below" cue the test scrolls with the key
the cue names (Page Down) and counts what it saw on the way.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from preview_tui.survey.schema import NPS, DateQuestion, ImageChoice, Matrix, Numeric, Rating, Slider
from preview_tui.survey.study import load_study, text
from preview_tui.words import WORDS, word
from tmux import TmuxSession

STUDY = ROOT / "tests" / "data" / "long_labels"
LANGUAGES = ["en", "fr", "de"]
FRAME = re.compile(r"[▎▊▌▐│╭╮╰╯─▔▁▂▃▄▅▆▇█]")  # borders, radio glyphs, scroll bars: not text


def flat(screens: list[str]) -> str:
    """What the screens show as running text: lines joined, frames and runs of blanks collapsed."""
    return " ".join(" ".join(FRAME.sub(" ", screen).split()) for screen in screens)


def on_one_line(label: str, screens: list[str]) -> bool:
    """``label`` whole on one line of one screen (a button, a point: never cut)."""
    return any(label in " ".join(FRAME.sub(" ", line).split()) for screen in screens for line in screen.split("\n"))


def segments(line: str) -> list[str]:
    """The runs of text on a screen line, split where frames or two or more blanks part them."""
    return [" ".join(part.split()) for part in re.split(r" {2,}", FRAME.sub("  ", line)) if part.strip()]


def wrapped(label: str, screens: list[str], depth: int = 4) -> bool:
    """``label`` whole on one line, or wrapped word by word onto the next lines of one screen.

    The label's head ends a run of text on one line and each following line begins with
    a run that carries on from there (an option's label wrapped inside its button), so
    the same words scattered elsewhere on the screen do not count.
    """
    if on_one_line(label, screens):
        return True
    cuts = [k for k, ch in enumerate(label) if ch == " "]
    for screen in screens:
        lines = [segments(line) for line in screen.split("\n")]
        for i, runs in enumerate(lines):
            for k in cuts:
                if not any(run.endswith(label[:k]) for run in runs):
                    continue
                rest = label[k + 1 :]
                for later in lines[i + 1 : i + depth]:
                    run = later[0] if later else ""
                    if run.startswith(rest):
                        return True
                    if not (run and rest.startswith(run + " ")):
                        break
                    rest = rest[len(run) + 1 :]
    return False


def every_word(label: str, screens: list[str]) -> list[str]:
    """The words of ``label`` that appear nowhere as whole words (a matrix header wraps into columns)."""
    shown = flat(screens)
    return [w for w in label.split() if "{" not in w and not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", shown)]


def page_hint(lang: str) -> list[str]:
    """The texts of the key hint under a questionnaire page (the words table has named them two ways)."""
    if "page_hint" in WORDS:
        return [word("page_hint", lang)]
    return [word("key_ctrl_n", lang), word("do_next_page", lang)]


class Walk:
    """The terminal of one run, and what its screens must show."""

    def __init__(self, term: TmuxSession, lang: str):
        self.term, self.lang = term, lang
        self.more = word("more_below", lang)

    def settled(self, timeout: float = 15.0) -> str:
        """The screen once three captures 0.3 s apart agree (layout after a resize or a mount).

        Two were not enough on an overloaded machine: a page half drawn can stay as it is for a
        moment while the app waits for the processor.
        """
        deadline = time.monotonic() + timeout
        last, same = self.term.screen(), 0
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = self.term.screen()
            same = same + 1 if now == last else 0
            if same == 2:
                return now
            last = now
        return last

    def scrolled(self, first: str) -> list[str]:
        """The screen, then each screen Page Down brings while the "more below" cue shows."""
        screens = [first]
        for _ in range(15):
            if self.more not in screens[-1]:
                return screens
            self.term.send("PageDown")
            deadline = time.monotonic() + 10
            while self.term.screen() == screens[-1] and time.monotonic() < deadline:
                time.sleep(0.05)
            screens.append(self.settled())
        raise AssertionError(f"still 'more below' after 15 pages:\n{screens[-1]}")

    def page(self, title: str) -> list[str]:
        self.term.wait_for(title, timeout=20)
        return self.scrolled(self.settled())

    def checked(self, title: str, whole: list[str], words: list[str], where: str) -> list[str]:
        """The page's screens, checked; read once more from its top when something is missing, in case the
        page stayed drawn in part (its cue not yet drawn either) for longer than ``settled`` waits."""
        screens = self.page(title)
        try:
            check(screens, whole, words, where)
        except AssertionError:
            for _ in screens:
                self.term.send("PageUp")
            screens = self.scrolled(self.settled())
            check(screens, whole, words, where)  # missing twice: missing
        return screens


def expected(q, lang: str) -> tuple[list[str], list[str]]:
    """(labels that must be whole on one line, texts whose every word must be shown) of a question."""
    t = lambda v: text(v, lang)  # noqa: E731
    whole: list[str] = [t(s.label) for s in q.special]
    words: list[str] = [t(q.text)]
    if q.help:
        words.append(t(q.help))
    if isinstance(q, Rating) and q.labels:
        whole += [f"{i} {t(label)}" for i, label in enumerate(q.labels, 1)]
    elif isinstance(q, (Rating, NPS)):
        low = 0 if isinstance(q, NPS) else 1
        high = 10 if isinstance(q, NPS) else q.points
        whole += [f"○ {i}" for i in range(low, high + 1)] + [t(q.low_label), t(q.high_label)]
    elif isinstance(q, Slider):
        whole += [t(q.low_label), t(q.high_label), word("slider_unset", lang)]
    elif isinstance(q, Matrix):
        words += [t(r.label) for r in q.rows] + [t(p.label) for p in q.scale]
    elif isinstance(q, Numeric):
        whole.append(t(q.unit))
    elif isinstance(q, DateQuestion):
        whole.append(word("date_hint", lang))
    elif hasattr(q, "options"):
        whole += [Wraps(t(o.label)) for o in q.options]
    return whole, words


class Wraps(str):
    """A label that may wrap word by word onto the next lines (an option in its button)."""


def check(screens: list[str], whole: list[str], words: list[str], where: str) -> None:
    """Assert that each of ``whole`` is on one line (or wrapped, for a ``Wraps``) and every word of ``words`` is shown."""
    last = screens[-1]
    missing = [label for label in whole if not (wrapped if isinstance(label, Wraps) else on_one_line)(label, screens)]
    missing += [f"{w!r} of {label!r}" for label in words for w in every_word(label, screens)]
    assert not missing, f"{where}: not on screen: {missing}\n" + "\n---- next screen ----\n".join(screens) + f"\n(last of {len(screens)})\n{last}"


# Every language at the narrowest size, where a label is cut first; the wider sizes in French and German,
# whose words are the longest.
SIZE_LANGUAGES = [((80, 24), lang) for lang in LANGUAGES] + [((120, 40), "de"), ((200, 60), "fr")]


@pytest.mark.real
@pytest.mark.parametrize(("size", "lang"), SIZE_LANGUAGES, ids=[f"{c}x{r}-{lang}" for (c, r), lang in SIZE_LANGUAGES])
def test_every_participant_screen_shows_every_answer(tmp_path, size, lang):
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    study_dir = tmp_path / "study"
    shutil.copytree(STUDY, study_dir)
    for name in ("board-1.png", "board-2.png", "board-3.png"):
        shutil.copy(ROOT / "media" / name, study_dir / "media" / name)
    study = load_study(study_dir)
    survey = study.surveys["long"]
    cols, rows = size
    command = [str(Path(sys.executable).with_name("preview-tui")), "--database", str(tmp_path / "station.sqlite")]
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)}
    w = lambda key, **v: word(key, lang, **v)  # noqa: E731
    with TmuxSession(command, env=env, cwd=study_dir, cols=cols, rows=rows) as term:
        walk = Walk(term, lang)
        term.wait_for("Participant code", timeout=30)
        term.send_text("VIS-1")
        term.send("Enter")
        term.wait_for("Français", timeout=20)
        screen = walk.settled()
        check([screen], ["English", "Français", "Deutsch"], [], "language")
        term.send(*{"en": [], "fr": ["Down"], "de": ["Down", "Down"]}[lang])
        time.sleep(0.3)
        term.send("Enter")

        # The consent: its text, the notice and the rewards box, scrolled to their ends; the three buttons whole.
        age = 18
        screens = walk.checked(w("consent_title"), [w("accept_adult", age=age), w("decline"), w("under_age", age=age), "CONSENT-END", "NOTICE-END", "REWARDS-END"], [w("rewards_opt_in")], "consent")
        assert walk.more not in screens[-1], "the cue stays after the end was shown"
        term.send("Enter")  # Agree has the focus

        pages = list(survey.all_pages())
        for n, page in enumerate(pages):
            whole = [w("next")] + ([w("back")] if n else [])
            words = page_hint(lang)
            for q in page.questions:
                q_whole, q_words = expected(q, lang)
                whole += q_whole
                words += q_words
            screens = walk.checked(text(page.title, lang), whole, words, f"page {page.id} at {cols}x{rows} in {lang}")
            kinds = {type(q) for q in page.questions}
            if NPS in kinds:  # the top of the scale can be reached and is shown chosen
                term.send("End", "Enter")
                term.wait_for("● 10", timeout=10)
            if Matrix in kinds:
                term.send("End", "Enter")
                term.wait_for("●", timeout=10)
            if ImageChoice in kinds:  # every option's picture before anything is chosen
                first = screens[0]
                assert first.count("╭") >= 3 and "▀" in first, f"thumbnails not drawn:\n{first}"
            term.send("C-n")
            if n + 1 < len(pages):
                term.wait_gone(text(page.title, lang), timeout=20)
        term.wait_for(text(study.settings.thanks, lang).split("!")[0], timeout=20)


@pytest.mark.real
def test_the_demo_in_french_at_80x24_shows_every_option_of_every_question(demo_study, tmp_path):
    """The demo as a French participant sees it on a small terminal: every page checked as above.

    Its questions are made optional here so that the walk needs no answers; the clip
    plays for real (libVLC, headless) or waits for the moderator's F4 where there is none.
    """
    assert shutil.which("tmux"), "tmux is missing: ./dev test installs it"
    for path in (demo_study / "surveys").glob("*.yaml"):
        source = path.read_text().replace("required: soft", "").replace("required: false", "").replace("min_selected: 1", "")
        path.write_text(re.sub(r"(\n( +)type: \w+)", r"\1\n\2required: false", source))
    study = load_study(demo_study)
    lang = "fr"
    pages = {text(p.title, lang): p for s in study.surveys.values() for p in s.all_pages()}
    shown = {text(p.title, lang) for s in study.surveys.values() for b in s.all_blocks() if b.show_if is None for p in b.pages if p.show_if is None}
    command = [str(Path(sys.executable).with_name("preview-tui")), "--database", str(tmp_path / "station.sqlite")]
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path)}
    w = lambda key, **v: word(key, lang, **v)  # noqa: E731
    thanks = text(study.settings.thanks, lang).split("!")[0]
    with TmuxSession(command, env=env, cwd=demo_study, cols=80, rows=24) as term:
        walk = Walk(term, lang)
        term.wait_for("Participant code", timeout=30)
        term.send_text("VIS-DEMO")
        term.send("Enter")
        term.wait_for("Français", timeout=20)
        term.send("Down")
        time.sleep(0.3)
        term.send("Enter")
        walk.checked(w("consent_title"), [w("accept_adult", age=18), w("decline"), w("under_age", age=18)], [w("rewards_opt_in"), "Acceptez-vous de participer ?", "Programme de récompenses."], "consent")
        term.send("Enter")
        seen: list[str] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            screen = walk.settled()
            if thanks in screen:
                break
            title = next((line.strip() for line in screen.split("\n") if line.strip()), "")
            if title in pages and title not in seen:
                page = pages[title]
                whole, words = [w("next")], page_hint(lang)
                for q in page.questions:
                    if q.show_if is None:  # (the walk gives no answers, so conditional questions stay hidden)
                        q_whole, q_words = expected(q, lang)
                        whole += q_whole
                        words += q_words
                walk.checked(title, whole, words, f"demo page {page.id}")
                seen.append(title)
                term.send("C-n")
                term.wait_gone(title, timeout=20)
            elif w("frame_of", i=3, n=3) in screen:
                term.send("Enter")  # → stops at the last storyboard frame; Enter goes on
                time.sleep(0.5)
            elif w("frame_of", i=1, n=3).split(" 1")[0] in screen and "sur 3" in screen:
                term.send("Right")  # the next storyboard frame
                time.sleep(0.5)
            elif w("clip_problem") in screen:
                term.send("F4")
                time.sleep(0.5)
            else:
                time.sleep(0.5)  # the clip playing
        else:
            raise AssertionError(f"the walk did not end; pages seen: {seen}\n{term.screen()}")
    assert set(seen) == shown, (sorted(seen), sorted(shown))
