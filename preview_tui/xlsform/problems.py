"""What an import reports: a place in the workbook (``FORM.xlsx:sheet:row``) and why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class FormProblem:
    """``FORM.xlsx:sheet:row: message``; the sheet and row are left out when no row is to blame."""

    file: str
    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.sheet}:{self.row}: {self.message}"


@dataclass
class Report:
    """Every problem found (the study is not written when there is one) and every note (written, said)."""

    file: str
    problems: list[FormProblem] = field(default_factory=list)
    notes: list[FormProblem] = field(default_factory=list)

    def error(self, sheet: str, row: int, message: str) -> None:
        self.problems.append(FormProblem(self.file, sheet, row, message))

    def note(self, sheet: str, row: int, message: str) -> None:
        self.notes.append(FormProblem(self.file, sheet, row, message))


class ImportFailed(Exception):
    """The form cannot be imported as it stands; ``report`` says where and why."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__("\n".join(str(p) for p in sorted(set(report.problems))))
