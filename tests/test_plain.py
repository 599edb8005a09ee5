"""Listings piped to a file or a program: plain aligned lines, one per meeting."""

from __future__ import annotations

import re

import pytest

from peerfind import plain
from peerfind.problems import CONTROL, escape_controls
from tests.conftest import ROOT
from tests.test_cli_lookup import AT, CATALOGUE


@pytest.fixture(autouse=True)
def piped(monkeypatch):
    monkeypatch.setenv("PEERFIND_CATALOGUE", CATALOGUE)
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("peerfind.output.terminal", lambda: False)  # as through a pipe


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("plain-list-near.txt", ["list", "--at", AT, "--near", "Testville"]),
        ("plain-tonight.txt", ["tonight", "--at", AT]),
        ("plain-schedule.txt", ["schedule", "--include-closed"]),
        ("plain-none.txt", ["list", "--at", AT, "--fellowship", "GA"]),
    ],
)
def test_exact_plain_output(name, args, run, expected):
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    expected(name, result.stdout)


def test_every_row_is_one_whole_line_that_grep_finds(run):
    lines = run("list", "--at", AT).stdout.splitlines()
    rows = [line for line in lines[1:] if line.lstrip()[:1].isdigit()]
    assert len(rows) == int(lines[0].split()[0])  # "N meetings, ..."
    women = [row for row in rows if "Women's Hybrid" in row]
    assert women and all("AA · Library Room, Farborough + online · W SP" in row for row in women)
    starts = {len(row) - len(row.split("  ")[-1]) for row in rows}
    assert len(starts) == 1, "the meeting column starts at the same place on every row"


def test_catalogue_text_stays_text_in_plain_output(run):
    out = run("list", "--at", AT, "--search", "circle").stdout
    assert "\x1b" not in out
    assert "Circle [bold]red[/bold] <b>x</b> \\e[31m" in out
    assert "<script>alert(1)</script>" in out


def test_every_plain_listing_says_to_confirm(run):
    for args in (["list", "--at", AT], ["list", "--at", AT, "--fellowship", "GA"]):
        out = run(*args).stdout
        assert "Meeting times change: call or check before you go." in out


@pytest.mark.installed
def test_the_installed_program_prints_plain_lines_into_a_pipe(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PEERFIND_CATALOGUE": CATALOGUE}
    env.pop("TTY_COMPATIBLE", None)
    piped = subprocess.run([sys.executable, "-m", "peerfind", "list", "--at", AT], cwd=ROOT,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert " 1  Fri 27 Nov  7:00–8:00 am  " in piped and "───" not in piped
    env["TTY_COMPATIBLE"] = "1"  # Rich's switch: a terminal, whatever the output is
    table = subprocess.run([sys.executable, "-m", "peerfind", "list", "--at", AT], cwd=ROOT,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert "───" in table


@pytest.mark.parametrize(("escape", "pattern"), [(plain.clean, plain.UNSAFE),
                                                  (escape_controls, CONTROL)])
def test_escaping_skips_only_text_it_would_leave_alone(escape, pattern):
    """Both escapers return printable text untouched without running their pattern (a
    speed trick): that is right only if every character the pattern escapes is one
    str.isprintable refuses."""
    every = "".join(map(chr, range(0x110000)))
    matched = re.findall(pattern, every)
    assert matched and not any(char.isprintable() for char in matched)
    assert escape("tab\there, a new line\n") == (
        "tab\there, a new line\n" if escape is plain.clean else "tab\\u0009here, a new line\\u000a")
    assert escape("ok\u2028\x1b[2J") == ("ok\\u2028\\u001b[2J" if escape is plain.clean
                                          else "ok\u2028\\u001b[2J")
