"""The peerfind command line: options and commands only.

Work is done by the pure modules (catalogue, validate, search); output by
render (Rich) and handout. Errors from any of them are turned into messages
and exit codes in one place, ``_errors``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from peerfind import __version__, schema
from peerfind.problems import CatalogueError, PeerfindError, UsageError
from peerfind.schema import DAY_ALIASES, TIME_BUCKETS
from peerfind.startup import SharedOptions, single_command

if TYPE_CHECKING:
    from peerfind.models import Catalogue
    from peerfind.schema import Window
    from peerfind.search import Filters, RawFilters
    from peerfind.settings import Settings

APP_SETTINGS: dict[str, Any] = dict(
    name="peerfind",
    help="Find recovery peer-support meetings (AA, NA, SMART Recovery and more) around "
    "Poughkeepsie and Dutchess County, New York.\n\nMeeting times change: call or check "
    "before you go. In crisis: call or text 988.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain Click help: fast, and no markup in our help texts
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**APP_SETTINGS)

MAX_SHOWN_PROBLEMS = 5


TODAY_VAR = "PEERFIND_TODAY"
NO_CACHE_VAR = "PEERFIND_NO_CACHE"  # set (to anything): read the catalogue, never the cache


def _today() -> dt.date:
    """Today, or the day in $PEERFIND_TODAY (YYYY-MM-DD) for reproducible checks."""
    fixed = os.environ.get(TODAY_VAR)
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise PeerfindError(f"${TODAY_VAR} is {fixed!r}; expected a date YYYY-MM-DD, or "
                            "unset it") from None


def _stderr(line: str) -> None:
    """One line to standard error; control characters (from a catalogue, a file name or
    a server) are shown as escapes, never obeyed by the terminal."""
    from peerfind.problems import escape_controls

    sys.stderr.write(escape_controls(line) + "\n")


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


Format = Literal["text", "github", "json"]


@app.command()
@_errors
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(metavar="[PATH]...", show_default=False,
                       help="Catalogue files, each checked on its own. Default: the catalogue "
                            "in force ($PEERFIND_CATALOGUE, the config file's or the bundled "
                            "one) and your overlay file, if you have one."),
    ] = None,
    overlays: Annotated[
        list[str] | None,
        typer.Option("--overlay", metavar="PATH", show_default=False,
                     help="An overlay file to check (only 'catalogue: 1' is required). "
                          "Repeatable."),
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text for people, github for GitHub "
                             "Actions annotations, json for programs.")
    ] = "text",
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too (stale or unsourced entries).")
    ] = False,
    changed_since: Annotated[
        str | None, typer.Option(
            "--changed-since", metavar="REF",
            help="With --strict: fail on warnings only for entries added or changed since "
                 "this git revision (for pull requests: time alone never fails one); every "
                 "problem is still printed.")
    ] = None,
) -> None:
    """Check catalogues; report every mistake.

    Each problem is printed as file:line:col with what was expected and how to fix it.

    Exit status: 0 valid, 1 errors (or warnings with --strict).

    Examples:

      peerfind validate data/groups.yaml

      peerfind validate --format github --strict data/groups.yaml

      peerfind validate --strict --changed-since origin/main
    """
    from peerfind import settings as config
    from peerfind.catalogue import given, locate, sources

    if paths or overlays:
        chosen = [locate(path) for path in paths or ()]
        chosen += [given(path, overlay=True) for path in overlays or ()]
    else:
        folders = config.folders()
        chosen = sources(None, _settings(folders).catalogue, folders.overlay)
        _say_checkout(chosen[0])
    reports = [_validate_one(source, output, strict, changed_since) for source in chosen]
    if output == "json":
        documents = [document for document, _ in reports]
        _print_json(documents[0] if len(documents) == 1 else documents)
    if any(failed for _, failed in reports):
        raise typer.Exit(1)


def _validate_one(source: Any, output: Format, strict: bool,
                  changed_since: str | None = None) -> tuple[Any, bool]:
    """Print one file's problems (text or github); its JSON document, and whether it failed."""
    from peerfind import problems as report
    from peerfind.catalogue import check_source, counts, summary

    try:
        data, found = check_source(source, _today())
    except CatalogueError as error:
        data, found = None, error.problems
    found.sort(key=report.sort_key)
    errors = sum(p.severity == "error" for p in found)
    failing = found
    if changed_since is not None and data is not None:
        failing = _touched(source, data, found, changed_since)
    failed = bool(errors or (strict and failing) or data is None)
    tally = counts(data) if data is not None and not errors else None
    if output == "github":
        for line in report.format_github(source.shown, found):
            typer.echo(line)
    elif output == "text":
        for line in report.format_text(source.shown, found, codes=True):
            typer.echo(line)
        if failed:
            typer.echo(report.count_line(source.shown, found))
        else:
            warned = f" ({report.plural(len(found), 'warning')})" if found else ""
            kind = " (overlay)" if source.overlay else ""
            typer.echo(f"{source.shown}{kind}: {summary(data or {})} - valid{warned}")
    return report.json_document(source.shown, found, tally), failed


