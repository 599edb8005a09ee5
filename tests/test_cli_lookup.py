"""The lookup commands on the fictional fixture catalogue, with exact output."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT

CATALOGUE = "tests/fixtures/catalogue.yaml"  # relative to ROOT, the working directory
AT = "2026-11-27T18:30"  # a Friday evening


@pytest.fixture(autouse=True)
def fixture_catalogue(monkeypatch):
    monkeypatch.setenv("PEERFIND_CATALOGUE", CATALOGUE)
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("list.txt", ["list", "--at", AT]),
        ("list-near.txt", ["list", "--at", AT, "--near", "Testville", "--within", "15"]),
        ("tonight.txt", ["tonight", "--at", AT]),
        ("tonight-none-left.txt", ["tonight", "--at", "2026-11-27T21:00", "--town", "testville"]),
        ("next.txt", ["next", "-n", "3", "--at", AT]),
        ("schedule-100.txt", ["schedule", "--include-closed"]),
        ("show-group.txt", ["show", "testville-monday-aa"]),
        ("show-hostile.txt", ["show", "hostile-names"]),
        ("show-resource.txt", ["show", "example-crisis-centre"]),
        ("show-online.txt", ["show", "smart-online"]),
        ("show-hybrid.txt", ["show", "farborough-women"]),
        ("show-closed.txt", ["show", "old-thursday"]),
        ("list-near-all.txt", ["list", "--at", AT, "--near", "Testville"]),
        ("resources-directories.txt", ["resources", "--kind", "directory"]),
        ("helplines.txt", ["helplines"]),
        ("resources.txt", ["resources"]),
        ("guide.txt", ["guide"]),
    ],
)
def test_exact_output(name, args, run, expected):
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    expected(name, result.stdout)


def test_schedule_at_80_columns_is_one_table(run, expected, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    expected("schedule-80.txt", run("schedule").stdout)


def test_schedule_when_narrow_has_a_section_per_day(run, expected, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    expected("schedule-60.txt", run("schedule", "--day", "weekend").stdout)


def test_catalogue_text_is_never_markup(run):
    out = run("list", "--at", AT, "--search", "circle").stdout
    assert "Circle [bold]red[/bold] <b>x</b> \\e[31m" in out
    assert "<script>alert(1)</script>" in out
    assert "\x1b" not in out


def test_every_listing_says_to_confirm(run):
    for args in (["list"], ["tonight"], ["next"], ["schedule"], ["helplines"], ["resources"],
                 ["show", "otherton-na"], ["list", "--town", "otherton", "--day", "monday"]):
        out = run(*args, "--at", AT) if args[0] in ("list", "tonight", "next") else run(*args)
        assert "Meeting times change: call or check before you go." in out.stdout, args
        assert "Catalogue updated 2026-11-01" in out.stdout, args


def test_trust_shows_on_every_row(run):
    lines = run("list", "--at", AT, "--fellowship", "na", "--town", "otherton").stdout
    rows = [line for line in lines.splitlines() if "Otherton Hope" in line]
    assert len(rows) == 2
    assert all(row.rstrip().endswith("lead") for row in rows)


def test_tonight_obeys_a_day_only_when_it_is_today(run):
    result = run("tonight", "--at", AT, "--day", "Saturday")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "peerfind: error: --day: tonight is about Friday 27 November (or the day --at gives); "
        "for other days use 'peerfind list --day saturday', or give --at YYYY-MM-DDTHH:MM\n")
    assert run("tonight", "--at", AT, "--day", "today").stdout == run("tonight", "--at",
                                                                       AT).stdout


LAKESIDE = """\
# FICTIONAL overlay: a group in a town of its own, not in the catalogue's town table.
catalogue: 1
groups:
  - id: lakeside-aa
    name: Lakeside Group
    fellowship: AA
    venue: Example Boathouse
    address: 1 Example Shore, Lakeside
    town: Lakeside
    attendance: in_person
    meetings:
      - {day: monday, time: "19:00", notes: Bring a friend}
      - {day: friday, time: "20:00"}
    source: invented for tests
