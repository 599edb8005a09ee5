"""Property tests: whatever the catalogue and the moment, the day and time rules hold."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from peerfind.catalogue import on_days
from peerfind.models import Catalogue, Group, Meeting, catalogue_from
from peerfind.schema import DAYS
from peerfind.search import (RawFilters, found_in_window, next_window, parse_days,
                             parse_filters, tonight_window, upcoming, week, weekly)

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Sydney", "UTC"]

meetings = st.builds(
    Meeting,
    day=st.sampled_from(DAYS),
    time=st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    minutes=st.one_of(st.none(), st.integers(1, 1440)),
)
groups = st.builds(
    lambda i, ms: Group(id=f"g{i}", name=f"Fictional {i}", fellowship="AA",
                        attendance="online", meetings=tuple(ms), status="active"),
    st.integers(0, 10_000),
    st.lists(meetings, min_size=1, max_size=6),
)
catalogues = st.builds(
    lambda zone, gs: Catalogue(path="fictional.yaml", version=1, area="Nowhere (fictional)",
                               timezone=zone, updated=dt.date(2026, 1, 1), groups=tuple(gs)),
    st.sampled_from(ZONES),
    st.lists(groups, max_size=8),
)
moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31),
                       timezones=st.just(dt.timezone.utc))


@settings(max_examples=200, deadline=None)
@given(catalogues, moments, st.sampled_from(DAYS))
def test_every_list_row_is_on_the_day_asked_for(catalogue, now, day):
    local_today = now.astimezone(ZoneInfo(catalogue.timezone)).date()
    filters = parse_filters(RawFilters(day=(day,)), catalogue, local_today)
    for occurrence in week(catalogue, filters, now):
        assert occurrence.meeting.day == day
        assert occurrence.date.weekday() == DAYS.index(day)
        assert 0 <= (occurrence.date - local_today).days < 7


@settings(max_examples=200, deadline=None)
@given(catalogues, moments)
def test_tonight_is_every_meeting_still_to_come_or_in_progress(catalogue, now):
    zone = ZoneInfo(catalogue.timezone)
    local_now = now.astimezone(zone)
    today = local_now.date()
    filters = parse_filters(RawFilters(), catalogue, today)
    found = upcoming(catalogue, filters, now, until_end_of_day=True, in_progress=True)
    starts = [o.start for o in found]
    assert starts == sorted(starts)
    expected = set()
    for group in catalogue.groups:
        for meeting in group.meetings:
            for day in (today - dt.timedelta(days=1), today):
                if meeting.weekday != day.weekday():
                    continue
                start = dt.datetime.combine(day, meeting.start, zone).astimezone(dt.timezone.utc)
                end = start + dt.timedelta(minutes=meeting.minutes or 60)
                if (start >= now and day == today) or start < now < end:
                    expected.add((group.id, meeting, day, start < now))
    assert {(o.group.id, o.meeting, o.date, o.in_progress) for o in found} == expected


@settings(max_examples=100, deadline=None)
@given(catalogues, moments, st.integers(1, 20))
def test_next_gives_the_earliest_starts_in_order(catalogue, now, count):
    filters = parse_filters(RawFilters(), catalogue, now.date())
    found = upcoming(catalogue, filters, now, count)
    total = sum(len(g.meetings) for g in catalogue.groups)
    assert len(found) == (count if total else 0)
    assert all(o.start >= now for o in found)
    assert [o.start for o in found] == sorted(o.start for o in found)




def _meeting(day: str, start: int, length: tuple[str, int]) -> dict[str, object]:
    """A meeting as checked data: its length unknown, in minutes, or as an end time."""
    meeting: dict[str, object] = {"day": day, "time": f"{start // 60:02d}:{start % 60:02d}"}
    kind, minutes = length
    if kind == "minutes":
        meeting["minutes"] = minutes
    elif kind == "end" and start + minutes < 24 * 60:
        meeting["end"] = f"{(start + minutes) // 60:02d}:{(start + minutes) % 60:02d}"
    return meeting


meeting_data = st.builds(_meeting, st.sampled_from(DAYS), st.integers(0, 24 * 60 - 1),
                         st.tuples(st.sampled_from(["unknown", "minutes", "end"]),
                                   st.integers(1, 1440)))
catalogue_data = st.builds(
    lambda zone, gs: {"catalogue": 1, "area": "Nowhere (fictional)", "timezone": zone,
                      "updated": "2026-01-01",
                      "groups": [{"id": f"g{i}", "name": f"Fictional {i}", "fellowship": "AA",
                                  "attendance": "online", "status": "active", "meetings": ms}
                                 for i, ms in enumerate(gs)]},
    st.sampled_from(ZONES), st.lists(st.lists(meeting_data, max_size=6), max_size=8))


def _one_group(zone: str, *meetings: dict[str, object]) -> dict[str, object]:
    return {"catalogue": 1, "area": "Nowhere (fictional)", "timezone": zone,
            "updated": "2026-01-01", "groups": [
                {"id": "g0", "name": "Fictional 0", "fellowship": "AA", "attendance": "online",
                 "status": "active", "meetings": list(meetings)}]}


@settings(max_examples=200, deadline=None)
@given(catalogue_data, moments)
# The clocks spring forward: at 3:10 am a meeting of an hour from 1:30 am is still on.
@example(_one_group("America/New_York", {"day": "sunday", "time": "01:30", "minutes": 60}),
         dt.datetime(2026, 3, 8, 7, 10, tzinfo=dt.timezone.utc))
def test_tonight_from_only_tonights_meetings_is_tonight_from_all(data, now):
    local = now.astimezone(ZoneInfo(data["timezone"]))
    whole = catalogue_from(data, "fictional.yaml")
    narrowed = catalogue_from(on_days(data, tonight_window(local)), "fictional.yaml")
    filters = parse_filters(RawFilters(), whole, local.date())

    def tonight(catalogue):
        return [(o.group.id, o.meeting, o.start, o.in_progress) for o in
                upcoming(catalogue, filters, now, until_end_of_day=True, in_progress=True)]

    assert tonight(narrowed) == tonight(whole)


def _found(occurrences):
    return [(o.group.id, o.meeting, o.date, o.start, o.in_progress) for o in occurrences]


@settings(max_examples=200, deadline=None)
@given(catalogue_data, moments, st.lists(st.sampled_from([*DAYS, "weekend", "today"]),
                                         min_size=1, max_size=3))
def test_days_listed_from_only_their_meetings_are_the_days_listed_from_all(data, now, days):
    today = now.astimezone(ZoneInfo(data["timezone"])).date()
    whole = catalogue_from(data, "fictional.yaml")
    filters = parse_filters(RawFilters(day=tuple(days)), whole, today)
    narrowed = catalogue_from(on_days(data, parse_days(tuple(days), today)), "fictional.yaml")
    assert _found(week(narrowed, filters, now)) == _found(week(whole, filters, now))
    assert _found(weekly(narrowed, filters)) == _found(weekly(whole, filters))


@settings(max_examples=300, deadline=None)
@given(catalogue_data, moments, st.integers(1, 6), st.integers(1, 7))
# A window of the whole week from 10 pm on Monday lacks Monday's 8 am meeting, which is
# the next one after Monday 8 pm's, a week on.
@example(_one_group("UTC", {"day": "monday", "time": "08:00"}, {"day": "monday", "time": "20:00"}),
         dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.timezone.utc), 1, 7)
def test_the_next_meetings_found_in_a_window_are_the_next_meetings(data, now, count, days):
    local = now.astimezone(ZoneInfo(data["timezone"]))
    whole = catalogue_from(data, "fictional.yaml")
    filters = parse_filters(RawFilters(), whole, local.date())
    narrowed = catalogue_from(on_days(data, next_window(local, days)), "fictional.yaml")
    found = upcoming(narrowed, filters, now, count)
    if found_in_window(found, count, local.date(), narrowed.days_only):
        assert _found(found) == _found(upcoming(whole, filters, now, count))
    else:
        event("not found in the window")
