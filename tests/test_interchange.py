"""Meeting Guide JSON in and out, iCalendar and CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from peerfind import export, importing
from peerfind.catalogue import Source, load
from peerfind.models import Catalogue, Group, Meeting
from peerfind.search import RawFilters, parse_filters, week, weekly
from peerfind.validate import check
from peerfind.yamlio import compose
from tests.conftest import FIXTURES, ROOT

NY = ZoneInfo("America/New_York")
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 18, 30, tzinfo=NY)
CATALOGUE = load(Source(FIXTURES / "catalogue.yaml", "catalogue.yaml"), TODAY)
EVERYTHING = parse_filters(RawFilters(), CATALOGUE, TODAY)


def meeting_keys(catalogue: Catalogue) -> set[tuple]:
    keys = set()
    for g in catalogue.groups:
        for m in g.meetings:
            types = set(g.types) | set(m.types)
            if g.language != "english":
                types.add(g.language)
            keys.add((g.name, m.day, m.time, m.minutes, g.venue, g.town, g.attendance,
                      g.online.url if g.online else "", frozenset(types)))
    return keys


ALL_FELLOWSHIPS = frozenset(g.fellowship for g in CATALOGUE.groups)


def _feed(catalogue: Catalogue, fellowships: frozenset[str] = ALL_FELLOWSHIPS) -> list[dict]:
    text, _ = export.meeting_guide(catalogue, weekly(catalogue, EVERYTHING), TODAY, fellowships)
    return json.loads(text)


def test_meeting_guide_round_trip_is_identical_apart_from_updated(tmp_path):
    first = _feed(CATALOGUE)
    assert len(first) == 12  # every meeting but the closed group's
    assert len({r["slug"] for r in first}) == 12
    assert {r["day"] for r in first} == set(range(7))  # 0 = Sunday .. 6 = Saturday
    path = tmp_path / "round-trip.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    imported = importing.one_off(str(path), "meeting-guide", TODAY, timezone=None,
                                 fellowship="AA")
    root, problems = compose(imported.text)
    data, found = check(root, TODAY)
    assert problems + [p for p in found if p.severity == "error"] == []
    from peerfind.models import catalogue_from

    again = replace(catalogue_from(data, "again.yaml"), area=CATALOGUE.area)  # the feed has none
    second = _feed(again, frozenset({"AA"}))
    assert sorted(second, key=lambda r: r["slug"]) == sorted(
        ({**r, "updated": second[0]["updated"]} for r in first), key=lambda r: r["slug"])
    assert {g.status for g in again.groups} == {"unverified", "temporarily-closed"}


def tsml_ui(record: dict) -> dict:
    """A port of TSML UI's classification of one Meeting Guide record
    (code4recovery/tsml-ui, src/helpers/load-meeting-data.ts): an address of fewer than
    four comma-separated parts is approximate unless 'approximate' says otherwise; a
    meeting is in person unless temporarily closed (TC) or approximate; online with a
    conference URL (TSML UI also asks for a known provider: a setting of each site) or a
    conference phone of at least 10 dialling characters; inactive if neither."""
    formatted = record.get("formatted_address") or ", ".join(
        p for p in (record.get("address"), record.get("city"),
                    " ".join(p for p in (record.get("state"), record.get("postal_code")) if p),
                    record.get("country")) if p)
    if isinstance(record.get("approximate"), str):
        approximate = record["approximate"].lower() == "yes"
    else:
        approximate = len(formatted.split(",")) < 4
    phone = re.sub(r"[^\d,+#]", "", record.get("conference_phone", ""))
    online = bool(record.get("conference_url")) or len(phone) >= 10
    in_person = "TC" not in record.get("types", []) and not approximate
    return {"in_person": in_person, "online": online, "active": online or in_person,
            "has_address": bool(formatted), "slug_ok": 0 < len(record["slug"]) <= 64}


def test_tsml_ui_reads_every_meeting_as_it_is():
    for record in _feed(CATALOGUE):
        seen = tsml_ui(record)
        option = record["attendance_option"]
        assert seen["has_address"] and seen["slug_ok"], record["slug"]
        assert seen["in_person"] == (option in ("in_person", "hybrid")), record["slug"]
        assert seen["online"] == (option in ("online", "hybrid")), record["slug"]
        assert seen["active"] == (option != "inactive"), record["slug"]


def test_tsml_ui_reads_the_bundled_catalogues_in_person_meetings_as_in_person():
    bundled = load(Source(ROOT / "data" / "groups.yaml", "groups.yaml"), TODAY)
    records = _feed(bundled, frozenset({"AA", "NA"}))
    in_person = [r for r in records if r["attendance_option"] in ("in_person", "hybrid")]
    assert len(in_person) > 40
    assert all(tsml_ui(r)["in_person"] for r in in_person), [
        r["slug"] for r in in_person if not tsml_ui(r)["in_person"]]
    assert all(r["formatted_address"].endswith(", USA") for r in in_person)


def test_meeting_guide_leaves_other_fellowships_out_unless_named():
    text, warnings = export.meeting_guide(CATALOGUE, weekly(CATALOGUE, EVERYTHING), TODAY)
    assert {r["slug"].split("-")[0] for r in json.loads(text)} == {"testville", "farborough"}
    assert warnings == ["left out 1 Al-Anon, 1 CA, 5 NA, 2 SMART meetings: a Meeting Guide "
                        "feed is read as AA's; name the fellowships to include with "
                        "--fellowship"]


def test_meeting_guide_record_fields():
    smart = [r for r in _feed(CATALOGUE) if r["name"] == "SMART Online"]
    assert smart[0] == {
        "name": "SMART Online",
        "slug": "smart-online-1",
        "day": 2,
        "time": "20:00",
        "end_time": "21:30",
        "types": ["A"],
        "attendance_option": "online",
        "formatted_address": "Testville County (fictional)",  # a region: approximate
        "approximate": "yes",
        "conference_url": "https://example.org/smart",
        "conference_url_notes": "Meeting ID 555 555 5555",
        "updated": "2026-10-01 00:00:00",
        "timezone": "America/New_York",
    }
    women = [r for r in _feed(replace(CATALOGUE, state="NY", country="USA"))
             if r["name"] == "Women's Hybrid"][0]
    assert (women["formatted_address"], women["approximate"], women["attendance_option"],
            women["latitude"]) == ("3 Example Lane, Farborough, NY, USA", "no", "hybrid", 41.98)
    paused = [r for r in _feed(CATALOGUE) if r["name"] == "Paused Family Group"][0]
    assert (paused["types"], paused["attendance_option"]) == (["TC"], "inactive")


def _expected(weeks_from: dt.datetime, weeks: int) -> set[tuple]:
    """What list --json says, week by week: (uid, start, end) of every occurrence."""
    found = set()
    for n in range(weeks):
        now = weeks_from + dt.timedelta(weeks=n)
        for o in week(CATALOGUE, EVERYTHING, now):
            end = o.end or o.start + dt.timedelta(hours=1)
            found.add((f"{o.group.id}-{export.meeting_key(o.group, o.meeting)}@peerfind",
                       o.start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)))
    return found


@pytest.mark.parametrize("made", [
    dt.datetime(2026, 3, 8, 1, 0, tzinfo=NY),  # made on the spring-forward Sunday
    dt.datetime(2026, 11, 1, 1, 30, tzinfo=NY),  # made in the repeated hour of fall back
    NOW,
])
def test_ics_expands_to_what_list_says_across_both_daylight_saving_changes(made):
    import recurring_ical_events

    calendar = Calendar.from_ical(export.as_ics(CATALOGUE, week(CATALOGUE, EVERYTHING, made),
                                                made))
    assert [c["TZID"] for c in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    start = dt.datetime(2026, 1, 5, tzinfo=NY)  # a Monday; 60 weeks run to March 2027
    end = start + dt.timedelta(weeks=60)
    # Each occurrence ends its DURATION after its start in real time: RFC 5545 (3.3.6)
    # makes a duration of hours and minutes exact. (recurring-ical-events adds it on the
    # wall clock, which across a change gives a 2-hour hour, or an end before the start.)
    length = {str(e["UID"]): e.decoded("DURATION") for e in calendar.walk("VEVENT")}
    expanded = {(str(e["UID"]), e["DTSTART"].dt.astimezone(dt.timezone.utc),
                 e["DTSTART"].dt.astimezone(dt.timezone.utc) + length[str(e["UID"])])
                for e in recurring_ical_events.of(calendar).between(start, end)}
    first = min(o.date for o in week(CATALOGUE, EVERYTHING, made))
    listed = {row for row in _expected(start, 61) if row[1] < end.astimezone(dt.timezone.utc)
              and row[1].astimezone(NY).date() >= first}
    expanded = {row for row in expanded if row[1].astimezone(NY).date() >= first}
    assert expanded == listed
    sundays = sorted(row[1].astimezone(NY) for row in listed
                     if row[0] == "night-owls-3@peerfind" and row[1].astimezone(NY).month == 3)
    assert dt.datetime(2026, 3, 8, 3, 30, tzinfo=NY) in sundays or made.month != 3


def test_ics_uids_do_not_change_with_day_or_time():
    moved = replace(CATALOGUE, groups=tuple(
        replace(g, meetings=tuple(replace(m, time="20:15") for m in g.meetings))
        for g in CATALOGUE.groups))
    uids = {line for line in export.as_ics(CATALOGUE, week(CATALOGUE, EVERYTHING, NOW),
                                           NOW).splitlines() if line.startswith("UID:")}
    assert uids == {line for line in export.as_ics(moved, week(moved, EVERYTHING, NOW),
                                                   NOW).splitlines() if line.startswith("UID:")}
    assert "UID:night-owls-3@peerfind" in uids
    kept = replace(CATALOGUE.groups[4], meetings=(replace(CATALOGUE.groups[4].meetings[0],
                                                          slug="late-saturday"),))
    assert export.meeting_key(kept, kept.meetings[0]) == "late-saturday"


def test_ics_sequence_and_last_modified_follow_the_entrys_latest_change():
    event = Calendar.from_ical(export.as_ics(CATALOGUE, week(CATALOGUE, EVERYTHING, NOW),
                                             NOW)).walk("VEVENT")[0]
    assert event.decoded("LAST-MODIFIED") == dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    assert int(event["SEQUENCE"]) == (dt.date(2026, 11, 1) - dt.date(2000, 1, 1)).days
    later = replace(CATALOGUE, updated=dt.date(2026, 12, 5))
    again = Calendar.from_ical(export.as_ics(later, week(later, EVERYTHING, NOW),
                                             NOW)).walk("VEVENT")[0]
    assert int(again["SEQUENCE"]) > int(event["SEQUENCE"])


def test_ics_uids_are_stable_and_text_is_escaped():
    hostile = parse_filters(RawFilters(search="circle"), CATALOGUE, TODAY)
    first = export.as_ics(CATALOGUE, week(CATALOGUE, hostile, NOW), NOW)
    second = export.as_ics(CATALOGUE, week(CATALOGUE, hostile, NOW + dt.timedelta(days=3)),
                           NOW + dt.timedelta(days=3))
    uid = [line for line in first.splitlines() if line.startswith("UID:")]
    assert uid == [line for line in second.splitlines() if line.startswith("UID:")]
    assert uid == ["UID:hostile-names-1@peerfind"]
    event = Calendar.from_ical(first).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == ("Circle [bold]red[/bold] <b>x</b> \\e[31m (CA) [not "
                                     "confirmed: check first]")
    assert str(event["LOCATION"]) == "<script>alert(1)</script>, 5 Example Street, Otherton"
    assert "Meeting times change: call or check before you go." in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "SUMMARY:Circle [bold]red[/bold] <b>x</b> \\\\e[31m (CA)" in first


def test_csv_neutralises_formulas():
    group = Group(id="g", name="=HYPERLINK(\"http://evil\")", fellowship="AA",
                  attendance="online", status="active", notes="fictional",
                  meetings=(Meeting("monday", "19:00", notes="+1 555 0100; -x; @sum"),))
    catalogue = Catalogue(path="x", version=1, area="Fictional", timezone="America/New_York",
                          updated=TODAY, groups=(group,))
    text = export.as_csv(week(catalogue, parse_filters(RawFilters(), catalogue, TODAY), NOW), TODAY,
                         bom=False)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["meeting_notes"] == "'+1 555 0100; -x; @sum"
    assert text.startswith("id,name,fellowship,day,") and text.endswith("\r\n")


def test_csv_has_every_fact_a_spreadsheet_user_needs():
    text = export.as_csv(week(CATALOGUE, EVERYTHING, NOW), TODAY)
    assert text.startswith("\ufeffid,")  # Excel reads UTF-8 accents only after a BOM
    rows = {(r["id"], r["time"]): r for r in csv.DictReader(io.StringIO(text[1:]))}
    owls = rows[("night-owls", "23:30")]
    assert (owls["end"], owls["ends_next_day"], owls["minutes"]) == ("01:30", "yes", "120")
    assert rows[("night-owls", "01:30")]["ends_next_day"] == ""
    smart = rows[("smart-online", "20:00")]
    assert (smart["online_url"], smart["online_meeting_id"], smart["type_codes"],
            smart["types"]) == ("https://example.org/smart", "555 555 5555", "A", "Secular")
    women = rows[("farborough-women", "18:00")]
    assert (women["latitude"], women["longitude"], women["trust"], women["as_of"]) == (
        "41.98", "-73.87", "confirmed", "2026-10-01")
    assert rows[("otherton-na", "18:30")]["trust"] == "lead"
    assert rows[("otherton-na", "18:30")]["as_of"] == ""


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_neutralise(cell):
    assert export.neutralise(cell) == "'" + cell
    assert export.neutralise("a" + cell) == "a" + cell


def test_export_command_writes_atomically(run, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "meetings.ics"
    result = run("export", "-c", "tests/fixtures/catalogue.yaml", "--format", "ics", "-o",
                 str(out), "--town", "otherton")
    assert (result.exit_code, result.stdout) == (0, f"{out}\n")
    assert out.read_text().startswith("BEGIN:VCALENDAR")
    json_out = run("export", "-c", "tests/fixtures/catalogue.yaml", "--at",
                   "2026-11-27T18:30").stdout
    list_out = run("list", "-c", "tests/fixtures/catalogue.yaml", "--at", "2026-11-27T18:30",
                   "--json").stdout
    assert json.loads(json_out) == json.loads(list_out)


def test_one_tap_phones_survive_a_round_trip(tmp_path):
    from peerfind.listing import one_tap
    from peerfind.models import Online, catalogue_from

    assert one_tap("(845) 555-0100", "555 555 5555", "123456") == \
        "+18455550100,,5555555555#,,,,*123456#"
    assert one_tap("+44 20 7946 0000", "", "abc") == "+442079460000"
    dial_in = Group(id="dial-in", name="Fictional Dial-In", fellowship="AA", attendance="online",
                    status="active", checked=TODAY, meetings=(Meeting("monday", "19:00"),),
                    online=Online(url="https://example.org/j/5555555555", phone="(845) 555-0100",
                                  meeting_id="555 555 5555", passcode="123456",
                                  notes="Fictional."))
    catalogue = replace(CATALOGUE, groups=(dial_in,))
    first = _feed(catalogue)
    assert (first[0]["conference_phone"], first[0]["conference_url_notes"]) == (
        "+18455550100,,5555555555#,,,,*123456#", "Fictional.")
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    imported = importing.one_off(str(path), "meeting-guide", TODAY, timezone=None,
                                 fellowship="AA")
    data, _ = check(compose(imported.text)[0], TODAY)
    again = replace(catalogue_from(data, "again.yaml"), area=CATALOGUE.area)
    assert [{**r, "updated": ""} for r in _feed(again)] == [{**r, "updated": ""} for r in first]


def test_meeting_guide_never_lists_a_group_that_no_longer_meets():
    closed_too = parse_filters(RawFilters(include_closed=True), CATALOGUE, TODAY)
    text, _ = export.meeting_guide(CATALOGUE, weekly(CATALOGUE, closed_too), TODAY,
                                   ALL_FELLOWSHIPS)
    assert "Old Thursday Group" not in text


def test_meeting_guide_slugs_stay_within_64_characters_and_apart():
    long_id = "a-very-long-group-id-" * 4  # 84 characters
    group = replace(CATALOGUE.groups[0], id=long_id.strip("-"))
    slugs = [export.mg_slug(group, m) for m in group.meetings]
    assert [len(s) for s in slugs] == [64, 64] and len(set(slugs)) == 2
    assert slugs[0].endswith("-1") and slugs[1].endswith("-2")


def test_exports_exactly(run, expected, monkeypatch):
    """The whole of each export of the fictional catalogue, byte for byte (the calendar's
    time zone block, written by icalendar, is left out: it varies with its version)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PEERFIND_CATALOGUE", "tests/fixtures/catalogue.yaml")
    at = ("--at", "2026-11-27T18:30")
    ics = run("export", "-f", "ics", *at).stdout.replace("\r\n", "\n")
    events = "".join(block.split("END:VTIMEZONE\n", 1)[-1] for block in [ics])
    expected("export.ics", events)
    expected("export-meeting-guide.json", run("export", "-f", "meeting-guide", "--fellowship",
                                              "AA", "--fellowship", "NA", "--fellowship",
                                              "SMART", "--fellowship", "Al-Anon",
                                              "--fellowship", "CA", *at).stdout)
    expected("export.csv", run("export", "-f", "csv", *at).stdout)


