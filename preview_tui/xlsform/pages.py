"""An XLSForm's order as a questionnaire's pages.

A group (``begin group`` … ``end group``) is a page, titled by its label, shown when its
``relevant`` holds (a group inside a group is a page of its own, under both conditions). A question
outside any group is a page of its own, as ODK Collect shows it. A page is split where a question's
condition or label reads an answer given on that same page, since the study shows a page only with
what is known before it. A ``note`` is shown as help with the question after it (or, at the end of a
group, the one before it); a note with a condition of its own cannot be. What pyxform adds from
another row (the text of ``or_other``, which is the option's own "please specify" here; a repeat's
count; table-list labels) has no row of its own and is left to that row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from .questions import CHOICE_KINDS, IDENT, METADATA, field_of, kind_of, options, question
from .read import Form
from .problems import Report
from .texts import Texts, joined
from .translate import Field, condition
from .xpath import XPathError


@dataclass
class _Page:
    id: str
    title: Any
    show_if: str | None
    questions: list[dict[str, Any]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)


@dataclass
class Pages:
    """Walks the form's structure once, building pages and the shared option lists."""

    form: Form
    texts: Texts
    report: Report
    fields: dict[str, Field] = field(default_factory=dict)
    pages: list[_Page] = field(default_factory=list)
    choices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)  # question ids and page ids given so far
    groups: set[str] = field(default_factory=set)

    def build(self) -> list[dict[str, Any]]:
        children = self.form.structure.get("children", [])
        for element in _elements(children):
            kind = kind_of(element)
            if kind is not None and element.get("name") in self.form.survey_rows:
                self.fields[element["name"]] = field_of(element, kind)
                self.ids.add(element["name"])
            elif element.get("type") == "group":
                self.groups.add(element.get("name", ""))
        self._walk(children, [], None, None)
        return [_written(p) for p in self.pages if p.questions]

    def _walk(self, children: list[dict[str, Any]], conditions: list[str], group: str | None, title: Any) -> None:
        page: _Page | None = None
        notes: list[tuple[dict[str, Any], Any]] = []
        note_piped: set[str] = set()  # what the notes waiting for a question pipe
        for element in children:
            kind, name, row = element.get("type", ""), element.get("name", ""), self.form.row(element.get("name", ""))
            if kind == "group" and name == "meta" and (element.get("control") or {}).get("bodyless"):
                continue  # pyxform's own instance id
            if kind != "group" and name not in self.form.survey_rows:
                continue  # made by pyxform from another row (or_other's text, repeat_count, table-list labels), which speaks for it
            if kind == "group":
                own = self._condition(element, row)
                label = self._text(element.get("label"), row) if element.get("label") else title
                self._walk(element.get("children", []), conditions + ([own] if own else []), name, label)
                page = None
            elif kind == "note":
                if (element.get("bind") or {}).get("relevant"):
                    self.report.error("survey", row, "a note with relevant cannot be imported: a note is shown with a question, under its condition")
                hint = self._text(element.get("hint"), row, note_piped)
                notes.append((element, joined(self._text(element.get("label"), row, note_piped), hint)))
            elif kind in METADATA:
                self.report.note("survey", row, f"'{kind}' is left out: the app records each session's times and station itself")
            elif kind_of(element) is None:
                self.report.error("survey", row, f"the type '{_sheet_type(self.form, element)}' cannot be imported")
            else:
                piped, read = set(note_piped), set()
                note_piped = set()
                item = self._question(element, row, piped, read)
                if notes:
                    item["help"] = joined(joined_all(t for _, t in notes), item.get("help"))
                    notes = []
                if page is None or group is None or (piped | read) & page.names:
                    page = self._page(group or f"p_{name}", title if group else None, conditions)
                page.questions.append(item)
                page.names.add(name)
        if notes:
            target = page.questions[-1] if page is not None and page.questions else None
            if target is None:
                where = self.form.row(group) if group else self.form.row(notes[0][0].get("name", ""))
                self.report.error("survey", where, "notes with no question after them in their group cannot be imported: a page needs a question")
            else:
                target["help"] = joined(target.get("help"), joined_all(t for _, t in notes))

    def _question(self, element: dict[str, Any], row: int, piped: set[str], read: set[str]) -> dict[str, Any]:
        name = element["name"]
        kind = kind_of(element)
        if not IDENT.match(name):
            self.report.error("survey", row, f"the name {name!r} cannot be a question id: use letters, digits and _, starting with a letter (at most 64)")
        other = "or_other" in _sheet_type(self.form, element) or "or specify other" in _sheet_type(self.form, element)
        item = question(element, kind, self.texts, self.fields, lambda m: self.report.error("survey", row, m), piped=piped, read=read)
        if kind in CHOICE_KINDS:
            list_name = element.get("list_name") or element.get("itemset") or name

            def said(choice: str, message: str) -> None:
                at = self.form.choice_rows.get((list_name, choice))
                self.report.error("choices", at, message) if at else self.report.error("survey", row, message)

            found = options(element, self.texts, other, said, piped)
            key = safe_id(list_name)
            if self.choices.get(key, found) == found:
                self.choices[key] = found
                item["options_from"] = key
            else:
                item["options"] = found
        for name_piped in sorted(piped - set(self.fields)):
            self.report.error("survey", row, f"${{{name_piped}}} is piped, but it is not a question of the imported study")
        return item

    def _condition(self, element: dict[str, Any], row: int) -> str | None:
        relevant = (element.get("bind") or {}).get("relevant")
        if not relevant:
            return None
        try:
            return condition(relevant, self.fields)[0]
        except XPathError as exc:
            self.report.error("survey", row, f"relevant {relevant!r} cannot be translated: {exc}")
            return None

    def _text(self, value: Any, row: int, piped: set[str] | None = None) -> Any:
        if value is None:
            return None
        try:
            return self.texts.text(value, piped)
        except ValueError as exc:
            self.report.error("survey", row, str(exc))
            return None

    def _page(self, base: str, title: Any, conditions: list[str]) -> _Page:
        page_id, number = safe_id(base)[:60], 1
        taken = self.ids | (self.groups - {base})
        while page_id in taken:
            number += 1
            page_id = f"{safe_id(base)[:58]}_{number}"
        self.ids.add(page_id)
        show_if = conditions[0] if len(conditions) == 1 else " and ".join(f"({c})" for c in conditions) or None
        page = _Page(page_id, title, show_if)
        self.pages.append(page)
        return page


def joined_all(texts: Iterator[Any]) -> Any:
    found = None
    for text in texts:
        found = joined(found, text)
    return found


def _elements(children: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for element in children:
        yield element
        if element.get("type") in ("group", "repeat"):
            yield from _elements(element.get("children", []))


def _sheet_type(form: Form, element: dict[str, Any]) -> str:
    return form.survey_cells.get(element.get("name", ""), {}).get("type", element.get("type", ""))


def safe_id(name: str) -> str:
    """An id made from a name that is not one (a list, a form, a page): what is not a letter, digit or _ becomes _."""
    cleaned = "".join(c if c.isalnum() and c.isascii() or c == "_" else "_" for c in str(name))
    return cleaned if cleaned[:1].isalpha() else f"l_{cleaned}"


def _written(page: _Page) -> dict[str, Any]:
    out: dict[str, Any] = {"id": page.id}
    if page.title is not None:
        out["title"] = page.title
    if page.show_if:
        out["show_if"] = page.show_if
    out["questions"] = page.questions
    return out
