"""Find the catalogue (option, environment variable, bundled file) and load it."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerfind.models import Catalogue, catalogue_from
from peerfind.problems import CatalogueError, Problem, plural
from peerfind.validate import check
from peerfind.yamlio import LoadError, compose, position

ENV_VAR = "PEERFIND_CATALOGUE"
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Source:
    """A catalogue file and the name to show for it in messages."""

    path: Path
    shown: str


def bundled_path() -> Path:
    """The catalogue shipped with peerfind.

    Installed, it sits inside the package; in a source checkout (an editable
    install) it is the repository's data/groups.yaml.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "groups.yaml"
    return packaged if packaged.is_file() else here.parents[1] / "data" / "groups.yaml"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def locate(option: str | None) -> Source:
    """--catalogue PATH, else $PEERFIND_CATALOGUE, else the bundled catalogue."""
    chosen = option or os.environ.get(ENV_VAR)
    if chosen:
        return Source(Path(chosen).expanduser(), chosen)
    path = bundled_path()
    return Source(path, _shown(path))


def _file_error(source: Source, message: str) -> CatalogueError:
    return CatalogueError(source.shown, [Problem(0, 0, message)])


def read_text(source: Source) -> str:
    """The file's text, or a CatalogueError saying plainly what is wrong with it."""
    path = source.path
    try:
        if path.is_dir():
            raise _file_error(source, "is a directory, not a catalogue file; give the path of "
                              "a .yaml file such as data/groups.yaml")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _file_error(source, f"is {size / 1024 / 1024:.1f} MiB; a catalogue may be at "
                              f"most {MAX_BYTES // 1024 // 1024} MiB: check that this is the "
                              "right file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _file_error(source, f"no such file; check the path, or unset {ENV_VAR} to use the "
                          "bundled catalogue") from None
    except PermissionError:
        raise _file_error(source, "cannot be read (permission denied); check the file's "
                          "permissions") from None
    except OSError as error:
        raise _file_error(source, f"cannot be read ({error.strerror or error}); check the "
                          "path") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", errors="replace")
        line, col = position(before + " ", len(before))
        raise CatalogueError(source.shown, [Problem(line, col, f"byte 0x{raw[error.start]:02x} "
                             "is not valid UTF-8; the file may be binary or saved in another "
                             "encoding: save it as UTF-8")]) from None


def check_source(source: Source, today: dt.date) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Every problem in a catalogue file, and its data when it could be read."""
    text = read_text(source)
    try:
        root, problems = compose(text)
    except LoadError as error:
        return None, [error.problem]
    data, found = check(root, today)
    return data, problems + found


def load(source: Source, today: dt.date) -> Catalogue:
    """The catalogue, or a CatalogueError holding its errors (warnings are ignored)."""
    data, problems = check_source(source, today)
    errors = [p for p in problems if p.severity == "error"]
    if errors or data is None:
        raise CatalogueError(source.shown, errors)
    return catalogue_from(data, source.shown)


def summary(data: dict[str, Any]) -> str:
    groups = data.get("groups", [])
    meetings = sum(len(group.get("meetings", [])) for group in groups)
    return ", ".join([
        plural(len(groups), "group"),
        plural(meetings, "meeting"),
        plural(len(data.get("helplines", [])), "help line"),
        plural(len(data.get("resources", [])), "resource"),
    ])
