"""Find the catalogue (option, environment variable, bundled file) and load it."""

# Annotations are evaluated on import, not kept as strings: see startup.py (4).
import contextlib
import datetime as dt
import gc
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from peerfind.models import Catalogue, catalogue_from
from peerfind.problems import CatalogueError, PeerfindError, Problem, plural
from peerfind.schema import DAYS, Window, cutoffs, may_be_on

ENV_VAR = "PEERFIND_CATALOGUE"
SNAPSHOT_FOLDER = "sources"  # beside the catalogue: one snapshot per live source
MAX_BYTES = 64 * 1024 * 1024  # a catalogue imported from 100,000 meetings is about 30 MiB


class Source(NamedTuple):
    """A catalogue file, the name to show for it in messages, and what kind it is."""

    path: Path
    shown: str
    overlay: bool = False
    checkout: bool = False  # the working tree's file, read instead of the installed copy


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


def bundled() -> Source:
    """The catalogue shipped with peerfind; inside a git checkout of peerfind that is not
    the installed copy, the working tree's data/groups.yaml, so that an edit is seen."""
    path = bundled_path()
    tree = checkout()
    # peerfind run from inside that checkout (an editable install, a mutation-testing
    # copy) reads its own data; an installed copy elsewhere reads the checkout's.
    if tree is not None and not path.resolve().is_relative_to(tree.resolve().parents[1]):
        return Source(tree, _shown(tree), checkout=True)
    return Source(path, _shown(path))


def checkout() -> Path | None:
    """data/groups.yaml of the peerfind git checkout that holds the current folder."""
    try:
        here = Path.cwd()
    except OSError:
        return None
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            candidate = folder / "data" / "groups.yaml"
            mine = (folder / "src" / "peerfind" / "cli.py").is_file()
            return candidate if mine and candidate.is_file() else None
    return None


def given(text: str, overlay: bool = False) -> Source:
    """A catalogue file named by the user, ~ expanded."""
    if not text.strip():
        raise PeerfindError("an empty catalogue path was given; give the path of a .yaml "
                            "file such as data/groups.yaml")
    try:
        return Source(Path(text).expanduser(), text, overlay)
    except RuntimeError:  # ~someone, and no such user
        raise PeerfindError(f"{text}: '~' cannot be expanded here (no such user or home "
                            "folder); give the full path") from None


def locate(option: str | None, configured: str | None = None) -> Source:
    """--catalogue PATH, else $PEERFIND_CATALOGUE, else the config file's catalogue,
    else the bundled catalogue."""
    if option is not None:
        return given(option)
    chosen = os.environ.get(ENV_VAR) or configured
    return given(chosen) if chosen else bundled()


def sources(options: list[str] | None, configured: str | None,
            user_overlay: Path | None) -> list[Source]:
    """The catalogue in force and its overlays: every --catalogue after the first, and
    the user's overlay file when there is one."""
    options = options or []
    found = [locate(options[0] if options else None, configured)]
    found += [given(o, overlay=True) for o in options[1:]]
    if user_overlay is not None and user_overlay.is_file():
        found.append(Source(user_overlay, _shown(user_overlay), overlay=True))
    return found


def _file_error(source: Source, message: str) -> CatalogueError:
    return CatalogueError(source.shown, [Problem(0, 0, message)])


def read_bytes(source: Source) -> bytes:
    """The file's bytes, or a CatalogueError saying plainly what is wrong with it."""
    path = source.path
    try:
        if path.is_dir():
            raise _file_error(source, "is a directory, not a catalogue file; give the path of "
                              "a .yaml file such as data/groups.yaml")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _file_error(source, "is not a regular file (a device, pipe or socket); give "
                              "the path of a .yaml file such as data/groups.yaml")
        size = info.st_size
        if size > MAX_BYTES:
            raise _file_error(source, f"is {size / 1024 / 1024:.1f} MiB; a catalogue may be at "
                              f"most {MAX_BYTES // 1024 // 1024} MiB: check that this is the "
                              "right file")
        return path.read_bytes()
    except FileNotFoundError:
        raise _file_error(source, f"no such file; check the path, or unset {ENV_VAR} to use the "
                          "bundled catalogue") from None
    except PermissionError:
        raise _file_error(source, "cannot be read (permission denied); check the file's "
                          "permissions") from None
    except OSError as error:
        raise _file_error(source, f"cannot be read ({error.strerror or error}); check the "
                          "path") from None