def _touched(source: Any, data: Any, found: list[Any], ref: str) -> list[Any]:
    """The problems of entries added or changed since git revision ``ref``."""
    from peerfind import changes
    from peerfind.validate import check
    from peerfind.yamlio import LoadError, compose

    before = changes.old_text(source.path, ref)
    old = None
    if before is not None:
        try:
            old = check(compose(before)[0], _today())[0]
        except LoadError:
            old = None
    keyed = changes.keyed(old)
    return [p for p in found if changes.touched(p, data, keyed)]


# -- options shared by the lookup commands ----------------------------------------

CatalogueOption = Annotated[
    list[str] | None,
    typer.Option("--catalogue", "-c", metavar="PATH", show_default=False,
                 help="Catalogue file. Default: $PEERFIND_CATALOGUE, else the config file's, "
                      "else the bundled one. Repeat to add overlays of your own groups."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/json.md).")]
NoPagerOption = Annotated[bool, typer.Option(
    "--no-pager", help="On a terminal, print a long listing straight out, not through the "
    "pager ($PEERFIND_PAGER, else $PAGER, else less). Piped output is never paged.")]


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
        "--near", metavar="PLACE", help="A town, \"Town, NY\", a ZIP code such as 12601, or "
        "LAT,LON: show distances.")),
    ("within", float | None, typer.Option(
        "--within", metavar="MILES", help="With --near: only meetings this close (in-person "
        "ones whose distance is unknown are kept, and marked).")),
    ("or_online", bool, typer.Option(
        "--or-online", help="With --within: keep online and hybrid meetings too, however "
        "far.")),
    ("verified_only", bool, typer.Option(
        "--verified-only", help="Only meetings a person has confirmed, or a live source "
        "listed in the last 30 days (no old leads).")),
    ("include_closed", bool, typer.Option(
        "--include-closed", help="Include groups that no longer meet (status: closed).")),
    ("at", str | None, typer.Option(
        "--at", metavar="WHEN", help="Pretend it is this time: 2026-11-27T18:30, or 18:30 "
        "for today (in the catalogue's time zone).")),
]


def _collect(given: dict[str, Any]) -> dict[str, Any]:
    """The filter options as typed: ``raw`` (RawFilters) and ``at``."""
    from peerfind.search import RawFilters

    raw = RawFilters(**{
        name: tuple(given[name] or ()) if kind == list[str] | None else given[name]
        for name, kind, _ in _FILTERS if name != "at"
    })
    return {"raw": raw, "at": given["at"]}


# Add the shared filter options to a command; it receives them as ``raw`` and ``at``.
with_filters = SharedOptions(_FILTERS, _collect, receives=("raw", "at"))


def _settings(folders: Any = None) -> Settings:
    """The user's settings; a broken config file is a warning, and the defaults apply."""
    from peerfind import settings as config

    try:
        return config.load(folders)
    except config.SettingsError as error:
        _stderr(f"peerfind: warning: {error}; carrying on with the default settings")
        return config.Settings()


def _say_checkout(source: Any) -> None:
    if source.checkout:
        _stderr(f"peerfind: reading {source.shown}, this checkout's catalogue (not the "
                "installed copy)")


def _skipped(error: CatalogueError) -> None:
    """Say that a broken overlay is left out, where its first problem is, and go on."""
    from peerfind.problems import Problem, location

    found = error.errors or error.problems or [Problem(0, 0, "cannot be used")]
    more = len(found) - 1
    _stderr(f"{location(error.path, found[0])}: warning: {found[0].text}"
            f"{f' (and {more} more)' if more else ''}; peerfind carries on without this "
            f"overlay until it is fixed: run 'peerfind validate --overlay {error.path}'")


def _load(paths: list[str] | None, towns: tuple[str, ...] = (),
          settings: Settings | None = None,
          days: Callable[[str], Window | None] | None = None, quiet: bool = False
          ) -> tuple[Catalogue, Settings]:
    """The catalogue in force, with its overlays, and the user's settings; with
    ``towns``, perhaps only the groups in those towns; with ``days``, only the
    meetings on those days (see ``catalogue.load``). Broken overlays are left out,
    with a warning (unless ``quiet``: loading it again, whole)."""
    from peerfind import settings as config
    from peerfind.catalogue import load, sources

    folders = config.folders()
    settings = settings or _settings(folders)
    base, *overlays = sources(paths, settings.catalogue, folders.overlay)
    if not quiet:
        _say_checkout(base)
    skipped: list[CatalogueError] = []
    cache = None if os.environ.get(NO_CACHE_VAR) else folders.cache
    catalogue = load(base, _today(), overlays, cache, towns or None, skipped, days)
    for error in skipped if not quiet else ():
        _skipped(error)
    return catalogue, settings


def _local_window(window: Callable[[dt.datetime], Window | None], at: str | None,
                  clock: dt.datetime, timezone: str) -> Window | None:
    """``window`` of the local time that --at (else the clock) gives in ``timezone``."""
    from zoneinfo import ZoneInfo

    from peerfind.search import parse_at

    return window(parse_at(at, ZoneInfo(timezone), clock))