"""


def test_tonight_knows_every_town_and_searches_every_meeting(run, tmp_path, expected):
    """What is on tonight is found from today's and yesterday's meetings alone, but
    a town is known by any group's, and --search looks at every meeting's notes."""
    overlay = tmp_path / "lakeside.yaml"
    overlay.write_text(LAKESIDE)
    both = ("-c", CATALOGUE, "-c", str(overlay))
    wednesday = run("tonight", "--at", "2026-11-25T18:00", "--town", "lakeside", *both)
    assert (wednesday.exit_code, wednesday.stderr) == (0, "")
    friday = run("tonight", "--at", AT, "--search", "bring a friend", *both)
    expected("tonight-lakeside.txt", wednesday.stdout + "\n" + friday.stdout)


def test_tonight_with_nothing_left_looks_at_the_whole_week_and_warns_once(run, tmp_path,
                                                                          expected):
    broken = tmp_path / "broken.yaml"
    broken.write_text("catalogue: 1\ngroups: 7\n")
    result = run("tonight", "--at", "2026-11-27T23:59", "-c", CATALOGUE, "-c", str(broken))
    assert result.exit_code == 0
    assert result.stderr == (
        f"{broken}:2:9: warning: groups: expected a list (lines starting with '- '), found the "
        "number 7; peerfind carries on without this overlay until it is fixed: run 'peerfind "
        f"validate --overlay {broken}'\n")
    expected("tonight-none-left-all.txt", result.stdout)


def test_no_match(run):
    result = run("list", "--at", AT, "--day", "monday", "--fellowship", "SMART")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "No meetings match these filters. Try fewer filters, or 'peerfind schedule' for the "
        "whole week.",
        "Where current meetings are listed:",
        "  Example Meeting Finder: https://example.org/find",
        "In crisis: call or text 988 (24/7). 'peerfind helplines' lists more help lines.",
        "Meeting times change: call or check before you go. Catalogue updated 2026-11-01 ",
        "(tests/fixtures/catalogue.yaml).",
        "Fictional data for tests.",
    ]


DIRECTORIES = """\
# FICTIONAL overlay: directories for each fellowship, some online.
catalogue: 1
resources:
  - {id: aa-local, name: AA Local, kind: directory, url: https://example.org/aa,
     fellowships: [AA], source: fictional}
  - {id: na-local, name: NA Local, kind: directory, url: https://example.org/na,
     fellowships: [NA], source: fictional}
  - {id: na-online, name: NA Online, kind: directory, url: https://example.org/na-online,
     fellowships: [NA], online: true, source: fictional}
