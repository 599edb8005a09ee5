"""Example catalogues: valid ones pass, each invalid one gives exactly its .out file."""

from __future__ import annotations

import datetime as dt

import pytest

from peerfind.catalogue import Source, check_source, load
from peerfind.validate import check
from peerfind.yamlio import compose
from tests.conftest import CATALOGUES, FIXTURES

VALID = sorted((CATALOGUES / "valid").glob("*.yaml"))
INVALID = sorted((CATALOGUES / "invalid").glob("*.yaml"))
TODAY = dt.date(2026, 2, 1)
NOW = dt.date(2026, 11, 27)  # the fixture catalogue's confirmations are all before it


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


UNSYNCED = """\
# FICTIONAL: two sources never synced, and nothing else.
catalogue: 1
area: Testville County (fictional)
timezone: America/New_York
updated: 2026-11-01
sources:
  - {id: east, name: East Intergroup, kind: meeting-guide, url: "https://example.org/feed.json"}
  - {id: west, name: West Area, kind: bmlt, url: "https://example.org/main_server/"}
groups: []
"""
OVERLAY = """\
# FICTIONAL overlay: a help line, and a town's centre moved.
catalogue: 1
helplines:
  - {name: Example Warm Line, phone: "988", source: fictional}
towns:
  - {name: Testville, latitude: 41.0, longitude: -74.0}
"""


def test_sources_never_synced_are_warned_about_each(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "groups.yaml").write_text(UNSYNCED)
    (tmp_path / "overlay.yaml").write_text(OVERLAY)
    result = run("validate", "groups.yaml")
    assert (result.exit_code, result.stdout) == (0, (
        "groups.yaml:7:5: warning: sources > east: no snapshot yet (sources/east.json); run "
        "'peerfind sync east' to fetch it [PF401 snapshot-missing]\n"
        "groups.yaml:8:5: warning: sources > west: no snapshot yet (sources/west.json); run "
        "'peerfind sync west' to fetch it [PF401 snapshot-missing]\n"
        "groups.yaml: 0 groups, 0 meetings, 0 help lines, 0 resources - valid (2 warnings)\n"))
    assert run("validate", "--overlay", "overlay.yaml").stdout == (
        "overlay.yaml (overlay): 0 groups, 0 meetings, 1 help line, 0 resources - valid\n")


def test_an_overlay_adds_to_sections_the_catalogue_lacks_and_replaces_towns(tmp_path):
    (tmp_path / "groups.yaml").write_text(UNSYNCED)
    (tmp_path / "overlay.yaml").write_text(OVERLAY)
    base = load(Source(FIXTURES / "catalogue.yaml", "catalogue.yaml"), NOW)
    merged = load(Source(FIXTURES / "catalogue.yaml", "catalogue.yaml"), NOW,
                  [Source(tmp_path / "overlay.yaml", "overlay.yaml", overlay=True)])
    assert [(t.name, t.latitude, t.longitude) for t in merged.towns] == [
        ("Testville", 41.0, -74.0), *[(t.name, t.latitude, t.longitude) for t in base.towns[1:]]]
    bare = load(Source(tmp_path / "groups.yaml", "groups.yaml"), NOW,
                [Source(tmp_path / "overlay.yaml", "overlay.yaml", overlay=True)])
    assert [h.name for h in bare.helplines] == ["Example Warm Line"]
    assert [t.name for t in bare.towns] == ["Testville"]