def _lookup(raw: RawFilters, at: str | None, paths: list[str] | None, *,
            window: Callable[[dt.datetime], Window | None] | None = None
            ) -> tuple[Catalogue, Filters, dt.datetime, Settings]:
    """Catalogue, checked filters (with the settings' defaults) and "now".

    ``window``, given the local time, gives the only meetings the command needs
    (see ``schema.Window``; None: all): the catalogue then holds only those, unless
    the lookup searches text or names towns (see ``catalogue.on_days``)."""
    from peerfind.problems import UsageError
    from peerfind.search import parse_at, parse_filters, zone

    clock = dt.datetime.now(dt.timezone.utc)
    days = None
    if window is not None and raw.search is None and not raw.town:
        days = functools.partial(_local_window, window, at, clock)
    catalogue, settings = _load(paths, raw.town, days=days)
    now = parse_at(at, zone(catalogue), clock)
    defaults = {}  # option -> (setting, value) taken from the config file
    if not raw.fellowship and settings.fellowships:
        defaults["fellowship"] = ("fellowships", settings.fellowships)
    if raw.near is None and settings.home_town is not None:
        defaults["near"] = ("home_town", settings.home_town)
    given = raw
    raw = raw._replace(**{option: value for option, (_, value) in defaults.items()})
    try:
        filters = parse_filters(raw, catalogue, now.date())
    except UsageError as error:
        option = str(error).split(":", 1)[0].lstrip("-")
        if option not in defaults:
            raise
        _stderr(f"peerfind: warning: {defaults[option][0]} in your config file: {error}; "
                "carrying on without it")
        filters = parse_filters(raw._replace(**{option: getattr(given, option)}), catalogue,
                                now.date())
    return catalogue, filters, now, settings


def _json_text(document: Any) -> str:
    import json

    return json.dumps(document, indent=2, ensure_ascii=False)


def _print_json(document: Any) -> None:
    typer.echo(_json_text(document))


def _remember(catalogue: Catalogue, found: Any) -> None:
    """Keep the rows' ids, so 'peerfind show N' finds row N of this listing."""
    from peerfind import settings as config
    from peerfind.handles import remember

    remember(config.folders().cache, os.path.abspath(catalogue.path),
             [o.group.id for o in found])


def _listing(found: Any, cat: Catalogue, filters: Filters, now: dt.datetime,
             settings: Settings, *, heading: str, first: str, empty: str,
             links: bool = False, pager: bool = True) -> None:
    """Print meetings, and remember the rows' ids so that 'peerfind show N' finds row N.
    To a pipe or a file: plain aligned lines, streamed. On a terminal: a table (stacked
    when narrow), through the pager when it is longer than the screen."""
    from peerfind import output

    options = {"heading": heading, "first": first, "empty": empty, "today": now.date(),
               "distance": filters.near is not None, "h24": settings.clock24, "links": links,
               "fellowships": filters.fellowships}
    if not output.terminal():
        from peerfind import plain

        output.stream(plain.listing(found, cat, **options))
    else:
        from peerfind import render

        console = render.make_console()
        shown = render.listing(found, cat, width=console.width, **options)
        command = output.pager() if pager else None
        if command is not None:
            with console.capture() as captured:
                console.print(shown, crop=False)
            text = captured.get()
            if not output.page(text, console.height, command):
                sys.stdout.write(text)
        else:
            console.print(shown, crop=False)
    _remember(cat, found)


def _long_date(day: dt.date) -> str:
    """'Friday 27 November', for headings."""
    from peerfind.i18n import long_date

    return long_date(day, year=False)


def _print(renderable: Any) -> None:
    """Print for people; lines marked no_wrap (links) run on whole, for the terminal to
    wrap, so that they can be copied."""
    from peerfind.render import make_console

    make_console().print(renderable, crop=False)


@app.command("list")
@with_filters
@_errors
def list_(raw: RawFilters, at: str | None, json_out: JsonOption = False,
          no_pager: NoPagerOption = False,
          catalogue: CatalogueOption = None) -> None:
    """List the week's meetings, from today, by day and time.

    Examples:

      peerfind list --town beacon

      peerfind list --day weekend --fellowship NA --time morning

      peerfind list --near Poughkeepsie --within 10 --json
    """
    from peerfind.search import days_window, week

    cat, filters, now, settings = _lookup(raw, at, catalogue,
                                          window=functools.partial(days_window, raw.day))
    found = week(cat, filters, now)
    if json_out:
        return _print_json(_records(found, now.date()))
    last = now.date() + dt.timedelta(days=6)
    heading = f"{_count(found)}, {_long_date(now.date())} to {_long_date(last)}"
    _listing(found, cat, filters, now, settings, heading=heading, first="date",
             empty="No meetings match these filters. Try fewer filters, or 'peerfind "
                   "schedule' for the whole week.", pager=not no_pager)


