"""The peerfind command line: options and commands only.

Work is done by the pure modules (catalogue, validate, search); output by
render (Rich) and handout. Errors from any of them are turned into messages
and exit codes in one place, ``_errors``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peerfind import __version__, schema
from peerfind.problems import CatalogueError, PeerfindError
from peerfind.search import ATTENDANCE_WORDS, DAY_ALIASES, TIME_BUCKETS, RawFilters

if TYPE_CHECKING:
    from peerfind.models import Catalogue
    from peerfind.search import Filters

app = typer.Typer(
    name="peerfind",
    help="Find recovery peer-support meetings (AA, NA, SMART Recovery and more) around "
    "Poughkeepsie and Dutchess County, New York.\n\nMeeting times change: call or check "
    "before you go. In crisis: call or text 988.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

MAX_SHOWN_PROBLEMS = 5


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


def _report(error: PeerfindError) -> None:
    if isinstance(error, CatalogueError):
        lines = error.lines()
        for line in lines[:MAX_SHOWN_PROBLEMS]:
            _stderr(line)
        if len(lines) > 1:
            more = len(lines) - MAX_SHOWN_PROBLEMS
            extra = f" ({more} more not shown)" if more > 0 else ""
            _stderr(f"peerfind: the catalogue has errors{extra}; run 'peerfind validate "
                    f"{error.path}' to see them all")
        return
    _stderr(f"peerfind: error: {error}")


def _errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn peerfind's typed errors into a message and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PeerfindError as error:
            _report(error)
            raise typer.Exit(error.exit_code) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        typer.echo(f"peerfind {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Top-level options."""


class Format(str, enum.Enum):
    text = "text"
    github = "github"
    json = "json"


@app.command()
@_errors
def validate(
    path: Annotated[
        str | None,
        typer.Argument(help="Catalogue file. Default: --catalogue's default, i.e. "
                       "$PEERFIND_CATALOGUE or the bundled catalogue.", show_default=False),
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text for people, github for GitHub "
                             "Actions annotations, json for programs.")
    ] = Format.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too (stale or unsourced entries).")
    ] = False,
) -> None:
    """Check a catalogue and report every mistake with file:line:col.

    Exit status: 0 valid, 1 errors (or warnings with --strict).

    Examples:

      peerfind validate data/groups.yaml

      peerfind validate --format github --strict data/groups.yaml
    """
    from peerfind import problems as report
    from peerfind.catalogue import check_source, locate, summary

    source = locate(path)
    try:
        data, found = check_source(source, dt.date.today())
    except CatalogueError as error:
        data, found = None, error.problems
    found.sort(key=report.sort_key)
    errors = sum(p.severity == "error" for p in found)
    failed = errors > 0 or (strict and found) or data is None
    counts = None
    if data is not None and not errors:
        counts = {key: len(data.get(key, [])) for key in ("groups", "helplines", "resources")}
        counts["meetings"] = sum(len(g.get("meetings", [])) for g in data.get("groups", []))
    if output is Format.json:
        typer.echo(report.format_json(source.shown, found, counts))
    elif output is Format.github:
        for line in report.format_github(source.shown, found):
            typer.echo(line)
    else:
        for line in report.format_text(source.shown, found):
            typer.echo(line)
        if failed:
            typer.echo(report.count_line(source.shown, found))
        else:
            warned = f" ({report.plural(len(found), 'warning')})" if found else ""
            typer.echo(f"{source.shown}: {summary(data or {})} - valid{warned}")
    if failed:
        raise typer.Exit(1)


# -- options shared by the lookup commands ----------------------------------------

