"""Which answers of a study are sealed, and what its logic may do with them.

A question marked ``sensitive`` (or ``sealed: true``) has its answer, and its
"please specify" text, sealed with the study's public key before it is stored
(``preview_tui.seal``). The station cannot read it back, so:

- Showing logic (``show_if``, piping into a text) may read a sealed answer: it
  uses the value the participant gave, held in memory for that participant
  only. When an interrupted session is resumed, that value is gone, so the page
  holding it is asked again (``reask``); every other sealed answer stays as it
  was stored.
- Calculations, screen-outs and quotas may not read a sealed answer: their
  results are stored in the clear (a calculated value, the session's outcome)
  or need the stored values of other sessions. ``validate`` reports such a
  rule where it is written.

A study with sealed questions and no usable key (missing, broken, of the wrong
kind) loads, with a warning: pilot sessions can run, live sessions are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .expr import parse
from .paths import conditions_in, node_at, other_key, pages_in, texts_in
from .pipe import references


@dataclass(frozen=True)
class SealingPlan:
    sealed: frozenset[str]  # answer keys stored sealed
    reask: frozenset[str]  # sealed keys read by showing logic: asked again on resume
    problem: str | None  # why live sessions are refused (no usable key), or None


def sealed_questions(questions: dict[str, Any]) -> dict[str, Any]:
    """The questions whose answers are sealed: marked sensitive or sealed, and every recording (its file is personal data)."""
    return {qid: q for qid, q in questions.items() if getattr(q, "sensitive", None) or getattr(q, "sealed", False) or getattr(q, "type", None) == "recording"}


def check(checker: Any) -> SealingPlan:
    """Check the study in ``checker`` (study_checks.StudyChecker) for its sealing; add located problems and warnings to it."""

    questions = sealed_questions(checker.questions)
    if not questions:
        return SealingPlan(frozenset(), frozenset(), None)
    sealed = set(questions) | {other_key(qid) for qid in questions}

    def sealed_in(names: Any) -> list[str]:
        return sorted({n for n in names if n in sealed or n.split(".", 1)[0] in questions})

    reask: set[str] = set()
    for doc, survey in (checker.surveys[sid] for sid in checker.used):
        for at, block, page in pages_in(survey):
            checks = list(conditions_in(page, at))
            if block is not None and block.show_if and page is block.pages[0]:
                checks.append((at[:2] + ("show_if",), block.show_if, "show_if"))
            for path, source, kind in checks:
                found = sealed_in(parse(source).names)
                if kind == "show_if":
                    reask.update(found)
                elif found:
                    checker.problems.append(doc.error(path, f"a screen-out may not use the sealed answer '{found[0]}': the session's outcome is stored in the clear and would reveal it"))
            for c, calc in enumerate(page.calculate):
                found = sealed_in(parse(calc.value).names)
                if found:
                    checker.problems.append(doc.error(at + ("calculate", c, "value"), f"a calculation may not use the sealed answer '{found[0]}': its result would be stored in the clear"))
            for _, value in texts_in(node_at(doc.data, at), at):
                for text in [value] if isinstance(value, str) else [v for v in value.values() if isinstance(v, str)]:
                    reask.update(sealed_in(name for name, _ in references(text)))
    for _, value in texts_in(checker.config_doc.data, ()):
        for text in [value] if isinstance(value, str) else [v for v in value.values() if isinstance(v, str)]:
            reask.update(sealed_in(name for name, _ in references(text)))
    for i, quota in enumerate(checker.config.study.quotas):
        found = sealed_in(name for _, when in quota.cells() for name in parse(when).names)
        if found:
            where = ("study", "quotas", i, "when" if quota.cross is None else "cross")
            checker.problems.append(checker.config_doc.error(where, f"quota '{quota.id}' may not count the sealed answer '{found[0]}': the station cannot read sealed answers"))
    reask = {key if key in sealed else key.split(".", 1)[0] for key in reask}
    return SealingPlan(frozenset(sealed), frozenset(reask), _key_problem(checker, questions))


def _key_problem(checker: Any, questions: dict[str, Any]) -> str | None:
    """Why the study's key cannot seal (also added as a located warning), or None."""
    from ..seal import SealKeyError, parse_public_key

    sealing = checker.config.study.sealing
    first = next(iter(questions))
    doc, path = checker.question_ids[first]
    if sealing is None or not sealing.public_key:
        line, col = doc.where(path)
        problem = f"questions are marked sensitive (e.g. '{first}', {doc.file}:{line}:{col}) but the study has no sealing key (study.sealing.public_key)"
        checker.warnings.append(checker.config_doc.error(("study", "sealing") if sealing is not None else ("study",), problem + ": live sessions are refused; make a key pair with `preview-tui keys generate`", key=sealing is None))
        return problem
    try:
        parse_public_key(sealing.public_key)
    except SealKeyError as exc:
        checker.warnings.append(checker.config_doc.error(("study", "sealing", "public_key"), f"the sealing key cannot be used: {exc}; live sessions are refused"))
        return f"the sealing key cannot be used: {exc}"
    return None