@app.command()
@with_filters
@_errors
def tonight(raw: RawFilters, at: str | None, json_out: JsonOption = False,
            no_pager: NoPagerOption = False,
            catalogue: CatalogueOption = None) -> None:
    """What's still on today, including meetings in progress.

    Examples:

      peerfind tonight

      peerfind tonight --town poughkeepsie --attendance in-person

      peerfind tonight --at 18:30
    """
    from peerfind.i18n import clock
    from peerfind.search import tonight_window, upcoming

    cat, filters, now, settings = _lookup(raw, at, catalogue, window=tonight_window)
    if filters.days is not None and filters.days != {now.weekday()}:
        raise UsageError(f"--day: tonight is about {now:%A} {now.day} {now:%B} (or the day "
                         f"--at gives); for other days use 'peerfind list --day "
                         f"{raw.day[0].strip().casefold()}', or give --at YYYY-MM-DDTHH:MM")
    found = upcoming(cat, filters, now, until_end_of_day=True, in_progress=True)
    if json_out:
        return _print_json(_records(found, now.date()))
    heading = (f"Still to come today, {_long_date(now.date())}, from "
               f"{clock(f'{now:%H:%M}', h24=settings.clock24)} ({cat.timezone} time)")
    if found:
        return _listing(found, cat, filters, now, settings, heading=heading, first="none",
                        empty="", links=True, pager=not no_pager)
    if cat.days_only:  # the next ones may be on any day: the whole catalogue is needed
        cat = _load(catalogue, settings=settings, quiet=True)[0]
    later = upcoming(cat, filters, now, 3)
    matching = " that match" if raw.any_given else ""
    heading = (f"No more meetings today ({_long_date(now.date())}){matching} after "
               f"{clock(f'{now:%H:%M}', h24=settings.clock24)}. The next ones:")
    _listing(later, cat, filters, now, settings, heading=heading, first="date", links=True,
             empty="No upcoming meetings match these filters either.", pager=not no_pager)


@app.command("next")
@with_filters
@_errors
def next_(raw: RawFilters, at: str | None,
          count: Annotated[int, typer.Option("--count", "-n", min=1, max=500,
                                             help="How many meetings.")] = 5,
          json_out: JsonOption = False, no_pager: NoPagerOption = False,
          catalogue: CatalogueOption = None) -> None:
    """The next meetings to start, from now into next week.

    Examples:

      peerfind next

      peerfind next -n 10 --fellowship SMART --attendance online
    """
    from peerfind.i18n import clock
    from peerfind.search import found_in_window, next_window, upcoming

    cat, filters, now, settings = _lookup(raw, at, catalogue, window=next_window)
    found = upcoming(cat, filters, now, count)
    # Today's meetings are most often enough; else today's and tomorrow's; else all.
    for wider in (next_window(now, days=2), None):
        if not cat.days_only or found_in_window(found, count, now.date(), cat.days_only):
            break
        cat = _load(catalogue, settings=settings, quiet=True, days=lambda _, w=wider: w)[0]
        found = upcoming(cat, filters, now, count)
    if json_out:
        return _print_json(_records(found, now.date()))
    heading = (f"Next {_count(found)} from {_long_date(now.date())}, "
               f"{clock(f'{now:%H:%M}', h24=settings.clock24)}")
    _listing(found, cat, filters, now, settings, heading=heading, first="date", links=True,
             empty="No upcoming meetings match these filters.", pager=not no_pager)


@app.command()
@with_filters
@_errors
def schedule(raw: RawFilters, at: str | None, json_out: JsonOption = False,
             no_pager: NoPagerOption = False,
             catalogue: CatalogueOption = None) -> None:
    """The weekly schedule, Monday to Sunday.

    Examples:

      peerfind schedule --town beacon

      peerfind schedule --fellowship AA --fellowship NA --json
    """
    from peerfind.search import days_window, weekly

    cat, filters, now, settings = _lookup(raw, at, catalogue,
                                          window=functools.partial(days_window, raw.day))
    found = weekly(cat, filters)
    if json_out:
        return _print_json(_records(found, now.date()))
    _listing(found, cat, filters, now, settings, heading=f"Weekly schedule · {cat.area}",
             first="day", empty="No meetings match these filters.", pager=not no_pager)


@app.command()
@_errors
def show(
    ident: Annotated[str, typer.Argument(
        metavar="WHAT", help="A row number of the last listing, an id, or a name (or part of "
        "one; case and accents do not matter).")],
    json_out: JsonOption = False,
    catalogue: CatalogueOption = None,
) -> None:
    """Everything about one group or resource.

    How to join online, directions, contact, when it meets and how far to trust it.

    Examples:

      peerfind tonight        (then)  peerfind show 2

      peerfind show "st lukes"

      peerfind show dutchess-stabilization-center --json
    """
    from peerfind import records
    from peerfind.models import Group

    cat, settings = _load(catalogue)
    entry = _find(cat, ident)
    is_group = isinstance(entry, Group)
    if json_out:
        return _print_json(records.group(entry, _today(), cat.state) if is_group
                           else records.resource(entry))
    from peerfind import render

    _print(render.entry(entry, cat, _today(), settings.clock24))


