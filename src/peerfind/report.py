"""A correction for one group, drafted for whoever keeps the catalogue.

Anyone who finds a listing wrong (a meeting that moved, a phone that rings
nowhere) gets the listing as it is now, the questions a volunteer needs answered,
and where to send it: a pre-filled issue for the catalogue's repository, or an
e-mail, from the catalogue's ``feedback`` key. No YAML needed.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from urllib.parse import quote, urlencode

from peerfind import trust
from peerfind.i18n import time_range
from peerfind.models import Catalogue, Group

QUESTIONS = (
    "It no longer meets (since when?):",
    "The day or time is now:",
    "The place or address is now:",
    "The online link, phone, meeting id or passcode is now:",
    "Something else:",
    "How you know (a phone call, the group's own listing, a visit), and the date:",
)


class Report(NamedTuple):
    title: str
    body: str
    send_to: str  # the catalogue's feedback address, or ''
    link: str  # a pre-filled issue URL or mailto: link, or ''


def listed(group: Group, today: dt.date) -> list[str]:
    """The group as the catalogue lists it now, one fact a line."""
    meets = "; ".join(f"{m.day.title()} {time_range(m.time, m.end)}" for m in group.meetings)
    online = group.online
    facts = [
        ("id", group.id),
        ("name", group.name),
        ("fellowship", group.fellowship),
        ("meets", meets),
        ("where", ", ".join(p for p in (group.venue, group.address or group.town) if p)
         if group.attendance != "online" else "online"),
        ("online", " · ".join(p for p in (online.url, online.phone, online.meeting_id) if p)
         if online else ""),
        ("status", group.status),
        ("trust", trust.sentence(trust.of(group, today))),
        ("source", group.source),
    ]
    return [f"  {label}: {value}" for label, value in facts if value]


def draft(group: Group, catalogue: Catalogue, today: dt.date) -> Report:
    title = f"Correction: {group.name} ({group.id})"
    body = "\n".join([
        f"Listed now in {catalogue.area}:",
        *listed(group, today),
        "",
        "What is wrong (fill in what you know):",
        *(f"- {question} " for question in QUESTIONS),
    ]) + "\n"
    where = catalogue.feedback
    if where.lower().startswith(("http://", "https://")):
        link = f"{where}{'&' if '?' in where else '?'}{urlencode({'title': title, 'body': body})}"
    elif where:
        link = f"mailto:{where}?subject={quote(title)}&body={quote(body)}"
    else:
        link = ""
    return Report(title, body, where, link)
