"""Hostile and broken input: nothing escapes but the typed errors, and nothing leaks out.

The fuzz tests run PEERFIND_FUZZ_EXAMPLES cases each (default 300); run them
longer by hand with, e.g., PEERFIND_FUZZ_EXAMPLES=20000.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tracemalloc
import urllib.request
import webbrowser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerfind.models import catalogue_from
from peerfind.search import RawFilters, parse_filters, week
from peerfind.validate import check
from peerfind.yamlio import LoadError, compose
from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("PEERFIND_FUZZ_EXAMPLES", "300"))
REAL = (ROOT / "data" / "groups.yaml").read_text(encoding="utf-8")
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 18, 30, tzinfo=dt.timezone.utc)
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def load_text(text: str) -> None:
    """The whole pipeline a catalogue goes through; only LoadError may escape."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    try:
        root, problems = compose(text)
    except LoadError as error:
        problems, data = [error.problem], None
    else:
        data, found = check(root, TODAY)
        problems += found
    for problem in problems:
        assert 1 <= problem.line <= lines, problem
        assert problem.col >= 1, problem
        assert problem.message
    if data is not None and not [p for p in problems if p.severity == "error"]:
        catalogue = catalogue_from(data, "fuzz.yaml")
        week(catalogue, parse_filters(RawFilters(), catalogue, TODAY), NOW)


YAML_BITS = st.sampled_from([":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ",
                             "!!python/object:os.system ", "\"", "'", "#", " ", "  ", "\n",
                             "\t", "|", ">", "%", "@", "`", "?", "---\n", "...\n", "19:30",
                             "no", "0730", "2026-02-30", "~", "null", "\\x1b", "<<: *a",
                             "\u202e", "é", "\ufeff", "\x85"])


@FUZZ
@given(st.lists(st.one_of(YAML_BITS, st.text(max_size=8)), max_size=40).map("".join))
def test_random_yaml_never_escapes(text):
    load_text(text)


@st.composite
def mutated(draw):
    text = REAL
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line",
                                   "swap-lines", "indent"]))
        if op == "insert":
            text = text[:where] + draw(st.one_of(YAML_BITS, st.text(max_size=5))) + text[where:]
        elif op == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 40)):]
        elif op == "replace":
            text = text[:where] + draw(YAML_BITS) + text[where + 1:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "duplicate-line":
                lines.insert(i, lines[i])
            elif op == "swap-lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = "  " + lines[i]
            text = "\n".join(lines)
    return text


@FUZZ
@given(mutated())
def test_mutations_of_the_real_catalogue_never_escape(text):
    load_text(text)


def billion_laughs(levels: int = 12) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("billion laughs", billion_laughs(), "aliases expand to more than"),
        ("10,000-deep lists", "[" * 10_000 + "]" * 10_000, "nesting is deeper than"),
        ("10,000-deep mappings", "".join("  " * i + f"k{i}:\n" for i in range(2000)) + "x: 1\n",
         "nesting is deeper than"),
        ("NUL bytes", "catalogue: 1\x00\x00\n", "control character U+0000"),
    ],
)
def test_bombs_are_refused_with_little_memory(name, text, message):
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match=re.escape(message)):
            compose(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"{name}: {peak / 1e6:.1f} MB"


def test_huge_and_broken_files_via_the_command(run, tmp_path):
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(70 * 1024 * 1024)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"catalogue: 1\narea: \xff\xfe\n")
    for path, message in ((huge, "a catalogue may be at most 64 MiB"),
                          (bad, "bad.yaml:2:7: error: byte 0xff is not valid UTF-8")):
        result = run("list", "-c", str(path))
        assert result.exit_code == 1
        assert message in result.stderr


@pytest.mark.parametrize(("path", "message"), [
    ("/dev/null", "/dev/null: error: is not a regular file (a device, pipe or socket); give the "
                  "path of a .yaml file such as data/groups.yaml"),
    ("", "peerfind: error: an empty catalogue path was given; give the path of a .yaml file "
         "such as data/groups.yaml"),
    ("~no-such-user-here/groups.yaml", "peerfind: error: ~no-such-user-here/groups.yaml: '~' "
     "cannot be expanded here (no such user or home folder); give the full path"),
])
def test_paths_that_are_no_catalogue_are_one_line_errors(path, message, run):
    result = run("list", "-c", path)
    assert (result.exit_code, result.stderr) == (1, message + "\n")


@pytest.mark.installed
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "groups.yaml"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "peerfind", "validate", str(fifo)],
                            capture_output=True, text=True, timeout=30)  # never waits forever
    assert result.returncode == 1
    assert "is not a regular file" in result.stdout


def test_an_overlay_cached_as_one_is_not_taken_from_the_cache_as_a_catalogue(run, tmp_path):
    overlay = tmp_path / "mine.yaml"
    overlay.write_text("catalogue: 1\nhelplines:\n  - {name: My Line, phone: '988', "
                       "source: fictional}\n")
    assert run("helplines", "-c", "tests/fixtures/catalogue.yaml", "-c", str(overlay),
               ).exit_code == 0
    result = run("list", "-c", str(overlay))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{overlay}:1:1: error: missing required key 'area'")


