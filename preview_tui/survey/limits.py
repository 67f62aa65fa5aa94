"""The bounds of a study's files, and the composer that counts against them.

A study file holds at most ``MAX_FILE_BYTES`` (checked before it is read), at most
``MAX_NODES`` keys, values and list items with every alias expanded (counted while composing,
so an alias bomb stops at its first alias too many), and nests at most ``MAX_DEPTH`` levels.
The folders ``screens/`` and ``surveys/`` together hold at most ``MAX_STUDY_FILES`` files and
``MAX_STUDY_BYTES``. The expression language has its own bounds (``expr.MAX_EXPR_LENGTH``,
``expr.MAX_EXPR_DEPTH``).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import Located, StudyError, display_path

try:  # libyaml's composer is several times faster; fall back when absent
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

from .sizes import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, MAX_STUDY_BYTES, MAX_STUDY_FILES  # noqa: F401 (read from here too)


# An anchor (&name) or a tag (!tag) can only start a node: a file where neither can stand has no
# alias to expand and no tag, and goes to libyaml's faster composer.
PROPERTY = re.compile(r"(?:^|[\s\[\{,])[&!][^\s\[\]\{\},]", re.M)


def position(mark: Any) -> tuple[int, int]:
    """Line and column (from 1) of a PyYAML mark."""
    return (mark.line + 1, mark.column + 1)


def too_many(what: str = "") -> str:
    return f"too many values: a study file may hold at most {MAX_NODES:,} keys, values and list items{what}"


def too_deep() -> str:
    return f"nested too deeply: a study file may nest lists and mappings at most {MAX_DEPTH} levels"


def tag_problem(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    return f"YAML tags ({short}) are not allowed in study files: write the plain value (quote it to make it a text)"


class CountingComposer(yaml.composer.Composer):
    """PyYAML's composer, counting every node with aliases expanded, refusing deep nesting and tags.

    Used for files with anchors or tags: an alias is one node in the tree but as many as it refers
    to once turned into data, so the count stops an alias bomb at the alias that goes over.
    """

    def setup(self, name: str) -> None:
        yaml.composer.Composer.__init__(self)
        self.name, self.count, self.depth = name, 0, 0
        self.sizes: dict[int, int] = {}
        self.problems: list[Located] = []

    def stop(self, at: Any, message: str) -> None:
        line, col = position(at)
        raise StudyError([Located(self.name, line, col, message)])

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = self.anchors.get(event.anchor)
            if node is not None:
                size = self.sizes.get(id(node))
                if size is None:
                    self.stop(event.start_mark, f"alias *{event.anchor} refers to the list or mapping that holds it")
                self.count += size
                if self.count > MAX_NODES:
                    self.stop(event.start_mark, too_many(f" once aliases are expanded (*{event.anchor} goes over)"))
            return super().compose_node(parent, index)
        if event.tag is not None:
            line, col = position(event.start_mark)
            self.problems.append(Located(self.name, line, col, tag_problem(event.tag)))
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.stop(event.start_mark, too_deep())
        start = self.count
        self.count += 1
        if self.count > MAX_NODES:
            self.stop(event.start_mark, too_many())
        node = super().compose_node(parent, index)
        self.depth -= 1
        if event.anchor is not None:
            self.sizes[id(node)] = self.count - start
        return node


class CountingLoader(CountingComposer, Loader):  # type: ignore[misc, valid-type]
    def __init__(self, stream: str, name: str):
        Loader.__init__(self, stream)
        self.setup(name)


def study_files(root: Path, folders: Iterable[str]) -> dict[str, list[Path]]:
    """The YAML files of each folder, sorted; StudyError when there are too many or they hold too much.

    Checked from the folders' listings and the files' sizes before any file is read. A file over
    ``MAX_FILE_BYTES`` is left out of the total: reading it reports it at its own name.
    """
    found: dict[str, list[Path]] = {}
    count = total = 0
    for folder in folders:
        path = root / folder
        files = list(itertools.islice(path.glob("*.y*ml"), MAX_STUDY_FILES + 1 - count)) if path.is_dir() else []
        count += len(files)
        if count > MAX_STUDY_FILES:
            raise StudyError([Located(display_path(root), 1, 1, f"too many study files: screens/ and surveys/ may hold at most {MAX_STUDY_FILES} YAML files")])
        for file in files:
            try:
                size = file.stat().st_size
            except OSError:
                continue  # reading it says what is wrong
            total += size if size <= MAX_FILE_BYTES else 0
        found[folder] = sorted(files)
    if total > MAX_STUDY_BYTES:
        raise StudyError([Located(display_path(root), 1, 1, f"the study is too large: its files in screens/ and surveys/ hold {total:,} bytes, at most {MAX_STUDY_BYTES:,} (4 MiB)")])
    return found


def needs_counting(text: str) -> bool:
    """Whether the file may hold anchors, tags or more nodes than allowed: then it is composed with counting.

    Nearly every node follows a line break, a comma, a colon, a dash or a bracket, so their count is a
    cheap estimate from above; libyaml's composer (several times faster) is used only below the bound,
    and the builder counts again in any case.
    """
    if PROPERTY.search(text):
        return True
    return sum(text.count(c) for c in "\n,:-[{") >= MAX_NODES
