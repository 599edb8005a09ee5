"""Rich renderables for the terminal. The only module that imports Rich.

Catalogue text always goes in as ``Text`` built by ``safe``, never as markup:
a group called "Circle [bold]" prints exactly that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group as Stack, RenderableType
from rich.cells import cell_len
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from peerfind import plain, schema, trust
from peerfind.i18n import guide as guide_sections, reach, time_range
from peerfind.models import Catalogue, Group, Helpline, Resource
from peerfind.problems import plural
from peerfind.search import Occurrence
from peerfind.plain import (SHOW_HINT, STATUS_LABELS, joining, miles, occurrence_time,
                            type_codes)
from peerfind.trust import Trust

if TYPE_CHECKING:
    from rich.panel import Panel

    from peerfind.stale import Stale

STATUS_STYLE = {"unverified": "yellow", "temporarily-closed": "red", "closed": "red"}
TRUST_STYLE = {"confirmed": "green", "listed": "", "lead": "yellow"}
ATTENDANCE_LABELS = {"in_person": "in person", "online": "online", "hybrid": "in person and online"}


def make_console() -> Console:
    return Console(markup=False, emoji=False, highlight=False)


def safe(value: str, style: str = "") -> Text:
    """Catalogue text as plain Text: control characters shown as escapes, no markup."""
    return Text(plain.clean(value), style=style)


def status_text(status: str, in_progress: bool = False, trusted: Trust | None = None,
                one_line: bool = False) -> Text:
    """What a row says of a group: in progress, not meeting, and how far it can be
    trusted (its date on a line of its own, unless ``one_line``)."""
    parts = []
    if in_progress:
        parts.append(Text("in progress", style="bold green"))
    label = STATUS_LABELS[status]
    if label:
        parts.append(Text(label, style=STATUS_STYLE.get(status, "")))
    if trusted is not None:
        shown = trust.short(trusted)
        parts.append(Text(shown if one_line else shown.replace(" ", "\n", 1),
                          style=TRUST_STYLE[trusted.kind]))
    return Text(", ").join(parts)


def footer(catalogue: Catalogue, *, trusts: bool = False, notes: bool = False) -> Text:
    return Text(plain.footer(catalogue, trusts=trusts, notes=notes), style="dim")


def finders(catalogue: Catalogue, fellowships: Iterable[str] = ()) -> Text:
    """After an empty answer: where current lists are kept, and help."""
    text = Text()
    for title, lines in plain.finders(catalogue, fellowships):
        text.append(title, style="bold")
        for line in lines:
            text.append(f"\n  {line}")
        text.append("\n")
    text.append(plain.CRISIS, style="bold")
    return text


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False,
                  header_style="bold")
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def whole(label: str, value: str) -> Text:
    """A line never wrapped or cut, such as a link: the terminal wraps it, if need be,
    so it can still be copied whole (print it with crop=False)."""
    line = Text(label, style="bold", no_wrap=True, overflow="ignore")
    line.append_text(safe(value))
    return line


def join_lines(occurrences: Sequence[Occurrence]) -> RenderableType | None:
    """Under a listing: how to join each online or hybrid row, by row number."""
    lines = [whole(f"{n:>3}  ", joining(o.group))
             for n, o in enumerate(occurrences, 1) if joining(o.group)]
    if not lines:
        return None
    return Stack(Text("How to join online (by row):", style="bold"), *lines)


def _when(o: Occurrence, first: str, h24: bool, previous: str | None) -> tuple[str, str]:
    """The row's day label (date, day name once per day, or none) and its time."""
    label = plain.when(o, first)
    return "" if first == "day" and label == previous else label, occurrence_time(o, h24)


def _place_line(o: Occurrence, types: bool = True) -> Text:
    line = Text(f"{o.group.fellowship} · {plain.place(o.group)}")
    if o.types and types:
        line.append(f" · {type_codes(o.types)}")
    return line


def _widest(cells: Iterable[str], header: str) -> int:
    """The width Rich would measure for a column of these cells (lines kept whole)."""
    return max(cell_len(line) for text in (header, *cells) for line in text.split("\n"))