def test_every_export_of_every_kind_of_group_exactly(run, expected, monkeypatch):
    """One fictional group for each rule of the exports (tests/fixtures/export-edges.yaml),
    every format compared whole: Meeting Guide (AA only, the others counted in a warning),
    CSV, JSON, and calendars weekly and for the next time only with an alarm (the time zone
    block, written by icalendar, left out)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PEERFIND_CATALOGUE", "tests/fixtures/export-edges.yaml")
    at = ("--at", "2026-11-27T18:30", "--include-closed")
    mg = run("export", "-f", "meeting-guide", *at)
    calendars = [run("export", "-f", "ics", *at, *more).stdout.replace("\r\n", "\n").split(
        "END:VTIMEZONE\n", 1)[-1] for more in ((), ("--next", "--alarm", "15"))]
    expected("export-edges.txt", "\n".join([
        "$ peerfind export -f meeting-guide", mg.stdout, mg.stderr,
        "$ peerfind export -f csv --no-bom", run("export", "-f", "csv", "--no-bom", *at).stdout,
        "$ peerfind export -f json", run("export", "-f", "json", *at).stdout,
        "$ peerfind export -f ics", calendars[0],
        "$ peerfind export -f ics --next --alarm 15", calendars[1]]))
    assert all(calendar.startswith("BEGIN:VEVENT\n") for calendar in calendars)
