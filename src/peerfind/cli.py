"""The peerfind command line: options and commands only.

Work is done by the pure modules (catalogue, validate, search); output by
render (Rich) and handout. Errors from any of them are turned into messages
and exit codes in one place, ``_errors``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from peerfind import __version__
from peerfind.problems import CatalogueError, PeerfindError

app = typer.Typer(
    name="peerfind",
    help="Find recovery peer-support meetings (AA, NA, SMART Recovery and more) around "
    "Poughkeepsie and Dutchess County, New York.\n\nMeeting times change: call or check "
    "before you go.",
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


def main() -> None:
    app(prog_name="peerfind")
