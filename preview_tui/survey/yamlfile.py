"""Read YAML safely and remember where every value and key stands.

Only PyYAML's safe loader is used: nothing in a study file can construct
Python objects or run code. Composing the node tree (instead of
``yaml.safe_load``) keeps the line and column of every value, so that the
schema's complaints can be reported as ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Located, StudyError, display_path, suggest
from .expr import ExprError

try:  # libyaml's composer is several times faster; fall back when absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[Any, ...]


@dataclass
class Document:
    """Plain data from one YAML file plus the position of each part of it."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

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


class _Builder:
    """Turns a composed node tree into plain data, noting positions on the way."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.constructor = yaml.constructor.SafeConstructor()
        self.problems: list[Located] = []

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        mark = node.start_mark
        if isinstance(node, yaml.ScalarNode):
            self.doc.values[path] = (mark.line + 1, mark.column + (2 if node.style in ("'", '"') else 1))
            return self.build_scalar(node)  # quoted: point at the text itself, so columns inside it line up
        self.doc.values[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            keys = self.doc.keys
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(self._at(key_node, "merge keys (<<) are not supported in study files"))
                    continue
                key = self.build_scalar(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.problems.append(self._at(key_node, "a key must be a plain word or number"))
                    continue
                if key in out:
                    self.problems.append(self._at(key_node, f"duplicate key '{key}'"))
                    continue
                key_mark = key_node.start_mark
                keys[path + (key,)] = (key_mark.line + 1, key_mark.column + 1)
                out[key] = self.build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.build_scalar(node)

    def build_scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value  # the common case, without the constructor's machinery
        if not isinstance(node, yaml.ScalarNode):
            self.problems.append(self._at(node, "expected a plain value here, not a list or mapping"))
            return None
        if tag not in _SCALARS:
            self.problems.append(self._at(node, f"unsupported YAML tag {tag}"))
            return node.value
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep dates as the text written; the schema decides
        if tag == "tag:yaml.org,2002:int":
            return self.constructor.construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:bool":
            return self.constructor.construct_yaml_bool(node)
        if tag == "tag:yaml.org,2002:null":
            return None
        return self.constructor.construct_yaml_float(node)

    def _at(self, node: yaml.Node, message: str) -> Located:
        line, col = self.mark(node)
        return Located(self.doc.file, line, col, message)


def read_document(path: Path) -> Document:
    """Parse one YAML file; raise StudyError with a located message when it is not valid YAML."""
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StudyError([Located(name, 1, 1, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise StudyError([Located(name, 1, 1, f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise StudyError([Located(name, 1, 1, f"cannot read the file: {exc.strerror}")]) from None
    return parse_document(text, name)


def parse_document(text: str, name: str) -> Document:
    doc = Document(name, None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        raise StudyError([Located(name, line, col, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        raise StudyError([Located(name, 1, 1, f"YAML error: {exc}")]) from None
    if node is None:
        raise StudyError([Located(name, 1, 1, "the file is empty")])
    builder = _Builder(doc)
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
    cause = ctx.get("error")
    if isinstance(cause, ExprError):
        line, col = doc.where(path)
        return Located(doc.file, line, col + cause.column - 1, f"expression: {cause}")
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return doc.error(path, message[:1].lower() + message[1:] if message else "invalid value")


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...], doc: Document) -> list[str]:
    """Field names of the model at ``loc``; best effort, used only for suggestions."""
    from .schema import fields_at  # late import: schema imports this module

    return fields_at(model, loc)
