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
from typing import Any

from peerfind import records, schema, trust
from peerfind.i18n import strings
from peerfind.models import Catalogue, Group, Meeting
from peerfind.search import UTC, Occurrence

# Meeting Guide numbers days from Sunday (0) to Saturday (6).
MG_DAY = {day: (index + 1) % 7 for index, day in enumerate(schema.DAYS)}
ICS_DAY = {day: day[:2].upper() for day in schema.DAYS}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UID_DOMAIN = "peerfind"


def slug(o: Occurrence) -> str:
    """Stable and unique per meeting: the group id, the day and the start."""
    return f"{o.group.id}-{o.meeting.day[:3]}-{o.meeting.time.replace(':', '')}"


STATUS_NOTES = {"unverified": "Unverified: not confirmed by anyone yet.",
                "temporarily-closed": "Temporarily closed.", "closed": "Closed."}


def _notes(o: Occurrence) -> str:
    parts = [o.meeting.notes, o.group.notes, STATUS_NOTES.get(o.group.status, "")]
    return "\n".join(part for part in parts if part)


def meeting_guide(catalogue: Catalogue, occurrences: list[Occurrence]) -> str:
    """One record per meeting, with the fields of the Meeting Guide specification."""
    feed = []
    for o in occurrences:
        g, m = o.group, o.meeting
        types = [schema.ALL_TYPES[t] for t in o.types]
        if g.language != "english" and schema.LANGUAGES[g.language] not in types:
            types.append(schema.LANGUAGES[g.language])
        record: dict[str, Any] = {
            "name": g.name,
            "slug": slug(o),
            "day": MG_DAY[m.day],
            "time": m.time,
            "end_time": m.end,
            "types": types,
            "location": g.venue or None,
            "address": g.address or None,
            "city": g.town or None,
            "state": catalogue.state or None,
            "formatted_address": g.address or None,
            "region": g.town or None,
            "latitude": g.latitude,
            "longitude": g.longitude,
            "conference_url": g.online.url if g.online and g.online.url else None,
            "conference_url_notes": _conference_notes(g),
            "conference_phone": g.online.phone if g.online and g.online.phone else None,
            "notes": _notes(o) or None,
            "updated": f"{(g.checked or catalogue.updated).isoformat()} 00:00:00",
            "timezone": catalogue.timezone,
            "group": g.name,
            "url": g.contact.url if g.contact and g.contact.url else None,
            "contact_1_name": g.contact.name if g.contact and g.contact.name else None,
            "contact_1_email": g.contact.email if g.contact and g.contact.email else None,
            "contact_1_phone": g.contact.phone if g.contact and g.contact.phone else None,
        }
        feed.append({key: value for key, value in record.items() if value not in (None, "")})
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n"


def _conference_notes(group: Group) -> str | None:
    if group.online is None:
        return None
    o = group.online
    parts = [f"Meeting ID {o.meeting_id}" if o.meeting_id else "",
             f"Passcode {o.passcode}" if o.passcode else "", o.notes]
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
            lines.append("Join online: " + " ".join(
                part for part in (g.online.url, g.online.phone, _conference_notes(g)) if part))
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
