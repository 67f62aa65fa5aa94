"""Read YAML safely and remember where every value and key stands.

Only PyYAML's safe loader is used: nothing in a study file can construct
Python objects or run code. Composing the node tree (instead of
``yaml.safe_load``) keeps the line and column of every value, so that the
schema's complaints can be reported as ``file:line:col``.

Reading is bounded (``limits.py``), so that no file can make the loader run
long or use much memory. YAML tags (``!!python/...``, ``!!str``, ``!custom``)
are refused on any node: a study file is plain data.
"""

from __future__ import annotations

import os
import stat
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from ..visible import escape_char, invisible_chars
from .errors import Located, StudyError, display_path, suggest
from .expr import ExprError
from .limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, CountingLoader, Loader, needs_counting, position, tag_problem, too_deep, too_many

Path_ = tuple[Any, ...]

@dataclass
class Document:
    """Plain data from one YAML file plus the position of each part of it."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    booleans: dict[Path_, str] = field(default_factory=dict)  # plain yes/no/true/on... as written

    def where(self, path: Iterable[Any], *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or its key) at ``path``; the nearest known parent otherwise."""
        p = tuple(path)
        while True:
            table = self.keys if key and p in self.keys else self.values
            if p in table:
                return table[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def error(self, path: Iterable[Any], message: str, *, key: bool = False) -> Located:
        line, col = self.where(path, key=key)
        return Located(self.file, line, col, message)


_SCALARS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_QUOTED = ("'", '"')
class _Builder:
    """Turns a composed node tree into plain data, noting positions on the way.

    It counts nodes and depth as well, so that even a tree composed without counting
    (libyaml's own composer, for files without anchors) stays within the bounds.
    """

    def __init__(self, doc: Document):
        self.doc = doc
        self.constructor = yaml.constructor.SafeConstructor()
        self.problems: list[Located] = []
        self.count = 0

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return position(node.start_mark)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        mark = node.start_mark
        self.count += 1
        if self.count > MAX_NODES:
            raise StudyError([self._at(node, too_many())])
        if len(path) >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
            raise StudyError([self._at(node, too_deep())])
        if isinstance(node, yaml.ScalarNode):
            self.doc.values[path] = (mark.line + 1, mark.column + (2 if node.style in _QUOTED else 1))
            value = self.build_scalar(node)  # quoted: point at the text itself, so columns inside it line up
            if value is True or value is False:
                self.doc.booleans[path] = node.value
            return value
        self.doc.values[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self.problems.append(self._at(node, tag_problem(node.tag)))
                return {}
            out: dict[Any, Any] = {}
            keys = self.doc.keys
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(self._at(key_node, "merge keys (<<) are not supported in study files"))
                    continue
                key = self.build_scalar(key_node)
                if key is True or key is False:
                    self.problems.append(self._at(key_node, f"the key {key_node.value} is read as a yes/no value: quote it: '{key_node.value}'"))
                    continue
                if not isinstance(key, (str, int, float)) or key is None:
                    self.problems.append(self._at(key_node, "a key must be a plain word or number"))
                    continue
                if key in out:
                    self.problems.append(self._at(key_node, f"duplicate key '{key}'"))
                    continue
                self.count += 1
                key_mark = key_node.start_mark
                keys[path + (key,)] = (key_mark.line + 1, key_mark.column + 1)
                out[key] = self.build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.problems.append(self._at(node, tag_problem(node.tag)))
                return []
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.build_scalar(node)

    def build_scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        if not isinstance(node, yaml.ScalarNode):
            self.problems.append(self._at(node, "expected a plain value here, not a list or mapping"))
            return None
        if tag == _STR:
            self._visible(node)
            return node.value  # the common case, without the constructor's machinery
        if tag not in _SCALARS or node.style in _QUOTED:
            self.problems.append(self._at(node, tag_problem(tag)))
            return node.value
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep dates as the text written; the schema decides
        if tag == "tag:yaml.org,2002:int":
            return self.constructor.construct_yaml_int(node)
        if tag == _BOOL:
            return self.constructor.construct_yaml_bool(node)
        if tag == "tag:yaml.org,2002:null":
            return None
        return self.constructor.construct_yaml_float(node)

    def _visible(self, node: yaml.ScalarNode) -> None:
        """Control characters and bidi controls have no place in a study text (tabs and line feeds do)."""
        found = invisible_chars(node.value)
        if found:
            index, char = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            line, col = position(node.start_mark)
            col += 1 if node.style in _QUOTED else 0  # at the text, not its quote
            self.problems.append(Located(self.doc.file, line, col, f"control or invisible character {escape_char(char)} at character {index + 1} of this text{more}: remove it"))

    def _at(self, node: yaml.Node, message: str) -> Located:
        line, col = self.mark(node)
        return Located(self.doc.file, line, col, message)


def read_document(path: Path) -> Document:
    """Parse one YAML file; raise StudyError with a located message when it is not valid YAML or too large."""
    name = display_path(path)
    try:
        # Non-blocking, so that a named pipe cannot hold the loader; only a regular file is read, and at
        # most one byte over the limit: a 50 MB file costs nothing, nor does /dev/zero.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            what = "a folder, not a file" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device or a pipe)"
            raise StudyError([Located(name, 1, 1, what)])
        with open(fd, "rb") as handle:
            size = info.st_size
            raw = b"" if size > MAX_FILE_BYTES else handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise StudyError([Located(name, 1, 1, "file not found")]) from None
    except OSError as exc:
        raise StudyError([Located(name, 1, 1, f"cannot read the file: {exc.strerror}")]) from None
    if size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
        raise StudyError([Located(name, 1, 1, f"file too large: {max(size, len(raw)):,} bytes, a study file may hold at most {MAX_FILE_BYTES:,} (512 KiB)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise StudyError([Located(name, line, col, f"not UTF-8 text ({exc.reason})")]) from None
    return parse_document(text, name)


def parse_document(text: str, name: str) -> Document:
    doc = Document(name, None)
    loader = CountingLoader(text, name) if needs_counting(text) else Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        raise StudyError([Located(name, line, col, f"YAML syntax error: {what}")]) from None
    except yaml.reader.ReaderError as exc:  # control characters written raw, and the like
        at = max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        char = escape_char(exc.character if isinstance(exc.character, str) else chr(exc.character))
        raise StudyError([Located(name, line, col, f"control or invisible character {char}: remove it")]) from None
    except yaml.YAMLError as exc:
        raise StudyError([Located(name, 1, 1, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise StudyError([Located(name, 1, 1, "the file is empty")])
    builder = _Builder(doc)
    builder.problems.extend(getattr(loader, "problems", ()))
    doc.data = builder.build(node, ())
    if builder.problems:
        raise StudyError(builder.problems)
    return doc


def validate(doc: Document, model: type[BaseModel], *, context: dict | None = None) -> BaseModel:
    """Check ``doc`` against ``model``; every problem becomes a located message."""
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        raise StudyError([_locate(doc, model, err) for err in exc.errors(include_url=False)]) from None


def _data_path(doc: Document, loc: tuple[Any, ...]) -> tuple[Path_, list[Any]]:
    """Follow pydantic's ``loc`` through the data; drop entries (union tags) that are not in it."""
    path: list[Any] = []
    node = doc.data
    skipped: list[Any] = []
    for part in loc:
        if isinstance(node, dict) and node.get("type") == part:
            skipped.append(part)  # the union tag (a question of type "text" also has a key "text")
        elif isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        else:
            skipped.append(part)
    return tuple(path), skipped


def _locate(doc: Document, model: type[BaseModel], err: dict[str, Any]) -> Located:
    loc = tuple(err.get("loc", ()))
    path, skipped = _data_path(doc, loc)
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    message = err.get("msg", "invalid value")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1], doc)
        return doc.error(path, f"unknown key '{loc[-1]}'{suggest(str(loc[-1]), allowed)}", key=True)
    if kind == "missing":
        return doc.error(path, f"'{loc[-1]}' is required here")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = ctx.get("discriminator", "'type'").strip("'")
        if kind == "union_tag_not_found":
            return doc.error(path, f"'{tag}' is required here")
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        found = ctx.get("tag")
        return doc.error(path + (tag,), f"unknown {tag} '{found}'{suggest(str(found), expected)}; expected one of: {', '.join(expected)}")
    word = doc.booleans.get(path)
    if word is not None and isinstance(err.get("input"), bool):  # YAML 1.1 reads no, yes, on, off as booleans
        return doc.error(path, f"{word} is read as a yes/no value, not a code or a text: quote it: '{word}'")
    cause = ctx.get("error")
    if isinstance(cause, ExprError):
        line, col = doc.where(path)
        return Located(doc.file, line, col + cause.column - 1, f"expression: {cause}")
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return doc.error(path, message[:1].lower() + message[1:] if message else "invalid value")


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...], doc: Document) -> list[str]:
    """Field names of the model at ``loc``; best effort, used only for suggestions."""
    return fields_at(model, loc)


def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names valid at ``loc`` inside ``model`` (best effort, for suggestions)."""
    current: list[type[BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for m in current:
            if isinstance(part, str) and part in m.model_fields:
                nxt.extend(_models_in(m.model_fields[part].annotation))
            else:  # a union tag: keep the member whose type literal matches
                nxt.extend(x for x in [m] if _tag_of(x) == part)
        if nxt:
            current = nxt
    names: list[str] = []
    for m in current:
        names.extend(n for n in m.model_fields if n not in names)
    return names


def _tag_of(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("type")
    args = typing.get_args(field.annotation) if field else ()
    return args[0] if args else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found
