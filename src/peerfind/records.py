"""Plain JSON records for --json output; the keys are documented in docs/json.md."""

from __future__ import annotations

from typing import Any

import datetime as dt

from peerfind import trust
from peerfind.models import Group, Helpline, Resource
from peerfind.schema import ALL_TYPES
from peerfind.search import Occurrence
from peerfind.stale import Stale


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def online(group: Group) -> dict[str, str] | None:
    if group.online is None:
        return None
    o = group.online
    return {"url": o.url, "phone": o.phone, "meeting_id": o.meeting_id,
            "passcode": o.passcode, "notes": o.notes}


def trusted(g: Group, today: dt.date) -> dict[str, Any]:
    """How far the group can be trusted: confirmed, listed or lead, and as of when."""
    found = trust.of(g, today)
    return {"trust": found.kind, "as_of": _iso(found.as_of), "listed_by": g.listed_by or None}


def occurrence(o: Occurrence, today: dt.date) -> dict[str, Any]:
    g, m = o.group, o.meeting
    return {
        "id": g.id,
        "name": g.name,
        "fellowship": g.fellowship,
        "day": m.day,
        "date": _iso(o.date),
        "time": m.time,
        "end": m.end,
        "minutes": m.minutes,
        "starts_at": _iso(o.start),
        "ends_at": _iso(o.end),
        "town": g.town or None,
        "venue": g.venue or None,
        "address": g.address or None,
        "attendance": g.attendance,
        "online": online(g),
        "types": list(o.types),
        "type_codes": [ALL_TYPES[t] for t in o.types],
        "language": g.language,
        "notes": m.notes or None,
        "status": g.status,
        "checked": _iso(g.checked),
        **trusted(g, today),
        "source": g.source or None,
        "distance_miles": round(o.distance, 1) if o.distance is not None else None,
        "in_progress": o.in_progress,
    }


def group(g: Group, today: dt.date, state: str = "") -> dict[str, Any]:
    from peerfind.places import directions

    return {
        "kind": "group",
        "id": g.id,
        "name": g.name,
        "group": g.group or None,
        "fellowship": g.fellowship,
        "venue": g.venue or None,
        "address": g.address or None,
        "town": g.town or None,
        "latitude": g.latitude,
        "longitude": g.longitude,
        "directions": directions(g, state),
        "attendance": g.attendance,
        "online": online(g),
        "types": list(g.types),
        "type_codes": [ALL_TYPES[t] for t in g.types],
        "language": g.language,
        "meetings": [
            {"day": m.day, "time": m.time, "end": m.end, "minutes": m.minutes,
             "types": list(m.types), "notes": m.notes or None}
            for m in g.meetings
        ],
        "contact": (
            {"name": g.contact.name, "phone": g.contact.phone, "email": g.contact.email,
             "url": g.contact.url}
            if g.contact else None
        ),
        "notes": g.notes or None,
        "source": g.source or None,
        "checked": _iso(g.checked),
        **trusted(g, today),
        "status": g.status,
    }


def resource(r: Resource) -> dict[str, Any]:
    return {
        "kind": "resource",
        "id": r.id,
        "name": r.name,
        "resource_kind": r.kind,
        "address": r.address or None,
        "town": r.town or None,
        "phone": r.phone or None,
        "url": r.url or None,
        "hours": r.hours or None,
        "fellowships": list(r.fellowships),
        "online": r.online,
        "notes": r.notes or None,
        "source": r.source or None,
        "checked": _iso(r.checked),
        "status": r.status,
    }


def helpline(h: Helpline) -> dict[str, Any]:
    return {
        "name": h.name,
        "phone": h.phone or None,
        "tty": h.tty or None,
        "text": h.text or None,
        "url": h.url or None,
        "hours": h.hours or None,
        "languages": list(h.languages),
        "press_for_spanish": h.press_for_spanish or None,
        "notes": h.notes or None,
        "source": h.source or None,
        "checked": _iso(h.checked),
        "status": h.status,
    }


def stale(s: Stale) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "id": s.id or None,
        "name": s.name,
        "status": s.status,
        "checked": _iso(s.checked),
        "age_days": s.age_days,
        "source": s.source or None,
        "contact": s.contact or None,
        "where": s.where or None,
    }
