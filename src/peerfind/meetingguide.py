"""Meeting Guide JSON feeds (code4recovery/spec) into catalogue groups, read faithfully.

Each record keeps its own name (``group``, when present, is kept beside it),
slug, place, link and notes. Records become one group only when name, group,
place, attendance and links all agree, and no meeting is lost because another
has its day and time. ``attendance_option`` and ``approximate`` are obeyed (an
approximate address is a region, not a door to go to); ``inactive`` or ``TC``
is temporarily closed; a record's own ``timezone`` is converted into the
catalogue's. A record that cannot be read is left out with a warning naming
it, and the rest come in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from peerfind import listing, schema
from peerfind.listing import Context, Reading, line, text
from peerfind.validate import EMAIL, MEETING_SLUG, is_first_name, is_phone

MG_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
DAY_NAMES = {name: name for name in schema.DAYS} | {name[:3]: name for name in schema.DAYS}
BY_CODE = {code.casefold(): slug for slug, code in schema.ALL_TYPES.items()}
ATTENDANCE = {"in_person": "in_person", "online": "online", "hybrid": "hybrid"}
DEFAULT_TIMEZONE = "America/New_York"


def _days(value: Any) -> list[str] | None:
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        if isinstance(item, bool):
            return None
        if isinstance(item, int) and 0 <= item <= 6:
            days.append(MG_DAYS[item])
        elif isinstance(item, str) and re.fullmatch(r"\s*[0-6]\s*", item):
            days.append(MG_DAYS[int(item)])
        elif isinstance(item, str) and item.strip().casefold() in DAY_NAMES:
            days.append(DAY_NAMES[item.strip().casefold()])
        else:
            return None
    return list(dict.fromkeys(days)) or None


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part for part in re.split(r"[,\s]+", value) if part]
    if isinstance(value, list):
        return [line(code) for code in value if line(code)]
    return []


def _yes(value: Any) -> bool:
    return value is True or line(value).casefold() in ("yes", "true", "1")


def _town(record: dict[str, Any], formatted: str) -> str:
    town = listing.town_name(record.get("city"))
    if town:
        return town
    regions = record.get("regions")
    if isinstance(regions, list) and regions:
        return listing.town_name(regions[-1])
    for key in ("region", "sub_region"):
        if listing.town_name(record.get(key)):
            return listing.town_name(record.get(key))
    parts = [part.strip() for part in formatted.split(",")]
    return parts[1][:80] if len(parts) >= 3 else ""


def _contact(record: dict[str, Any], where: str, warnings: list[str]) -> dict[str, str]:
    contact = {}
    name = line(record.get("contact_1_name"))
    if name and is_first_name(name):
        contact["name"] = name
    elif name:
        warnings.append(f"{where}: contact name left out: members stay anonymous (a first "
                        "name and last initial only)")
    phone = line(record.get("contact_1_phone"))
    if phone and is_phone(phone):
        contact["phone"] = phone
    email = line(record.get("contact_1_email"))
    if email and EMAIL.fullmatch(email):
        contact["email"] = email
    link = listing.url(record.get("url"))
    if link:
        contact["url"] = link
    return contact


def feed_zone(zones: Iterable[str], fallback: str | None, warnings: list[str]) -> str:
    """The zone a one-off import writes: ``fallback`` when given, else the feed's own
    single zone (of the records' ``zones``), else America/New_York with a warning."""
    if fallback:
        return fallback
    real = sorted({zone for zone in zones if listing.is_zone(zone)})
    if len(real) == 1:
        return real[0]
    said = "names several time zones" if len(real) > 1 else "names no time zone"
    warnings.append(f"the feed {said}; times are given in {DEFAULT_TIMEZONE} (set --timezone)")
    return DEFAULT_TIMEZONE


def read(records: Iterable[Any], context: Context, selection: dict[str, Any],
         zones: set[str] | None = None) -> Reading:
    """Catalogue groups from Meeting Guide records, read one at a time (give an iterator,
    and a large feed is never held whole); the records' own time zones are added to
    ``zones`` when given."""
    warnings: list[str] = []
    unknown: dict[str, int] = {}
    converted: dict[str, int] = {}
    keep = {name.casefold() for name in (*selection.get("towns", ()),
                                         *selection.get("regions", ()))}
    rows: list[Any] = []
    total = 0
    for index, record in enumerate(records):
        total += 1
        if zones is not None and isinstance(record, dict):
            zones.add(line(record.get("timezone")))
        row = _row(index, record, context, warnings, unknown, converted)
        if row is not None and (keep & row.pop("places") or not keep):
            rows.append(row)
    if unknown:
        listed = ", ".join(f"{code} ({n})" for code, n in sorted(unknown.items()))
        warnings.append(f"type codes peerfind does not know, kept as other types: {listed}")
    warnings += listing.converted_warnings(converted, context)

    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    rows.sort(key=lambda r: r["slug"])
    for index, row in enumerate(rows):
        rows[index] = None  # each row let go once in its group: a large feed is held once
        group = groups.get(row["key"])
        slots = {(m["day"], m["time"]) for m in group["meetings"]} if group else set()
        if group is None or any((m["day"], m["time"]) in slots for m in row["meetings"]):
            key = row["key"] if group is None else (*row["key"], row["slug"])
            group = groups[key] = row["group"]
            group.update(meetings=[], slug=row["slug"])
        taken = {m["slug"] for m in group["meetings"] if "slug" in m}
        for meeting in row["meetings"]:
            if meeting.get("slug", "") in taken:  # a feed's slugs are not always unique
                del meeting["slug"]
        group["meetings"].extend(row["meetings"])
    out, used = [], set()
    for group in groups.values():
        base = listing.ident(context.prefix, group.pop("slug"))
        ident, n = base, 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        out.append(listing.finish({"id": ident, **group}))
    return Reading(out, warnings, total)


def _row(index: int, record: Any, context: Context, warnings: list[str],
         unknown: dict[str, int], converted: dict[str, int]) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        warnings.append(f"record {index}: expected an object with name, slug, day and time, "
                        "found something else; left out")
        return None
    name = line(record.get("name"))[:200]
    where = listing.named(name, index)
    if not name:
        warnings.append(f"{where}: no name; left out")
        return None
    if record.get("day") in (None, "", []) or not line(record.get("time")):
        warnings.append(f"{where}: no day or time (by appointment?); left out")
        return None
    days = _days(record.get("day"))
    start = listing.clock(record.get("time"))
    if days is None or start in (None, "24:00"):
        bad = "day" if days is None else "time"
        warnings.append(f"{where}: {bad} {listing.shown(record.get(bad))} cannot be read; "
                        "left out")
        return None
    minutes = None
    if line(record.get("end_time")):
        end = listing.clock(record.get("end_time"))
        if end is None:
            warnings.append(f"{where}: end_time {listing.shown(record.get('end_time'))} "
                            "cannot be read; its length is left out")
        else:
            minutes = listing.minutes_between(start, "00:00" if end == "24:00" else end)

    slots = listing.slots(days, start, line(record.get("timezone")), context, where, warnings,
                          converted)

    types, other, closed = [], [], False
    for code in _codes(record.get("types")):
        slug = BY_CODE.get(code.casefold())
        if slug == "location-closed":
            closed = True
        elif slug is None:
            unknown[code[:20]] = unknown.get(code[:20], 0) + 1
            if code[:40] not in other:
                other.append(code[:40])
        elif slug not in types:
            types.append(slug)

    venue = line(record.get("location"))[:200]
    formatted = line(record.get("formatted_address"))[:300]
    street = line(record.get("address"))[:200]
    city = listing.town_name(record.get("city"))
    state = line(record.get("state"))[:40]
    postal = line(record.get("postal_code"))[:20]
    town = _town(record, formatted)
    approximate = _yes(record.get("approximate"))
    address = "" if approximate else formatted or (", ".join(
        p for p in (street, city, " ".join(p for p in (state, postal) if p)) if p)
        if street else "")

    link = listing.url(record.get("conference_url"))
    if line(record.get("conference_url")) and not link:
        warnings.append(f"{where}: conference_url {listing.shown(record.get('conference_url'))} "
                        "is not a web address; left out")
    phone, meeting_id, passcode = listing.dial(record.get("conference_phone"))
    notes = [text(record.get(key)) for key in ("conference_url_notes", "conference_phone_notes")]
    tap = line(record.get("conference_phone"))
    if tap and not phone or "," in tap and tap != listing.one_tap(phone, meeting_id, passcode):
        notes.append(f"One-tap dial: {tap}")
    online = {"url": link, "phone": phone, "meeting_id": meeting_id, "passcode": passcode,
              "notes": "\n".join(n for n in notes if n)}
    joinable = bool(link or phone)

    option = line(record.get("attendance_option")).casefold()
    if option == "inactive":
        closed = True
    attendance = ATTENDANCE.get(option)
    if attendance is None:
        if joinable and (approximate or not address):
            attendance = "online"
        elif joinable:
            attendance = "hybrid"
        else:
            attendance = "in_person"
    if attendance in ("online", "hybrid") and not joinable:
        if closed and town:
            attendance = "in_person"
        else:
            warnings.append(f"{where}: {attendance} with no conference_url or phone to join; "
                            "left out")
            return None
    if attendance == "in_person" and approximate and not closed:
        warnings.append(f"{where}: in person at an approximate address (a region, not a "
                        "place to go); kept without an address")
    if attendance != "online" and not town:
        warnings.append(f"{where}: no city, region or address to place it; left out")
        return None

    group_name = line(record.get("group"))[:200]
    group: dict[str, Any] = {
        "name": name,
        "group": group_name if group_name.casefold() != name.casefold() else "",
        "fellowship": context.fellowship,
        "venue": venue,
        "address": address if attendance != "online" else "",
        "town": town,
        "attendance": attendance,
        "notes": "\n".join(n for n in (text(record.get("group_notes")),
                                       text(record.get("location_notes"))) if n),
        "source": context.origin,
        "status": "temporarily-closed" if closed else "unverified",
    }
    latitude = listing.number(record.get("latitude"), 90)
    longitude = listing.number(record.get("longitude"), 180)
    if latitude is not None and longitude is not None and not approximate:
        group["latitude"], group["longitude"] = latitude, longitude
    if attendance != "in_person":
        group["online"] = {k: v for k, v in online.items() if v}
    if other:
        group["other_types"] = other
    contact = _contact(record, where, warnings)
    if contact:
        group["contact"] = contact
    meetings = []
    own_slug = line(record.get("slug"))
    for day, time in slots:
        meeting: dict[str, Any] = {"day": day, "time": time}
        kept = own_slug if len(slots) == 1 else f"{own_slug}-{day[:3]}"
        if own_slug and MEETING_SLUG.fullmatch(kept):
            meeting["slug"] = kept
        if minutes is not None:
            meeting["minutes"] = minutes
        if types:
            meeting["types"] = list(types)
        if text(record.get("notes")):
            meeting["notes"] = text(record.get("notes"))
        meetings.append(meeting)
    slug = line(record.get("slug"))[:64] or f"{name} {days[0]} {start}"
    regions = record.get("regions") if isinstance(record.get("regions"), list) else []
    places = {town.casefold(), city.casefold(), line(record.get("region")).casefold(),
              *(line(r).casefold() for r in regions)} - {""}
    key = (name.casefold(), group_name.casefold(), venue.casefold(), address.casefold(),
           town.casefold(), attendance, link, phone, closed)
    return {"key": key, "slug": slug, "group": group, "meetings": meetings, "places": places}
