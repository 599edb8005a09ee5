"""The volunteer's pull request: stale report, JSON Schema, CI workflow, pre-commit, docs."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
import os
import sys
import shlex
import subprocess

import jsonschema
import pytest
import yaml

from peerfind import schema
from peerfind.catalogue import Source, load
from peerfind.stale import stale
from peerfind.validate import check
from peerfind.yamlio import compose
from tests.conftest import CATALOGUES, FIXTURES, ROOT

TODAY = dt.date(2026, 11, 27)


def test_stale_lists_unchecked_then_oldest():
    catalogue = load(Source(FIXTURES / "catalogue.yaml", "c.yaml"), TODAY)
    found = stale(catalogue, dt.date(2027, 6, 1), days=180)
    assert [(s.kind, s.id or s.name, s.age_days) for s in found] == [
        ("group", "hostile-names", None),  # never checked first, then by name
        ("helpline", "Example Warm Line", None),
        ("group", "otherton-na", None),
        ("resource", "example-crisis-centre", 243),
        ("helpline", "Example Crisis Line", 243),
        ("resource", "example-finder", 243),
        ("group", "testville-monday-aa", 243),
        ("group", "night-owls", 243),
        ("group", "paused-al-anon", 243),
        ("group", "smart-online", 243),
        ("group", "farborough-women", 243),
    ]
    assert found[6].contact == "Pat K., monday@example.org"
    assert [s.id or s.name for s in stale(catalogue, TODAY, days=180)] == [
        "hostile-names", "Example Warm Line", "otherton-na"]


def test_stale_command(run, monkeypatch, expected):
    monkeypatch.chdir(ROOT)
    result = run("stale", "-c", "tests/fixtures/catalogue.yaml", "--days", "100000")
    assert result.exit_code == 0
    expected("stale.txt", result.stdout)
    records = json.loads(run("stale", "-c", "tests/fixtures/catalogue.yaml", "--json",
                             "--days", "100000").stdout)
    assert records[0] == {"kind": "group", "id": "hostile-names",
                          "name": "Circle [bold]red[/bold] <b>x</b> \\e[31m",
                          "status": "unverified", "checked": None, "age_days": None,
                          "source": "invented for tests", "contact": None,
                          "where": "tests/fixtures/catalogue.yaml:114"}
    everything = json.loads(run("stale", "-c", "tests/fixtures/catalogue.yaml", "--json",
                                "--days", "0").stdout)
    assert {(r["kind"], r["id"] or r["name"], r["where"]) for r in everything} >= {
        ("resource", "example-crisis-centre", "tests/fixtures/catalogue.yaml:27"),
        ("resource", "example-finder", "tests/fixtures/catalogue.yaml:35"),
        ("helpline", "Example Crisis Line", "tests/fixtures/catalogue.yaml:15")}


def _as_json(path):
    """YAML as an editor's language server sees it: dates are strings."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize(
    "path",
    [ROOT / "data" / "groups.yaml", FIXTURES / "catalogue.yaml",
     *sorted((CATALOGUES / "valid").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_json_schema_accepts_valid_catalogues(path):
    validator = jsonschema.Draft202012Validator(schema.json_schema())
    assert [error.message for error in validator.iter_errors(_as_json(path))] == []


@pytest.mark.parametrize("name", ["unknown-key", "unknown-values", "wrong-type", "missing-key"])
def test_json_schema_rejects_what_validate_rejects(name):
    validator = jsonschema.Draft202012Validator(schema.json_schema())
    assert list(validator.iter_errors(_as_json(CATALOGUES / "invalid" / f"{name}.yaml")))


def test_schema_command(run, tmp_path):
    jsonschema.Draft202012Validator.check_schema(schema.json_schema())
    assert json.loads(run("schema").stdout) == schema.json_schema()
    out = tmp_path / "catalogue.schema.json"
    assert run("schema", "-o", str(out)).stdout == f"{out}\n"
    assert json.loads(out.read_text()) == schema.json_schema()


def test_workflow_validates_with_annotations_and_tests_each_python():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "catalogue.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key 'on' as true
    steps = workflow["jobs"]["validate"]["steps"]
    assert {"name": "peerfind validate",
            "run": "peerfind validate --format github --strict data/groups.yaml --changed-since "
                   "${{ github.event.pull_request.base.sha || github.event.before }}"} in steps
    assert {"fetch-depth": 0} in [step.get("with") for step in steps]
    tests = workflow["jobs"]["tests"]
    assert tests["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    assert {"run": "bash .ci/run"} in tests["steps"]


def test_pre_commit_hooks(tmp_path):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "peerfind-validate"
    assert hooks[0]["entry"] == "peerfind validate --strict"
    assert re.search(hooks[0]["files"], "data/groups.yaml")
    assert hooks[0]["language"] == "python"  # pre-commit installs peerfind from its repo
    own = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"][0]
    assert own["language"] == "python"  # no active virtual environment needed
    dependencies = {re.split(r"[<>=]", d)[0].casefold() for d in own["additional_dependencies"]}
    needed = {re.split(r"[<>=]", d)[0].casefold() for d in tomllib.loads(
        (ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert needed - {"jinja2", "icalendar", "segno"} <= dependencies  # validate needs these
    # The entry as pre-commit runs it: from the clone's root, in a plain Python.
    entry = shlex.split(own["entry"])
    result = subprocess.run([sys.executable, *entry[1:], "data/groups.yaml"], cwd=ROOT,
                            capture_output=True, text=True,
                            env={"PATH": os.environ["PATH"], "HOME": str(tmp_path),
                                 "PEERFIND_TODAY": "2026-11-27"})
    assert (result.returncode, result.stdout.splitlines()[-1]) == (
        0, "data/groups.yaml: 2 groups, 5 meetings, 5 help lines, 21 resources - valid")


def test_validate_checks_every_file_passed(run, monkeypatch):
    monkeypatch.chdir(CATALOGUES)
    result = run("validate", "valid/minimal.yaml", "valid/anchors.yaml")
    assert result.stdout == (
        "valid/minimal.yaml: 0 groups, 0 meetings, 0 help lines, 0 resources - valid\n"
        "valid/anchors.yaml: 2 groups, 2 meetings, 0 help lines, 0 resources - valid\n")


CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_contributing_snippets_are_valid():
    snippets = re.findall(r"```yaml\n(.*?)```", CONTRIBUTING, re.DOTALL)
    group = snippets[0]
    header = ("catalogue: 1\narea: Fictional\ntimezone: America/New_York\n"
              "updated: 2026-11-27\ntowns:\n  - {name: Beacon, latitude: 41.50, longitude: "
              "-73.97}\ngroups:\n")
    root, problems = compose(header + group)
    _, found = check(root, TODAY)
    assert problems + found == []
    online = group.replace("attendance: in_person", "attendance: hybrid") + snippets[1]
    root, problems = compose(header + online)
    assert problems + check(root, TODAY)[1] == []
    assert "peerfind stale" in CONTRIBUTING and "peerfind validate" in CONTRIBUTING


def test_inside_a_checkout_the_working_trees_catalogue_is_read(run, tmp_path, monkeypatch):
    tree = tmp_path / "peerfind"
    (tree / ".git").mkdir(parents=True)
    (tree / "src" / "peerfind").mkdir(parents=True)
    (tree / "src" / "peerfind" / "cli.py").write_text("")
    (tree / "data").mkdir()
    edited = (ROOT / "tests" / "fixtures" / "catalogue.yaml").read_text(encoding="utf-8")
    (tree / "data" / "groups.yaml").write_text(edited.replace("Otherton Hope", "Otherton New"),
                                               encoding="utf-8")
    monkeypatch.delenv("PEERFIND_CATALOGUE", raising=False)
    monkeypatch.chdir(tree / "src")
    shown = tree / "data" / "groups.yaml"
    # Late on Friday, tonight reads the catalogue twice (nothing left today): said once.
    for args in (["list", "--fellowship", "NA", "--at", "2026-11-27T18:30"],
                 ["tonight", "--at", "2026-11-27T23:59"]):
        result = run(*args)
        assert result.stderr == (f"peerfind: reading {shown}, this checkout's catalogue (not "
                                 "the installed copy)\n")
        assert "Otherton New" in result.stdout
    checked = run("validate")
    assert checked.stdout == (
        f"{shown}: 8 groups, 13 meetings, 2 help lines, 2 resources - valid\n")
    monkeypatch.chdir(tmp_path)  # outside any checkout: the installed copy, quietly
    assert run("helplines").stderr == ""


CHANGED = """\
# FICTIONAL catalogue for --changed-since.
catalogue: 1
area: Testville County (fictional)
timezone: America/New_York
updated: 2026-11-01
groups:
  - {id: old-group, name: Old Group, fellowship: AA, attendance: online,
     online: {url: https://example.org/old}, meetings: [{day: monday, time: "19:00"}],
     source: fictional, checked: 2025-01-01}
"""
ADDED = """\
  - {id: new-group, name: New Group, fellowship: AA, attendance: online,
     online: {url: https://example.org/new}, meetings: [{day: friday, time: "19:00"}]%s}
"""


def test_changed_since_fails_only_for_the_entries_a_change_touched(run, tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    path = tmp_path / "groups.yaml"
    path.write_text(CHANGED)
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q",
        "--allow-empty", "-m", "empty")
    git("add", "groups.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base")
    stale = f"{path}:9:34: warning: groups[0] old-group > checked: 2025-01-01 is over a year ago"
    assert run("validate", "--strict", str(path)).exit_code == 1  # time alone
    quiet = run("validate", "--strict", "--changed-since", "HEAD", str(path))
    assert quiet.exit_code == 0 and quiet.stdout.startswith(stale)  # printed, not failing
    path.write_text(CHANGED + ADDED % "")  # a new group with no source
    mine = run("validate", "--strict", "--changed-since", "HEAD", str(path))
    assert mine.exit_code == 1 and "groups[1] new-group: no source" in mine.stdout
    path.write_text(CHANGED + ADDED % ", source: fictional")
    assert run("validate", "--strict", "--changed-since", "HEAD", str(path)).exit_code == 0
    unknown = run("validate", "--strict", "--changed-since", "no-such-ref", str(path))
    assert unknown.stderr == ("peerfind: error: --changed-since: git does not know the "
                              "revision 'no-such-ref'; fetch it first (git fetch origin) or "
                              "give a commit or branch\n")


def test_report_drafts_a_correction_with_a_prefilled_issue(run, tmp_path):
    from urllib.parse import parse_qs, urlsplit

    path = tmp_path / "groups.yaml"
    path.write_text((ROOT / "tests" / "fixtures" / "catalogue.yaml").read_text().replace(
        "notes: Fictional data for tests.\n", "notes: Fictional data for tests.\n"
        "feedback: https://example.org/fictional/issues/new\n"))
    result = run("report", "otherton hope", "-c", str(path))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:4] == ["Correction: Otherton Hope (otherton-na)", "",
                         "Listed now in Testville County (fictional):", "  id: otherton-na"]
    assert "  meets: Tuesday 6:30–7:30 pm; Saturday 10:00 am" in lines
    link = lines[-1].removeprefix("Send it: ")
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("https://example.org/fictional/issues/new?title=Correction")
    assert query["title"] == ["Correction: Otherton Hope (otherton-na)"]
    assert query["body"][0].startswith("Listed now in Testville County (fictional):\n")
    mail = path.read_text().replace("https://example.org/fictional/issues/new",
                                    "lists@example.org")
    path.write_text(mail)
    data = json.loads(run("report", "otherton-na", "-c", str(path), "--json").stdout)
    assert data["link"].startswith("mailto:lists@example.org?subject=Correction%3A%20Otherton")
    path.write_text(mail.replace("lists@example.org", "not an address"))
    assert "'not an address' is neither a web address nor an e-mail address" in run(
        "validate", str(path)).stdout


def test_report_prints_the_whole_listing_and_every_question(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("report", "farborough-women", "-c", "tests/fixtures/catalogue.yaml")
    assert result.stdout == (
        "Correction: Women's Hybrid (farborough-women)\n"
        "\n"
        "Listed now in Testville County (fictional):\n"
        "  id: farborough-women\n"
        "  name: Women's Hybrid\n"
        "  fellowship: AA\n"
        "  meets: Friday 6:00–7:00 pm\n"
        "  where: Library Room, 3 Example Lane, Farborough\n"
        "  online: https://example.org/women\n"
        "  status: active\n"
        "  trust: confirmed by a person on 1 Oct 2026\n"
        "  source: invented for tests\n"
        "\n"
        "What is wrong (fill in what you know):\n"
        "- It no longer meets (since when?): \n"
        "- The day or time is now: \n"
        "- The place or address is now: \n"
        "- The online link, phone, meeting id or passcode is now: \n"
        "- Something else: \n"
        "- How you know (a phone call, the group's own listing, a visit), and the date: \n"
        "\n"
        "This catalogue names no address for corrections (its feedback key). Give the text "
        "above to whoever keeps the list, and check the fellowship's own finder: peerfind "
        "resources --kind directory\n")
    online = run("report", "smart-online", "-c", "tests/fixtures/catalogue.yaml").stdout
    assert "  where: online\n  online: https://example.org/smart · 555 555 5555\n" in online
    assert "  meets: Tuesday 8:00–9:30 pm; Friday 7:00–8:00 am\n" in online
    resource = run("report", "example-finder", "-c", "tests/fixtures/catalogue.yaml")
    assert (resource.exit_code, resource.stderr) == (2, (
        "peerfind: error: report: 'example-finder' is a resource; report takes a group of "
        "meetings\n"))
