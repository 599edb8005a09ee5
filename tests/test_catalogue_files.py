"""Example catalogues: valid ones pass, each invalid one gives exactly its .out file."""

from __future__ import annotations

import datetime as dt

import pytest

from peerfind.catalogue import Source, check_source
from peerfind.validate import check
from peerfind.yamlio import compose
from tests.conftest import CATALOGUES

VALID = sorted((CATALOGUES / "valid").glob("*.yaml"))
INVALID = sorted((CATALOGUES / "invalid").glob("*.yaml"))
TODAY = dt.date(2026, 2, 1)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_catalogue_has_no_problems(path):
    data, problems = check_source(Source(path, path.name), TODAY)
    assert problems == []
    assert data is not None


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_catalogue_passes_the_command(path, run, monkeypatch):
    monkeypatch.chdir(path.parent)
    result = run("validate", path.name)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.endswith(" - valid\n")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_catalogue_reports_exactly(path, run, monkeypatch):
    monkeypatch.chdir(path.parent)
    result = run("validate", path.name)
    assert result.stdout == path.with_suffix(".out").read_text(encoding="utf-8")
    assert result.exit_code == 1


def test_every_invalid_file_has_its_expected_output():
    outs = sorted((CATALOGUES / "invalid").glob("*.out"))
    assert [p.stem for p in outs] == [p.stem for p in INVALID]


@pytest.mark.parametrize(("written", "meant"), [
    ("true", True), ("yes", True), ("On", True), ("YES", True),
    ("false", False), ("no", False), ("off", False), ("Off", False)])
def test_yaml_1_1_booleans_mean_what_they_say(written, meant):
    root, problems = compose("catalogue: 1\narea: x\ntimezone: UTC\nupdated: 2026-01-01\n"
                             f"overrides:\n  - {{id: g, hide: {written}}}\ngroups: []\n")
    data, found = check(root, TODAY)
    assert problems == found == []
    assert data["overrides"] == [{"id": "g", "hide": meant}]