HOSTILE = """\
# Fictional hostile catalogue: every value tries to be more than data.
catalogue: 1
area: "Evil <script>alert(1)</script> [bold]x[/bold] =cmd|' /C calc'!A0"
timezone: America/New_York
updated: 2026-11-01
helplines:
  - {name: "Line; rm -rf ~", phone: "988", url: "https://example.org/$(touch${IFS}pwned)",
     source: tests, checked: 2026-11-01}
resources:
  - {id: r, name: "=HYPERLINK(\\"https://evil.example\\")", kind: directory,
     url: "https://evil.example/`touch${IFS}pwned`", source: tests, checked: 2026-11-01}
groups:
  - id: evil
    name: "$(touch pwned) `touch pwned` ../../pwned"
    fellowship: AA
    venue: "<img src=x onerror=alert(1)>"
    address: "1 Example St\\nBCC: x"
    town: Testville
    attendance: hybrid
    online: {url: "https://evil.example/join?x=<b>", phone: "988"}
    notes: "BEGIN:VEVENT\\nUID:spoof\\nEND:VEVENT"
    meetings: [{day: monday, time: "19:00", notes: "=1+2"}]
    source: tests
    checked: 2026-11-01
"""


def test_nothing_in_a_catalogue_opens_runs_or_writes(run, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "evil.yaml").write_text(HOSTILE)
    monkeypatch.chdir(work)

    def refuse(*args, **kwargs):
        raise AssertionError(f"peerfind tried to open or run {args!r}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(webbrowser, "open", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    commands = [
        ["validate", "evil.yaml"], ["list", "-c", "evil.yaml"], ["show", "evil", "-c", "evil.yaml"],
        ["schedule", "-c", "evil.yaml"], ["helplines", "-c", "evil.yaml"],
        ["resources", "-c", "evil.yaml"], ["stale", "-c", "evil.yaml"],
        ["handout", "-c", "evil.yaml"], ["handout", "-c", "evil.yaml", "-f", "markdown"],
        ["handout", "-c", "evil.yaml", "-f", "html", "-o", "out.html"],
        ["export", "-c", "evil.yaml", "-f", "ics", "-o", "out.ics"],
        ["export", "-c", "evil.yaml", "-f", "csv", "-o", "out.csv"],
        ["export", "-c", "evil.yaml", "-f", "meeting-guide", "-o", "out.json"],
    ]
    for args in commands:
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    assert sorted(p.name for p in work.iterdir()) == [
        "evil.yaml", "out.csv", "out.html", "out.ics", "out.json"]
    assert not (tmp_path / "pwned").exists()
    html = (work / "out.html").read_text()
    assert "<img" not in html and "<script>" not in html and "<b>" not in html
    ics = (work / "out.ics").read_text().splitlines()
    assert ics.count("BEGIN:VEVENT") == 1  # the notes' "BEGIN:VEVENT" stays escaped text
    assert not [line for line in ics if line.startswith("UID:spoof")]
    assert b",'=1+2," in (work / "out.csv").read_bytes()


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [  # each was found by the fuzz tests above
        ("[", 1, 2, "YAML syntax error"),
        ("--- ", 1, 5, "the top level is an empty value"),
        ("a: 1\x85b: 2\n", 1, 5, "control character U+0085"),
        ("a: 1\u2028b: 2\n", 1, 5, "control character U+2028"),
        ("::\r<<: *a", 2, 5, "alias *a has no anchor"),
    ],
)
def test_positions_found_by_fuzzing_stay_inside_the_file(text, line, col, message):
    try:
        root, problems = compose(text)
    except LoadError as error:
        problems = [error.problem]
    else:
        problems += check(root, TODAY)[1]
    assert (problems[0].line, problems[0].col) == (line, col)
    assert message in problems[0].message


def test_a_time_zone_folder_is_a_problem_not_a_crash():
    root, _ = compose("catalogue: 1\narea: x\ntimezone: America\nupdated: 2026-01-01\n"
                      "groups: []\n")
    _, problems = check(root, TODAY)
    assert len(problems) == 1
    assert problems[0].message.startswith(
        "'America' is not a time zone; expected an IANA name such as America/New_York")


def test_malformed_url_is_a_problem_not_a_crash():
    root, _ = compose("catalogue: 1\narea: x\ntimezone: UTC\nupdated: 2026-01-01\ngroups: []\n"
                      "helplines: [{name: x, url: 'https://[example.org', source: s}]\n")
    _, problems = check(root, TODAY)
    assert [p.message for p in problems if p.severity == "error"] == [
        "'https://[example.org' is not a web address starting with https:// or http://"]


def test_error_lines_never_carry_terminal_escapes(run):
    result = run("show", "\x1b]0;owned\x07\x1b[2J", "-c", "tests/fixtures/catalogue.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("peerfind: error: no group or resource has the id or name "
                                    "'\\u001b]0;owned\\u0007\\u001b[2J'")
