"""The counselor's handout: this week's meetings, help lines and a newcomer guide.

``build`` gathers the content (pure); ``to_text``, ``to_markdown`` and
``to_html`` lay it out; ``to_pdf`` prints the HTML with headless Chromium.
Catalogue text is data everywhere: escaped for Markdown and (by Jinja2's
autoescape) for HTML.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from peerfind import i18n, schema, trust
from peerfind.models import Catalogue, Group
from peerfind.problems import PeerfindError
from peerfind.search import Filters, weekly

WIDTH = 80
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class Entry:
    """One weekly meeting as the handout shows it."""

    time: str
    name: str
    fellowship: str
    place: tuple[str, ...]
    types: tuple[str, ...]
    status: str  # '' when active, else the translated status


@dataclass(frozen=True, slots=True)
class Day:
    name: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """A help line or crisis resource: name, how to reach it, hours and notes."""

    name: str
    reach: tuple[str, ...]
    hours: str
    notes: str
    status: str


@dataclass(frozen=True, slots=True)
class Directory:
    name: str
    url: str
    notes: str


@dataclass(frozen=True, slots=True)
class Handout:
    lang: str
    title: str
    area: str
    printed: str
    updated: str
    days: tuple[Day, ...]
    legend: tuple[tuple[str, str], ...]
    help: tuple[Line, ...]
    guide: tuple[tuple[str, tuple[str, ...]], ...]
    directories: tuple[Directory, ...]
    leads_left_out: int
    notes: str

    @property
    def t(self) -> dict[str, str]:
        """The fixed strings in the handout's language."""
        return i18n.strings(self.lang)


def _place(group: Group, t: dict[str, str]) -> tuple[str, ...]:
    lines = []
    if group.attendance != "online":
        lines.append(group.venue)
        lines.append(group.address or group.town)
    if group.online is not None and group.attendance != "in_person":
        o = group.online
        label = t["online"] if group.attendance == "online" else t["online_too"]
        join = [o.url, f"{t['call']} {o.phone}" if o.phone else "",
                f"{t['meeting_id']} {o.meeting_id}" if o.meeting_id else "",
                f"{t['passcode']} {o.passcode}" if o.passcode else ""]
        lines.append(f"{label}: " + " · ".join(part for part in join if part))
    return tuple(line for line in lines if line)


def _status(t: dict[str, str], status: str) -> str:
    """The status as the handout prints it: nothing for an active entry."""
    return "" if status in ("active", "unverified") else t[status]


def _trust(t: dict[str, str], group: Group, today: dt.date, lang: str) -> str:
    """'confirmed 27 November 2026', 'listed ...', 'old lead December 2018'."""
    found = trust.of(group, today)
    if found.as_of is None:
        when = ""
    elif found.kind == "lead":
        when = f"{t[f'month.{found.as_of.month}']} {found.as_of.year}"
    else:
        when = i18n.long_date(found.as_of, lang).split(" ", 1)[1]
    return t[f"trust.{found.kind}"].format(date=when).strip()


