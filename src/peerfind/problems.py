"""Problems found in a catalogue, the errors that carry them, and their formats."""

# Annotations are evaluated on import, not kept as strings: see startup.py (4).
import functools
import re
from typing import NamedTuple

CONTROL = r"[\x00-\x1f\x7f-\x9f]"  # compiled when first needed, as plain.UNSAFE


def escape_controls(text: str) -> str:
    """Control characters as \\uXXXX escapes: safe to print to a terminal."""
    if text.isprintable():
        return text
    return re.sub(CONTROL, lambda m: f"\\u{ord(m.group()):04x}", text)


# Every problem's stable code and name, found from its message: (code, name, pattern).
# The first pattern that matches wins; docs/problems.md lists them all. Codes never
# change meaning: a retired one is not reused.
CODES: tuple[tuple[str, str, str], ...] = (
    # the file itself (PF0xx)
    ("PF001", "not-a-file", r"^(is a directory|is not a regular file|no such file|cannot be "
                            r"read|is [\d.]+ MiB; a catalogue)"),
    ("PF002", "not-utf8", r"^byte 0x[0-9a-f]{2} is not valid UTF-8"),
    ("PF003", "control-character", r"^(control character U\+|contains the control character)"),
    ("PF004", "yaml-syntax", r"^(YAML syntax error|YAML error|this quoted text is never "
                             r"closed|a tab character here)"),
    ("PF005", "too-deep", r"^nesting is deeper than"),
    ("PF006", "yaml-alias", r"^(alias \*|aliases expand to more than)"),
    ("PF007", "yaml-tag", r"^the YAML tag"),
    ("PF008", "yaml-key", r"^(a key must be plain text|merge keys)"),
    ("PF009", "duplicate-key", r"^duplicate key '"),
    ("PF010", "empty-file", r"^the file is empty"),
    ("PF011", "more-documents", r"^a second YAML document"),
    ("PF012", "text-too-long", r"^this text is [\d,]+ characters long"),
    # structure (PF1xx)
    ("PF101", "unknown-key", r"^unknown key '"),
    ("PF102", "missing-key", r"^missing required key '"),
    ("PF103", "wrong-shape", r"^(the top level is|expected a mapping|expected a list)"),
    ("PF104", "blank-value", r"^is (blank|empty); expected"),
    ("PF105", "format-version", r"^format version"),
    # values (PF2xx)
    ("PF201", "unknown-choice", r"is not a valid (?!id;)"),
    ("PF202", "unknown-type", r"is not a meeting type"),
    ("PF203", "bad-time", r"is not a 24-hour time"),
    ("PF204", "bad-date", r"(is not a real date|write the day as)"),
    ("PF214", "bad-boolean", r"^expected true or false"),
    ("PF205", "bad-number", r"^(expected a whole number|expected a number|expected a distance|"
                            r"[-\d.e+]+ is out of range|\d+ minutes is "
                            r"out of range)"),
    ("PF206", "bad-url", r"(is not a web address|is neither a web address)"),
    ("PF207", "bad-email", r"is not an email address"),
    ("PF208", "bad-phone", r"is not a phone number"),
    ("PF209", "bad-time-zone", r"is not a time zone"),
    ("PF210", "not-anonymous", r"is not a first name and last initial"),
    ("PF211", "bad-id", r"(is not a meeting slug|is not a valid id)"),
    ("PF212", "wrong-kind", r"^expected .*, found"),
    ("PF213", "yaml-1-1-reading", r"^unquoted .* is read by YAML"),
    # rules between fields (PF3xx)
    ("PF301", "duplicate-id", r"^(duplicate (source )?id|.*is also meetings\[|meets twice on|"
                              r"a second override of)"),
    ("PF302", "future-checked", r"is in the future"),
    ("PF303", "status-without-checked", r"^status active needs checked"),
    ("PF304", "checked-but-unverified", r"^status unverified beside checked"),
    ("PF305", "needs-a-way-to-join", r"(group needs online:|help line needs at least one)"),
    ("PF306", "needs-a-town", r"^a group that meets in person needs a town"),
    ("PF307", "open-and-closed", r"^a group cannot be both open and closed"),
    ("PF308", "no-meetings", r"^no meetings; add"),
    ("PF309", "end-before-start", r"^(end .* is not after the start|give end or minutes)"),
    ("PF310", "pair-apart", r"go together"),
    ("PF311", "wrong-source-option", r"(sources; this one|is not LAT,LON)"),
    # sources and snapshots (PF4xx)
    ("PF401", "snapshot-missing", r"^no snapshot yet"),
    ("PF402", "snapshot-unreadable", r"^sources/.*\.json|is not a peerfind snapshot"),
    ("PF403", "override-orphan", r"^no source lists a group"),
    # warnings about the facts (PF5xx)
    ("PF501", "no-source", r"^no source; add source"),
    ("PF502", "stale-checked", r"is over a year ago"),
    ("PF503", "no-address", r"^no address; add address"),
    ("PF504", "online-on-in-person", r"^online details on an in-person group"),
    ("PF505", "possible-duplicate", r"^meets where and when"),
    ("PF506", "town-spelling", r"^town '.*' is written '"),
    ("PF507", "town-unknown", r"^town '.*' is not in towns:"),
    ("PF508", "confirmation-without-source", r"^a confirmation needs its source"),
)
@functools.cache
def _patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """Compiled when first needed (validate): compiling them costs every command's
    start-up otherwise."""
    return [(code, name, re.compile(pattern)) for code, name, pattern in CODES]


def classify(message: str) -> tuple[str, str]:
    """A message's (code, name); ("PF999", "other") for one not in the table."""
    for code, name, pattern in _patterns():
        if pattern.search(message):
            return code, name
    return "PF999", "other"


class Problem(NamedTuple):
    line: int
    col: int
    message: str
    where: str = ""
    severity: str = "error"

    @property
    def code(self) -> str:
        """A stable code and name, such as 'PF101 unknown-key' (docs/problems.md)."""
        return " ".join(classify(self.message))

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


def format_text(path: str, problems: list[Problem], codes: bool = False) -> list[str]:
    """One line per problem; ``codes`` adds each one's code and name (validate does)."""
    return [f"{location(path, p)}: {p.severity}: {p.text}" + (f" [{p.code}]" if codes else "")
            for p in problems]


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
        title = _escape_github(p.code, prop=True)
        lines.append(f"::{p.severity} file={file}{where},title={title}::"
                     f"{_escape_github(p.text)}")
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
                "code": p.code.split()[0],
                "name": p.code.split()[1],
                "where": p.where,
                "message": p.message,
            }
            for p in problems
        ],
    }