@app.command()
@_errors
def report(
    ident: Annotated[str, typer.Argument(
        metavar="WHAT", help="A row number of the last listing, a group id or a name.")],
    json_out: JsonOption = False,
    catalogue: CatalogueOption = None,
) -> None:
    """Tell the list's keepers a listing is wrong.

    Drafts a correction for one group: what is listed now, the questions to
    answer, and where to send it (a pre-filled issue or e-mail, from the
    catalogue's feedback address).

    Examples:

      peerfind report 3

      peerfind report "st lukes" --json
    """
    from peerfind.models import Group
    from peerfind.report import draft

    cat, _ = _load(catalogue)
    entry = _find(cat, ident)
    if not isinstance(entry, Group):
        raise UsageError(f"report: '{ident}' is a resource; report takes a group of meetings")
    found = draft(entry, cat, _today())
    if json_out:
        return _print_json(found._asdict())
    typer.echo(f"{found.title}\n\n{found.body}")
    if found.link:
        typer.echo(f"Send it: {found.link}")
    else:
        typer.echo("This catalogue names no address for corrections (its feedback key). Give "
                   "the text above to whoever keeps the list, and check the fellowship's own "
                   "finder: peerfind resources --kind directory")


@app.command()
@_errors
def helplines(json_out: JsonOption = False, catalogue: CatalogueOption = None) -> None:
    """Crisis and help lines.

    Example:

      peerfind helplines
    """
    from peerfind import records

    try:
        cat, _ = _load(catalogue)
    except PeerfindError as error:  # help lines must never be out of reach
        from peerfind.catalogue import bundled, load

        try:
            cat = load(bundled(), _today())
        except PeerfindError:
            raise error from None
        _stderr(f"peerfind: warning: {error}; showing the help lines of the bundled "
                "catalogue instead")
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
    """Crisis centres, hospitals, meeting finders.

    Local resources: crisis centres, treatment, hospitals, community groups and
    where current meeting lists are kept.

    Examples:

      peerfind resources --kind crisis

      peerfind resources --kind directory
    """
    from peerfind import records
    from peerfind import vocabulary as words
    from peerfind.schema import town_key

    cat, _ = _load(catalogue)
    kinds = {words.resource_kind(k) for k in kind or ()}
    place = words.town(town, [*(t.name for t in cat.towns), *(r.town for r in cat.resources)]) \
        if town is not None else None
    chosen = [r for r in cat.resources
              if (not kinds or r.kind in kinds) and (place is None or town_key(r.town) == place)]
    if json_out:
        return _print_json([records.resource(r) for r in chosen])
    from peerfind import render

    _print(render.resources(chosen, cat))


@app.command()
@_errors
def guide() -> None:
    """What to expect at a first meeting.

    Cost, listening without sharing, 12-step and SMART, trying several groups.

    Example:

      peerfind guide
    """
    from peerfind import render

    _print(render.guide())


HandoutFormat = Literal["text", "markdown", "html", "pdf"]
Language = Literal["en", "es"]


@app.command()
@with_filters
@_errors
def handout(
    raw: RawFilters,
    at: str | None,
    output_format: Annotated[HandoutFormat, typer.Option(
        "--format", "-f", help="text and markdown print to the screen unless -o; html and "
        "pdf write a file.")] = "text",
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="PATH", show_default=False,
        help="Write here. Default for html and pdf: peerfind-handout-DATE.html or .pdf "
             "in the current folder.")] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT",
                                              help="Heading of the page.")] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the fixed text: en "
                                           "or es.")] = "en",
    include_leads: Annotated[bool, typer.Option(
        "--include-leads", help="Also print old leads (meetings from old lists nobody has "
        "confirmed); left out by default, and counted.")] = False,
    compact: Annotated[bool, typer.Option(
        "--compact", help="Fit one page: smaller type, the guide kept to its three most "
        "important lines (for a town or a short list).")] = False,
    catalogue: CatalogueOption = None,
) -> None:
    """A printable handout of meetings and help.

    For someone leaving treatment: the week's meetings, help lines, what to expect,
    and where current lists are kept, on one or two US Letter pages.

    Examples:

      peerfind handout --town beacon --format pdf

      peerfind handout --format html -o handout.html --lang es

      peerfind handout --attendance online | lpr
    """
    from peerfind import handout as page

    cat, filters, now, settings = _lookup(raw, at, catalogue)
    content = page.build(cat, filters, now.date(), lang, title, include_leads, compact)
    if not content.meetings:
        _stderr("peerfind: warning: the handout lists no meetings (only help lines and where "
                "current lists are kept); try fewer filters" +
                (", or --include-leads" if content.leads_left_out else ""))
    kind = output_format
    if kind in ("text", "markdown"):
        return _write_or_print(page.to_text(content) if kind == "text"
                               else page.to_markdown(content), output, catalogue)
    html = page.to_html(content)
    if kind == "pdf" and sys.stderr.isatty():
        _stderr("peerfind: printing the PDF with headless Chromium ...")
    data: str | bytes = html if kind == "html" else page.to_pdf(html)
    if isinstance(data, bytes):
        pages, most = page.page_count(data), 1 if compact else 2
        if pages > most:
            _stderr(f"peerfind: warning: the handout is {pages} pages, more than {most}; "
                    "narrow it (--town, --fellowship, --day)" +
                    ("" if compact else " or try --compact"))
    _write_or_print(data, output or page.free_name(raw, now.date(), kind), catalogue)


