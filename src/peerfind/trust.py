"""How far each group can be trusted, and as of when.

Three kinds, told apart everywhere a group is shown:

- confirmed: a person confirmed it by phone or against the live source (``checked``);
- listed: a live source listed it when it was last fetched, no more than
  ``FRESH_DAYS`` ago ("listed by NA Greater New York, 30 Nov 2026");
- lead: anything else: an old or archived listing, or a hand-kept entry nobody
  has confirmed ("listed Dec 2018, not confirmed").
"""

# Annotations are evaluated on import, not kept as strings: see startup.py (4).
import datetime as dt
from typing import NamedTuple

from peerfind.models import Group

FRESH_DAYS = 30
KINDS = ("confirmed", "listed", "lead")


class Trust(NamedTuple):
    kind: str
    as_of: dt.date | None
    by: str = ""


def of(group: Group, today: dt.date) -> Trust:
    if group.checked is not None:
        return Trust("confirmed", group.checked)
    if group.live and group.listed is not None and (today - group.listed).days <= FRESH_DAYS:
        return Trust("listed", group.listed, group.listed_by)
    return Trust("lead", group.listed, group.listed_by)


def kept(group: Group, today: dt.date) -> bool:
    """Whether --verified-only keeps it: confirmed, or listed by a live source lately."""
    return of(group, today).kind != "lead"


def day(date: dt.date) -> str:
    return f"{date.day} {date:%b %Y}"


def month(date: dt.date) -> str:
    return f"{date:%b %Y}"


def short(trust: Trust) -> str:
    """For a listing row: 'confirmed 27 Nov 2026', 'listed 30 Nov 2026', 'lead Dec 2018'."""
    if trust.kind == "lead":
        return f"lead {month(trust.as_of)}" if trust.as_of else "lead"
    return f"{trust.kind} {day(trust.as_of)}" if trust.as_of else trust.kind


def sentence(trust: Trust) -> str:
    """For show and the handout."""
    if trust.kind == "confirmed":
        return f"confirmed by a person on {day(trust.as_of)}" if trust.as_of else "confirmed"
    if trust.kind == "listed":
        return f"listed by {trust.by}, {day(trust.as_of)}; not confirmed by a person"
    if trust.by and trust.as_of:
        return f"an old lead: listed by {trust.by} in {month(trust.as_of)}, not confirmed"
    return "a lead: not confirmed by anyone yet"


LEGEND = ("confirmed: a person checked it that day · listed: on a live source's list that day "
          "· lead: an old listing nobody has confirmed")
