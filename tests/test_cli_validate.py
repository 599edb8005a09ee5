"""peerfind validate from the command line: formats, exit codes and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from peerfind import __version__
from tests.conftest import CATALOGUES, ROOT

BAD = CATALOGUES / "invalid"


def test_bundled_catalogue_is_valid_strictly(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("validate", "--strict", "data/groups.yaml")
    assert result.stdout == (
        "data/groups.yaml: 2 groups, 5 meetings, 5 help lines, 21 resources - valid\n"
    )
    assert result.exit_code == 0


def test_default_is_the_bundled_catalogue(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert result.stdout.startswith("data/groups.yaml: 2 groups")


def test_environment_variable_chooses_the_catalogue(run, monkeypatch):
    monkeypatch.chdir(BAD)
    monkeypatch.setenv("PEERFIND_CATALOGUE", "empty.yaml")
    result = run("validate")
    assert result.stdout == (BAD / "empty.out").read_text()
    assert result.exit_code == 1


def test_github_format(run, monkeypatch):
    monkeypatch.chdir(BAD)
    result = run("validate", "--format", "github", "header.yaml")
    assert result.stdout == (
        "::error file=header.yaml,line=2,col=12,title=PF105 format-version::catalogue: format "
        "version 2 is not one this peerfind reads; expected 1\n"
        "::error file=header.yaml,line=4,col=11,title=PF209 bad-time-zone::timezone: "
        "'America/NewYork' is not a time zone; expected an IANA name such as America/New_York "
        "(did you mean 'America/New_York'?)\n"
        "::error file=header.yaml,line=5,col=10,title=PF204 bad-date::updated: '2026-02-30' is "
        "not a real date; check the month and day\n"
    )
    assert result.exit_code == 1


def test_json_format(run, monkeypatch):
    monkeypatch.chdir(BAD)
    result = run("validate", "--format", "json", "empty.yaml")
    assert json.loads(result.stdout) == {
        "path": "empty.yaml",
        "valid": False,
        "errors": 1,
        "warnings": 0,
        "counts": None,
        "problems": [
            {
                "line": 1,
                "col": 1,
                "severity": "error",
                "code": "PF010",
                "name": "empty-file",
                "where": "",
                "message": "the file is empty; a catalogue starts with 'catalogue: 1' "
                "(see docs/catalogue.md)",
            }
        ],
    }
    assert result.exit_code == 1


def test_json_format_of_a_valid_catalogue(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    document = json.loads(run("validate", "-f", "json", "data/groups.yaml").stdout)
    assert document["valid"] is True
    assert document["counts"] == {"groups": 2, "helplines": 5, "resources": 21, "meetings": 5}


STALE = """\
# Fictional test data.
catalogue: 1
area: Testville
timezone: America/New_York
updated: 2000-01-01
groups:
  - id: a
    name: A
    fellowship: AA
    attendance: online
    online: {url: https://example.org}
    meetings: [{day: monday, time: "19:00"}]
    checked: 2000-01-01
"""


def test_warnings_pass_unless_strict(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stale.yaml").write_text(STALE)
    expected = (
        "stale.yaml:7:5: warning: groups[0] a: no source; add source: where these facts came "
        "from (a web site, a printed list, a phone call) [PF501 no-source]\n"
        "stale.yaml:13:14: warning: groups[0] a > checked: 2000-01-01 is over a year ago; "
        "confirm the entry and update checked, or set status: unverified [PF502 "
        "stale-checked]\n"
    )
    result = run("validate", "stale.yaml")
    assert result.stdout == expected + (
        "stale.yaml: 1 group, 1 meeting, 0 help lines, 0 resources - valid (2 warnings)\n"
    )
    assert result.exit_code == 0
    strict = run("validate", "--strict", "stale.yaml")
    assert strict.stdout == expected + "stale.yaml: 0 errors, 2 warnings\n"
    assert strict.exit_code == 1
    github = run("validate", "--strict", "--format", "github", "stale.yaml")
    assert github.stdout.splitlines()[0].startswith(
        "::warning file=stale.yaml,line=7,col=5,title=PF501 no-source::")
    assert github.exit_code == 1


@pytest.mark.parametrize(
    ("setup", "arg", "expected"),
    [
        (None, "missing.yaml", "missing.yaml: error: no such file; check the path, or unset "
         "PEERFIND_CATALOGUE to use the bundled catalogue [PF001 not-a-file]"),
        ("dir", "folder", "folder: error: is a directory, not a catalogue file; give the path "
         "of a .yaml file such as data/groups.yaml [PF001 not-a-file]"),
        ("huge", "huge.yaml", "huge.yaml: error: is 70.0 MiB; a catalogue may be at most 64 "
         "MiB: check that this is the right file [PF001 not-a-file]"),
        ("binary", "logo.png", "logo.png:1:1: error: byte 0x89 is not valid UTF-8; the file "
         "may be binary or saved in another encoding: save it as UTF-8 [PF002 not-utf8]"),
        ("prose", "notes.txt", "notes.txt:1:1: error: the top level is 'Meetings are on "
         "Mondays.'; expected a mapping with the keys catalogue, area, timezone, updated, "
         "groups (see docs/catalogue.md) [PF103 wrong-shape]"),
    ],
)
def test_bad_files(setup, arg, expected, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if setup == "dir":
        (tmp_path / arg).mkdir()
    elif setup == "huge":
        with open(arg, "wb") as handle:
            handle.truncate(70 * 1024 * 1024)
    elif setup == "binary":
        (tmp_path / arg).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    elif setup == "prose":
        (tmp_path / arg).write_text("Meetings are on Mondays.\n")
    result = run("validate", arg)
    assert result.stdout.splitlines()[0] == expected
    assert result.stdout.splitlines()[1] == f"{arg}: 1 error, 0 warnings"
    assert result.exit_code == 1


def test_unknown_format_is_a_usage_error(run):
    result = run("validate", "--format", "xml")
    assert result.exit_code == 2


def test_version(run):
    result = run("--version")
    assert result.stdout == f"peerfind {__version__}\n"
    assert result.exit_code == 0


@pytest.mark.installed
def test_python_dash_m_runs_without_a_traceback(tmp_path):
    (tmp_path / "bad.yaml").write_text("- not a mapping\n")
    result = subprocess.run(
        [sys.executable, "-m", "peerfind", "validate", "bad.yaml"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.startswith("bad.yaml:1:1: error: the top level is a list;")


@pytest.mark.installed
@pytest.mark.parametrize(
    ("args", "code", "stdout_start"),
    [
        (["--version"], 0, f"peerfind {__version__}\n"),
        (["-V"], 0, f"peerfind {__version__}\n"),
        (["list", "--help"], 0, "Usage: peerfind list [OPTIONS]"),
        (["--help"], 0, "Usage: peerfind [OPTIONS] COMMAND [ARGS]..."),
        (["lst"], 2, ""),
    ],
)
def test_the_console_entry_point(args, code, stdout_start):
    """python -m peerfind goes through the same entry point as the console script."""
    result = subprocess.run([sys.executable, "-m", "peerfind", *args], capture_output=True,
                            text=True, env={**os.environ, "NO_COLOR": "1"}, cwd=ROOT)
    assert result.returncode == code
    assert result.stdout.startswith(stdout_start)
    if code == 2:
        assert "Error: No such command 'lst'. Did you mean 'list'?" in result.stderr


@pytest.mark.installed
def test_shell_completion_of_option_values():
    env = {**os.environ, "_PEERFIND_COMPLETE": "complete_bash",
           "COMP_WORDS": "peerfind list --day sat", "COMP_CWORD": "3"}
    result = subprocess.run([sys.executable, "-m", "peerfind"], capture_output=True, text=True,
                            env=env, cwd=ROOT)
    assert result.stdout.split() == ["saturday", "sat"]
