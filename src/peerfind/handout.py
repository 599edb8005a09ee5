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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerfind import i18n, schema, trust
from peerfind.models import Catalogue, Group
from peerfind.problems import PeerfindError
from peerfind.search import Filters, Occurrence, RawFilters, weekly

WIDTH = 80
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT = 60


DAY_CHUNK = 3  # meetings per block: a block is never split, and each one is headed
COMPACT_GUIDE = ("guide.2.1", "guide.2.2", "guide.3.2")  # the three lines a short page keeps


@dataclass(frozen=True, slots=True)
class Entry:
    """One weekly meeting as the handout shows it."""

    time: str
    name: str
    fellowship: str
    place: tuple[str, ...]  # venue and address, for in-person meetings
    types: tuple[str, ...]
    status: str  # how far to trust it, and whether it is closed for now
    online: str = ""  # '', 'online' or 'also online', in the handout's language
    url: str = ""
    phone: str = ""
    meeting_id: str = ""
    passcode: str = ""
    online_notes: str = ""
    notes: tuple[str, ...] = ()  # the meeting's, then the group's
    language: str = ""  # the meeting's language, when not the handout's
    miles: str = ""  # with --near


@dataclass(frozen=True, slots=True)
class Day:
    name: str  # 'Tuesday', or 'Tuesday, continued' for its second block on
    entries: tuple[Entry, ...]
    continued: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    """A help line or crisis resource: name, how to reach it, hours and notes."""

    name: str
    reach: tuple[str, ...]
    hours: str
    notes: str
    status: str
    phone: str = ""  # for a tel: link
    url: str = ""


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
    help: tuple[Line, ...]  # around the clock
    more_help: tuple[Line, ...]  # with other hours
    guide: tuple[tuple[str, tuple[str, ...]], ...]
    directories: tuple[Directory, ...]
    leads_left_out: int
    notes: str  # the catalogue's notes, first sentence: how thin and old the list is
    oldest: str  # the as-of date of the oldest meeting shown, as a sentence
    compact: bool = False
    meetings: int = 0

    @property
    def t(self) -> dict[str, str]:
        """The fixed strings in the handout's language."""
        return i18n.strings(self.lang)


def _place(group: Group) -> tuple[str, ...]:
    if group.attendance == "online":
        return ()
    return tuple(line for line in (group.venue, group.address or group.town) if line)


def _status(t: dict[str, str], status: str) -> str:
    """The status as the handout prints it: nothing for an active entry."""
    return "" if status in ("active", "unverified") else t[status]


def _trust(t: dict[str, str], group: Group, today: dt.date, lang: str) -> str:
    """'confirmed 27 November 2026', 'listed ...', 'old lead December 2018'."""
    found = trust.of(group, today)
    return t[f"trust.{found.kind}"].format(date=_when(found, t, lang)).strip()


def _when(found: trust.Trust, t: dict[str, str], lang: str) -> str:
    if found.as_of is None:
        return ""
    if found.kind == "lead":
        return f"{t[f'month.{found.as_of.month}']} {found.as_of.year}"
    return i18n.long_date(found.as_of, lang).split(" ", 1)[1]


def _entry(o: Occurrence, t: dict[str, str], today: dt.date, lang: str,
           group_notes: bool = True) -> Entry:
    g, m = o.group, o.meeting
    online = g.online if g.attendance != "in_person" else None
    labels = schema.type_labels()
    column = 2 if lang == "es" else 1
    spoken = "" if g.language == {"es": "spanish"}.get(lang, "english") else \
        t["language_label"].format(language=labels[g.language][column] if lang == "en"
                                   else labels[g.language][column].lower())
    return Entry(
        time=i18n.time_range(m.time, m.end, lang),
        name=g.name,
        fellowship=g.fellowship,
        place=_place(g),
        types=tuple(schema.ALL_TYPES[x] for x in o.types),
        status=", ".join(part for part in (_status(t, g.status), _trust(t, g, today, lang))
                         if part),
        online=(t["online"] if g.attendance == "online" else t["online_too"]) if online else "",
        url=online.url if online else "",
        phone=online.phone if online else "",
        meeting_id=online.meeting_id if online else "",
        passcode=online.passcode if online else "",
        online_notes=online.notes if online else "",
        notes=tuple(n for n in (m.notes, g.notes if group_notes else "") if n),
        language=spoken,
        miles=t["miles"].format(miles=f"{o.distance:.1f}") if o.distance is not None else "",
    )


