"""Listings as plain text, without Rich: the words every listing uses, and the whole
listing as lines for a pipe or a file.

When standard output is not a terminal, a listing is one aligned line per meeting
(number, day, time, status, then the meeting), streamed as it is made: `grep`
finds a meeting whole, and 30,000 meetings print in a moment. render.py builds
the terminal's table from the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence

from peerfind import schema, trust
from peerfind.i18n import strings, time_range
from peerfind.models import Catalogue, Group
from peerfind.problems import plural
from peerfind.search import Occurrence

# C0/C1 controls and the bidirectional overrides that can make text lie.
# Compiled by re when first needed (its cache): text that is all printable, as nearly
# all is, never needs it, and compiling it costs 2.6 million instructions (0.5% of a
# lookup). Every character it matches is one that str.isprintable refuses.
UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]"

STATUS_LABELS = {
    "active": "",
    "unverified": "",
    "temporarily-closed": "temporarily closed",
    "closed": "no longer meets",
}
SHOW_HINT = "'peerfind show N' gives everything about row N: how to join, directions, contact."
CRISIS = "In crisis: call or text 988 (24/7). 'peerfind helplines' lists more help lines."


def clean(value: str) -> str:
    """Catalogue text made safe to print: control characters shown as escapes."""
    if value.isprintable():
        return value
    return re.sub(UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", value)


def occurrence_time(o: Occurrence, h24: bool = False) -> str:
    """Start and end as the clock shows them on the day (daylight saving included)."""
    if o.start is None:
        return time_range(o.meeting.time, o.meeting.end, h24=h24)
    return time_range(f"{o.start:%H:%M}", f"{o.end:%H:%M}" if o.end else None, h24=h24)


def short_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def place(group: Group) -> str:
    """Where: venue and town, 'online', or both for a hybrid group."""
    here = clean(", ".join(part for part in (group.venue, group.town) if part))
    if group.attendance == "online":
        return "online"
    if group.attendance == "hybrid":
        return f"{here} + online"
    return here or "place not known"


def status_words(o: Occurrence, today: dt.date) -> list[str]:
    """What a row says of a group: in progress, not meeting, and how far it can be
    trusted, with its date."""
    words = ["in progress"] if o.in_progress else []
    if STATUS_LABELS[o.group.status]:
        words.append(STATUS_LABELS[o.group.status])
    words.append(trust.short(trust.of(o.group, today)))
    return words


def type_codes(types: Iterable[str]) -> str:
    return " ".join(schema.ALL_TYPES[t] for t in types)


def legend(occurrences: Sequence[Occurrence]) -> str | None:
    used = dict.fromkeys(t for o in occurrences for t in o.types)
    if not used:
        return None
    labels = schema.type_labels()
    pairs = [f"{labels[t][0]} {labels[t][1].lower()}"
             for t in sorted(used, key=schema.ALL_TYPES.get)]
    return "Types: " + " · ".join(pairs)


def joining(group: Group) -> str:
    """How to join online in one line: link, phone, meeting id, passcode."""
    o = group.online
    if o is None or group.attendance == "in_person":
        return ""
    parts = [o.url, f"phone {o.phone}" if o.phone else "",
             f"meeting id {o.meeting_id}" if o.meeting_id else "",
             f"passcode {o.passcode}" if o.passcode else ""]
    return " · ".join(p for p in parts if p)


def miles(o: Occurrence) -> str:
    if o.distance is not None:
        return f"{o.distance:.1f}"
    return "online" if o.group.attendance == "online" else "unknown"


def unknown_distances(occurrences: Sequence[Occurrence]) -> str | None:
    """Say how many rows are kept although no one knows how far they are."""
    count = sum(o.distance is None and o.group.attendance != "online" for o in occurrences)
    if not count:
        return None
    return (f"Distance unknown for {plural(count, 'meeting')} (no coordinates for the "
            "place or its town): kept, so check where they are.")


def footer(catalogue: Catalogue, *, trusts: bool = False, notes: bool = False) -> str:
    """The reminder to confirm, the catalogue's date; with ``trusts`` what the trust words
    mean; with ``notes`` the catalogue's own notes (how thin and how old it is)."""
    lines = [trust.LEGEND + "."] if trusts else []
    lines.append(f"{strings()['confirm']} Catalogue updated {catalogue.updated.isoformat()} "
                 f"({catalogue.path}).")
    if notes and catalogue.notes:
        lines.append(clean(catalogue.notes))
    elif any(r.kind == "directory" for r in catalogue.resources):
        lines.append("Current meeting lists: peerfind resources --kind directory.")
    return "\n".join(lines)


