"""Problems found in a catalogue, the errors that carry them, and their formats."""

from __future__ import annotations

import re
from typing import NamedTuple

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Control characters as \\uXXXX escapes: safe to print to a terminal."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class Problem(NamedTuple):
    line: int
    col: int
    message: str
    where: str = ""
    severity: str = "error"

    @property
    def text(self) -> str:
        """The message with its place, safe to print: control characters escaped."""
        return escape_controls(f"{self.where}: {self.message}" if self.where else self.message)


class PeerfindError(Exception):
    """Anything peerfind reports to the user as a message instead of a traceback."""

    exit_code = 1


class UsageError(PeerfindError):
    """A bad option value: exit 2, like other usage errors."""

    exit_code = 2


class CatalogueError(PeerfindError):
    """A catalogue that cannot be used, with every problem found in it."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = sorted(problems, key=sort_key)
        super().__init__(self.lines()[0] if self.problems else path)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def lines(self) -> list[str]:
        return format_text(self.path, self.problems)


def sort_key(problem: Problem) -> tuple[int, int, str]:
    return (problem.line, problem.col, problem.message)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def count_line(path: str, problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return f"{path}: {plural(errors, 'error')}, {plural(warnings, 'warning')}"


def location(path: str, problem: Problem) -> str:
    """PATH:LINE:COL, or just PATH for a problem with the file as a whole."""
    return f"{path}:{problem.line}:{problem.col}" if problem.line else path


def format_text(path: str, problems: list[Problem]) -> list[str]:
    return [f"{location(path, p)}: {p.severity}: {p.text}" for p in problems]


def _escape_github(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(path: str, problems: list[Problem]) -> list[str]:
    """GitHub Actions workflow commands: each problem annotates its line."""
    file = _escape_github(path, prop=True)
    lines = []
    for p in problems:
        where = f",line={p.line},col={p.col}" if p.line else ""
        lines.append(f"::{p.severity} file={file}{where}::{_escape_github(p.text)}")
    return lines


def json_document(path: str, problems: list[Problem],
                  counts: dict[str, int] | None) -> dict[str, object]:
    """One file's result for ``validate --format json`` (docs/json.md)."""
    errors = sum(p.severity == "error" for p in problems)
    return {
        "path": path,
        "valid": errors == 0,
        "errors": errors,
        "warnings": len(problems) - errors,
        "counts": counts,
        "problems": [
            {
                "line": p.line,
                "col": p.col,
                "severity": p.severity,
                "where": p.where,
                "message": p.message,
            }
            for p in problems
        ],
    }
