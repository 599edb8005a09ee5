"""Meetings out of peerfind: Meeting Guide JSON, iCalendar, CSV and JSON.

Each function takes occurrences (from ``search``) and returns the file's text.
Catalogue text is data: JSON and CSV are written by their libraries, iCalendar
text is escaped by ``icalendar`` as RFC 5545 requires, and CSV cells that a
spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

from peerfind import records, schema, trust
from peerfind.i18n import strings
from peerfind.fetch import is_web
from peerfind.listing import one_tap
from peerfind.models import Catalogue, Group, Meeting, Online
from peerfind.schema import town_key
from peerfind.search import UTC, Occurrence

# Meeting Guide numbers days from Sunday (0) to Saturday (6).
MG_DAY = {day: (index + 1) % 7 for index, day in enumerate(schema.DAYS)}
ICS_DAY = {day: day[:2].upper() for day in schema.DAYS}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UID_DOMAIN = "peerfind"


MG_SLUG_LENGTH = 64  # the Meeting Guide spec's limit
POSTAL_CODE = re.compile(r"\b\d{5}(?:-\d{4})?\b")
MG_FELLOWSHIP = "AA"  # whose meetings a Meeting Guide feed holds unless others are named


def mg_slug(group: Group, meeting: Meeting) -> str:
    """The meeting's slug in a Meeting Guide feed: its own (kept from its source or
    written by a volunteer), else the group's id and the meeting's place; never its day
    or time, and at most 64 characters."""
    if meeting.slug:
        return meeting.slug
    suffix = f"-{group.meetings.index(meeting) + 1}"
    if len(group.id) + len(suffix) <= MG_SLUG_LENGTH:
        return group.id + suffix
    import zlib

    tag = f"-{zlib.crc32(group.id.encode()):08x}"
    return group.id[:MG_SLUG_LENGTH - len(tag) - len(suffix)] + tag + suffix


def formatted_address(group: Group, catalogue: Catalogue) -> str:
    """Street, town, state, country: the four parts TSML UI needs to call an address a
    place to go (fewer, it takes it for an approximate region). Nothing is written twice."""
    parts = [p.strip() for p in group.address.split(",") if p.strip()]
    known = {town_key(p) for p in parts} | {town_key(w) for p in parts for w in p.split()}
    for extra in (group.town, catalogue.state, catalogue.country):
        if extra and town_key(extra) not in known:
            parts.append(extra)
            known.add(town_key(extra))
    return ", ".join(parts)


def _attendance(group: Group) -> str:
    return "inactive" if group.status == "temporarily-closed" else group.attendance


def meeting_guide(catalogue: Catalogue, occurrences: list[Occurrence], today: dt.date,
                  fellowships: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """A Meeting Guide feed (code4recovery/spec), one record per meeting, and warnings.

    Without ``fellowships`` only AA meetings go in (a Meeting Guide feed is read as AA's),
    and the others are counted in a warning. Groups that no longer meet are left out;
    temporarily closed ones carry TC and attendance_option inactive. Status and trust are
    never written into ``notes``: ``updated`` is the day the entry was confirmed or listed.
    """
    wanted = fellowships or frozenset({MG_FELLOWSHIP})
    feed, left_out = [], {}
    for o in occurrences:
        g, m = o.group, o.meeting
        if g.status == "closed":
            continue
        if g.fellowship not in wanted:
            left_out[g.fellowship] = left_out.get(g.fellowship, 0) + 1
            continue
        types = [schema.ALL_TYPES[t] for t in o.types]
        if g.language != "english" and schema.LANGUAGES[g.language] not in types:
            types.append(schema.LANGUAGES[g.language])
        if g.status == "temporarily-closed":
            types.append("TC")
        in_person = g.attendance != "online" and bool(g.address)
        online = g.online if g.attendance != "in_person" else None
        postal = POSTAL_CODE.search(g.address) if in_person else None
        as_of = trust.of(g, today).as_of or catalogue.updated
        record: dict[str, Any] = {
            "name": g.name,
            "group": g.group or None,
            "slug": mg_slug(g, m),
            "day": MG_DAY[m.day],
            "time": m.time,
            "end_time": m.end,
            "types": types,
            "attendance_option": _attendance(g),
            "location": g.venue or None,
            "formatted_address": formatted_address(g, catalogue) if in_person else ", ".join(
                p for p in (g.town, catalogue.state, catalogue.country) if p) or catalogue.area,
            "approximate": "no" if in_person else "yes",
            "city": g.town or None,
            "state": catalogue.state or None,
            "postal_code": postal.group() if postal else None,
            "country": catalogue.country or None,
            "region": g.town or None,
            "latitude": g.latitude if in_person else None,
            "longitude": g.longitude if in_person else None,
            "conference_url": online.url if online and online.url else None,
            "conference_url_notes": _join_notes(online) if online and online.url else None,
            "conference_phone": one_tap(online.phone, online.meeting_id, online.passcode)
            if online and online.phone else None,
            "conference_phone_notes": _join_notes(online) if online and not online.url
            else None,
            "notes": m.notes or None,
            "group_notes": g.notes or None,
            "updated": f"{as_of.isoformat()} 00:00:00",
            "timezone": catalogue.timezone,
            "feedback_url": catalogue.feedback if is_web(catalogue.feedback) else None,
            "url": g.contact.url if g.contact and g.contact.url else None,
            "contact_1_name": g.contact.name if g.contact and g.contact.name else None,
            "contact_1_email": g.contact.email if g.contact and g.contact.email else None,
            "contact_1_phone": g.contact.phone if g.contact and g.contact.phone else None,
        }
        feed.append({key: value for key, value in record.items() if value not in (None, "")})
    warnings = []
    if left_out:
        counted = ", ".join(f"{n} {name}" for name, n in sorted(left_out.items()))
        warnings.append(f"left out {counted} meetings: a Meeting Guide feed is read as AA's; "
                        "name the fellowships to include with --fellowship")
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n", warnings


def _join_notes(online: Any) -> str | None:
    """How to join beyond the link and one-tap phone: the meeting id and passcode when
    no phone carries them, and the online notes."""
    return _conference_notes(online, ids=not online.phone)


def _conference_notes(online: Online | None, ids: bool = True) -> str | None:
    """Meeting id, passcode (with ``ids``) and the online notes, in one line."""
    if online is None:
        return None
    parts = [f"Meeting ID {online.meeting_id}" if ids and online.meeting_id else "",
             f"Passcode {online.passcode}" if ids and online.passcode else "", online.notes]
    return "; ".join(part for part in parts if part) or None


def as_json(occurrences: list[Occurrence], today: dt.date) -> str:
    return json.dumps([records.occurrence(o, today) for o in occurrences], indent=2,
                      ensure_ascii=False) + "\n"


CSV_COLUMNS = ("id", "name", "fellowship", "day", "date", "time", "end", "ends_next_day",
               "minutes", "town", "venue", "address", "latitude", "longitude", "attendance",
               "online_url", "online_phone", "online_meeting_id", "online_passcode",
               "online_notes", "type_codes", "types", "language", "status", "trust", "as_of",
               "checked", "listed_by", "source", "meeting_notes", "group_notes")


CSV_NUMBERS = {"minutes", "latitude", "longitude"}  # numbers peerfind wrote: never formulas


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def as_csv(occurrences: list[Occurrence], today: dt.date, bom: bool = True) -> str:
    """A spreadsheet: one row per meeting, every fact in its own column; with ``bom``
    a UTF-8 byte-order mark first, so that Excel reads the accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    labels = schema.type_labels()
    for o in occurrences:
        r = records.occurrence(o, today)
        online = r["online"] or {}
        m = o.meeting
        overnight = m.end is not None and m.minutes is not None and m.end <= m.time
        row = {**r, "online_url": online.get("url"), "online_phone": online.get("phone"),
               "online_meeting_id": online.get("meeting_id"),
               "online_passcode": online.get("passcode"), "online_notes": online.get("notes"),
               "ends_next_day": "yes" if overnight else "",
               "type_codes": " ".join(r["type_codes"]),
               "types": ", ".join(labels[t][1] for t in o.types),
               "latitude": o.group.latitude, "longitude": o.group.longitude,
               "meeting_notes": m.notes, "group_notes": o.group.notes}
        writer.writerow(["" if row[c] is None else str(row[c]) if c in CSV_NUMBERS
                         else neutralise(str(row[c])) for c in CSV_COLUMNS])
    return ("\ufeff" if bom else "") + buffer.getvalue()


SEQUENCE_EPOCH = dt.date(2000, 1, 1)


def meeting_key(group: Group, meeting: Meeting) -> str:
    """The meeting's stable key within its group: its slug, else its place (1, 2, ...)."""
    return meeting.slug or str(group.meetings.index(meeting) + 1)


def last_modified(group: Group, catalogue: Catalogue) -> dt.date:
    """The latest day the group's entry is known to have changed or been checked."""
    days = [catalogue.updated, group.checked, group.listed]
    return max(day for day in days if day is not None)


def _summary(o: Occurrence, today: dt.date) -> str:
    g = o.group
    if g.status == "temporarily-closed":
        flag = " [temporarily closed]"
    elif g.status == "closed":
        flag = " [no longer meets]"
    elif trust.of(g, today).kind != "confirmed":
        flag = " [not confirmed: check first]"
    else:
        flag = ""
    return f"{g.name} ({g.fellowship}){flag}"


def as_ics(catalogue: Catalogue, occurrences: list[Occurrence], now: dt.datetime, *,
           single: bool = False, alarm: int | None = None) -> str:
    """One VEVENT per meeting, in the catalogue's zone: weekly from its next date, or with
    ``single`` just that date; ``alarm`` minutes before, if given.

    DTSTART is the meeting's wall-clock time and DURATION its length, so that RFC 5545
    itself places every week's meeting across daylight-saving changes. The UID is the
    group's id and the meeting's stable key: a change of day or time updates the event
    (a higher SEQUENCE) instead of leaving the old one behind.
    """
    from zoneinfo import ZoneInfo

    from icalendar import Alarm, Calendar, Event

    zone = ZoneInfo(catalogue.timezone)
    confirm = strings()["confirm"]
    calendar = Calendar()
    calendar.add("prodid", "-//peerfind//peerfind meeting export//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Recovery meetings: {catalogue.area}")
    calendar.add("x-wr-timezone", catalogue.timezone)
    stamp = now.astimezone(UTC).replace(microsecond=0)
    labels = schema.type_labels()
    today = now.astimezone(zone).date()
    for o in occurrences:
        g, m = o.group, o.meeting
        changed = last_modified(g, catalogue)
        event = Event()
        event.add("uid", f"{g.id}-{meeting_key(g, m)}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("last-modified", dt.datetime.combine(changed, dt.time(), UTC))
        event.add("sequence", (changed - SEQUENCE_EPOCH).days)
        event.add("summary", _summary(o, today))
        event.add("dtstart", dt.datetime.combine(o.date, m.start, zone))
        event.add("duration", dt.timedelta(minutes=m.minutes or 60))
        if not single:
            event.add("rrule", {"freq": "weekly", "byday": ICS_DAY[m.day]})
        where = [g.venue, g.address or g.town] if g.attendance != "online" else ["Online"]
        event.add("location", ", ".join(part for part in where if part))
        lines = [f"{schema.FELLOWSHIPS[g.fellowship][0]}."]
        if o.types:
            lines.append("Types: " + ", ".join(labels[t][1] for t in o.types) + ".")
        if g.online is not None and g.attendance != "in_person":
            how = (g.online.url, g.online.phone, _conference_notes(g.online))
            lines.append("Join online: " + " ".join(part for part in how if part))
        if m.minutes is None:
            lines.append("The length of this meeting is not known; an hour is shown.")
        lines += [m.notes, g.notes, trust.sentence(trust.of(g, today)) + ".", confirm]
        if g.source:
            lines.append(f"Source: {g.source}.")
        event.add("description", "\n".join(line for line in lines if line))
        url = (g.online.url if g.online and g.online.url else
               g.contact.url if g.contact and g.contact.url else "")
        if url:
            event.add("url", url)
        event.add("status", "CONFIRMED" if g.status == "active" else "TENTATIVE")
        event.add("categories", [g.fellowship])
        if alarm is not None:
            reminder = Alarm()
            reminder.add("action", "DISPLAY")
            reminder.add("description", _summary(o, today))
            reminder.add("trigger", dt.timedelta(minutes=-alarm))
            event.add_component(reminder)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