ExportFormat = Literal["json", "meeting-guide", "ics", "csv"]


@app.command()
@with_filters
@_errors
def export(
    raw: RawFilters,
    at: str | None,
    output_format: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="json (as --json), meeting-guide (a Meeting Guide JSON feed), "
        "ics (a weekly calendar) or csv (a spreadsheet).")] = "json",
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="PATH", show_default=False,
        help="Write here instead of to the screen.")] = None,
    ident: Annotated[str | None, typer.Option(
        "--id", metavar="ID", help="Only this group (an id, or a row number of the last "
        "listing).")] = None,
    next_only: Annotated[bool, typer.Option(
        "--next", help="ics: only the next time each meeting meets, as a single event (to "
        "add tonight's meeting to a phone).")] = False,
    alarm: Annotated[int | None, typer.Option(
        "--alarm", metavar="MINUTES", min=0, max=10080,
        help="ics: a reminder this many minutes before.")] = None,
    no_bom: Annotated[bool, typer.Option(
        "--no-bom", help="csv: no byte-order mark (for programs; Excel needs it for "
        "accents).")] = False,
    catalogue: CatalogueOption = None,
) -> None:
    """Meetings as a calendar, spreadsheet or feed.

    For other programs: calendars (.ics), spreadsheets (.csv), meeting apps
    (Meeting Guide JSON) and scripts (JSON).

    Examples:

      peerfind export --format ics -o meetings.ics --town beacon

      peerfind export --format ics --id 2 --next --alarm 30 -o tonight.ics

      peerfind export --format meeting-guide -o feed.json

      peerfind export --format csv --fellowship NA > na.csv
    """
    from peerfind import export as out
    from peerfind.search import week, weekly

    cat, filters, now, _ = _lookup(raw, at, catalogue)
    kind = output_format
    if (next_only or alarm is not None) and kind != "ics":
        raise UsageError("--next and --alarm: only for --format ics")
    if no_bom and kind != "csv":
        raise UsageError("--no-bom: only for --format csv")
    if ident is not None:
        cat = _only_group(cat, ident)
    if kind == "meeting-guide":
        text, warnings = out.meeting_guide(cat, weekly(cat, filters), now.date(),
                                           filters.fellowships)
        for warning in warnings:
            _stderr(f"peerfind: warning: {warning}")
    elif kind == "ics":
        found = week(cat, filters, now)
        if next_only:
            from peerfind.search import upcoming

            first: dict[Any, Any] = {}
            for o in upcoming(cat, filters, now, len(found) or 1, in_progress=True):
                first.setdefault((o.group.id, o.meeting), o)
            found = list(first.values())
        text = out.as_ics(cat, found, now, single=next_only, alarm=alarm)
    elif kind == "csv":
        text = out.as_csv(week(cat, filters, now), now.date(), bom=not no_bom)
    else:
        text = out.as_json(week(cat, filters, now), now.date())
    _write_or_print(text, output, catalogue)


def _find(cat: Catalogue, ident: str) -> Any:
    """A group or resource: a row number of the last listing, an id or a name."""
    from peerfind.search import find_entry

    if ident.strip().isascii() and ident.strip().isdigit():
        from peerfind import settings as config
        from peerfind.handles import recall

        ident = recall(config.folders().cache, os.path.abspath(cat.path), int(ident))
    return find_entry(cat, ident)


def _only_group(cat: Catalogue, ident: str) -> Catalogue:
    """The catalogue with one group: by id, name, or row number of the last listing."""
    import dataclasses

    from peerfind.models import Group

    entry = _find(cat, ident)
    if not isinstance(entry, Group):
        raise UsageError(f"--id: '{ident}' is a resource, not a group of meetings")
    return dataclasses.replace(cat, groups=(entry,))


def _in_use(paths: list[str] | None) -> list[Any]:
    """The catalogue files a command reads: never to be written over."""
    from peerfind import settings as config
    from peerfind.catalogue import sources

    folders = config.folders()
    try:
        configured = config.load(folders).catalogue
    except config.SettingsError:
        configured = None
    return [source.path for source in sources(paths, configured, folders.overlay)]


def _write_or_print(content: str | bytes, output: str | None,
                    catalogue: list[str] | None = None) -> None:
    """To the screen, or whole to a file whose name is then printed; never over the
    catalogue or overlay in use."""
    if output is None or output == "-":
        if isinstance(content, str):
            sys.stdout.write(content)
        else:  # a PDF
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        return
    from pathlib import Path

    from peerfind.files import refuse_inputs, write_atomic

    path = Path(output).expanduser()
    refuse_inputs(path, _in_use(catalogue))
    write_atomic(path, content.encode("utf-8") if isinstance(content, str) else content)
    typer.echo(output)


SourceKind = Literal["meeting-guide", "bmlt"]