def meetings_table(occurrences: Sequence[Occurrence], *, first: str, today: dt.date,
                   distance: bool = False, h24: bool = False) -> Table:
    """A row per occurrence, numbered for 'peerfind show N'. ``first`` picks what the
    When column shows above the time: the date, the day (once per day) or nothing.

    A speed trick: each column but Miles is given its width, so Rich does not measure
    every cell (5.5 of the 475 million instructions of 'tonight' on the bundled
    catalogue, more as rows grow). The widths are those Rich's own measuring gives,
    and Meeting, the column that takes the rest of the line, is at least 1 wide, as
    it would be unmeasured. Relies on: Rich not measuring a column that has a width,
    and taking a ratio column's width as its least. tests/test_render.py checks that
    the table prints as it does when Rich measures it."""
    day = None
    rows: list[tuple[bool, list[RenderableType]]] = []  # (a new day's section?, cells)
    whens: list[str] = []
    statuses: list[Text] = []
    for n, o in enumerate(occurrences, 1):
        label, time = _when(o, first, h24, day)
        new_day = first == "day" and bool(label) and day is not None
        if first == "day" and label:
            day = label
        when = f"{label}\n{time}" if label else time
        status = status_text(o.group.status, o.in_progress, trust.of(o.group, today))
        whens.append(when)
        statuses.append(status)
        row: list[RenderableType] = [str(n), when, Text.assemble(safe(o.group.name, "bold"),
                                                                 "\n", _place_line(o))]
        if distance:
            row.append(miles(o))
        rows.append((new_day, [*row, status]))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                  expand=True)
    table.add_column("#", no_wrap=True, justify="right", width=len(str(len(occurrences))))
    when_header = "When" if first != "none" else "Time"
    table.add_column(when_header, no_wrap=True, width=_widest(whens, when_header))
    table.add_column("Meeting", overflow="fold", ratio=1, width=1)
    if distance:
        table.add_column("Miles", no_wrap=True, justify="right")
    status_width = _widest((status.plain for status in statuses), "Status")
    table.add_column("Status", overflow="fold", width=min(max(status_width, 10), 11))
    for new_day, cells in rows:
        if new_day:
            table.add_section()
        table.add_row(*cells)
    return table


def stacked(occurrences: Sequence[Occurrence], *, first: str, today: dt.date,
            distance: bool = False, h24: bool = False) -> RenderableType:
    """For narrow terminals: a block per meeting, each line whole, wrapped at words."""
    blocks: list[RenderableType] = []
    day = None
    for n, o in enumerate(occurrences, 1):
        label, time = _when(o, first, h24, day)
        if first == "day":
            if label:
                blocks.append(Text(label, style="bold underline"))
                day = label
            label = ""
        head = Text(f"{n}. ", style="bold")
        head.append(f"{label} · {time}" if label else time)
        if distance:
            head.append(f" · {miles(o)} mi" if o.distance is not None else f" · {miles(o)}")
        status = status_text(o.group.status, o.in_progress, trust.of(o.group, today),
                             one_line=True)
        lines = [head, safe(o.group.name, "bold"), _place_line(o, types=False),
                 Text(f"types {type_codes(o.types)}") if o.types else None, status]
        block = Text("\n").join(line for line in lines if line is not None)
        block.append("\n")
        blocks.append(block)
    return Stack(*blocks)


NARROW = 60  # below this many columns listings stack each meeting's lines


def rows(occurrences: Sequence[Occurrence], width: int, **options: Any) -> RenderableType:
    """The meetings as a table, or as stacked blocks when the terminal is narrow."""
    if width < NARROW:
        return stacked(occurrences, **options)
    return meetings_table(occurrences, **options)


def listing(occurrences: Sequence[Occurrence], catalogue: Catalogue, *, heading: str,
            first: str, distance: bool, empty: str, today: dt.date, width: int,
            h24: bool = False, links: bool = False,
            fellowships: Iterable[str] = ()) -> RenderableType:
    """A heading, the meetings (or why there are none), how to join, the legend and
    the reminder."""
    parts: list[RenderableType] = [Text(heading, style="bold")]
    if occurrences:
        parts.append(rows(occurrences, width, first=first, distance=distance, h24=h24,
                          today=today))
        joins = join_lines(occurrences) if links else None
        if joins is not None:
            parts += [Text(""), joins] if width >= NARROW else [joins]
        for note in (plain.legend(occurrences),
                     plain.unknown_distances(occurrences) if distance else None, SHOW_HINT):
            if note is not None:
                parts.append(Text(note, style="dim"))
    else:
        parts += [Text(empty), finders(catalogue, fellowships)]
    parts.append(footer(catalogue, trusts=bool(occurrences), notes=not occurrences))
    return Stack(*parts)


