"""Filters, and which meetings happen when, over a given "now".

Everything here is pure: the catalogue and the current instant come in as
arguments, so tests never patch the clock. Meeting times are wall-clock times
in the catalogue's time zone; instants are compared in UTC, so daylight-saving
changes come out right.
"""

# Annotations are evaluated on import, not kept as strings: see startup.py (4).
import datetime as dt
import math
import re
from collections.abc import Collection
from typing import NamedTuple
from zoneinfo import ZoneInfo

from peerfind import trust
from peerfind.schema import DEFAULT_MINUTES, fold, may_run_past, town_key
from peerfind import vocabulary as words
from peerfind.vocabulary import suggest
from peerfind.models import Catalogue, Group, Meeting, Resource
from peerfind.problems import PeerfindError, UsageError

UTC = dt.timezone.utc
DAY_MINUTES = 24 * 60
MILES_PER_KM = 0.621371
EARTH_RADIUS_KM = 6371.0

ACCESSIBLE_TYPE = "wheelchair"
NOT_MEETING = ("temporarily-closed", "closed")  # statuses of groups that do not meet now


class Filters(NamedTuple):
    """What the user asked for, already checked against the catalogue."""

    days: frozenset[int] | None = None
    after: str | None = None
    before: str | None = None
    buckets: tuple[tuple[str, str], ...] = ()
    fellowships: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    towns: frozenset[str] = frozenset()  # town_key of each
    attendance: str | None = None
    accessible: bool = False
    language: str | None = None
    search: str | None = None
    near: tuple[float, float] | None = None
    within: float | None = None
    or_online: bool = False
    verified_only: bool = False
    include_closed: bool = False
    today: dt.date | None = None  # for --verified-only: how fresh a listing still is

    @property
    def needed_types(self) -> frozenset[str]:
        """The types (a language and wheelchair access count as types) a meeting needs."""
        extra = {ACCESSIBLE_TYPE} if self.accessible else set()
        if self.language:
            extra.add(self.language)
        return self.types | extra


class Occurrence(NamedTuple):
    """One meeting of one group, on a date where it is tied to one."""

    group: Group
    meeting: Meeting
    date: dt.date | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    distance: float | None = None
    in_progress: bool = False

    @property
    def types(self) -> tuple[str, ...]:
        merged = dict.fromkeys(self.group.types + self.meeting.types)
        return tuple(merged)


class RawFilters(NamedTuple):
    """Filter options as typed on the command line, before checking."""

    day: tuple[str, ...] = ()
    after: str | None = None
    before: str | None = None
    time: tuple[str, ...] = ()
    fellowship: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    town: tuple[str, ...] = ()
    attendance: str | None = None
    accessible: bool = False
    language: str | None = None
    search: str | None = None
    near: str | None = None
    within: float | None = None
    or_online: bool = False
    verified_only: bool = False
    include_closed: bool = False

    @property
    def any_given(self) -> bool:
        """Whether any filter was asked for at all."""
        return self != RawFilters()


# -- parsing what the user typed ----------------------------------------------


def parse_clock(value: str, option: str) -> str:
    """'7:30', '19:30', '7pm', '7:30 pm' -> '19:30' (HH:MM, 24-hour), or a UsageError."""
    found = words.clock(value)
    if found is None:
        raise UsageError(f"{option}: '{value}' is not a time; expected HH:MM such as 19:30, or "
                         "7:30pm")
    return found


def parse_days(values: tuple[str, ...], today: dt.date) -> frozenset[int] | None:
    """--day values as weekday numbers (0 = Monday); None when no day was asked for."""
    if not values:
        return None
    return frozenset(day for value in values for day in words.days(value, today))