"""


def test_an_empty_answer_offers_the_fellowships_own_finders(run, tmp_path):
    overlay = tmp_path / "directories.yaml"
    overlay.write_text(DIRECTORIES)
    result = run("list", "--at", AT, "--day", "monday", "--fellowship", "NA", "-c", CATALOGUE,
                 "-c", str(overlay))
    assert result.stdout.splitlines()[2:7] == [
        "Where current meetings are listed:",
        "  NA Local: https://example.org/na",
        "Online and phone meetings, at any hour:",
        "  NA Online: https://example.org/na-online",
        "In crisis: call or text 988 (24/7). 'peerfind helplines' lists more help lines.",
    ]
    other = run("list", "--at", AT, "--day", "monday", "--fellowship", "OA", "-c", CATALOGUE,
                "-c", str(overlay)).stdout  # none of OA's own: every directory
    assert "Example Meeting Finder" in other and "AA Local" in other and "NA Online" in other


@pytest.mark.parametrize("command", ["list", "tonight", "next", "schedule"])
def test_json_no_match_is_an_empty_list(command, run):
    result = run(command, "--at", AT, "--fellowship", "OA", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_json_records(run):
    records = json.loads(run("list", "--fellowship", "al-anon", "--at", AT, "--json").stdout)
    assert records == [{
        "id": "paused-al-anon",
        "name": "Paused Family Group",
        "fellowship": "Al-Anon",
        "day": "friday",
        "date": "2026-11-27",
        "time": "19:00",
        "end": "20:00",
        "minutes": 60,
        "starts_at": "2026-11-27T19:00:00-05:00",
        "ends_at": "2026-11-27T20:00:00-05:00",
        "town": "Testville",
        "venue": "Community Room",
        "address": "7 Example Street, Testville",
        "attendance": "in_person",
        "online": None,
        "types": [],
        "type_codes": [],
        "language": "english",
        "notes": None,
        "status": "temporarily-closed",
        "checked": "2026-10-01",
        "trust": "confirmed",
        "as_of": "2026-10-01",
        "listed_by": None,
        "source": "invented for tests",
        "distance_miles": None,
        "in_progress": False,
    }]


def test_schedule_json_has_no_dates(run):
    records = json.loads(run("schedule", "--json", "--day", "monday").stdout)
    assert [(r["id"], r["day"], r["date"], r["starts_at"]) for r in records] == [
        ("testville-monday-aa", "monday", None, None)]


def test_show_json(run):
    record = json.loads(run("show", "smart-online", "--json").stdout)
    assert record["kind"] == "group"
    assert record["online"]["url"] == "https://example.org/smart"
    assert record["meetings"][0] == {"day": "tuesday", "time": "20:00", "end": "21:30",
                                     "minutes": 90, "types": [], "notes": None}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["list", "--day", "tursday"], 2, "peerfind: error: --day: 'tursday' is not a day (did "
         "you mean 'thursday'?); expected monday..sunday, mon..sun, today, tomorrow, weekdays "
         "or weekend\n"),
        (["tonight", "--at", "25:99"], 2, "peerfind: error: --at: '25:99' is not a date and "
         "time; expected YYYY-MM-DDTHH:MM such as 2026-11-27T18:30, or HH:MM for today\n"),
        (["show", "otherton-aa"], 1, "peerfind: error: no group or resource has the id or "
         "name 'otherton-aa' (did you mean 'otherton-na'?); 'peerfind list' numbers its rows "
         "for 'peerfind show N', and 'peerfind resources' shows resources\n"),
        (["show", "night"], 2, "peerfind: error: 2 entries match 'night': testville-monday-aa "
         "(Monday Night Group, Testville); night-owls (Night Owls, Testville); give one of "
         "these ids\n"),
        (["show", "3"], 1, "peerfind: error: no listing to take row 3 from; run 'peerfind "
         "tonight' or 'peerfind list' first, or give an id or a name\n"),
        (["resources", "--kind", "shelter"], 2, "peerfind: error: --kind: 'shelter' is not a known "
         "resource kind; expected one of crisis, treatment, hospital, community, directory\n"),
        (["list", "--catalogue", "tests"], 1, "tests: error: is a directory, not a catalogue "
         "file; give the path of a .yaml file such as data/groups.yaml\n"),
        (["list", "--catalogue", "tests/catalogues/invalid/header.yaml"], 1,
         "tests/catalogues/invalid/header.yaml:2:12: error: catalogue: format version 2 is "
         "not one this peerfind reads; expected 1\n"
         "tests/catalogues/invalid/header.yaml:4:11: error: timezone: 'America/NewYork' is "
         "not a time zone; expected an IANA name such as America/New_York (did you mean "
         "'America/New_York'?)\n"
         "tests/catalogues/invalid/header.yaml:5:10: error: updated: '2026-02-30' is not a "
         "real date; check the month and day\n"
         "peerfind: the catalogue has errors; run 'peerfind validate "
         "tests/catalogues/invalid/header.yaml' to see them all\n"),
    ],
)
def test_bad_input_is_one_clear_message(args, code, message, run):
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message)


def test_commands_use_the_bundled_catalogue_by_default(run, monkeypatch):
    monkeypatch.delenv("PEERFIND_CATALOGUE")
    out = run("list", "--at", AT, "--include-closed").stdout
    assert "AA at St. Luke's Episcopal Church" in out
    assert "(data/groups.yaml)" in out


@pytest.mark.parametrize("args", [["list", "--town", "otherton"],
                                  ["next", "--town", "Testville", "--town", "farborough"],
                                  ["export", "--format", "csv", "--town", "otherton"]])
def test_a_lookup_by_town_answers_the_same_from_the_cache(args, run):
    """The cache reads only the towns asked for; the answer must not change."""
    first = run(*args, "--at", AT)  # parses the YAML and fills the cache
    again = run(*args, "--at", AT)
    assert first.exit_code == again.exit_code == 0
    assert again.stdout == first.stdout


def test_an_unknown_town_lists_every_town_even_from_the_cache(run):
    run("list", "--at", AT)  # fills the cache
    result = run("list", "--town", "Nowhere")
    assert result.exit_code == 2
    assert result.stderr == ("peerfind: error: --town: 'Nowhere' is not a known town; expected "
                             "one of Farborough, Otherton, Testville\n")


TWO_SPELLINGS = """\
# FICTIONAL catalogue: one town written two ways, and a town with an accent.
catalogue: 1
area: Nowhere (fictional)
timezone: America/New_York
updated: 2026-11-01
towns:
  - {name: Springfield, latitude: 41.70, longitude: -73.92}