def around_the_clock(hours: str) -> bool:
    text = hours.casefold().replace(" ", "")
    return "24/7" in text or "24hours" in text


def _help(catalogue: Catalogue, t: dict[str, str], lang: str, compact: bool) -> list[Line]:
    lines = []
    for h in catalogue.helplines:
        reach = i18n.reach(h, lang)
        if lang == "es" and h.press_for_spanish:
            reach += (t["press_for_spanish"].format(key=h.press_for_spanish),)
        lines.append(Line(h.name, reach, h.hours, h.notes if lang == "en" and not compact
                          else "",
                           _status(t, h.status), h.phone, h.url))
    lines += [Line(r.name, tuple(part for part in (
        f"{t['call']} {r.phone}" if r.phone else "", r.address) if part), r.hours,
        r.notes if lang == "en" and not compact else "", _status(t, r.status), r.phone, r.url)
        for r in catalogue.resources if r.kind == "crisis"]
    return lines


def build(catalogue: Catalogue, filters: Filters, today: dt.date, lang: str = "en",
          title: str | None = None, include_leads: bool = False,
          compact: bool = False) -> Handout:
    """Everything the handout says, in ``lang``; pure. A handout goes home with a
    patient: old leads are left out (and counted) unless ``include_leads``; ``compact``
    keeps the guide to its three most important lines, to fit one page."""
    t = i18n.strings(lang)
    labels = schema.type_labels()
    occurrences = weekly(catalogue, filters)
    leads = [o for o in occurrences if trust.of(o.group, today).kind == "lead"]
    if not include_leads:
        occurrences = [o for o in occurrences if trust.of(o.group, today).kind != "lead"]
    days = []
    noted: set[str] = set()  # a group's own notes are printed once, at its first meeting
    for day in schema.DAYS:
        entries = []
        for o in occurrences:
            if o.meeting.day == day:
                entries.append(_entry(o, t, today, lang, o.group.id not in noted))
                noted.add(o.group.id)
        for start in range(0, len(entries), DAY_CHUNK):
            name = t[day] if start == 0 else t["continued"].format(day=t[day])
            days.append(Day(name, tuple(entries[start:start + DAY_CHUNK]), start > 0))
    used = dict.fromkeys(x for o in occurrences for x in o.types)
    column = 2 if lang == "es" else 1
    legend = tuple((labels[x][0], labels[x][column]) for x in
                   sorted(used, key=schema.ALL_TYPES.get))
    help_lines = _help(catalogue, t, lang, compact)
    guide = tuple((heading, tuple(paras)) for heading, paras in i18n.guide(lang))
    if compact:
        guide = (("", tuple(t[key] for key in COMPACT_GUIDE)),)
    dates = [found for found in (trust.of(o.group, today) for o in occurrences)
             if found.as_of is not None]
    oldest = min(dates, key=lambda found: found.as_of) if dates else None
    return Handout(
        lang=lang,
        title=title or t["title"],
        area=catalogue.area,
        printed=t["printed"].format(date=i18n.long_date(today, lang)),
        updated=t["updated"].format(date=i18n.long_date(catalogue.updated, lang)),
        days=tuple(days),
        legend=legend,
        help=tuple(line for line in help_lines if around_the_clock(line.hours)),
        more_help=tuple(line for line in help_lines if not around_the_clock(line.hours)),
        guide=guide,
        directories=_directories(catalogue, filters.fellowships or {
            o.group.fellowship for o in occurrences} if compact else ()),
        leads_left_out=0 if include_leads else len(leads),
        notes=first_sentence(catalogue.notes),
        oldest=t["oldest"].format(date=_when(oldest, t, lang)) if oldest else "",
        compact=compact,
        meetings=len(occurrences),
    )


