"""The volunteers' to-do list: entries never confirmed, or not for a while."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peerfind.models import Catalogue, Group, Helpline, Resource


@dataclass(frozen=True, slots=True)
class Stale:
    """An entry due for a volunteer's check: never confirmed, or not for a while."""

    kind: str
    id: str
    name: str
    status: str
    checked: dt.date | None
    age_days: int | None
    source: str
    contact: str
    where: str = ""  # file:line of the entry to edit, filled in by the command


def _contact_of(entry: Group | Resource | Helpline) -> str:
    if isinstance(entry, Group):
        c = entry.contact
        parts: tuple[str, ...] = (c.name, c.phone, c.email, c.url) if c else ()
    else:
        parts = (entry.phone, entry.url)
    return ", ".join(part for part in parts if part)


def stale(catalogue: Catalogue, today: dt.date, days: int = 180) -> list[Stale]:
    """Entries with no ``checked`` date or one over ``days`` old, oldest first.

    Closed groups are left out: there is nothing to confirm.
    """
    entries: list[tuple[str, str, Group | Resource | Helpline]] = [
        *(("group", g.id, g) for g in catalogue.groups if g.status != "closed"),
        *(("resource", r.id, r) for r in catalogue.resources),
        *(("helpline", "", h) for h in catalogue.helplines),
    ]
    found = []
    for kind, ident, entry in entries:
        age = (today - entry.checked).days if entry.checked else None
        if age is None or age > days:
            found.append(Stale(kind, ident, entry.name, entry.status, entry.checked, age,
                               entry.source, _contact_of(entry)))
    return sorted(found, key=lambda s: (s.checked is not None, s.checked or today, s.name))