def _details(rows: Iterable[tuple[str, RenderableType | str | None]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        if value:
            grid.add_row(label, value)
    return grid


def _lines(*parts: Text | str) -> Text:
    return Text("\n").join(safe(p) if isinstance(p, str) else p for p in parts if p)


def checked_text(status: str, checked: dt.date | None) -> Text:
    if status == "unverified" or checked is None:
        return Text("not confirmed by anyone yet: check before going", style="yellow")
    return Text(checked.isoformat())


def _panel(rows: Iterable[tuple[str, RenderableType | str | None]], title: Text) -> Panel:
    from rich.panel import Panel

    return Panel(_details(rows), title=title, title_align="left", box=box.ROUNDED)


def group_panel(group: Group, today: dt.date, h24: bool = False) -> Panel:
    labels = schema.type_labels()
    name, approach = schema.FELLOWSHIPS[group.fellowship]
    meetings = []
    for m in group.meetings:
        line = Text(f"{m.day.title():<10} {time_range(m.time, m.end, h24=h24)}")
        if m.types:
            line.append(" (" + ", ".join(labels[t][1] for t in m.types) + ")")
        if m.notes:
            line.append("  ")
            line.append_text(safe(m.notes))
        meetings.append(line)
    online = None
    if group.online is not None:
        o = group.online
        online = _lines(
            "join link below" if o.url else "",
            f"phone {o.phone}" if o.phone else "",
            f"meeting id {o.meeting_id}" if o.meeting_id else "",
            f"passcode {o.passcode}" if o.passcode else "",
            o.notes,
        )
    contact = None
    if group.contact is not None:
        c = group.contact
        contact = _lines(c.name, c.phone, c.email, c.url)
    status = STATUS_LABELS[group.status]
    trusted = trust.of(group, today)
    rows = [
        ("Group", safe(group.group) if group.group else None),
        ("Fellowship", f"{group.fellowship} ({name}, {approach})"),
        ("Status", Text(status, style=STATUS_STYLE.get(group.status, "")) if status else None),
        ("Trust", Text(trust.sentence(trusted) + ("" if trusted.kind == "confirmed" else
                                                  ": check before going"),
                       style=TRUST_STYLE[trusted.kind])),
        ("Attendance", ATTENDANCE_LABELS[group.attendance]),
        ("Where", _lines(group.venue, group.address,
                         "" if group.town in group.address else group.town)),
        ("Online", online),
        ("Meets", Text("\n").join(meetings)),
        ("Types", ", ".join(f"{labels[t][1]} ({labels[t][0]})" for t in group.types)),
        ("Language", group.language.title()),
        ("Contact", contact),
        ("Notes", safe(group.notes) if group.notes else None),
        ("Source", safe(group.source) if group.source else Text("none given", style="yellow")),
    ]
    title = Text.assemble(safe(group.name, "bold"), f" ({group.id})")
    return _panel(rows, title)


def links(group: Group, state: str) -> list[Text]:
    """The group's links, each on a line of its own, whole."""
    from peerfind.places import directions

    found = []
    if group.online is not None and group.online.url:
        found.append(whole("Join online    ", group.online.url))
    route = directions(group, state)
    if route is not None:
        found += [whole("OpenStreetMap  ", route["openstreetmap"]),
                  whole("Google Maps    ", route["google_maps"])]
    return found


def resource_panel(resource: Resource) -> Panel:
    rows = [
        ("Kind", resource.kind),
        ("Status", resource.status.replace("-", " ")),
        ("Where", _lines(resource.address,
                         "" if resource.town in resource.address else resource.town)),
        ("Phone", resource.phone),
        ("Web", resource.url),
        ("Hours", resource.hours),
        ("Notes", safe(resource.notes) if resource.notes else None),
        ("Source", safe(resource.source) if resource.source else None),
        ("Checked", checked_text(resource.status, resource.checked)),
    ]
    title = Text.assemble(safe(resource.name, "bold"), f" ({resource.id})")
    return _panel(rows, title)


def entry(item: Group | Resource, catalogue: Catalogue, today: dt.date,
          h24: bool = False) -> RenderableType:
    """``peerfind show``: one group or resource, then the reminder."""
    if isinstance(item, Group):
        wrong = Text(f"Something wrong here? peerfind report {item.id}", style="dim")
        return Stack(group_panel(item, today, h24), *links(item, catalogue.state), wrong,
                     footer(catalogue))
    return Stack(resource_panel(item), footer(catalogue))


def _block(title: Text, lines: Iterable[Text | str]) -> RenderableType:
    """A bold first line, then indented detail lines: reads well at any width."""
    body = Table.grid()
    body.add_column(overflow="fold")
    for line in lines:
        if line:
            body.add_row(safe(line) if isinstance(line, str) else line)
    return Stack(title, Padding(body, (0, 0, 1, 2)))


def _joined(*parts: str) -> Text:
    return Text(" · ").join(safe(p) for p in parts if p)


def helplines(lines: Sequence[Helpline], catalogue: Catalogue) -> RenderableType:
    parts: list[RenderableType] = [
        Text("If you are in danger or thinking of suicide, call or text 988 now.\n",
             style="bold"),
    ]
    for h in lines:
        title = Text.assemble(safe(h.name, "bold"), f"  {h.hours}" if h.hours else "")
        if h.status != "active":
            title.append_text(Text.assemble("  ", status_text(h.status)))
        parts.append(_block(title, [_joined(*reach(h)), h.notes]))
    parts.append(footer(catalogue))
    return Stack(*parts)


def resources(entries: Sequence[Resource], catalogue: Catalogue) -> RenderableType:
    if not entries:
        return Stack(Text("No resources match."), footer(catalogue))
    parts: list[RenderableType] = []
    for r in entries:
        title = Text.assemble(safe(r.name, "bold"), Text(f"  {r.kind} · {r.id}", style="dim"))
        if r.status != "active":
            title.append_text(Text.assemble("  ", status_text(r.status)))
        place = r.address or r.town
        parts.append(_block(title, [_joined(place, r.phone, r.hours), r.url, r.notes]))
    parts.append(Text("'peerfind show ID' gives the details of one.", style="dim"))
    parts.append(footer(catalogue))
    return Stack(*parts)


def stale(entries: Sequence[Stale], catalogue: Catalogue, days: int) -> RenderableType:
    if not entries:
        return Stack(Text(f"Every entry was confirmed within the last {days} days."),
                     footer(catalogue))
    table = _table("Entry", "Checked", "Source and contact")
    for s in entries:
        label = Text.assemble(safe(s.name, "bold"), Text(f"\n{s.kind}", style="dim"),
                              Text(f" {s.id}" if s.id else "", style="dim"),
                              Text("\n") + safe(s.where, "dim") if s.where else "")
        when = (Text("never", style="yellow") if s.checked is None
                else Text(f"{s.checked.isoformat()}\n{s.age_days} days ago"))
        table.add_row(label, when, _lines(s.source or "no source given", s.contact))
    heading = Text(f"{plural(len(entries), 'entry', 'entries')} to confirm (never checked, or "
                   f"over {days} days ago), oldest first", style="bold")
    return Stack(heading, table, Text("After confirming one, set its checked date and run "
                                      "'peerfind validate' (see CONTRIBUTING.md).", style="dim"))


def guide() -> RenderableType:
    parts: list[RenderableType] = []
    for heading, paragraphs in guide_sections():
        parts.append(Text(heading, style="bold underline"))
        bullets = Table.grid(padding=(0, 1))
        bullets.add_column(width=3, justify="right")
        bullets.add_column()
        for paragraph in paragraphs:
            bullets.add_row("•", paragraph)
        parts.append(bullets)
        parts.append(Text(""))
    parts.append(Text("If you are in crisis, call or text 988 (24/7). 'peerfind helplines' "
                      "lists more help lines.", style="bold"))
    return Stack(*parts)