def entry_lines(source: Source) -> dict[tuple[str, str], int]:
    """The line of every entry of a catalogue file: ("group", id), ("resource", id),
    ("helpline", name), ("override", id); empty when the file cannot be read."""
    from peerfind.yamlio import LoadError, Mapping, Scalar, Sequence, compose

    try:
        root, _ = compose(decode(source, read_bytes(source)))
    except (CatalogueError, LoadError):
        return {}
    found: dict[tuple[str, str], int] = {}
    if not isinstance(root, Mapping):
        return found
    for section, kind, key in (("groups", "group", "id"), ("resources", "resource", "id"),
                               ("helplines", "helpline", "name"),
                               ("overrides", "override", "id")):
        items = root.get(section)
        for item in items.items if isinstance(items, Sequence) else ():
            value = item.get(key) if isinstance(item, Mapping) else None
            if isinstance(value, Scalar):
                found.setdefault((kind, str(value.value)), item.line)
    return found


def decode(source: Source, raw: bytes) -> str:
    """UTF-8 text, or a CatalogueError pointing at the first byte that is not."""
    from peerfind.yamlio import position

    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", errors="replace")
        line, col = position(before, len(before))
        raise CatalogueError(source.shown, [Problem(line, col, f"byte 0x{raw[error.start]:02x} "
                             "is not valid UTF-8; the file may be binary or saved in another "
                             "encoding: save it as UTF-8")]) from None