groups:
  - {id: upper, name: Upper Group, fellowship: AA, town: Springfield, attendance: in_person,
     address: 1 Example St, meetings: [{day: monday, time: "19:00"}], source: fictional}
  - {id: lower, name: Lower Group, fellowship: AA, town: springfield, attendance: in_person,
     address: 2 Example St, meetings: [{day: monday, time: "20:00"}], source: fictional}
  - {id: accent, name: Accent Group, fellowship: AA, town: Tivolí, attendance: in_person,
     address: 3 Example St, meetings: [{day: monday, time: "21:00"}], source: fictional}
"""


def test_a_town_matches_whatever_its_case_or_accents_cache_included(run, tmp_path):
    path = tmp_path / "towns.yaml"
    path.write_text(TWO_SPELLINGS, encoding="utf-8")
    for _ in range(2):  # the second run reads the per-town cache blocks
        found = json.loads(run("list", "-c", str(path), "--town", "SPRINGFIELD ", "--json",
                               "--at", AT).stdout)
        assert [r["id"] for r in found] == ["upper", "lower"]
        found = json.loads(run("list", "-c", str(path), "--town", "tivoli", "--json",
                               "--at", AT).stdout)
        assert [r["id"] for r in found] == ["accent"]
    assert run("validate", str(path)).stdout == (
        f"{path}:11:58: warning: groups[1] lower > town: town 'springfield' is written "
        "'Springfield' at line 7; write a town the same way everywhere [PF506 town-spelling]\n"
        f"{path}:13:60: warning: groups[2] accent > town: town 'Tivolí' is not in towns:, so "
        "--near cannot measure how far this group is; add it to towns: with its latitude and "
        "longitude, or give the group latitude: and longitude: [PF507 town-unknown]\n"
        f"{path}: 3 groups, 3 meetings, 0 help lines, 0 resources - valid (2 warnings)\n")


def test_a_meeting_of_unknown_distance_is_kept_and_marked(run, tmp_path):
    path = tmp_path / "towns.yaml"
    path.write_text(TWO_SPELLINGS, encoding="utf-8")
    result = run("list", "-c", str(path), "--near", "Springfield", "--within", "2", "--at", AT)
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[3:10] == [
        "1   Mon 30 Nov   Upper Group" + " " * 56 + "0.0   lead",
        "    7:00 pm      AA · Springfield",
        "2   Mon 30 Nov   Lower Group" + " " * 56 + "0.0   lead",
        "    8:00 pm      AA · springfield",
        "3   Mon 30 Nov   Accent Group" + " " * 51 + "unknown   lead",
        "    9:00 pm      AA · Tivolí",
        "Distance unknown for 1 meeting (no coordinates for the place or its town): kept, so "
        "check where they",
    ]


def test_show_n_is_row_n_of_the_last_listing(run):
    listed = run("tonight", "--at", "2026-11-27T17:00").stdout
    assert "  1  https://example.org/women\n" in listed
    shown = run("show", "1").stdout
    assert shown.startswith("╭─ Women's Hybrid (farborough-women) ")
    assert shown.splitlines()[12:15] == [
        "Join online    https://example.org/women",
        "OpenStreetMap  https://www.openstreetmap.org/search?query=3+Example+Lane%2C+Farborough",
        "Google Maps    https://www.google.com/maps/search/?api=1&query=3+Example+Lane%2C+"
        "Farborough",
    ]
    run("list", "--at", AT, "--fellowship", "na")
    assert run("show", "1").stdout.startswith("╭─ Otherton Hope (otherton-na) ")
    other = run("show", "1", "-c", "tests/fixtures/../fixtures/catalogue.yaml")
    assert other.exit_code == 0
    elsewhere = run("show", "1", "-c", "tests/catalogues/valid/anchors.yaml")
    assert (elsewhere.exit_code, elsewhere.stderr) == (1, (
        "peerfind: error: the last listing was of another catalogue "
        f"({ROOT / 'tests/fixtures/catalogue.yaml'}); list this one again, or give an id or "
        "a name\n"))
    assert run("show", "99").stderr == (
        "peerfind: error: the last listing has no row 99 (it had 5); give a row number it "
        "showed, an id or a name\n")


def test_directions_in_json(run):
    found = json.loads(run("show", "otherton-na", "--json").stdout)["directions"]
    assert found == {
        "openstreetmap": "https://www.openstreetmap.org/search?query=2+Example+Avenue%2C+Otherton",
        "google_maps": "https://www.google.com/maps/search/?api=1&query=2+Example+Avenue%2C+"
                       "Otherton"}
    assert json.loads(run("show", "smart-online", "--json").stdout)["directions"] is None


def test_a_closed_group_no_longer_meets_and_is_never_called_closed(run):
    out = run("list", "--at", AT, "--include-closed", "--day", "thursday").stdout
    assert [line.split()[-2:] for line in out.splitlines()[5:7]] == [
        ["no", "longer"], ["meets,", "lead"]]
    assert "│ Status      no longer meets" in run("show", "old-thursday").stdout


def test_export_one_groups_next_meetings_as_single_events_with_an_alarm(run):
    from icalendar import Calendar

    text = run("export", "-f", "ics", "--id", "night-owls", "--next", "--alarm", "30", "--at",
               "2026-11-29T00:30").stdout
    events = Calendar.from_ical(text).walk("VEVENT")
    assert [(str(e["UID"]), e.decoded("DTSTART").isoformat(), "RRULE" in e) for e in events] == [
        ("night-owls-1@peerfind", "2026-11-28T23:30:00-05:00", False),  # in progress
        ("night-owls-2@peerfind", "2026-11-29T01:30:00-05:00", False),
        ("night-owls-3@peerfind", "2026-11-29T02:30:00-05:00", False)]
    assert [str(a["TRIGGER"].to_ical(), "ascii") for e in events
            for a in e.walk("VALARM")] == ["-PT30M"] * 3
    assert run("export", "-f", "csv", "--next").stderr == (
        "peerfind: error: --next and --alarm: only for --format ics\n")
    weekly = Calendar.from_ical(run("export", "-f", "ics", "--id", "night-owls").stdout)
    assert all("RRULE" in e for e in weekly.walk("VEVENT"))


def test_one_vocabulary_for_every_command(run, tmp_path):
    out = tmp_path / "na.yaml"
    imported = run("import", "tests/fixtures/feed-quirks.json", "--fellowship",
                   "narcotics  ANONYMOUS", "--timezone", "America/New_York", "-o", str(out))
    assert imported.exit_code == 0 and "fellowship: NA" in out.read_text()
    assert [r["id"] for r in json.loads(run("list", "--fellowship", "narcotics anonymous",
                                            "--json", "--at", AT).stdout)][:1] == ["otherton-na"]
    nowhere = run("resources", "--town", "Nowhere")
    assert (nowhere.exit_code, nowhere.stderr) == (2, (
        "peerfind: error: --town: 'Nowhere' is not a known town; expected one of Farborough, "
        "Otherton, Testville\n"))
    assert "Example Crisis Centre" in run("resources", "--town", " TESTVILLE").stdout
    spanish = json.loads(run("list", "--language", "es", "--json", "--at", AT).stdout)
    assert {r["id"] for r in spanish} == {"hostile-names"}
