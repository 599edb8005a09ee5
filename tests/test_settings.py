"""The user's config file and overlay catalogue, in an isolated home."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from peerfind import settings
from peerfind.schema import FELLOWSHIPS

from tests.conftest import ROOT

AT = "2026-11-27T18:30"
OVERLAY = """\
# Fictional: a clinic's own group.
catalogue: 1
groups:
  - id: clinic-tuesday
    name: Clinic Tuesday Circle
    fellowship: SMART
    attendance: in_person
    venue: Fictional Clinic
    address: 8 Example Street, Testville
    town: Testville
    meetings: [{day: tuesday, time: "17:00", end: "18:00"}]
    source: the clinic's own schedule
    checked: 2026-11-01
  - id: otherton-na
    name: Otherton Hope (moved)
    fellowship: NA
    attendance: in_person
    venue: New Hall
    address: 9 Example Street, Otherton
    town: Otherton
    meetings: [{day: tuesday, time: "18:30"}]
    source: the group's secretary
    status: unverified
"""


@pytest.fixture
def home(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PEERFIND_CATALOGUE", "tests/fixtures/catalogue.yaml")
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "peerfind"
    data = Path(os.environ["XDG_DATA_HOME"]) / "peerfind"
    return config, data


def test_config_shows_paths_and_defaults(run, home):
    config, data = home
    result = run("config", "--json")
    document = json.loads(result.stdout)
    assert document["config_file"] == str(config / "config.toml")
    assert document["overlay"] == str(data / "overlay.yaml")
    assert document["config_file_exists"] is False
    assert document["settings"] == {"home_town": None, "fellowships": [], "clock": "12h",
                                    "catalogue": None, "timezone": None}
    assert run("config").stdout.splitlines()[0] == (
        f"config file  {config / 'config.toml'} (none yet)")


def test_config_shows_the_catalogue_and_its_own_notes(run, home):
    assert run("config").stdout.splitlines()[-5:] == [
        "catalogue    tests/fixtures/catalogue.yaml",
        "             updated 2026-11-01, 8 groups, listed by: -",
        "",
        "About this catalogue:",
        "Fictional data for tests.",
    ]
    assert json.loads(run("config", "--json").stdout)["catalogue_info"] == {
        "updated": "2026-11-01", "groups": 8, "sources": [],
        "notes": "Fictional data for tests.", "problem": None}


def test_config_says_when_the_catalogue_cannot_be_read(run, home, monkeypatch):
    monkeypatch.setenv("PEERFIND_CATALOGUE", "tests/fixtures/missing.yaml")
    result = run("config")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "             cannot be read: tests/fixtures/missing.yaml: error: no such file; check "
        "the path, or unset PEERFIND_CATALOGUE to use the bundled catalogue")
    assert json.loads(run("config", "--json").stdout)["catalogue_info"] == {
        "updated": None, "groups": 0, "sources": [], "notes": "",
        "problem": "tests/fixtures/missing.yaml: error: no such file; check the path, or "
                   "unset PEERFIND_CATALOGUE to use the bundled catalogue"}


def test_config_init_writes_a_template_once(run, home):
    config, _ = home
    assert run("config", "--init").stdout == f"{config / 'config.toml'}\n"
    assert (config / "config.toml").read_text().startswith("# peerfind settings.")
    again = run("config", "--init")
    assert again.exit_code == 1
    assert "exists already" in again.stderr


def test_settings_apply(run, home):
    config, _ = home
    config.mkdir(parents=True)
    (config / "config.toml").write_text('home_town = "Testville"\nfellowships = ["na"]\n'
                                        'clock = "24h"\n')
    out = run("list", "--at", AT).stdout
    assert "Miles" in out
    assert "Otherton Hope" in out and "Monday Night Group" not in out
    assert "18:30–19:30" in out
    explicit = run("list", "--at", AT, "--fellowship", "aa").stdout
    assert "Monday Night Group" in explicit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('home_town = "Narnia"\n', "home_town in your config file: --near: 'Narnia' is not a "
         "town, ZIP code or LAT,LON that peerfind knows; expected a town such as Testville, "
         "Otherton, Farborough, \"Town, NY\", a ZIP code such as 12601, or coordinates such "
         "as 41.70,-73.92; carrying on without it"),
        ('fellowships = ["AAA"]\n', "fellowships in your config file: --fellowship: 'AAA' is "
         "not a known fellowship (did you mean 'AA'?); expected one of "
         f"{', '.join(FELLOWSHIPS)}; carrying on without it"),
        ('clock = "25h"\n', "{config}: clock = '25h' is not one of \"12h\" or \"24h\"; carrying "
         "on with the default settings"),
        ('colour = "blue"\n', "{config}: unknown setting 'colour'; the settings are home_town, "
         "fellowships, clock, catalogue, timezone; carrying on with the default settings"),
        ('home_twn = "Beacon"\n', "{config}: unknown setting 'home_twn' (did you mean "
         "'home_town'?); the settings are home_town, fellowships, clock, catalogue, timezone; "
         "carrying on with the default settings"),
        ("home_town = 5\n", "{config}: home_town must be text in quotes, e.g. home_town = "
         "\"...\"; carrying on with the default settings"),
        ("timezone = 5\n", "{config}: timezone must be text in quotes, e.g. timezone = \"...\"; "
         "carrying on with the default settings"),
        ('fellowships = "AA"\n', "{config}: fellowships must be a list of names, e.g. "
         "fellowships = [\"AA\", \"NA\"]; carrying on with the default settings"),
        ("home_town = \n", "{config}:1:13: not valid TOML: Invalid value; fix the line (text "
         "goes in quotes: clock = \"24h\") or remove the file; carrying on with the default "
         "settings"),
    ],
)
def test_a_broken_setting_is_a_warning_and_every_command_carries_on(text, message, run,
                                                                    home):
    config, _ = home
    config.mkdir(parents=True)
    (config / "config.toml").write_text(text)
    result = run("list", "--at", AT)
    assert result.exit_code == 0
    assert result.stderr == "peerfind: warning: " + message.replace(
        "{config}", str(config / "config.toml")) + "\n"
    assert result.stdout == run("list", "--at", AT, "-c", "tests/fixtures/catalogue.yaml",
                                env={"XDG_CONFIG_HOME": "/nonexistent"}).stdout


def test_a_broken_overlay_is_a_warning_and_left_out(run, home):
    _, data = home
    data.mkdir(parents=True)
    (data / "overlay.yaml").write_text("catalogue: 1\ngroups:\n  - id: mine\n    name: Mine\n"
                                       "    fellowship: AAA\n")
    result = run("list", "--at", AT)
    assert result.exit_code == 0
    shown = data / "overlay.yaml"
    assert result.stderr == (
        f"{shown}:3:5: warning: groups[0] mine: missing required key 'attendance' (and 2 "
        "more); peerfind carries on without this overlay until it is fixed: run 'peerfind "
        f"validate --overlay {shown}'\n")
    assert "12 meetings" in result.stdout
    assert run("helplines").exit_code == 0


def test_help_lines_fall_back_to_the_bundled_ones(run, home, monkeypatch):
    monkeypatch.setenv("PEERFIND_CATALOGUE", "tests/fixtures/missing.yaml")
    result = run("helplines")
    assert result.exit_code == 0
    assert result.stderr == (
        "peerfind: warning: tests/fixtures/missing.yaml: error: no such file; check the path, "
        "or unset PEERFIND_CATALOGUE to use the bundled catalogue; showing the help lines of "
        "the bundled catalogue instead\n")
    assert "988 Suicide & Crisis Lifeline" in result.stdout
    assert run("guide").exit_code == 0


def test_overlay_adds_and_replaces_groups(run, home):
    _, data = home
    data.mkdir(parents=True)
    (data / "overlay.yaml").write_text(OVERLAY)
    out = run("list", "--at", AT, "--day", "tuesday").stdout
    assert "Clinic Tuesday Circle" in out
    assert "Otherton Hope (moved)" in out
    assert "Café Central" not in out
    result = run("validate")
    assert result.stdout == (
        "tests/fixtures/catalogue.yaml: 8 groups, 13 meetings, 2 help lines, 2 resources - "
        "valid\n"
        f"{data / 'overlay.yaml'} (overlay): 2 groups, 2 meetings, 0 help lines, 0 resources "
        "- valid\n")


def test_overlay_applies_to_a_lookup_by_town_from_the_cache(run, home):
    _, data = home
    data.mkdir(parents=True)
    (data / "overlay.yaml").write_text(OVERLAY)
    first = run("list", "--at", AT, "--town", "otherton").stdout  # fills the cache
    again = run("list", "--at", AT, "--town", "otherton").stdout  # only Otherton's groups
    assert again == first
    assert "Otherton Hope (moved)" in again
    assert "Clinic Tuesday Circle" not in again


def test_second_catalogue_option_is_an_overlay(run, home, tmp_path):
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(OVERLAY)
    out = run("show", "clinic-tuesday", "-c", "tests/fixtures/catalogue.yaml",
              "-c", str(overlay)).stdout
    assert "Clinic Tuesday Circle" in out


@pytest.mark.parametrize("environment", [
    {"HOME": "/home/pat"},
    {"HOME": "/home/pat", "XDG_CONFIG_HOME": "/etc/xdg-pat", "XDG_DATA_HOME": "/data",
     "XDG_CACHE_HOME": "/var/cache/pat"},
    {"HOME": "/home/pat", "XDG_CONFIG_HOME": "relative", "XDG_DATA_HOME": "",
     "XDG_CACHE_HOME": "~/cache"},
    {"HOME": "/home/pat/"},
])
@pytest.mark.skipif(sys.platform != "linux", reason="the fast path is for Linux only")
def test_folders_agree_with_platformdirs(environment, monkeypatch):
    import platformdirs

    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert settings.folders() == settings.Folders(
        Path(platformdirs.user_config_dir("peerfind")),
        Path(platformdirs.user_data_dir("peerfind")),
        Path(platformdirs.user_cache_dir("peerfind")))


def test_the_config_files_catalogue_is_read_when_no_other_is_named(run, home, monkeypatch):
    config, _ = home
    config.mkdir(parents=True)
    (config / "config.toml").write_text('catalogue = "tests/fixtures/catalogue.yaml"\n')
    monkeypatch.delenv("PEERFIND_CATALOGUE")
    assert run("validate").stdout == (
        "tests/fixtures/catalogue.yaml: 8 groups, 13 meetings, 2 help lines, 2 resources - "
        "valid\n")
    monkeypatch.setenv("PEERFIND_CATALOGUE", "data/groups.yaml")  # the variable comes first
    assert run("validate").stdout.startswith("data/groups.yaml: 2 groups")