def check_source(source: Source, today: dt.date, raw: bytes | None = None, *,
                 snapshots: bool = True) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Every problem in a catalogue file, and its data when it could be read; with
    ``snapshots``, also in its sources' snapshots (read whole: for sync, which replaces
    them, they are left alone)."""
    from peerfind.validate import check
    from peerfind.yamlio import LoadError, compose

    text = decode(source, read_bytes(source) if raw is None else raw)
    try:
        root, problems = compose(text)
    except LoadError as error:
        return None, [error.problem]
    data, found = check(root, today, "overlay" if source.overlay else "catalogue")
    if snapshots and data is not None and data.get("sources") and not any(
            p.severity == "error" for p in problems + found):
        found += _source_problems(source, root, data)
    return data, problems + found


def _source_problems(source: Source, root: Any, data: dict[str, Any]) -> list[Problem]:
    """Sources not synced yet, snapshots that cannot be read, and overrides naming a group
    that no source lists."""
    from peerfind import sources as live

    problems: list[Problem] = []
    nodes = {item.get("id").value: item for item in root.get("sources").items}
    listed: dict[str, str] = {}
    for entry in data["sources"]:
        node = nodes[entry["id"]]
        shown = f"sources/{entry['id']}.json"
        try:
            found = live.converted(entry, data["timezone"], source.path)
        except live.SnapshotError as error:
            problems.append(Problem(node.line, node.col, f"{shown} {error}",
                                    f"sources > {entry['id']}"))
            continue
        if found is None:
            problems.append(Problem(node.line, node.col, f"no snapshot yet ({shown}); run "
                                    f"'peerfind sync {entry['id']}' to fetch it",
                                    f"sources > {entry['id']}", "warning"))
            continue
        for group in found[1].groups:
            listed[group["id"]] = entry["name"]
    overrides = root.get("overrides")
    for item in overrides.items if overrides is not None else ():
        ident = item.get("id")
        if ident is not None and ident.value not in listed:
            problems.append(Problem(ident.line, ident.col, "no source lists a group "
                                    f"'{ident.value}' any more; check it, then update or "
                                    "remove this override (or add it to groups: with every "
                                    "field)", f"overrides > {ident.value}", "warning"))
    return problems


def snapshots_stamp(catalogue: Path) -> bytes:
    """What a catalogue's cache must also match: the name, size and time of every
    snapshot of its sources (see peerfind.sources)."""
    folder = catalogue.parent / SNAPSHOT_FOLDER
    try:
        found = sorted(folder.glob("*.json"))
        return b"".join(f"{p.name}\0{p.stat().st_size}\0{p.stat().st_mtime_ns}\n".encode()
                        for p in found)
    except OSError:
        return b""


def load_data(source: Source, today: dt.date, cache: Path | None = None,
              towns: Iterable[str] | None = None,
              days: Callable[[str], Window | None] | None = None) -> dict[str, Any]:
    """A file's plain data, or a CatalogueError holding its errors.

    With a ``cache`` folder, a file checked before (same path, size, time and
    content) is read from the cache instead of being parsed again; then
    ``towns`` may narrow its groups to those towns', and ``days`` their meetings
    to those days' (see ``cache.read``).
    """
    from peerfind import cache as store

    raw = read_bytes(source)
    # The cache of a catalogue holds its sources' groups too: it must match their snapshots.
    key = b"overlay\0" + raw if source.overlay else raw + b"\0" + snapshots_stamp(source.path)
    if cache is not None:
        data = store.read(cache, source.path, key, towns, days)
        if data is not None:
            return data
    with _gc_paused():
        data, problems = check_source(source, today, raw)
        errors = [p for p in problems if p.severity == "error"]
        if errors or data is None:
            raise CatalogueError(source.shown, errors)
        if not source.overlay:
            from peerfind import sources as live  # readers and fetching: only on a cache miss

            data = live.layer(data, source.path)
    if cache is not None:
        store.write(cache, source.path, key, data)
    return data


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building many small objects that all live on: the collector would only slow it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(source: Source, today: dt.date, overlays: list[Source] | tuple[Source, ...] = (),
         cache: Path | None = None, towns: Iterable[str] | None = None,
         skipped: list[CatalogueError] | None = None,
         days: Callable[[str], Window | None] | None = None) -> Catalogue:
    """The catalogue with its overlays applied, or a CatalogueError holding the first
    file's errors (warnings are ignored).

    ``towns`` says that only groups in those towns are wanted (a lookup filtered by
    town): the catalogue may then hold just those groups. Everything else in it is
    whole, so checking the filters against it gives the same answers.

    ``days``, given the catalogue's time zone, gives the window of meetings wanted
    (the weekdays of what is on tonight, say: see ``schema.Window``), or None (all):
    the groups then hold only the meetings in it, and only groups with such meetings
    are kept (see ``on_days``).

    Given a ``skipped`` list, an overlay with errors is left out and its error added
    there, instead of stopping everything.
    """
    with _gc_paused():
        # With overlays, the days are picked after them: an overlay's group then keeps
        # the place of the one it replaces, even one that meets on none of the days.
        data = load_data(source, today, cache, towns, None if overlays else days)
        for overlay in overlays:
            try:
                data = apply_overlay(data, load_data(overlay, today, cache))
            except CatalogueError as error:
                if skipped is None:
                    raise
                skipped.append(error)
        if days is not None and "days_only" not in data:  # not picked by the cache
            wanted = days(data["timezone"])
            if wanted is not None:
                data = on_days(data, wanted)
        return catalogue_from(data, source.shown)


def on_days(data: dict[str, Any], window: Window) -> dict[str, Any]:
    """Checked data whose groups hold only their meetings in the window (on its
    weekdays, less those surely over by its minute of each day: see
    ``schema.Window``), and without the groups that have none; everything else is
    whole. A lookup of those days (of what is on or next from the window's minute)
    that neither searches text (which spans a group's every meeting) nor names towns
    (which are checked against every group's) gets the same answers from it, having
    built a fraction of the models."""
    minutes = {DAYS[day]: minute for day, minute in cutoffs(window).items()}
    kept = []
    for group in data["groups"]:
        meetings = [meeting for meeting in group["meetings"]
                    if (minute := minutes.get(meeting["day"])) is not None
                    and (not minute or may_be_on(meeting, minute))]
        if not meetings:
            continue
        kept.append(group if len(meetings) == len(group["meetings"])
                    else {**group, "meetings": meetings})
    return {**data, "groups": kept, "days_only": sorted(window)}


def replace_by_key(base: list[dict[str, Any]], extra: list[dict[str, Any]], key: str
                   ) -> list[dict[str, Any]]:
    """``base`` with each entry of ``extra`` in place of the one with the same key, and
    the rest of ``extra`` added at the end."""
    replaced = {entry[key]: entry for entry in extra}
    merged = [replaced.pop(entry[key], entry) for entry in base]
    return merged + list(replaced.values())


def apply_overlay(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Entries of the overlay replace the base's with the same id (or name), or are added."""
    merged = dict(base)
    for section, key in (("groups", "id"), ("resources", "id"), ("helplines", "name"),
                         ("towns", "name")):
        if section in overlay:
            merged[section] = replace_by_key(base.get(section, []), overlay[section], key)
    return merged


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many groups, meetings, help lines and resources a checked file holds."""
    groups = data.get("groups", [])
    return {"groups": len(groups), "helplines": len(data.get("helplines", [])),
            "resources": len(data.get("resources", [])),
            "meetings": sum(len(group.get("meetings", [])) for group in groups)}


def summary(data: dict[str, Any]) -> str:
    n = counts(data)
    return ", ".join([plural(n["groups"], "group"), plural(n["meetings"], "meeting"),
                      plural(n["helplines"], "help line"), plural(n["resources"], "resource")])
