"""Variable names every format accepts: at most 32 characters (Stata's limit), unique regardless of case,
never a reserved word of SPSS or Stata. A question keeps its id as its name; derived names give way."""

from __future__ import annotations

from .model import Group

MAX_NAME = 32
# Words SPSS or Stata do not accept as variable names (compared in lower case).
RESERVED = frozenset(
    "all and by eq ge gt le lt ne not or to with byte double float if in int long str strl using _all _b _coef _cons _n _pi _pred _rc _se _skip _weight".split()
)


def name(groups: list[Group]) -> None:
    """Make every name valid and unique: questions keep their ids, derived names give way."""
    variables = [v for g in groups for v in g.variables]
    taken: set[str] = set()
    first = [v for v in variables if v.source in ("question", "calculation") and v.name == v.question]
    rest = [v for v in variables if not (v.source in ("question", "calculation") and v.name == v.question)]
    for v in first + rest:
        v.name = _unique(_valid(v.name), taken)
        taken.add(v.name.lower())


def _valid(name: str) -> str:
    name = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
    if not name or not name[0].isalpha():
        name = "v" + name
    if name.lower() in RESERVED:
        name += "_"
    return name[:MAX_NAME]


def _unique(name: str, taken: set[str]) -> str:
    if name.lower() not in taken:
        return name
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = name[: MAX_NAME - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        n += 1