def parse_filters(raw: RawFilters, catalogue: Catalogue, today: dt.date) -> Filters:
    """Check every option against the catalogue; unknown values raise UsageError."""
    fellowships = {words.fellowship(value) for value in raw.fellowship}
    types = {words.meeting_type(value) for value in raw.type}
    towns = set()
    if raw.town:
        known = [t.name for t in catalogue.towns] + [g.town for g in catalogue.groups]
        towns = {words.town(value, known) for value in raw.town}
    attendance = words.attendance(raw.attendance) if raw.attendance is not None else None
    language = words.language(raw.language) if raw.language is not None else None
    buckets = [words.time_of_day(value) for value in raw.time]

    if raw.within is not None and raw.near is None:
        raise UsageError("--within: needs --near PLACE (a town or LAT,LON) to measure from")
    if raw.within is not None and not (math.isfinite(raw.within) and raw.within > 0):
        raise UsageError(f"--within: {raw.within:g} is not a distance; expected miles above 0, "
                         "such as 10")
    if raw.or_online and raw.within is None:
        raise UsageError("--or-online: goes with --near PLACE --within MILES, to keep online "
                         "meetings beside the ones near enough")

    return Filters(
        days=parse_days(raw.day, today),
        after=parse_clock(raw.after, "--after") if raw.after else None,
        before=parse_clock(raw.before, "--before") if raw.before else None,
        buckets=tuple(buckets),
        fellowships=frozenset(fellowships),
        types=frozenset(types),
        towns=frozenset(towns),
        attendance=attendance,
        accessible=raw.accessible,
        language=language,
        search=fold(raw.search) if raw.search else None,
        near=_place(raw.near, catalogue) if raw.near else None,
        within=raw.within,
        or_online=raw.or_online,
        verified_only=raw.verified_only,
        include_closed=raw.include_closed,
        today=today,
    )


def _place(value: str, catalogue: Catalogue) -> tuple[float, float]:
    from peerfind.places import near  # ZIP codes and all: only when --near is given

    return near(value, catalogue)


# -- matching -------------------------------------------------------------------


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h)) * MILES_PER_KM


def place_of(group: Group, centres: dict[str, tuple[float, float]]
             ) -> tuple[float, float] | None:
    """The group's own coordinates, else its town's centre (``centres`` by town_key),
    else None."""
    if group.latitude is not None and group.longitude is not None:
        return group.latitude, group.longitude
    if group.attendance == "online":
        return None
    return centres.get(town_key(group.town))


def town_centres(catalogue: Catalogue) -> dict[str, tuple[float, float]]:
    return {town_key(t.name): (t.latitude, t.longitude) for t in catalogue.towns}


def _in_bucket(time: str, bucket: tuple[str, str]) -> bool:
    start, end = bucket
    return start <= time < end if start < end else time >= start or time < end


def group_matches(group: Group, filters: Filters) -> bool:
    """The filters that depend on the group alone."""
    if group.status == "closed" and not filters.include_closed:
        return False
    if filters.verified_only and (group.status in ("temporarily-closed", "closed") or not (
            filters.today and trust.kept(group, filters.today))):
        return False
    if filters.fellowships and group.fellowship not in filters.fellowships:
        return False
    if filters.towns and town_key(group.town) not in filters.towns:
        return False
    if filters.attendance and group.attendance not in (filters.attendance, "hybrid"):
        return False
    if filters.search:
        haystack = " ".join((group.name, group.venue, group.address, group.town, group.notes,
                             *(m.notes for m in group.meetings)))
        if filters.search not in fold(haystack):
            return False
    return True


def meeting_matches(group: Group, meeting: Meeting, filters: Filters,
                    needed: frozenset[str] | None = None) -> bool:
    """The filters that depend on one meeting's day, time and types (``needed``:
    ``filters.needed_types``, which a caller matching many meetings works out once)."""
    if filters.days is not None and meeting.weekday not in filters.days:
        return False
    if filters.after and meeting.time < filters.after:
        return False
    if filters.before and meeting.time >= filters.before:
        return False
    if filters.buckets and not any(_in_bucket(meeting.time, b) for b in filters.buckets):
        return False
    # A meeting's language counts as one of its types: a Spanish-speaking group, or one
    # meeting of a group marked 'spanish', both match --language spanish.
    if needed is None:
        needed = filters.needed_types
    return not needed or needed <= {*group.types, *meeting.types, group.language}


def select(catalogue: Catalogue, filters: Filters) -> list[tuple[Group, Meeting, float | None]]:
    """Every (group, meeting, distance) that passes the filters, in catalogue order."""
    chosen = []
    centres = town_centres(catalogue) if filters.near is not None else {}
    needed = filters.needed_types
    for group in catalogue.groups:
        if not group_matches(group, filters):
            continue
        distance = None
        if filters.near is not None:
            place = place_of(group, centres)
            distance = miles_between(filters.near, place) if place else None
            if filters.within is not None and not _near_enough(group, distance, filters):
                continue
        for meeting in group.meetings:
            if meeting_matches(group, meeting, filters, needed):
                chosen.append((group, meeting, distance))
    return chosen