def _collect_cycles() -> None:
    """Commands that read a whole feed run for seconds: the collector, which entry.py
    turns off for start-up, costs them nothing and lets go of what they drop (measured
    at 100,000 meetings: sync peaks at 370 MiB with it, 620 MiB without)."""
    import gc

    gc.enable()


@app.command("import")
@_errors
def import_(
    feed: Annotated[str, typer.Argument(metavar="FEED", help="A Meeting Guide JSON file or URL; "
                                        "with --kind bmlt, a BMLT root server's URL (or a "
                                        "folder holding its three JSON answers).")],
    kind: Annotated[SourceKind, typer.Option("--kind", help="What FEED is.")] = "meeting-guide",
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="PATH", show_default=False,
        help="Write the catalogue here (default: the screen).")] = None,
    timezone: Annotated[str | None, typer.Option(
        "--timezone", metavar="ZONE", help="Time zone of meetings whose feed names none "
        "(default: your config's, else the feed's own, else America/New_York).")] = None,
    fellowship: Annotated[str | None, typer.Option(
        "--fellowship", metavar="NAME", help="Fellowship of the feed's meetings (default: AA, "
        "or NA with --kind bmlt).")] = None,
    deadline: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=1, max=3600,
        help="Give up on a download that takes longer than this in all.")] = 60,
) -> None:
    """A Meeting Guide feed or a BMLT server into a catalogue, once.

    Writes a new catalogue file and never changes an existing one. To keep a
    source current, declare it under sources: and run 'peerfind sync'.

    Every imported group is unverified, with the feed as its source.

    Examples:

      peerfind import feed.json -o imported.yaml

      peerfind import https://example.org/wp-admin/admin-ajax.php?action=meetings -o new.yaml

      peerfind import --kind bmlt https://bmlt.newyorkna.org/main_server/ -o na.yaml
    """
    from peerfind import sources as live
    from peerfind.importing import one_off

    from peerfind import vocabulary as words

    key = words.fellowship(fellowship) if fellowship is not None else None
    today = _today()
    if feed.lower().startswith(("http://", "https://")) and sys.stderr.isatty():
        _stderr(f"peerfind: fetching {feed} ...")
    zone = timezone or _settings().timezone
    result = one_off(feed, kind, today, timezone=zone,
                     fellowship=key or live.DEFAULT_FELLOWSHIP[kind], deadline=deadline)
    for warning in result.warnings:
        _stderr(f"peerfind: warning: {warning}")
    text = result.text
    _stderr(f"peerfind: {result.groups} groups, {result.meetings} meetings from "
            f"{result.records} records")
    _write_or_print(text, output)