def _directories(catalogue: Catalogue, fellowships: Iterable[str]) -> tuple[Directory, ...]:
    """Where current lists are kept; given ``fellowships``, only theirs (and those for
    everyone), when there are any."""
    found = [r for r in catalogue.resources if r.kind == "directory"]
    wanted = set(fellowships)
    if wanted:
        found = [r for r in found if not r.fellowships or wanted & set(r.fellowships)] or found
    return tuple(Directory(r.name, r.url, r.notes) for r in found)


def first_sentence(text: str) -> str:
    found = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.DOTALL)
    return " ".join((found.group(1) if found else text).split())


# -- plain text -------------------------------------------------------------------


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=True) or [first or indent]


def _heading(text: str) -> list[str]:
    return ["", text.upper(), "=" * len(text)]


def entry_lines(e: Entry, t: dict[str, str]) -> tuple[str, list[str]]:
    """A meeting as a head line and detail lines, for text and Markdown."""
    types = f" · {' '.join(e.types)}" if e.types else ""
    head = f"{e.name} ({e.fellowship}{types})"
    details = list(e.place)
    if e.online:
        details.append(f"{e.online}: {e.url}" if e.url else f"{e.online}:")
        dial = [f"{t['call']} {e.phone}" if e.phone else "",
                f"{t['meeting_id']} {e.meeting_id}" if e.meeting_id else "",
                f"{t['passcode']} {e.passcode}" if e.passcode else ""]
        if any(dial):
            details.append(" · ".join(part for part in dial if part))
        if e.online_notes:
            details.append(e.online_notes)
    details += [*e.notes, *(part for part in (e.language, e.miles) if part)]
    return head, details


def help_lines(lines: tuple[Line, ...]) -> list[tuple[str, str]]:
    """(line, notes) for text and Markdown: name, hours, status and how to reach it."""
    return [(f"{line.name}{f' ({line.hours})' if line.hours else ''}"
             f"{f' [{line.status}]' if line.status else ''}: " + " · ".join(line.reach),
             line.notes) for line in lines]


def about(h: Handout) -> str:
    """The one short line on how old and how thin the list is."""
    return " ".join(part for part in (h.oldest, h.notes) if part)


def to_text(h: Handout) -> str:
    """Fits 80 columns: for plain paper and email."""
    t = h.t
    out = [h.title.upper(), h.area, h.printed, "",
           f"{t['prepared_for']}: ______________________    "
           f"{t['prepared_by']}: ______________________"]
    for heading, lines, lead in ((t["help_heading"], h.help, t["help_lead"]),
                                 (t["other_help_heading"], h.more_help, "")):
        if not lines and not lead:  # the 988 line is always printed
            continue
        out += _heading(heading)
        out += _wrap(lead) if lead else []
        for text, notes in help_lines(lines):
            out += _wrap(text, "    ", "  * ")
            out += _wrap(notes, "    ") if notes else []
    out += _heading(t["meetings_heading"])
    out += _wrap(f"{t['meetings_lead']} {t['confirm']}")
    if not h.days:
        out += ["", *_wrap(t["no_meetings"])]
    for day in h.days:
        out += [] if day.continued else ["", day.name.upper()]  # on paper in one column
        for e in day.entries:
            head, details = entry_lines(e, t)
            status = f" [{e.status}]" if e.status else ""
            out += _wrap(head + status, " " * 20, f"  {e.time:<17} ")
            for detail in details:
                out += _wrap(detail, " " * 20)
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
    if not h.compact:
        out += _heading(t["notes_heading"])
        out += ["", *(["  " + "_" * (WIDTH - 4), ""] * 4)]
    out += _wrap(f"{t['confirm']} {h.updated}")
    if about(h):
        out += _wrap(about(h))
    return "\n".join(line.rstrip() for line in out) + "\n"