def build(catalogue: Catalogue, filters: Filters, today: dt.date, lang: str = "en",
          title: str | None = None, include_leads: bool = False) -> Handout:
    """Everything the handout says, in ``lang``; pure. A handout goes home with a
    patient: old leads are left out (and counted) unless ``include_leads``."""
    t = i18n.strings(lang)
    labels = schema.type_labels()
    occurrences = weekly(catalogue, filters)
    leads = [o for o in occurrences if trust.of(o.group, today).kind == "lead"]
    if not include_leads:
        occurrences = [o for o in occurrences if trust.of(o.group, today).kind != "lead"]
    days = []
    for day in schema.DAYS:
        entries = tuple(
            Entry(
                time=i18n.time_range(o.meeting.time, o.meeting.end, lang),
                name=o.group.name,
                fellowship=o.group.fellowship,
                place=_place(o.group, t),
                types=tuple(schema.ALL_TYPES[x] for x in o.types),
                status=", ".join(part for part in (_status(t, o.group.status),
                                                   _trust(t, o.group, today, lang)) if part),
            )
            for o in occurrences if o.meeting.day == day
        )
        if entries:
            days.append(Day(t[day], entries))
    used = dict.fromkeys(x for o in occurrences for x in o.types)
    column = 2 if lang == "es" else 1
    legend = tuple((labels[x][0], labels[x][column]) for x in
                   sorted(used, key=schema.ALL_TYPES.get))
    help_lines = [Line(h.name, i18n.reach(h, lang), h.hours, h.notes, _status(t, h.status))
                  for h in catalogue.helplines]
    help_lines += [
        Line(r.name, tuple(part for part in (
            f"{t['call']} {r.phone}" if r.phone else "", r.address) if part),
            r.hours, r.notes, _status(t, r.status))
        for r in catalogue.resources if r.kind == "crisis"
    ]
    return Handout(
        lang=lang,
        title=title or t["title"],
        area=catalogue.area,
        printed=t["printed"].format(date=i18n.long_date(today, lang)),
        updated=t["updated"].format(date=i18n.long_date(catalogue.updated, lang)),
        days=tuple(days),
        legend=legend,
        help=tuple(help_lines),
        guide=tuple((heading, tuple(paras)) for heading, paras in i18n.guide(lang)),
        directories=tuple(Directory(r.name, r.url, r.notes)
                          for r in catalogue.resources if r.kind == "directory"),
        leads_left_out=0 if include_leads else len(leads),
        notes=catalogue.notes,
    )


# -- plain text -------------------------------------------------------------------


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=True) or [first or indent]


def _heading(text: str) -> list[str]:
    return ["", text.upper(), "=" * len(text)]


def to_text(h: Handout) -> str:
    """Fits 80 columns: for plain paper and email."""
    t = h.t
    out = [h.title.upper(), h.area, h.printed, "",
           f"{t['prepared_for']}: ______________________    "
           f"{t['prepared_by']}: ______________________"]
    out += _heading(t["help_heading"])
    out += _wrap(t["help_lead"])
    for line in h.help:
        status = f" [{line.status}]" if line.status else ""
        hours = f" ({line.hours})" if line.hours else ""
        out += _wrap(f"{line.name}{hours}{status}: " + " · ".join(line.reach), "    ", "  * ")
    out += _heading(t["meetings_heading"])
    out += _wrap(f"{t['meetings_lead']} {t['confirm']}")
    if not h.days:
        out += ["", *_wrap(t["no_meetings"])]
    for day in h.days:
        out += ["", day.name.upper()]
        for e in day.entries:
            status = f" [{e.status}]" if e.status else ""
            types = f" · {' '.join(e.types)}" if e.types else ""
            out += _wrap(f"{e.name} ({e.fellowship}{types}){status}", " " * 20,
                         f"  {e.time:<17} ")
            for place in e.place:
                out += _wrap(place, " " * 20)
    if h.legend:
        out += ["", *_wrap(f"{t['types']}: " + " · ".join(f"{c} {label}"
                                                         for c, label in h.legend))]
    if h.days:
        out += ["", *_wrap(t["trust_note"])]
    if h.leads_left_out:
        out += ["", *_wrap(t["leads_left_out"].format(count=h.leads_left_out))]
    out += _heading(t["guide_heading"])
    for heading, paragraphs in h.guide:
        out += ["", heading]
        for paragraph in paragraphs:
            out += _wrap(paragraph, "    ", "  - ")
    if h.directories:
        out += _heading(t["lists_heading"])
        for d in h.directories:
            out += _wrap(f"{d.name}: {d.url}", "    ", "  * ")
    out += _heading(t["notes_heading"])
    out += ["", *(["  " + "_" * (WIDTH - 4), ""] * 4)]
    out += _wrap(f"{t['confirm']} {h.updated}")
    if h.notes:
        out += _wrap(h.notes)
    return "\n".join(line.rstrip() for line in out) + "\n"