@app.command()
@_errors
def sync(
    ids: Annotated[list[str] | None, typer.Argument(
        metavar="[SOURCE_ID]...", show_default=False,
        help="Sources to sync (default: every source of the catalogue).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Fetch and compare, but write nothing.")] = False,
    deadline: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=1, max=3600,
        help="Give up on a source whose download takes longer than this in all.")] = 60,
    catalogue: CatalogueOption = None,
) -> None:
    """Fetch the catalogue's live sources and keep their snapshots.

    Each source's answer is kept, normalised, in sources/ID.json beside the
    catalogue file, with the day it was fetched. The hand-kept catalogue file is
    never written: your confirmations and corrections (overrides:) stay as they
    are. A source that fails keeps its previous snapshot, and the exit status is 1.

    Examples:

      peerfind sync

      peerfind sync na-gny --dry-run

      peerfind sync --catalogue data/groups.yaml
    """
    _collect_cycles()
    from peerfind import settings as config
    from peerfind import sources as live
    from peerfind.catalogue import check_source, sources as located

    settings = _settings(config.folders())
    base = located(catalogue[:1] if catalogue else None, settings.catalogue, None)[0]
    today = _today()
    data, problems = check_source(base, today, snapshots=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors or data is None:
        raise CatalogueError(base.shown, errors)
    chosen = live.choose(data, ids or [])
    failed = False
    for number, source in enumerate(chosen, 1):
        if sys.stderr.isatty():
            _stderr(f"peerfind: syncing {source['name']} ({number} of {len(chosen)}) ...")
        result = live.sync_one(source, data, base.path, today, dry_run=dry_run,
                               deadline=deadline)
        failed = failed or result.error is not None
        for line in live.summary(result):
            typer.echo(line)
    if failed:
        raise typer.Exit(1)


@app.command()
@_errors
def config(
    init: Annotated[bool, typer.Option("--init", help="Write a commented config file to "
                                       "start from, if there is none.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Your settings, overlay and folders.

    Where peerfind keeps your settings and data, and the settings in force.

    Examples:

      peerfind config

      peerfind config --init
    """

    from peerfind import settings as config_file
    from peerfind.catalogue import locate

    folders = config_file.folders()
    if init:
        if folders.config_file.exists():
            raise PeerfindError(f"{folders.config_file} exists already; edit it, or remove it "
                                "first")
        from peerfind.files import write_atomic

        folders.config.mkdir(parents=True, exist_ok=True)
        write_atomic(folders.config_file, config_file.TEMPLATE.encode("utf-8"))
        typer.echo(str(folders.config_file))
        return
    settings = _settings(folders)
    try:
        catalogue, _ = _load(None, settings=settings)
        about = {"updated": catalogue.updated.isoformat(), "groups": len(catalogue.groups),
                 "sources": sorted({g.listed_by for g in catalogue.groups if g.listed_by}),
                 "notes": catalogue.notes,
                 "problem": None}
    except PeerfindError as error:
        about = {"updated": None, "groups": 0, "sources": [], "notes": "",
                 "problem": str(error)}
    document = {
        "config_file": str(folders.config_file),
        "config_file_exists": folders.config_file.is_file(),
        "data_dir": str(folders.data),
        "cache_dir": str(folders.cache),
        "overlay": str(folders.overlay),
        "overlay_exists": folders.overlay.is_file(),
        "catalogue": str(locate(None, settings.catalogue).path),
        "settings": {**settings._asdict(), "fellowships": list(settings.fellowships)},
        "catalogue_info": about,
    }
    if json_out:
        return _print_json(document)
    yes = {True: "", False: " (none yet)"}
    state = (f"cannot be read: {about['problem']}" if about["problem"] else
             f"updated {about['updated']}, {about['groups']} groups, listed by: "
             f"{', '.join(about['sources']) or '-'}")
    lines = [
        f"config file  {document['config_file']}{yes[document['config_file_exists']]}",
        f"overlay      {document['overlay']}{yes[document['overlay_exists']]}",
        f"data folder  {document['data_dir']}",
        f"cache folder {document['cache_dir']}",
        f"home_town    {settings.home_town or '-'}",
        f"fellowships  {', '.join(settings.fellowships) or '-'}",
        f"clock        {settings.clock}",
        f"timezone     {settings.timezone or '-'} (for import)",
        f"catalogue    {document['catalogue']}",
        f"             {state}",
    ]
    if about["notes"]:
        lines += ["", "About this catalogue:", *textwrap.wrap(about["notes"], 78)]
    typer.echo("\n".join(lines))


@app.command("stale")
@_errors
def stale_(
    days: Annotated[int, typer.Option("--days", min=0, metavar="N",
                                      help="Older than this many days counts as stale.")] = 180,
    json_out: JsonOption = False,
    catalogue: CatalogueOption = None,
) -> None:
    """Entries due for a volunteer's check.

    The volunteers' to-do list: entries never confirmed, or not for a while,
    oldest first, with their source and contact.

    Examples:

      peerfind stale

      peerfind stale --days 365 --json
    """
    import dataclasses

    from peerfind import records
    from peerfind.catalogue import entry_lines, sources
    from peerfind.stale import stale

    cat, settings = _load(catalogue)
    base = sources(catalogue, settings.catalogue, None)[0]
    lines = entry_lines(base)
    listed = {g.id: g.listed_by for g in cat.groups if g.listed_by}
    found = []
    for entry in stale(cat, _today(), days):
        line = lines.get((entry.kind, entry.id or entry.name)) or lines.get(
            ("override", entry.id))
        where = (f"{base.shown}:{line}" if line else f"{base.shown} (listed by "
                 f"{listed[entry.id]}: confirm it under overrides:)" if entry.id in listed
                 else base.shown)
        found.append(dataclasses.replace(entry, where=where))
    if json_out:
        return _print_json([records.stale(s) for s in found])
    from peerfind import render

    _print(render.stale(found, cat, days))


@app.command("schema")
@_errors
def schema_(
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="PATH", show_default=False,
        help="Write here instead of to the screen.")] = None,
) -> None:
    """A JSON Schema of the catalogue format.

    For editors' completion and checks (see CONTRIBUTING.md).

    Examples:

      peerfind schema -o catalogue.schema.json
    """
    _write_or_print(_json_text(schema.json_schema()) + "\n", output)


def _records(found: list[Any], today: dt.date) -> list[dict[str, Any]]:
    from peerfind import records

    return [records.occurrence(o, today) for o in found]


def _count(found: list[Any]) -> str:
    from peerfind.problems import plural

    return plural(len(found), "meeting")


WRITERS = ("handout", "export", "import", "sync", "schema", "config")


def _terminated(number: int, frame: Any) -> None:
    raise SystemExit(128 + number)


def main() -> None:
    argv = sys.argv[1:]
    completing = any(key.endswith("_COMPLETE") for key in os.environ)
    chosen = single_command(app, argv[0], APP_SETTINGS) if argv and not completing else app
    if argv and argv[0] in WRITERS:  # SIGTERM unwinds like Ctrl-C: temporary files go
        import signal

        signal.signal(signal.SIGTERM, _terminated)
    try:
        chosen(prog_name="peerfind")
    except OSError as error:  # the output could not be written: a full disk, a closed pipe
        _stderr(f"peerfind: cannot write the output ({error.strerror or error}); check where "
                "it goes (disk space, the program it is piped to)")
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - the last guard against a traceback
        _stderr(f"peerfind: internal error: {type(error).__name__}: {error}")
        _stderr("peerfind: this is a bug; please report it with the command you ran")
        sys.exit(70)
