"""Meeting Guide JSON in and out, iCalendar and CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
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


def test_meeting_guide_round_trip():
    feed_text = export.meeting_guide(CATALOGUE, weekly(CATALOGUE, EVERYTHING))
    records = json.loads(feed_text)
    assert len(records) == 12
    assert len({r["slug"] for r in records}) == 12
    assert {r["day"] for r in records} == set(range(7))  # 0 = Sunday .. 6 = Saturday
    path = ROOT / "tests" / "round-trip.json"
    try:
        path.write_text(feed_text, encoding="utf-8")
        imported = importing.one_off(str(path), "meeting-guide", TODAY, timezone=None,
                                     fellowship="AA")
    finally:
        path.unlink()
    root, problems = compose(imported.text)
    data, found = check(root, TODAY)
    assert problems + [p for p in found if p.severity == "error"] == []
    from peerfind.models import catalogue_from

    again = catalogue_from(data, "again.yaml")
    open_groups = tuple(g for g in CATALOGUE.groups if g.status != "closed")
    assert meeting_keys(again) == meeting_keys(replace(CATALOGUE, groups=open_groups))
    assert {g.status for g in again.groups} == {"unverified"}
    assert {g.source for g in again.groups} == {str(path)}


def test_meeting_guide_record_fields():
    records = json.loads(export.meeting_guide(CATALOGUE, weekly(
        CATALOGUE, parse_filters(RawFilters(search="smart"), CATALOGUE, TODAY))))
    assert records[0] == {
        "name": "SMART Online",
        "slug": "smart-online-tue-2000",
        "day": 2,
        "time": "20:00",
        "end_time": "21:30",
        "types": ["A"],
        "conference_url": "https://example.org/smart",
        "conference_url_notes": "Meeting ID 555 555 5555",
        "updated": "2026-10-01 00:00:00",
        "timezone": "America/New_York",
        "group": "SMART Online",
    }


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