# -- Markdown -----------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def md(text: str) -> str:
    """Catalogue text as literal Markdown: characters with meaning are escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(h: Handout) -> str:
    t = h.t
    out = [f"# {md(h.title)}", "", f"**{md(h.area)}** · {md(h.printed)}", ""]
    out += [f"## {t['help_heading']}", "", f"**{t['help_lead']}**", ""]
    for line in h.help:
        status = f" *({line.status})*" if line.status else ""
        hours = f" ({md(line.hours)})" if line.hours else ""
        out.append(f"- **{md(line.name)}**{hours}{status}: "
                   + " · ".join(md(part) for part in line.reach))
    out += ["", f"## {t['meetings_heading']}", "", f"{t['meetings_lead']} **{t['confirm']}**"]
    if not h.days:
        out += ["", t["no_meetings"]]
    for day in h.days:
        out += ["", f"### {day.name}", ""]
        for e in day.entries:
            status = f" *({e.status})*" if e.status else ""
            types = f" · {' '.join(e.types)}" if e.types else ""
            out.append(f"- **{e.time}** · **{md(e.name)}** ({md(e.fellowship)}{types}){status}  ")
            out += [f"  {md(place)}  " for place in e.place]
    if h.legend:
        out += ["", f"*{t['types']}: " + " · ".join(f"{c} {label}" for c, label in h.legend)
                + "*"]
    if h.days:
        out += ["", f"*{md(t['trust_note'])}*"]
    if h.leads_left_out:
        out += ["", md(t["leads_left_out"].format(count=h.leads_left_out))]
    out += ["", f"## {t['guide_heading']}"]
    for heading, paragraphs in h.guide:
        out += ["", f"**{heading}**", ""]
        out += [f"- {paragraph}" for paragraph in paragraphs]
    if h.directories:
        out += ["", f"## {t['lists_heading']}", ""]
        out += [f"- {md(d.name)}: {md(d.url)}" for d in h.directories]
    out += ["", f"## {t['notes_heading']}", "", *(["&nbsp;", ""] * 3)]
    out += [f"*{t['confirm']} {md(h.updated)}*"]
    if h.notes:
        out += ["", md(h.notes)]
    return "\n".join(folded for line in out for folded in _fold(line)) + "\n"


def _fold(line: str) -> list[str]:
    """A Markdown line wrapped to 80 columns; list items and hard breaks kept."""
    if len(line) <= WIDTH or line.startswith("#"):
        return [line]
    hard = line.endswith("  ")
    body = line.rstrip()
    indent = " " * (len(body) - len(body.lstrip()))
    if body.lstrip().startswith("- "):
        indent += "  "
    lines = textwrap.wrap(body, WIDTH - (2 if hard else 0), subsequent_indent=indent,
                          break_long_words=False, break_on_hyphens=False)
    if hard:
        lines[-1] += "  "
    return lines


# -- HTML and PDF ---------------------------------------------------------------------


def to_html(h: Handout) -> str:
    """One self-contained page: inline CSS, no scripts, nothing fetched."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("peerfind", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("handout.html").render(h=h, t=h.t)


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def to_pdf(html: str, timeout: int = PDF_TIMEOUT) -> bytes:
    """Print the HTML to PDF with headless Chromium; the PDF's bytes."""
    browser = find_browser()
    if browser is None:
        raise PeerfindError(
            "--format pdf needs Chromium, and none was found on PATH (looked for "
            f"{', '.join(BROWSERS)}); install it (Debian or Ubuntu: apt-get install chromium), "
            "or use --format html and print the page from any browser")
    with tempfile.TemporaryDirectory(prefix="peerfind-") as work:
        page = Path(work, "handout.html")
        page.write_text(html, encoding="utf-8")
        pdf = Path(work, "handout.pdf")
        command = [
            browser, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-quic", f"--user-data-dir={Path(work, 'profile')}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout,
                                    stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise PeerfindError(f"{browser} did not finish the PDF within {timeout} s; try "
                                "again, or use --format html and print from a browser") from None
        data = pdf.read_bytes() if pdf.is_file() else b""
        if not data.startswith(b"%PDF"):
            said = result.stderr.decode(errors="replace").strip().splitlines()
            detail = f" ({said[-1]})" if said else ""
            raise PeerfindError(f"{browser} did not write a PDF{detail}; use --format html "
                                "and print from a browser")
        return data
