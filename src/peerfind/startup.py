"""The start-up tricks, in one place: what they do, and what in Typer they rely on.

A lookup should answer in a fraction of a second, and most of a command's time
is Python starting and Typer building commands. Three things keep it short:

1. **One command built** (``single_command``). Typer builds every registered
   command's parameters before it runs any. ``main`` hands Typer a copy of the
   app holding only the command named on the command line (the whole app for
   ``--help`` and shell completion). Relies on: ``Typer.registered_commands``
   and ``registered_callback`` being plain lists and attributes read when the app
   is called. The app must keep its ``@app.callback()``: without a callback, a
   one-command Typer app runs that command without its name, and
   ``peerfind list`` would read "list" as an argument.
2. **Shared options added late** (``SharedOptions``). The lookup commands share
   about twenty filter options. The decorator gives Typer a ``__signature__``
   built only when Typer asks for it (so only for the command that runs), with
   each command's own string annotations (``from __future__ import
   annotations``) evaluated in its module. Relies on: Typer reading
   ``inspect.signature`` of the callback.
3. **Heavy imports inside commands** (not a trick of Typer's): Jinja2,
   icalendar, segno, the source readers and http.client load only in the
   commands that use them.
4. **Real annotations where classes are made** (not a trick of Typer's). The
   modules that define dataclasses and named tuples (models, schema, problems,
   search, trust, catalogue, settings) have no ``from __future__ import
   annotations``: typing compiles every string annotation of a named tuple, and
   the dataclass decorator reads strings more slowly than types. Evaluated on
   import, they save 5.5 million instructions of every command's start-up (1.2%
   of ``tonight``). Relies on: nothing in those modules' annotations being
   defined later or only for type checkers.

tests/test_startup.py runs every command's ``--help``, shell completion and
``python -m peerfind`` through the real console script, so a Typer release that
breaks one of these fails there, naming it; it also checks that the modules of
trick 4 keep their annotations real. pyproject.toml pins Typer below the
next minor release for the same reason.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer


def single_command(app: typer.Typer, name: str, settings: dict[str, Any]) -> typer.Typer:
    """``app`` with only the command called ``name`` (trick 1); ``app`` itself if there
    is no such command (Typer then reports it)."""
    for command in app.registered_commands:
        if (command.name or command.callback.__name__) == name:  # type: ignore[union-attr]
            single = typer.Typer(**settings)
            single.registered_callback = app.registered_callback
            single.registered_commands = [command]
            return single
    return app


class SharedOptions:
    """A decorator adding shared options to a command (trick 2).

    ``options`` holds (name, type, typer.Option); ``collect`` turns the values given
    for them into the keyword arguments named in ``receives``, which the command takes
    instead of the options themselves.
    """

    def __init__(self, options: Sequence[tuple[str, Any, Any]],
                 collect: Callable[[dict[str, Any]], dict[str, Any]],
                 receives: tuple[str, ...]) -> None:
        self.options = options
        self.collect = collect
        self.receives = receives

    @functools.cached_property
    def parameters(self) -> list[inspect.Parameter]:
        """The shared options as keyword parameters, built once for every command."""
        return [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                  annotation=Annotated[kind, option],
                                  default=False if kind is bool else None)
                for name, kind, option in self.options]

    def __call__(self, command: Callable[..., Any]) -> Callable[..., Any]:
        return _WithShared(command, self)


class _WithShared:
    def __init__(self, command: Callable[..., Any], shared: SharedOptions) -> None:
        functools.update_wrapper(self, command, updated=(),
                                 assigned=("__module__", "__name__", "__qualname__", "__doc__"))
        self._command = command
        self._shared = shared

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name, _, _ in self._shared.options}
        return self._command(*args, **self._shared.collect(given), **kwargs)

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        """Built when Typer asks, that is only for the command that runs."""
        command = self._command
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY,
                         annotation=eval(p.annotation, command.__globals__))  # noqa: S307
               for p in inspect.signature(command).parameters.values()
               if p.name not in self._shared.receives]
        return inspect.Signature(self._shared.parameters + own)

    @property
    def __annotations__(self) -> dict[str, Any]:  # type: ignore[override]
        return {p.name: p.annotation for p in self.__signature__.parameters.values()}
