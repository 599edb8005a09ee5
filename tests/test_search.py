"""Pure search: filters, time of day, daylight saving, and the week's order."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from peerfind.catalogue import Source, load
from peerfind.models import Group, Meeting
from peerfind.places import directions
from peerfind.problems import PeerfindError, UsageError
from peerfind.search import (
    RawFilters,
    find_entry,
    miles_between,
    parse_at,
    parse_clock,
    parse_filters,
    upcoming,
    week,
    weekly,
)
from tests.conftest import FIXTURES

NY = ZoneInfo("America/New_York")
CATALOGUE = load(Source(FIXTURES / "catalogue.yaml", "catalogue.yaml"), dt.date(2026, 11, 27))
FRIDAY_EVENING = dt.datetime(2026, 11, 27, 18, 30, tzinfo=NY)


def names(occurrences):
    return [(o.group.id, o.meeting.day, o.meeting.time) for o in occurrences]


def filters(**options):
    return parse_filters(RawFilters(**options), CATALOGUE, FRIDAY_EVENING.date())


def test_week_starts_today_and_leaves_out_closed_groups():
    found = week(CATALOGUE, filters(), FRIDAY_EVENING)
    assert [o.date.isoformat() for o in found][:3] == ["2026-11-27"] * 3
    assert "old-thursday" not in {o.group.id for o in found}
    assert len(found) == 12


def test_include_closed():
    found = week(CATALOGUE, filters(include_closed=True), FRIDAY_EVENING)
    assert "old-thursday" in {o.group.id for o in found}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"day": ("tue",)}, [("otherton-na", "tuesday", "18:30"), ("smart-online", "tuesday", "20:00")]),
        ({"day": ("weekend",), "fellowship": ("na",)}, [
            ("otherton-na", "saturday", "10:00"), ("night-owls", "saturday", "23:30"),
            ("night-owls", "sunday", "01:30"), ("night-owls", "sunday", "02:30")]),
        ({"time": ("morning",)}, [("smart-online", "friday", "07:00"),
                                  ("otherton-na", "saturday", "10:00")]),
        ({"time": ("night",)}, [("night-owls", "saturday", "23:30"),
                                ("night-owls", "sunday", "01:30"),
                                ("night-owls", "sunday", "02:30")]),
        ({"after": "18:00", "before": "19:00", "day": ("friday", "tuesday")}, [
            ("farborough-women", "friday", "18:00"), ("otherton-na", "tuesday", "18:30")]),
        ({"type": ("O", "discussion")}, [("testville-monday-aa", "monday", "19:00"),
                                         ("testville-monday-aa", "wednesday", "12:00")]),
        ({"type": ("big-book",)}, [("testville-monday-aa", "wednesday", "12:00")]),
        ({"accessible": True, "day": ("monday",)}, [("testville-monday-aa", "monday", "19:00")]),
        ({"town": ("OTHERTON",)}, [("otherton-na", "saturday", "10:00"),
                                   ("otherton-na", "tuesday", "18:30"),
                                   ("hostile-names", "thursday", "19:00")]),
        ({"attendance": "online"}, [("smart-online", "friday", "07:00"),
                                    ("farborough-women", "friday", "18:00"),
                                    ("smart-online", "tuesday", "20:00")]),
        ({"attendance": "in-person", "day": ("friday",)}, [
            ("farborough-women", "friday", "18:00"), ("paused-al-anon", "friday", "19:00")]),
        ({"language": "S"}, [("hostile-names", "thursday", "19:00")]),
        ({"search": "cafe"}, [("otherton-na", "saturday", "10:00"),
                              ("otherton-na", "tuesday", "18:30")]),
        ({"search": "CAFÉ CENTRAL"}, [("otherton-na", "saturday", "10:00"),
                                      ("otherton-na", "tuesday", "18:30")]),
        ({"verified_only": True, "fellowship": ("NA",)}, [
            ("night-owls", "saturday", "23:30"), ("night-owls", "sunday", "01:30"),
            ("night-owls", "sunday", "02:30")]),
        ({"near": "Farborough", "within": 5}, [("farborough-women", "friday", "18:00")]),
    ],
)
def test_filters(options, expected):
    assert names(week(CATALOGUE, filters(**options), FRIDAY_EVENING)) == expected


def test_language_of_one_meeting_counts():
    group = Group(id="g", name="Fictional", fellowship="NA", attendance="online", status="active",
                  meetings=(Meeting("monday", "19:00"), Meeting("friday", "19:00",
                                                                types=("spanish",))))
    catalogue = replace(CATALOGUE, groups=(group,))
    found = week(catalogue, parse_filters(RawFilters(language="spanish"), catalogue,
                                          FRIDAY_EVENING.date()), FRIDAY_EVENING)
    assert [o.meeting.day for o in found] == ["friday"]


def test_near_uses_own_coordinates_else_town_centre():
    found = week(CATALOGUE, filters(near="41.70,-73.92", day=("monday", "friday")),
                 FRIDAY_EVENING)
    distances = {o.group.id: o.distance for o in found}
    assert distances["testville-monday-aa"] == 0
    assert distances["smart-online"] is None
    assert distances["farborough-women"] == pytest.approx(
        miles_between((41.70, -73.92), (41.98, -73.87)))
    assert 19 < distances["farborough-women"] < 20


@pytest.mark.parametrize(("place", "expected"), [
    ("Testville", (41.70, -73.92)),
    ("  testville , ny ", (41.70, -73.92)),
    ("Testville NY", (41.70, -73.92)),
    ("41.70, -73.92", (41.70, -73.92)),
    ("90,180", (90, 180)),  # the edges of the Earth are places too
    ("-90,-180", (-90, -180)),
    ("12601", (41.7035, -73.9117)),  # the zipcodes package's centre of the ZIP code
    ("12601-1234", (41.7035, -73.9117)),
    ("Poughkeepsie, NY", (41.6971, -73.8869)),  # not in the table: its ZIP codes' centre
])
def test_places_people_type(place, expected):
    assert filters(near=place).near == pytest.approx(expected, abs=1e-3)


def test_a_state_that_is_not_the_catalogues_is_not_its_town():
    state = replace(CATALOGUE, state="NY")
    assert parse_filters(RawFilters(near="Testville, NY"), state, FRIDAY_EVENING.date()).near \
        == (41.70, -73.92)
    with pytest.raises(UsageError, match="'Testville, CA' is not a town, ZIP code"):
        parse_filters(RawFilters(near="Testville, CA"), state, FRIDAY_EVENING.date())


def test_directions_by_address_with_the_state_or_by_coordinates():
    group = CATALOGUE.groups[0]
    assert directions(group, "NY") == {
        "openstreetmap": "https://www.openstreetmap.org/search?query=1+Example+Street%2C+"
                         "Testville%2C+NY",
        "google_maps": "https://www.google.com/maps/search/?api=1&query=1+Example+Street%2C+"
                       "Testville%2C+NY"}
    bare = replace(group, address="", latitude=41.7, longitude=-73.92)
    assert directions(bare) == {
        "openstreetmap": "https://www.openstreetmap.org/?mlat=41.7&mlon=-73.92#map=18/41.7/-73.92",
        "google_maps": "https://www.google.com/maps/search/?api=1&query=41.7,-73.92"}
    assert directions(replace(group, address="")) is None
    assert directions(replace(group, attendance="online")) is None


def test_or_online_keeps_online_meetings_in_a_near_search():
    near = {o.group.id for o in week(CATALOGUE, filters(near="Testville", within=5.0),
                                     FRIDAY_EVENING)}
    assert "smart-online" not in near and "farborough-women" not in near
    either = {o.group.id for o in week(CATALOGUE, filters(near="Testville", within=5.0,
                                                          or_online=True), FRIDAY_EVENING)}
    assert either - near == {"smart-online", "farborough-women"}


def test_an_in_person_group_of_unknown_distance_is_kept():
    lost = replace(CATALOGUE.groups[0], id="lost", town="Elsewhere")
    catalogue = replace(CATALOGUE, groups=(*CATALOGUE.groups, lost))
    found = week(catalogue, parse_filters(RawFilters(near="Testville", within=1.0), catalogue,
                                          FRIDAY_EVENING.date()), FRIDAY_EVENING)
    assert {(o.group.id, o.distance) for o in found if o.group.id == "lost"} == {("lost", None)}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"day": ("tursday",)}, "--day: 'tursday' is not a day (did you mean 'thursday'?); "
         "expected monday..sunday, mon..sun, today, tomorrow, weekdays or weekend"),
        ({"fellowship": ("AAA",)}, "--fellowship: 'AAA' is not a known fellowship (did you "
         "mean 'AA'?); expected one of AA, NA, CA, CMA, HA, MA, GA, OA, DRA, ACA, CoDA, "
         "Al-Anon, Alateen, Nar-Anon, SMART, SMART-Family, LifeRing, WFS, Recovery-Dharma, "
         "Celebrate-Recovery, All-Recovery"),
        ({"town": ("Otherten",)}, "--town: 'Otherten' is not a known town (did you mean "
         "'Otherton'?); expected one of Farborough, Otherton, Testville"),
        ({"attendance": "by pigeon"}, "--attendance: 'by pigeon' is not a known attendance; "
         "expected "
         "one of in-person, online, hybrid"),
        ({"time": ("evenings",)}, "--time: 'evenings' is not a known time of day (did you "
         "mean 'evening'?); expected one of morning, afternoon, evening, night"),
        ({"after": "25:00"}, "--after: '25:00' is not a time; expected HH:MM such as 19:30, "
         "or 7:30pm"),
        ({"within": 5.0}, "--within: needs --near PLACE (a town or LAT,LON) to measure from"),
        ({"near": "Narnia"}, "--near: 'Narnia' is not a town, ZIP code or LAT,LON that "
         "peerfind knows; expected a town such as Testville, Otherton, Farborough, \"Town, "
         "NY\", a ZIP code such as 12601, or coordinates such as 41.70,-73.92"),
        ({"near": "Testvile"}, "--near: 'Testvile' is not a town, ZIP code or LAT,LON that "
         "peerfind knows (did you mean 'Testville'?); expected"),
        ({"near": "99999"}, "--near: no ZIP code 99999 is known; check it, or give a town"),
        ({"near": "41.7,-200"}, "--near: '41.7,-200' is not a place on Earth; latitude is -90 "
         "to 90 and longitude -180 to 180, e.g. 41.70,-73.92"),
        ({"near": "90.5,0"}, "--near: '90.5,0' is not a place on Earth"),
        ({"near": "-90.5,0"}, "--near: '-90.5,0' is not a place on Earth"),
        ({"near": "0,180.5"}, "--near: '0,180.5' is not a place on Earth"),
        ({"near": "0,-180.5"}, "--near: '0,-180.5' is not a place on Earth"),
        ({"near": "Testville", "within": float("nan")}, "--within: nan is not a distance; "
         "expected miles above 0, such as 10"),
        ({"near": "Testville", "within": float("inf")}, "--within: inf is not a distance; "
         "expected miles above 0, such as 10"),
        ({"near": "Testville", "within": -3.0}, "--within: -3 is not a distance; expected "
         "miles above 0, such as 10"),
        ({"type": ("opn",)}, "--type: 'opn' is not a known meeting type (a name or Meeting "
         "Guide code) (did you mean 'open'?); expected one of 11th"),
        ({"or_online": True}, "--or-online: goes with --near PLACE --within MILES, to keep "
         "online meetings beside the ones near enough"),
        ({"language": "english-ish"}, "--language: 'english-ish' is not a known language (a "
         "name, or a code such as es) (did you mean 'english'?); expected one of "),
    ],
)
def test_unknown_values_are_usage_errors(options, message):
    with pytest.raises(UsageError) as caught:
        filters(**options)
    assert str(caught.value).startswith(message)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("19:30", "19:30"), ("7:30", "07:30"), ("7pm", "19:00"), ("7:30 PM", "19:30"),
     ("12am", "00:00"), ("12pm", "12:00"), ("0:05", "00:05"), ("1pm", "13:00"),
     ("1 a.m.", "01:00"), ("12:05am", "00:05"), (" 9:59PM ", "21:59"), ("7.30", "07:30"),
     ("19h30", "19:30")],
)
def test_parse_clock(text, expected):
    assert parse_clock(text, "--after") == expected


@pytest.mark.parametrize("text", ["13pm", "0am", "24:00", "7:60", "7:3", "noon", ""])
def test_parse_clock_refuses(text):
    with pytest.raises(UsageError):
        parse_clock(text, "--after")


def test_parse_at_is_in_the_catalogue_zone():
    now = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.timezone.utc)  # 18:30 in New York
    assert parse_at(None, NY, now) == dt.datetime(2026, 11, 27, 18, 30, tzinfo=NY)
    assert parse_at("09:15", NY, now) == dt.datetime(2026, 11, 27, 9, 15, tzinfo=NY)
    assert parse_at("2026-12-01T07:00", NY, now) == dt.datetime(2026, 12, 1, 7, tzinfo=NY)
    late = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.timezone.utc)  # still the 27th in NY
    assert parse_at("20:00", NY, late).date() == dt.date(2026, 11, 27)
    with pytest.raises(UsageError, match="--at: 'tonight' is not a date and time"):
        parse_at("tonight", NY, now)


def test_tonight_includes_meetings_in_progress():
    found = upcoming(CATALOGUE, filters(), FRIDAY_EVENING, until_end_of_day=True,
                     in_progress=True)
    assert [(o.group.id, o.in_progress) for o in found] == [("farborough-women", True)]


def test_temporarily_closed_groups_are_never_offered_next():
    found = upcoming(CATALOGUE, filters(fellowship=("Al-Anon",)), FRIDAY_EVENING, 3)
    assert found == []
    listed = week(CATALOGUE, filters(fellowship=("Al-Anon",)), FRIDAY_EVENING)
    assert [(o.group.id, o.group.status) for o in listed] == [
        ("paused-al-anon", "temporarily-closed")]


def test_tonight_after_midnight_includes_the_meeting_that_began_yesterday():
    half_past_midnight = dt.datetime(2026, 11, 29, 0, 30, tzinfo=NY)  # Sunday
    found = upcoming(CATALOGUE, filters(), half_past_midnight, until_end_of_day=True,
                     in_progress=True)
    assert [(o.date.isoformat(), o.meeting.time, o.in_progress) for o in found] == [
        ("2026-11-28", "23:30", True), ("2026-11-29", "01:30", False),
        ("2026-11-29", "02:30", False)]


def test_next_crosses_into_next_week():
    sunday_night = dt.datetime(2026, 11, 29, 22, 0, tzinfo=NY)
    found = upcoming(CATALOGUE, filters(fellowship=("SMART",)), sunday_night, 3)
    assert [(o.date.isoformat(), o.meeting.time) for o in found] == [
        ("2026-12-01", "20:00"), ("2026-12-04", "07:00"), ("2026-12-08", "20:00")]


def test_weekly_runs_monday_to_sunday():
    found = weekly(CATALOGUE, filters())
    assert found[0].meeting.day == "monday"
    assert found[-1].meeting.day == "sunday"
    assert all(o.date is None for o in found)


# Daylight saving in New York, 2026: clocks go forward on Sunday 8 March at 2:00
# (2:00-2:59 never happens) and back on Sunday 1 November at 2:00 (1:00-1:59 twice).


def test_fall_back_sunday_meeting_in_progress_in_the_repeated_hour():
    at = dt.datetime(2026, 11, 1, 1, 45, tzinfo=NY)  # first 1:45, still daylight time
    found = upcoming(CATALOGUE, filters(fellowship=("NA",)), at, until_end_of_day=True,
                     in_progress=True)
    owl = found[0]
    assert (owl.meeting.time, owl.in_progress) == ("01:30", True)
    assert owl.start.utcoffset() == dt.timedelta(hours=-4)
    # 60 real minutes after 1:30 daylight time is 1:30 standard time.
    assert owl.end.utcoffset() == dt.timedelta(hours=-5)
    assert f"{owl.end:%H:%M}" == "01:30"


def test_fall_back_saturday_night_meeting_lasts_its_real_two_hours():
    at = dt.datetime(2026, 10, 31, 23, 0, tzinfo=NY)
    owl = upcoming(CATALOGUE, filters(fellowship=("NA",)), at, 1)[0]
    assert owl.meeting.time == "23:30"
    assert (owl.end - owl.start) == dt.timedelta(hours=2)
    assert f"{owl.end:%H:%M}" == "01:30"  # 23:30 EDT + 2 h, before the 2:00 change
    assert owl.end.utcoffset() == dt.timedelta(hours=-4)


def test_spring_forward_meeting_in_the_skipped_hour_moves_an_hour_later():
    at = dt.datetime(2026, 3, 8, 0, 0, tzinfo=NY)
    found = upcoming(CATALOGUE, filters(fellowship=("NA",)), at, until_end_of_day=True)
    times = [(o.meeting.time, f"{o.start:%H:%M}", o.start.utcoffset().total_seconds() / 3600)
             for o in found]
    assert times == [("01:30", "01:30", -5.0), ("02:30", "03:30", -4.0)]


def test_spring_forward_meetings_at_three_fifteen():
    at = dt.datetime(2026, 3, 8, 3, 15, tzinfo=NY)
    found = upcoming(CATALOGUE, filters(fellowship=("NA",)), at, until_end_of_day=True,
                     in_progress=True)
    # 1:30 standard time plus 60 real minutes is 3:30 daylight time: still in progress.
    assert [(o.meeting.time, o.in_progress) for o in found] == [("01:30", True),
                                                                ("02:30", False)]


def test_find_entry():
    assert find_entry(CATALOGUE, "otherton-na").name == "Otherton Hope"
    assert find_entry(CATALOGUE, "example-finder").kind == "directory"
    assert find_entry(CATALOGUE, "  OTHERTON hope ").id == "otherton-na"  # whole name
    assert find_entry(CATALOGUE, "women's").id == "farborough-women"  # part of a name
    accented = replace(CATALOGUE, groups=(replace(CATALOGUE.groups[0], name="Grupo Café"),))
    assert find_entry(accented, "grupo cafe").id == "testville-monday-aa"
    hope = replace(CATALOGUE, groups=(replace(CATALOGUE.groups[0], id="a", name="Hope Again"),
                                      replace(CATALOGUE.groups[0], id="b", name="Hope")))
    assert find_entry(hope, "hope").id == "b"  # a whole name before part of another
    with pytest.raises(UsageError) as caught:
        find_entry(CATALOGUE, "night")
    assert str(caught.value) == (
        "2 entries match 'night': testville-monday-aa (Monday Night Group, Testville); "
        "night-owls (Night Owls, Testville); give one of these ids")
    with pytest.raises(PeerfindError) as caught:
        find_entry(CATALOGUE, "otherton-aa")
    assert str(caught.value) == (
        "no group or resource has the id or name 'otherton-aa' (did you mean 'otherton-na'?); "
        "'peerfind list' numbers its rows for 'peerfind show N', and 'peerfind resources' "
        "shows resources")


def test_every_start_time_is_in_exactly_one_part_of_the_day():
    """--time morning|afternoon|evening|night: each bucket holds its first minute and not
    its last, night runs past midnight, and together they hold every minute once."""
    from peerfind.search import meeting_matches

    group = CATALOGUE.groups[0]
    parts = {part: filters(time=[part]) for part in ("morning", "afternoon", "evening",
                                                     "night")}
    for minute in range(0, 24 * 60, 5):
        meeting = Meeting(day="monday", time=f"{minute // 60:02d}:{minute % 60:02d}")
        held = [part for part, chosen in parts.items()
                if meeting_matches(group, meeting, chosen)]
        assert len(held) == 1, (meeting.time, held)
    for time, part in (("05:00", "morning"), ("12:00", "afternoon"), ("17:00", "evening"),
                       ("21:00", "night"), ("04:59", "night"), ("00:00", "night")):
        assert meeting_matches(group, Meeting(day="monday", time=time), parts[part])


def test_a_name_many_groups_share_lists_ten_and_counts_the_rest():
    first = CATALOGUE.groups[0]
    twins = tuple(replace(first, id=f"twin-{n}", name="Fictional Twin",
                          town="" if n == 0 else first.town) for n in range(12))
    many = replace(CATALOGUE, groups=twins)
    with pytest.raises(UsageError) as error:
        find_entry(many, "fictional twin")
    shown = "; ".join(f"twin-{n} (Fictional Twin, Testville)" for n in range(1, 10))
    assert str(error.value) == (f"12 entries match 'fictional twin': twin-0 (Fictional Twin); "
                                f"{shown}; and 2 more; give one of these ids")
    curly = replace(CATALOGUE, groups=(replace(first, name="St. Luke\u2019s Group"),))
    assert find_entry(curly, "st lukes group").name == "St. Luke\u2019s Group"


def test_an_online_group_naming_a_town_is_no_distance_away():
    online = next(g for g in CATALOGUE.groups if g.attendance == "online")
    placed = replace(CATALOGUE, groups=(replace(online, town="Testville"),))
    found = week(placed, parse_filters(RawFilters(near="Testville"), placed,
                                       FRIDAY_EVENING.date()), FRIDAY_EVENING)
    assert found and all(o.distance is None for o in found)