def finders(catalogue: Catalogue, fellowships: Iterable[str] = ()
            ) -> list[tuple[str, list[str]]]:
    """After an empty answer: where current lists are kept (the catalogue's directory
    resources, those of the fellowships asked for first), online ones apart."""
    wanted = set(fellowships)
    found = [r for r in catalogue.resources if r.kind == "directory" and r.url]
    if wanted:
        found = [r for r in found if wanted & set(r.fellowships)] or found
    sections = (("Where current meetings are listed:", [r for r in found if not r.online]),
                ("Online and phone meetings, at any hour:", [r for r in found if r.online]))
    return [(title, [clean(f"{r.name}: {r.url}") for r in chosen])
            for title, chosen in sections if chosen]


def _miles(o: Occurrence) -> str:
    return f"{o.distance:.1f} mi" if o.distance is not None else miles(o)


def when(o: Occurrence, first: str) -> str:
    """A row's day: its date, its day name, or nothing (a listing of one day)."""
    if first == "none":
        return ""
    return short_date(o.date) if first == "date" and o.date else o.meeting.day.title()


def rows(occurrences: Sequence[Occurrence], *, first: str, today: dt.date,
         distance: bool = False, h24: bool = False) -> Iterator[str]:
    """One aligned line per meeting: number, day, time, [miles,] status, then the
    meeting's name, fellowship, place and types."""
    cells = [(when(o, first), occurrence_time(o, h24), _miles(o) if distance else "",
              ", ".join(status_words(o, today))) for o in occurrences]
    number = len(str(len(cells)))
    widths = [max((len(cell[k]) for cell in cells), default=0) for k in range(4)]
    for n, (o, cell) in enumerate(zip(occurrences, cells, strict=True), 1):
        head = [f"{n:>{number}}"]
        head += [f"{cell[k]:<{widths[k]}}" if k != 2 else f"{cell[k]:>{widths[k]}}"
                 for k in range(4) if widths[k]]
        tail = [clean(o.group.name), o.group.fellowship, place(o.group)]
        if o.types:
            tail.append(type_codes(o.types))
        yield "  ".join(head) + "  " + " · ".join(tail)


def listing(occurrences: Sequence[Occurrence], catalogue: Catalogue, *, heading: str,
            first: str, distance: bool, empty: str, today: dt.date, h24: bool = False,
            links: bool = False, fellowships: Iterable[str] = ()) -> Iterator[str]:
    """The lines of a listing for a pipe or a file: what render.listing shows, plain."""
    yield heading
    if not occurrences:
        yield empty
        for title, lines in finders(catalogue, fellowships):
            yield title
            yield from (f"  {line}" for line in lines)
        yield CRISIS
        yield footer(catalogue, notes=True)
        return
    yield from rows(occurrences, first=first, today=today, distance=distance, h24=h24)
    joins = [f"{n:>3}  {clean(joining(o.group))}" for n, o in enumerate(occurrences, 1)
             if links and joining(o.group)]
    if joins:
        yield ""
        yield "How to join online (by row):"
        yield from joins
    for note in (legend(occurrences), unknown_distances(occurrences) if distance else None,
                 SHOW_HINT, footer(catalogue, trusts=True)):
        if note is not None:
            yield note