def _near_enough(group: Group, distance: float | None, filters: Filters) -> bool:
    """Within reach: near enough, joinable online with --or-online, or in person at a
    place whose distance is unknown (kept, and shown as such, rather than lost)."""
    if filters.or_online and group.attendance in ("online", "hybrid"):
        return True
    if distance is None:
        return group.attendance != "online"
    return filters.within is None or distance <= filters.within


# -- time -------------------------------------------------------------------------


def zone(catalogue: Catalogue) -> ZoneInfo:
    return ZoneInfo(catalogue.timezone)


def parse_at(value: str | None, tz: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """--at '2026-11-27T18:30', '2026-11-27 18:30' or '18:30' (today), in the catalogue's zone."""
    local_now = now.astimezone(tz)
    if value is None:
        return local_now
    text = value.strip()
    try:
        if re.fullmatch(r"\d{1,2}(:\d{2})?\s*([ap]\.?m\.?)?", text, re.IGNORECASE):
            clock = parse_clock(text, "--at")
            return dt.datetime.combine(local_now.date(), dt.time.fromisoformat(clock), tz)
        moment = dt.datetime.fromisoformat(text)
    except (UsageError, ValueError):
        raise UsageError(f"--at: '{value}' is not a date and time; expected "
                         "YYYY-MM-DDTHH:MM such as 2026-11-27T18:30, or HH:MM for today") from None
    if moment.tzinfo is not None:
        return moment.astimezone(tz)
    return moment.replace(tzinfo=tz)


def occurrence_on(group: Group, meeting: Meeting, day: dt.date, tz: ZoneInfo,
                  distance: float | None = None) -> Occurrence:
    """The meeting on ``day``. A start the clock skips (spring forward) moves an hour on;
    the end is the start plus the meeting's length in real time, or None if unknown."""
    start = dt.datetime.combine(day, meeting.start, tz).astimezone(UTC).astimezone(tz)
    end = None
    if meeting.minutes is not None:
        end = (start.astimezone(UTC) + dt.timedelta(minutes=meeting.minutes)).astimezone(tz)
    return Occurrence(group, meeting, day, start, end, distance)


def week(catalogue: Catalogue, filters: Filters, now: dt.datetime) -> list[Occurrence]:
    """Each matching meeting once, on its date in the 7 days from today, by day and time."""
    tz = zone(catalogue)
    today = now.astimezone(tz).date()
    found = []
    for group, meeting, distance in select(catalogue, filters):
        day = today + dt.timedelta(days=(meeting.weekday - today.weekday()) % 7)
        found.append(occurrence_on(group, meeting, day, tz, distance))
    return sorted(found, key=_order)


def weekly(catalogue: Catalogue, filters: Filters) -> list[Occurrence]:
    """Each matching meeting once, Monday to Sunday, not tied to dates."""
    found = [Occurrence(group, meeting, distance=distance)
             for group, meeting, distance in select(catalogue, filters)]
    return sorted(found, key=lambda o: (o.meeting.weekday, o.meeting.time, o.group.name.casefold()))


def tonight_weekdays(today: dt.date) -> set[int]:
    """The weekdays (0 = Monday) whose meetings can be on tonight: today's, and
    yesterday's (one may still be going on after midnight)."""
    return {today.weekday(), (today - dt.timedelta(days=1)).weekday()}


def days_window(values: tuple[str, ...], now: dt.datetime) -> frozenset[int] | None:
    """The whole days --day asks for at ``now`` (local), as a ``schema.Window``."""
    return parse_days(values, now.date())


def tonight_window(now: dt.datetime) -> dict[int, int]:
    """The meetings that can be on tonight at ``now`` (local), as a ``schema.Window``:
    today's and yesterday's, less those surely over by now."""
    minute = now.hour * 60 + now.minute
    return {(now.weekday() - 1) % 7: DAY_MINUTES + minute, now.weekday(): minute}


def next_window(now: dt.datetime, days: int = 1) -> dict[int, int]:
    """The meetings of the ``days`` days from ``now`` (local) on, less today's that
    are surely over by now, as a ``schema.Window``: where the next few most often are."""
    minute = now.hour * 60 + now.minute
    return {(now.weekday() + offset) % 7: 0 if offset else minute for offset in range(days)}


def found_in_window(found: list[Occurrence], limit: int, today: dt.date,
                    weekdays: Collection[int]) -> bool:
    """Whether ``upcoming(..., limit)`` on a catalogue narrowed to a window of these
    weekdays (its today's meetings only those not over) found what it finds on the
    whole: ``limit`` of them, none after the days from today that it holds whole."""
    covered = 0
    while covered < 7 and (today + dt.timedelta(days=covered)).weekday() in weekdays:
        covered += 1
    return len(found) >= limit and found[-1].date < today + dt.timedelta(days=covered)


def upcoming(catalogue: Catalogue, filters: Filters, now: dt.datetime,
             limit: int | None = None, *, until_end_of_day: bool = False,
             in_progress: bool = False) -> list[Occurrence]:
    """Occurrences from now on, in time order: the next ``limit`` of them, or the
    coming week's.

    With ``in_progress`` a meeting that has started but not ended is included and
    marked, even one that began the day before; with ``until_end_of_day`` only
    today's meetings count. Groups not meeting for now (temporarily closed or
    closed) are never offered.
    """
    tz = zone(catalogue)
    local_now = now.astimezone(tz)
    now_utc = now.astimezone(UTC)
    first = -1 if in_progress else 0
    if until_end_of_day:  # only today's meetings, and yesterday's still going on
        covered = tonight_weekdays(local_now.date()) if in_progress else {local_now.weekday()}
        filters = filters._replace(days=covered if filters.days is None
                                   else covered & filters.days)
    by_weekday: dict[int, list[tuple[Group, Meeting, float | None]]] = {}
    for chosen in select(catalogue, filters):
        if chosen[0].status not in NOT_MEETING:
            by_weekday.setdefault(chosen[1].weekday, []).append(chosen)
    if until_end_of_day:
        days = 1
    else:  # each chosen meeting happens weekly, so this many days always suffice
        total = sum(len(meetings) for meetings in by_weekday.values())
        days = 7 * math.ceil((limit or 1) / max(total, 1)) + 1
    found: list[Occurrence] = []
    # On the wall clock, minutes since the start of yesterday: a meeting that ended
    # more than SURE minutes before now (more than any clock change) is skipped at once.
    clock_now = DAY_MINUTES + local_now.hour * 60 + local_now.minute
    for offset in range(first, days if by_weekday else 0):
        day = local_now.date() + dt.timedelta(days=offset)
        before = (offset + 1) * DAY_MINUTES if offset <= 0 else None
        for group, meeting, distance in by_weekday.get(day.weekday(), ()):
            if before is not None and not may_run_past(meeting.time, meeting.minutes,
                                                       clock_now - before):
                continue
            occurrence = occurrence_on(group, meeting, day, tz, distance)
            start = occurrence.start.astimezone(UTC)
            end = start + dt.timedelta(minutes=meeting.minutes or DEFAULT_MINUTES)
            if start >= now_utc and offset >= 0:
                found.append(occurrence)
            elif in_progress and start < now_utc < end:
                found.append(occurrence._replace(in_progress=True))
        if limit is not None and len(found) >= limit:
            break
    found.sort(key=_order)
    return found[:limit] if limit is not None else found


def _order(occurrence: Occurrence) -> tuple[object, ...]:
    start = occurrence.start.astimezone(UTC) if occurrence.start else None
    return (start, occurrence.group.name.casefold(), occurrence.group.id)


def _words(text: str) -> str:
    """A name as words only: 'St. Luke's' and 'st lukes' read the same."""
    return " ".join(re.findall(r"\w+", fold(text).replace("'", "").replace("\u2019", "")))


def find_entry(catalogue: Catalogue, query: str) -> Group | Resource:
    """The group or resource with this id, else the one whose name matches (ignoring
    case and accents: whole name first, then part of it), else an error listing the
    several matches or suggesting an id."""
    entries = (*catalogue.groups, *catalogue.resources)
    for entry in entries:
        if entry.id == query:
            return entry
    wanted = _words(query)
    if wanted:
        names = [(entry, _words(entry.name)) for entry in entries]
        for found in ([e for e, name in names if name == wanted],
                      [e for e, name in names if wanted in name]):
            if len(found) == 1:
                return found[0]
            if found:
                shown = "; ".join(f"{e.id} ({e.name}{', ' + e.town if e.town else ''})"
                                  for e in found[:10])
                more = f"; and {len(found) - 10} more" if len(found) > 10 else ""
                raise UsageError(f"{len(found)} entries match '{query}': {shown}{more}; give "
                                 "one of these ids")
    raise PeerfindError(f"no group or resource has the id or name '{query}'"
                        f"{suggest(query, [entry.id for entry in entries])}; 'peerfind list' "
                        "numbers its rows for 'peerfind show N', and 'peerfind resources' "
                        "shows resources")
