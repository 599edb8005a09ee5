"""Live sources beside the hand-kept catalogue: snapshots, layering and sync.

A catalogue's ``sources:`` name live listings (a BMLT root server, a Meeting
Guide feed). ``peerfind sync`` fetches each and keeps its answer, normalised,
in ``sources/<id>.json`` beside the catalogue file; it never writes the
hand-kept file. Every command reads the hand-kept file layered over the
snapshots: a source's group gets a stable id from the source's own key, and an
entry of ``overrides:`` with that id confirms, corrects, closes or hides it,
holding only the fields it changes. Overrides survive every sync.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from peerfind import bmlt, fetch, meetingguide
from peerfind.catalogue import SNAPSHOT_FOLDER
from peerfind.listing import Context, Reading
from peerfind.problems import CatalogueError, PeerfindError, Problem, plural

SNAPSHOT_VERSION = 1
FOLDER = SNAPSHOT_FOLDER
KINDS = ("bmlt", "meeting-guide")
DEFAULT_FELLOWSHIP = {"bmlt": "NA", "meeting-guide": "AA"}


class Snapshot(NamedTuple):
    """A source's answer as kept beside the catalogue, with where and when it came from."""

    source: str
    kind: str
    url: str
    fetched: str | None  # the day it was fetched from ``url``; None for an archived copy
    as_of: str  # the day the listing is from
    origin: str  # where the answer came from: the URL, or the archive's own address
    answer: Any

    def document(self) -> dict[str, Any]:
        return {"peerfind_snapshot": SNAPSHOT_VERSION, "source": self.source, "kind": self.kind,
                "url": self.url, "fetched": self.fetched, "as_of": self.as_of,
                "origin": self.origin, "answer": normalise(self.kind, self.answer)}

    def dumps(self) -> str:
        """Deterministic text: the same answer gives the same bytes, sorted, so a diff is
        exactly what the source changed."""
        return json.dumps(self.document(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def snapshot_path(catalogue: Path, source_id: str) -> Path:
    return catalogue.parent / FOLDER / f"{source_id}.json"


def _number_first(value: Any) -> tuple[int, str]:
    text = str(value) if not isinstance(value, (dict, list)) else ""
    short_number = text.isascii() and text.isdigit() and len(text) < 19
    return (int(text), "") if short_number else (1 << 62, text)


def normalise(kind: str, answer: Any) -> Any:
    """The answer sorted by the source's own keys."""
    if kind == "bmlt" and isinstance(answer, dict):
        def by(key: str) -> Callable[[Any], tuple[Any, ...]]:
            return lambda item: (_number_first(item.get(key)) if isinstance(item, dict)
                                 else (1 << 63, ""), json.dumps(item, sort_keys=True))
        return {"meetings": sorted(answer.get("meetings") or [], key=by("id_bigint")),
                "formats": sorted(answer.get("formats") or [], key=by("id")),
                "service_bodies": sorted(answer.get("service_bodies") or [], key=by("id"))}
    if isinstance(answer, list):
        return sorted(answer, key=lambda r: (str(r.get("slug", "")) if isinstance(r, dict)
                                             else "", json.dumps(r, sort_keys=True)))
    return answer


def _problem(path: Path, message: str) -> CatalogueError:
    return CatalogueError(str(path), [Problem(0, 0, message)])


def read_snapshot(path: Path) -> Snapshot | None:
    """The snapshot at ``path``; None when there is none yet; a CatalogueError when it is
    not a snapshot peerfind wrote."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _problem(path, "is not a regular file; run 'peerfind sync' to fetch the "
                           "source again, or restore the file from git")
        if info.st_size > fetch.MAX_BYTES:
            raise _problem(path, f"is larger than {fetch.MAX_BYTES // 1024 // 1024} MiB; run "
                           "'peerfind sync' to fetch the source again")
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _problem(path, f"cannot be read ({error.strerror or error})") from None
    try:
        document = fetch.parse_json(raw, "", "a peerfind snapshot", hint="")
    except fetch.FetchError as error:  # "<shown>: not JSON ...", shown here as "is not JSON"
        raise _problem(path, f"is {str(error).removeprefix(': ')}; run 'peerfind sync' to "
                       "fetch it again") from None
    fields = ("source", "kind", "url", "fetched", "as_of", "origin", "answer")
    if (not isinstance(document, dict) or document.get("peerfind_snapshot") != SNAPSHOT_VERSION
            or any(key not in document for key in fields)
            or document["kind"] not in KINDS or not _is_date(document["as_of"])
            or not (document["fetched"] is None or _is_date(document["fetched"]))):
        raise _problem(path, "is not a peerfind snapshot (format 1); run 'peerfind sync' to "
                       "fetch the source again, or restore the file from git")
    shape = answer_problem(document["kind"], document["answer"])
    if shape:
        raise _problem(path, f"does not hold a source's answer ({shape}); run 'peerfind sync' "
                       "to fetch the source again, or restore the file from git")
    return Snapshot(*(document[key] for key in fields))


def answer_problem(kind: str, answer: Any) -> str | None:
    """What is wrong with the shape of a source's answer, or None."""
    if kind == "bmlt":
        return bmlt.check_answer(answer) if isinstance(answer, dict) else \
            "expected the three BMLT answers in one JSON object"
    return None if isinstance(answer, list) else "a Meeting Guide feed is a JSON list"


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def context(source: dict[str, Any], timezone: str, snapshot: Snapshot) -> Context:
    return Context(source["id"], source.get("fellowship") or DEFAULT_FELLOWSHIP[source["kind"]],
                   timezone, source.get("timezone") or timezone, snapshot.origin,
                   dt.date.fromisoformat(snapshot.as_of))


def read_answer(source: dict[str, Any], timezone: str, snapshot: Snapshot) -> Reading:
    """The catalogue groups a snapshot holds (its answer has the shape of its kind)."""
    where = context(source, timezone, snapshot)
    reader = bmlt.read if snapshot.kind == "bmlt" else meetingguide.read
    return reader(snapshot.answer, where, source)


_converted: dict[tuple[Any, ...], tuple[Snapshot, Reading]] = {}


def converted(source: dict[str, Any], timezone: str, catalogue: Path
              ) -> tuple[Snapshot, Reading] | None:
    """A source's snapshot and the groups it holds, None when it has no snapshot yet.

    Checking a catalogue and layering it both need them: the snapshot is read and
    converted once per process for each version of the file. Callers must not change
    the groups returned."""
    path = snapshot_path(catalogue, source["id"])
    try:
        info = path.stat()
    except OSError:
        info = None
    key = (str(path), info and (info.st_size, info.st_mtime_ns),
           json.dumps(source, sort_keys=True, default=str), timezone)
    if info is not None and key in _converted:
        return _converted[key]
    snapshot = read_snapshot(path)
    if snapshot is None:
        return None
    if snapshot.kind != source["kind"]:
        raise _problem(path, f"holds a {snapshot.kind} answer, but the source is {source['kind']}"
                       f"; run 'peerfind sync {source['id']}' to fetch it again")
    _converted[key] = found = (snapshot, read_answer(source, timezone, snapshot))
    return found


def layer(data: dict[str, Any], catalogue: Path) -> dict[str, Any]:
    """The hand-kept data with every source's groups in, overrides applied."""
    sources = data.get("sources")
    if not sources:
        return data
    overrides = {entry["id"]: entry for entry in data.get("overrides", [])}
    own = {group["id"] for group in data.get("groups", [])}
    listed: list[dict[str, Any]] = []
    for source in sources:
        found = converted(source, data["timezone"], catalogue)
        if found is None:
            continue
        snapshot, reading = found
        for group in reading.groups:
            if group["id"] in own:
                continue  # a whole hand-kept entry with this id stands in for it
            merged = override(group, overrides.get(group["id"]))
            if merged is not None:
                merged.update(listed_by=source["name"], listed=snapshot.as_of,
                              live=snapshot.fetched is not None)
                listed.append(merged)
    return {**data, "groups": [*data.get("groups", []), *listed]}


def override(group: dict[str, Any], entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """A source's group with a volunteer's override applied, or None when it is hidden."""
    if entry is None:
        return dict(group)
    if entry.get("hide"):
        return None
    merged = {**group, **{key: value for key, value in entry.items() if key != "hide"}}
    if "checked" in entry and "status" not in entry:
        merged["status"] = "active"
    if merged.get("attendance") == "in_person":
        merged.pop("online", None)
    return merged


# -- sync ----------------------------------------------------------------------------


class Result(NamedTuple):
    """What one source's sync did or would do."""

    source: str
    name: str
    error: str | None = None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    warnings: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()  # overrides naming a group this source no longer lists
    written: bool = False
    meetings: int = 0
    records: int = 0


def download(source: dict[str, Any], deadline: float) -> Any:
    """The source's answer, as fetched now."""
    url = source["url"]
    if source["kind"] == "meeting-guide":
        answer = fetch.parse_json(fetch.read(url, deadline=deadline), fetch.printable(url),
                                  "a Meeting Guide feed (a JSON list of meetings)")
        if not isinstance(answer, list):
            raise fetch.FetchError(f"{fetch.printable(url)}: expected a JSON list of meetings, "
                                   f"found {type(answer).__name__}")
        return answer
    answer = {}
    for part in ("meetings", "formats", "service_bodies"):
        address = bmlt.query(url, part, source)
        answer[part] = fetch.parse_json(fetch.read(address, deadline=deadline),
                                        fetch.printable(address), f"a BMLT {bmlt.SWITCHES[part]} "
                                        "answer")
    problem = bmlt.check_answer(answer)
    if problem:
        raise fetch.FetchError(f"{fetch.printable(url)}: {problem}; is this a BMLT root server?")
    return answer


def _names(groups: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {group["id"]: group for group in groups}


def sync_one(source: dict[str, Any], data: dict[str, Any], catalogue: Path, today: dt.date,
             *, dry_run: bool = False, deadline: float = fetch.DEADLINE) -> Result:
    """Fetch one source and keep its snapshot; on failure the old snapshot stays as it was."""
    path = snapshot_path(catalogue, source["id"])
    name = source["name"]
    try:
        previous = read_snapshot(path)
    except CatalogueError:
        previous = None  # a damaged snapshot is replaced by a good one
    try:
        answer = download(source, deadline)
    except PeerfindError as error:
        return Result(source["id"], name, error=str(error))
    new = Snapshot(source["id"], source["kind"], source["url"], today.isoformat(),
                   today.isoformat(), source["url"], answer)
    reading = read_answer(source, data["timezone"], new)
    new_groups = _names(reading.groups)
    old_groups = _names(read_answer(source, data["timezone"], previous).groups) \
        if previous is not None else {}

    def label(ident: str, groups: dict[str, dict[str, Any]]) -> str:
        return f"{groups[ident]['name']} ({ident})"

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return {k: v for k, v in a.items() if k != "source"} == \
            {k: v for k, v in b.items() if k != "source"}

    added = tuple(label(i, new_groups) for i in new_groups if i not in old_groups)
    removed = tuple(label(i, old_groups) for i in old_groups if i not in new_groups)
    changed = tuple(label(i, new_groups) for i in new_groups
                    if i in old_groups and not same(old_groups[i], new_groups[i]))
    unchanged = sum(1 for i in new_groups if i in old_groups and same(old_groups[i], new_groups[i]))
    gone = []
    for entry in data.get("overrides", []):
        ident = entry["id"]
        if ident in old_groups and ident not in new_groups:
            what = f"confirmed on {entry['checked']}" if entry.get("checked") else "corrected"
            gone.append(f"{name} no longer lists {old_groups[ident]['name']} ({ident}), which "
                        f"you {what}: check it, then update or remove its override")
    written = False
    if not dry_run:
        from peerfind.files import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, new.dumps().encode("utf-8"))
        written = True
    return Result(source["id"], name, None, added, changed, removed, unchanged,
                  tuple(reading.warnings), tuple(gone), written,
                  sum(len(g["meetings"]) for g in reading.groups), reading.records)


def choose(data: dict[str, Any], wanted: list[str]) -> list[dict[str, Any]]:
    """The sources to sync: those named, or all of them."""
    from peerfind.problems import UsageError

    sources = data.get("sources", [])
    known = [source["id"] for source in sources]
    if not sources:
        raise UsageError("this catalogue declares no sources; add a sources: list (see "
                         "docs/catalogue.md)")
    for ident in wanted:
        if ident not in known:
            from peerfind.vocabulary import suggest

            raise UsageError(f"'{ident}' is not a source of this catalogue"
                             f"{suggest(ident, known)}; expected one of {', '.join(known)}")
    return [source for source in sources if not wanted or source["id"] in wanted]


def summary(result: Result) -> list[str]:
    """Lines for people: what changed, by name."""
    if result.error is not None:
        return [f"{result.name}: failed, previous snapshot kept: {result.error}"]
    verb = "" if result.written else " (dry run: nothing written)"
    lines = [f"{result.name}: {plural(result.records, 'record')} -> "
             f"{plural(result.meetings, 'meeting')}; {len(result.added)} added, "
             f"{len(result.changed)} changed, {len(result.removed)} removed, "
             f"{result.unchanged} unchanged{verb}"]
    for word, names in (("added", result.added), ("changed", result.changed),
                        ("removed", result.removed)):
        lines += [f"  {word}: {fetch.printable(n, 100)}" for n in names]
    lines += [f"  warning: {fetch.printable(w, 200)}" for w in result.warnings]
    lines += [f"  check: {fetch.printable(g, 200)}" for g in result.gone]
    return lines