# -- Markdown -----------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def md(text: str) -> str:
    """Catalogue text as literal Markdown: characters with meaning are escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(h: Handout) -> str:
    t = h.t
    out = [f"# {md(h.title)}", "", f"**{md(h.area)}** · {md(h.printed)}"]
    for heading, lines, lead in ((t["help_heading"], h.help, t["help_lead"]),
                                 (t["other_help_heading"], h.more_help, "")):
        if not lines and not lead:  # the 988 line is always printed
            continue
        out += ["", f"## {heading}", ""]
        out += [f"**{lead}**", ""] if lead else []
        for text, notes in help_lines(lines):
            name, _, rest = text.partition(": ")
            out.append(f"- **{md(name)}**: {md(rest)}" + (f"  \n  {md(notes)}" if notes else ""))
    out += ["", f"## {t['meetings_heading']}", "", f"{t['meetings_lead']} **{t['confirm']}**"]
    if not h.days:
        out += ["", t["no_meetings"]]
    for day in h.days:
        out += [] if day.continued else ["", f"### {md(day.name)}", ""]
        for e in day.entries:
            head, details = entry_lines(e, t)
            status = f" *({md(e.status)})*" if e.status else ""
            out.append(f"- **{e.time}** · {md(head)}{status}  ")
            out += [f"  {md(detail)}  " for detail in details]
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
    if not h.compact:
        out += ["", f"## {t['notes_heading']}", "", *(["&nbsp;", ""] * 3)]
    out += [*([""] if out[-1] else []), f"*{t['confirm']} {md(h.updated)}*"]
    if about(h):
        out += ["", md(about(h))]
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
    environment.filters.update(qr=_qr, tel=_tel, css_string=css_string)
    t = h.t
    # our own fixed text, with the page counters of CSS paged media in its place holders
    page_of = '"' + t["page_of"].replace("{page}", '" counter(page) "').replace(
        "{pages}", '" counter(pages) "') + '"'
    return environment.get_template("handout.html").render(
        h=h, t=t, about=about(h), running=f"{h.title} · {h.area} · {h.printed}",
        page_of=page_of)


def css_string(text: str) -> Any:
    """Text as a quoted CSS string, safe inside <style>: every character but letters,
    digits, spaces and plain punctuation is a CSS escape, so catalogue text stays text."""
    import markupsafe

    escaped = "".join(ch if ch.isalnum() or ch in " .,;:!?()/·'-" else f"\\{ord(ch):x} "
                      for ch in " ".join(text.split()))
    return markupsafe.Markup(f'"{escaped}"')


def _tel(phone: str) -> str:
    from peerfind.listing import one_tap

    return "tel:" + (one_tap(phone) or phone)


def _qr(url: str) -> Any:
    """A QR code of ``url`` as inline SVG (segno), marked safe: segno writes only paths."""
    import markupsafe
    import segno

    return markupsafe.Markup(segno.make(url, error="m").svg_inline(scale=2, border=1,
                                                                   omitsize=True))


def page_count(pdf: bytes) -> int:
    """How many pages a PDF (as Chromium writes it) has."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def free_name(raw: RawFilters, day: dt.date, kind: str, folder: Path = Path()) -> str:
    """A file name that says what was asked (peerfind-handout-beacon-na-2026-11-29.pdf)
    and names no file there already: another handout is never overwritten."""
    asked = [*raw.town, *raw.fellowship, *raw.day, *raw.time, *raw.type]
    if raw.attendance:
        asked.append(raw.attendance)
    if raw.near:
        asked.append(f"near {raw.near}")
    from peerfind.validate import slugify

    what = slugify(" ".join(asked))[:60].strip("-")
    stem = "-".join(part for part in ("peerfind-handout", what, day.isoformat()) if part)
    name, number = f"{stem}.{kind}", 1
    while (folder / name).exists():
        number += 1
        name = f"{stem}-{number}.{kind}"
    return name


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
