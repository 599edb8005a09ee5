"""Contract tests for the start-up tricks (peerfind/startup.py), through the real console
script: if a Typer release breaks one, these fail and say which."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from peerfind.cli import app
from tests.conftest import ROOT

pytestmark = pytest.mark.installed  # the installed peerfind, not mutmut's copy

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)
SCRIPT = shutil.which("peerfind", path=str(Path(sys.executable).parent)) or "peerfind"


def peerfind(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PEERFIND_CATALOGUE": "tests/fixtures/catalogue.yaml",
                   "COLUMNS": "100", **env}
    return subprocess.run([SCRIPT, *args], cwd=ROOT, capture_output=True, text=True,
                          env=environment, timeout=60)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_builds_alone(command):
    """Trick 1 (one command built) and trick 2 (shared options added late)."""
    result = peerfind(command, "--help")
    assert result.returncode == 0, f"single_command or SharedOptions broke '{command}': " \
                                   f"{result.stderr}"
    assert f"Usage: peerfind {command}" in result.stdout


def test_the_shared_filter_options_reach_the_command():
    result = peerfind("list", "--day", "monday", "--fellowship", "AA", "--json", "--at",
                      "2026-11-27T18:30")
    assert result.returncode == 0, "SharedOptions no longer passes the filters: " + \
        result.stderr
    assert '"id": "testville-monday-aa"' in result.stdout
    assert "--near PLACE" in peerfind("tonight", "--help").stdout


def test_the_app_callback_keeps_command_names():
    """Without @app.callback(), a one-command Typer app takes its command's name as an
    argument: 'peerfind list' would fail."""
    module = subprocess.run([sys.executable, "-m", "peerfind", "list", "--at",
                             "2026-11-27T18:30"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ,
                                 "PEERFIND_CATALOGUE": "tests/fixtures/catalogue.yaml"},
                            timeout=60)
    assert module.returncode == 0, "the callback that keeps 'list' a command name is gone: " \
                                   + module.stderr
    assert peerfind("--version").stdout.startswith("peerfind ")


def test_completion_sees_the_whole_app():
    result = peerfind(_PEERFIND_COMPLETE="complete_bash", COMP_WORDS="peerfind to",
                      COMP_CWORD="1")
    assert result.stdout.split() == ["tonight"], "shell completion needs the whole app"
    options = peerfind(_PEERFIND_COMPLETE="complete_bash", COMP_WORDS="peerfind list --day t",
                       COMP_CWORD="3")
    assert set(options.stdout.split()) >= {"tuesday", "thursday", "today", "tomorrow"}


@pytest.mark.parametrize("name", ["models", "schema", "problems", "search", "trust",
                                  "catalogue", "settings"])
def test_classes_are_made_from_real_annotations(name):
    """Trick 4: a string annotation costs every command's start-up (typing compiles
    each one of a named tuple)."""
    module = importlib.import_module(f"peerfind.{name}")
    made = [kind for kind in vars(module).values() if isinstance(kind, type)
            and kind.__module__ == module.__name__ and "__annotations__" in vars(kind)]
    assert made
    for kind in made:
        strings = [field for field, annotation in vars(kind)["__annotations__"].items()
                   if isinstance(annotation, (str, typing.ForwardRef))]
        assert not strings, (f"startup.py trick 4: {name}.{kind.__name__} has string "
                             f"annotations ({', '.join(strings)}): remove 'from __future__ "
                             "import annotations' from the module")