CatalogueOption = Annotated[
    str | None,
    typer.Option("--catalogue", "-c", metavar="PATH", show_default=False,
                 help="Catalogue file. Default: $PEERFIND_CATALOGUE, else the bundled one."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/json.md).")]


def _complete(words: list[str]) -> Callable[[str], list[str]]:
    return lambda incomplete: [w for w in words if w.startswith(incomplete.casefold())]


_DAY_WORDS = [*schema.DAYS, *DAY_ALIASES, "today", "tomorrow", "weekdays", "weekend"]
_FILTERS: list[tuple[str, Any, Any]] = [
    ("day", list[str] | None, typer.Option(
        "--day", "-d", metavar="DAY", autocompletion=_complete(_DAY_WORDS),
        help="monday..sunday, mon..sun, today, tomorrow, weekdays or weekend. Repeatable.")),
    ("after", str | None, typer.Option(
        "--after", metavar="HH:MM", help="Starting at or after this time.")),
    ("before", str | None, typer.Option(
        "--before", metavar="HH:MM", help="Starting before this time.")),
    ("time", list[str] | None, typer.Option(
        "--time", metavar="PART", autocompletion=_complete(list(TIME_BUCKETS)),
        help="morning (5am-noon), afternoon (noon-5pm), evening (5-9pm) or night "
             "(9pm-5am). Repeatable.")),
    ("fellowship", list[str] | None, typer.Option(
        "--fellowship", metavar="NAME",
        autocompletion=_complete([f.casefold() for f in schema.FELLOWSHIPS]),
        help="AA, NA, SMART, Al-Anon, ... (any case). Repeatable: any of them.")),
    ("type", list[str] | None, typer.Option(
        "--type", "-t", metavar="TYPE", autocompletion=_complete(list(schema.ALL_TYPES)),
        help="open, closed, discussion, speaker, women, ... or a Meeting Guide code. "
             "Repeatable: all of them.")),
    ("town", list[str] | None, typer.Option(
        "--town", metavar="TOWN", help="Town (any case). Repeatable: any of them.")),
    ("attendance", str | None, typer.Option(
        "--attendance", metavar="HOW", autocompletion=_complete(["in-person", "online", "hybrid"]),
        help="in-person, online or hybrid. Hybrid meetings match in-person and online.")),
    ("accessible", bool, typer.Option(
        "--accessible", help="Wheelchair-accessible meetings only.")),
    ("language", str | None, typer.Option(
        "--language", metavar="LANGUAGE", autocompletion=_complete(list(schema.LANGUAGES)),
        help="english, spanish, ... or a Meeting Guide code such as S.")),
    ("search", str | None, typer.Option(
        "--search", "-s", metavar="TEXT",
        help="Text in the name, venue, address or notes (ignores case and accents).")),
    ("near", str | None, typer.Option(
        "--near", metavar="PLACE", help="A town of the area or LAT,LON: show distances.")),
    ("within", float | None, typer.Option(
        "--within", metavar="MILES", help="With --near: only meetings this close.")),
    ("verified_only", bool, typer.Option(
        "--verified-only", help="Only meetings someone has confirmed (not unverified).")),
    ("include_closed", bool, typer.Option(
        "--include-closed", help="Include groups marked closed.")),
    ("at", str | None, typer.Option(
        "--at", metavar="WHEN", help="Pretend it is this time: 2026-11-27T18:30, or 18:30 "
        "for today (in the catalogue's time zone).")),
]


def with_filters(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared filter options to a command; it receives them as ``raw`` and ``at``."""
    names = [name for name, _, _ in _FILTERS]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in names}
        at = given.pop("at")
        raw = RawFilters(**{
            name: tuple(value or ()) if kind == list[str] | None else value
            for (name, kind, _), value in zip(_FILTERS, given.values(), strict=False)
        })
        return command(*args, raw=raw, at=at, **kwargs)

    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
           for p in inspect.signature(command, eval_str=True).parameters.values()
           if p.name not in ("raw", "at")]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                          annotation=Annotated[kind, option],
                          default=False if kind is bool else None)
        for name, kind, option in _FILTERS
    ]
    wrapper.__signature__ = inspect.Signature(extra + own)  # type: ignore[attr-defined]
    del wrapper.__wrapped__
    return wrapper


def _lookup(raw: RawFilters, at: str | None,
            path: str | None) -> tuple[Catalogue, Filters, dt.datetime]:
    from peerfind.catalogue import load, locate
    from peerfind.search import parse_at, parse_filters, zone

    catalogue = load(locate(path), dt.date.today())
    now = parse_at(at, zone(catalogue), dt.datetime.now(dt.timezone.utc))
    return catalogue, parse_filters(raw, catalogue, now.date()), now


def _print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _print(renderable: Any) -> None:
    from peerfind.render import make_console

    make_console().print(renderable)


@app.command("list")
@_errors
@with_filters
def list_(raw: RawFilters, at: str | None, json_out: JsonOption = False,
          catalogue: CatalogueOption = None) -> None:
    """List the week's meetings, from today, by day and time.

    Examples:

      peerfind list --town beacon

      peerfind list --day weekend --fellowship NA --time morning

      peerfind list --near Poughkeepsie --within 10 --json
    """
    from peerfind.search import week

    cat, filters, now = _lookup(raw, at, catalogue)
    found = week(cat, filters, now)
    if json_out:
        return _print_json(_records(found))
    from peerfind import render

    last = now.date() + dt.timedelta(days=6)
    heading = f"{_count(found)}, {render.long_date(now.date())} to {render.long_date(last)}"
    _print(render.listing(found, cat, heading=heading, first="date",
                          distance=filters.near is not None,
                          empty="No meetings match these filters. Try fewer filters, or "
                                "'peerfind schedule' for the whole week."))


@app.command()
@_errors
@with_filters
def tonight(raw: RawFilters, at: str | None, json_out: JsonOption = False,
            catalogue: CatalogueOption = None) -> None:
    """What's still on today, including meetings in progress.

    Examples:

      peerfind tonight

      peerfind tonight --town poughkeepsie --attendance in-person

      peerfind tonight --at 18:30
    """
    from peerfind.search import upcoming

    cat, filters, now = _lookup(raw, at, catalogue)
    found = upcoming(cat, filters, now, until_end_of_day=True, in_progress=True)
    if json_out:
        return _print_json(_records(found))
    from peerfind import render

    heading = (f"Still to come today, {render.long_date(now.date())}, from "
               f"{render.clock(f'{now:%H:%M}')} ({cat.timezone} time)")
    distance = filters.near is not None
    if found:
        return _print(render.listing(found, cat, heading=heading, first="none",
                                     distance=distance, empty=""))
    later = upcoming(cat, filters, now, 3)
    matching = "" if raw == RawFilters() else " that match"
    heading = (f"No more meetings today ({render.long_date(now.date())}){matching} after "
               f"{render.clock(f'{now:%H:%M}')}. The next ones:")
    _print(render.listing(later, cat, heading=heading,
                          first="date", distance=distance,
                          empty="No upcoming meetings match these filters either."))


@app.command("next")
@_errors
@with_filters
def next_(raw: RawFilters, at: str | None,
          count: Annotated[int, typer.Option("--count", "-n", min=1, max=500,
                                             help="How many meetings.")] = 5,
          json_out: JsonOption = False, catalogue: CatalogueOption = None) -> None:
    """The next meetings to start, from now into next week.

    Examples:

      peerfind next

      peerfind next -n 10 --fellowship SMART --attendance online
    """
    from peerfind.search import upcoming

    cat, filters, now = _lookup(raw, at, catalogue)
    found = upcoming(cat, filters, now, count)
    if json_out:
        return _print_json(_records(found))
    from peerfind import render

    heading = (f"Next {_count(found)} from {render.long_date(now.date())}, "
               f"{render.clock(f'{now:%H:%M}')}")
    _print(render.listing(found, cat, heading=heading, first="date",
                          distance=filters.near is not None,
                          empty="No upcoming meetings match these filters."))


@app.command()
@_errors
@with_filters
def schedule(raw: RawFilters, at: str | None, json_out: JsonOption = False,
             catalogue: CatalogueOption = None) -> None:
    """The weekly schedule, Monday to Sunday.

    Examples:

      peerfind schedule --town beacon

      peerfind schedule --fellowship AA --fellowship NA --json
    """
    from peerfind.search import weekly

    cat, filters, _ = _lookup(raw, at, catalogue)
    found = weekly(cat, filters)
    if json_out:
        return _print_json(_records(found))
    from peerfind import render

    console = render.make_console()
    console.print(render.schedule(found, cat, console.width,
                                  heading=f"Weekly schedule · {cat.area}",
                                  distance=filters.near is not None,
                                  empty="No meetings match these filters."))


@app.command()
@_errors
def show(
    ident: Annotated[str, typer.Argument(metavar="ID", help="A group or resource id.")],
    json_out: JsonOption = False,
    catalogue: CatalogueOption = None,
) -> None:
    """Everything about one group or resource.

    Examples:

      peerfind show beacon-st-lukes-aa

      peerfind show dutchess-stabilization-center --json
    """
    from peerfind import records
    from peerfind.catalogue import load, locate
    from peerfind.models import Group
    from peerfind.search import find_entry

    cat = load(locate(catalogue), dt.date.today())
    entry = find_entry(cat, ident)
    is_group = isinstance(entry, Group)
    if json_out:
        return _print_json(records.group(entry) if is_group else records.resource(entry))
    from peerfind import render
    from rich.console import Group as Stack

    panel = render.group_panel(entry) if is_group else render.resource_panel(entry)
    _print(Stack(panel, render.footer(cat)))


@app.command()
@_errors
def helplines(json_out: JsonOption = False, catalogue: CatalogueOption = None) -> None:
    """Crisis and help lines.

    Example:

      peerfind helplines
    """
    from peerfind import records
    from peerfind.catalogue import load, locate

    cat = load(locate(catalogue), dt.date.today())
    if json_out:
        return _print_json([records.helpline(h) for h in cat.helplines])
    from peerfind import render

    _print(render.helplines(cat.helplines, cat))


@app.command()
@_errors
def resources(
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", metavar="KIND", autocompletion=_complete(list(schema.RESOURCE_KINDS)),
        help="crisis, treatment, hospital, community or directory. Repeatable.")] = None,
    town: Annotated[str | None, typer.Option("--town", metavar="TOWN",
                                             help="Only this town (any case).")] = None,
    json_out: JsonOption = False,
    catalogue: CatalogueOption = None,
) -> None:
    """Local resources: crisis centres, hospitals, community groups, meeting finders.

    Examples:

      peerfind resources --kind crisis

      peerfind resources --kind directory
    """
    from peerfind import records
    from peerfind.catalogue import load, locate
    from peerfind.problems import UsageError

    cat = load(locate(catalogue), dt.date.today())
    kinds = {k.casefold() for k in kind or ()}
    unknown = kinds - set(schema.RESOURCE_KINDS)
    if unknown:
        raise UsageError(f"--kind: '{sorted(unknown)[0]}' is not a resource kind; expected one "
                         f"of {', '.join(schema.RESOURCE_KINDS)}")
    chosen = [r for r in cat.resources
              if (not kinds or r.kind in kinds)
              and (town is None or r.town.casefold() == town.strip().casefold())]
    if json_out:
        return _print_json([records.resource(r) for r in chosen])
    from peerfind import render

    _print(render.resources(chosen, cat))


@app.command()
@_errors
def guide() -> None:
    """What to expect at a first meeting: cost, listening, 12-step and SMART.

    Example:

      peerfind guide
    """
    from peerfind import render

    _print(render.guide())


class HandoutFormat(str, enum.Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    pdf = "pdf"


class Language(str, enum.Enum):
    en = "en"
    es = "es"


@app.command()
@_errors
@with_filters
def handout(
    raw: RawFilters,
    at: str | None,
    output_format: Annotated[HandoutFormat, typer.Option(
        "--format", "-f", help="text and markdown print to the screen unless -o; html and "
        "pdf write a file.")] = HandoutFormat.text,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="PATH", show_default=False,
        help="Write here. Default for html and pdf: peerfind-handout-DATE.html or .pdf "
             "in the current folder.")] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT",
                                              help="Heading of the page.")] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the fixed text: en "
                                           "or es.")] = Language.en,
    catalogue: CatalogueOption = None,
) -> None:
    """A printable page for someone leaving treatment: the week's meetings, help lines,
    what to expect, and where current lists are kept.

    Examples:

      peerfind handout --town beacon --format pdf

      peerfind handout --format html -o handout.html --lang es

      peerfind handout --attendance online | lpr
    """
    from pathlib import Path

    from peerfind import handout as page

    cat, filters, now = _lookup(raw, at, catalogue)
    content = page.build(cat, filters, now.date(), lang.value, title)
    kind = output_format.value
    if kind in ("text", "markdown"):
        text = page.to_text(content) if kind == "text" else page.to_markdown(content)
        if output is None:
            sys.stdout.write(text)
            return
        data = text.encode("utf-8")
    else:
        html = page.to_html(content)
        data = html.encode("utf-8") if kind == "html" else page.to_pdf(html)
    path = Path(output or f"peerfind-handout-{now.date().isoformat()}.{kind}")
    page.write_atomic(path, data)
    typer.echo(str(path))


def _records(found: list[Any]) -> list[dict[str, Any]]:
    from peerfind import records

    return [records.occurrence(o) for o in found]


def _count(found: list[Any]) -> str:
    from peerfind.problems import plural

    return plural(len(found), "meeting")


def main() -> None:
    try:
        app(prog_name="peerfind")
    except Exception as error:  # noqa: BLE001 - the last guard against a traceback
        _stderr(f"peerfind: internal error: {type(error).__name__}: {error}")
        _stderr("peerfind: this is a bug; please report it with the command you ran")
        sys.exit(70)
