"""The docs describe the schema the validator uses, and their examples are valid."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from peerfind import schema
from peerfind.validate import check
from peerfind.yamlio import compose
from tests.conftest import ROOT

CATALOGUE_DOC = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")


def test_catalogue_doc_examples_are_valid():
    example, overrides, overlay = re.findall(r"```yaml\n(.*?)```", CATALOGUE_DOC, re.DOTALL)
    head = "catalogue: 1\narea: x\ntimezone: America/New_York\nupdated: 2026-11-27\ngroups: []\n"
    root, problems = compose(head + overrides)
    assert problems + check(root, dt.date(2026, 11, 30))[1] == []
    root, problems = compose(example)
    data, found = check(root, dt.date(2026, 11, 27))
    assert problems + found == []
    assert data["groups"][0]["meetings"][0]["end"] == "20:30"
    root, problems = compose(overlay)
    assert problems + check(root, dt.date(2026, 11, 27), "overlay")[1] == []


@pytest.mark.parametrize("section", sorted(schema.SECTIONS))
def test_catalogue_doc_names_every_field(section):
    for field in schema.SECTIONS[section]:
        assert f"`{field}`" in CATALOGUE_DOC, f"{section}.{field} is not documented"


def test_catalogue_doc_lists_every_vocabulary_value():
    words = [*schema.FELLOWSHIPS, *schema.ALL_TYPES, *schema.STATUSES, *schema.RESOURCE_KINDS,
             *schema.ATTENDANCE]
    missing = [word for word in words if f"`{word}`" not in CATALOGUE_DOC]
    assert missing == []


def test_every_meeting_guide_code_has_exactly_one_slug():
    table = ROOT / "src" / "peerfind" / "meeting_guide_types.tsv"
    codes = [row.split("\t")[0] for row in table.read_text("utf-8").splitlines()[1:]]
    assert sorted(schema.ALL_TYPES.values()) == sorted(codes)
    assert schema.type_labels()["open"] == ("O", "Open", "Abierta")


README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_names_every_command():
    from peerfind.cli import app

    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"`peerfind {name}" in README, name


def test_readme_setup_commands_come_first():
    blocks = re.findall(r"^    (python3 -m venv .*)$", README, re.MULTILINE)
    assert blocks == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/peerfind tonight",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m "
        "pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci


EXAMPLES = re.findall(r"^    peerfind (.*)$", README, re.MULTILINE)


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_examples_run(example, run, tmp_path, monkeypatch):
    import shlex
    import shutil

    from peerfind.handout import find_browser

    if "--format pdf" in example and find_browser() is None:
        pytest.skip("needs Chromium for PDF")
    from peerfind import fetch

    work = tmp_path / "work"
    shutil.copytree(ROOT / "data", work / "data")
    quirks = ROOT / "tests" / "fixtures" / "feed-quirks.json"
    shutil.copy(quirks, work / "feed.json")
    monkeypatch.setattr(fetch, "get", lambda url, **_: quirks.read_bytes())
    monkeypatch.setenv("PEERFIND_CATALOGUE", str(work / "data" / "groups.yaml"))
    monkeypatch.chdir(work)  # examples that write files write them here
    result = run(*shlex.split(example))
    assert result.exit_code == 0, result.stdout + result.stderr


def test_json_doc_names_every_key():
    from peerfind import records
    from peerfind.catalogue import Source, load
    from peerfind.search import Occurrence

    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    catalogue = load(Source(ROOT / "tests/fixtures/catalogue.yaml", "x"), dt.date(2026, 11, 27))
    group = catalogue.groups[0]
    today = dt.date(2026, 11, 27)
    keys = [*records.occurrence(Occurrence(group, group.meetings[0]), today),
            *records.group(group, today),
            *records.resource(catalogue.resources[0]), *records.helpline(catalogue.helplines[0])]
    assert [key for key in keys if f"`{key}`" not in doc] == []


def test_every_problem_code_is_documented_and_every_message_has_one():
    from peerfind.problems import CODES

    documented = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert [code for code, _, _ in CODES] == re.findall(r"^\| (PF\d{3}) \|", documented,
                                                       re.MULTILINE)
    assert len({code for code, _, _ in CODES}) == len(CODES)
    for out in (ROOT / "tests" / "catalogues" / "invalid").glob("*.out"):
        lines = [line for line in out.read_text().splitlines() if ": error: " in line
                 or ": warning: " in line]
        assert lines and all(re.search(r" \[PF\d{3} [a-z0-9-]+\]$", line) for line in lines)
        assert "PF999" not in out.read_text(), out.name
