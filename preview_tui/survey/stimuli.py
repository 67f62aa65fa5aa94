"""The stimuli whose order varies between sessions (a screening's ``stimulus_order``).

They stand in the order the study declares until the participant reaches the
first of them; the caller then chooses an order (for a Latin square, the row
least used so far: ``db/balance.py``), stores it, and the runner puts them in it.
"""

from __future__ import annotations

from typing import Any

from .order import latin_square_row, rng, shuffle


class StimulusOrder:
    def __init__(self, study: Any, items: list[Any], seed: str):
        self.rule = study.screening.stimulus_order
        self._shuffle_rng = lambda: rng(study.id, seed, "stimuli")
        steps = set(self.rule.steps) if self.rule is not None else set()
        self.places = [i for i, item in enumerate(items) if item.kind in ("storyboard", "clip") and item.step.id in steps]
        self.declared = [items[i] for i in self.places]

    def reached(self, position: int) -> bool:
        """Whether a participant at ``position`` has reached the stimuli (there are some)."""
        return bool(self.places) and position >= self.places[0]

    def rows(self) -> list[list[str]]:
        """The orders a Latin square gives, one per row (each once); empty for a random order or none."""
        if not self.places or self.rule.method != "latin_square":
            return []
        n = len(self.declared)
        found: list[list[str]] = []
        for row in range(n if n % 2 == 0 else 2 * n):
            order = self.order(row)
            if order not in found:
                found.append(order)
        return found

    def order(self, row: int = 0) -> list[str]:
        """The stimuli's ids in Latin-square row ``row``; a random order is seeded per participant."""
        n = len(self.declared)
        if self.rule is not None and self.rule.method == "latin_square":
            indices = latin_square_row(n, row)
        else:
            indices = shuffle(list(range(n)), [False] * n, self._shuffle_rng())
        return [self.declared[i].step.id for i in indices]

    def place(self, items: list[Any], order: list[str]) -> None:
        """Put the stimuli in ``order`` (their ids) in ``items``."""
        by_id = {item.step.id: item for item in self.declared}
        if sorted(order) != sorted(by_id):
            raise ValueError(f"not an order of the stimuli {sorted(by_id)}: {order}")
        for place, step_id in zip(self.places, order):
            items[place] = by_id[step_id]
