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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from peerfind import bmlt, fetch, meetingguide
from peerfind.catalogue import SNAPSHOT_FOLDER
from peerfind.listing import Context, Reading
from peerfind.problems import PeerfindError, plural

SNAPSHOT_VERSION = 2  # 1: the same, its keys sorted (the answer first): still read
FOLDER = SNAPSHOT_FOLDER
KINDS = ("bmlt", "meeting-guide")
DEFAULT_FELLOWSHIP = {"bmlt": "NA", "meeting-guide": "AA"}
FIELDS = ("source", "kind", "url", "fetched", "as_of", "origin")


class Snapshot(NamedTuple):
    """A source's answer as kept beside the catalogue, with where and when it came from."""

    source: str
    kind: str
    url: str
    fetched: str | None  # the day it was fetched from ``url``; None for an archived copy
    as_of: str  # the day the listing is from
    origin: str  # where the answer came from: the URL, or the archive's own address
    answer: Any  # a BMLT answer; a Meeting Guide feed's records (read from a file: once)

    def chunks(self, records: Iterable[str] = ()) -> Iterator[str]:
        """Deterministic text: the same answer gives the same bytes, sorted by the
        source's own keys, so a diff is exactly what the source changed. The answer
        comes last, so that a reader knows where it is from before reading it. A BMLT
        answer is indented as ``json.dumps(indent=1)`` writes it; a Meeting Guide feed's
        ``records`` come from a Spool, one to a line."""
        head = {"peerfind_snapshot": SNAPSHOT_VERSION,
                **{key: getattr(self, key) for key in FIELDS}}
        yield json.dumps(head, indent=1, ensure_ascii=False)[:-2] + ',\n "answer": '
        if self.kind == "bmlt":
            yield json.dumps(normalise(self.answer), indent=1, sort_keys=True,
                             ensure_ascii=False).replace("\n", "\n ")
        else:
            between = "[\n  "
            for written in records:
                yield between + written
                between = ",\n  "
            yield "[]" if between.startswith("[") else "\n ]"
        yield "\n}\n"


class Spool:
    """A Meeting Guide feed's records as a snapshot writes them, one to a line (a diff
    then shows each record the source changed), kept on the way in a temporary file
    beside it (70 MiB at 100,000 meetings), with only their sort keys in memory: the
    slug, then a digest of the record, so that the same records in any order give the
    same snapshot."""

    def __init__(self, folder: Path) -> None:
        import tempfile

        self.file = tempfile.TemporaryFile(dir=folder, prefix=".peerfind-sync-")
        self.index: list[tuple[str, bytes, int, int]] = []

    def keep(self, records: Iterable[Any]) -> Iterator[Any]:
        """The records, each also written to the spool as it passes."""
        import hashlib

        for record in records:
            slug = str(record.get("slug", "")) if isinstance(record, dict) else ""
            data = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")
            self.index.append((slug, hashlib.blake2b(data, digest_size=16).digest(),
                               self.file.tell(), len(data)))
            self.file.write(data)
            yield record

    def same_as(self, path: Path) -> bool:
        """Whether the snapshot at ``path`` holds exactly these records (it was written
        from a Spool: format 2, a record to a line), told from its lines' digests alone."""
        import hashlib

        written, inside, last = [], False, b""
        try:
            with path.open("rb") as stream:
                if stream.readline() != b"{\n" or stream.readline() != \
                        b' "peerfind_snapshot": 2,\n':
                    return False
                for line in stream:
                    if inside and line.startswith(b"  "):
                        written.append(hashlib.blake2b(line[2:].rstrip(b",\n"),
                                                       digest_size=16).digest())
                    inside = inside or line == b' "answer": [\n'
                    last = line
        except OSError:
            return False
        return inside and last == b"}\n" and \
            sorted(written) == sorted(digest for _, digest, _, _ in self.index)

    def sorted(self) -> Iterator[str]:
        self.index.sort()
        for _, _, offset, size in self.index:
            self.file.seek(offset)
            yield self.file.read(size).decode("utf-8")


def snapshot_path(catalogue: Path, source_id: str) -> Path:
    return catalogue.parent / FOLDER / f"{source_id}.json"


def _number_first(value: Any) -> tuple[int, str]:
    text = str(value) if not isinstance(value, (dict, list)) else ""
    short_number = text.isascii() and text.isdigit() and len(text) < 19
    return (int(text), "") if short_number else (1 << 62, text)


def normalise(answer: dict[str, Any]) -> dict[str, Any]:
    """A BMLT answer sorted by the server's own keys."""
    def by(key: str) -> Callable[[Any], tuple[Any, ...]]:
        return lambda item: (_number_first(item.get(key)) if isinstance(item, dict)
                             else (1 << 63, ""), json.dumps(item, sort_keys=True))
    return {"meetings": sorted(answer.get("meetings") or [], key=by("id_bigint")),
            "formats": sorted(answer.get("formats") or [], key=by("id")),
            "service_bodies": sorted(answer.get("service_bodies") or [], key=by("id"))}


class SnapshotError(PeerfindError):
    """A snapshot that cannot be used: what is wrong with it, and what to do."""


def read_snapshot(path: Path) -> Snapshot | None:
    """The snapshot at ``path``; None when there is none yet; a SnapshotError when it is
    not a snapshot peerfind wrote."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SnapshotError("is not a regular file; run 'peerfind sync' to fetch the "
                                "source again, or restore the file from git")
        if info.st_size > fetch.MAX_BYTES:
            raise SnapshotError(f"is larger than {fetch.MAX_BYTES // 1024 // 1024} MiB; run "
                                "'peerfind sync' to fetch the source again")
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SnapshotError(f"cannot be read ({error.strerror or error})") from None
    try:
        return _parse_snapshot(fetch.Reader(fetch.decode(raw, "", SNAPSHOT_WORDS), "",
                                            SNAPSHOT_WORDS, hint=""))
    except fetch.FetchError as error:
        raise _broken(error) from None


SNAPSHOT_WORDS = "a peerfind snapshot"


def _broken(error: fetch.FetchError) -> SnapshotError:
    """A snapshot that is not JSON: "<shown>: not JSON ..." said as "is not JSON ..."."""
    return SnapshotError(f"is {str(error).removeprefix(': ')}; run 'peerfind sync' to fetch "
                         "it again")


def _parse_snapshot(reader: fetch.Reader) -> Snapshot:
    """A snapshot's fields, then its answer; a Meeting Guide feed's records are read one by
    one as they are used (format 2 writes the answer last), so a feed of 100,000 meetings
    is never held as 100,000 objects."""
    document: dict[str, Any] = {}
    if reader.at("{"):
        for key in reader.keys():
            if key == "answer" and _is_snapshot(document) and \
                    document["kind"] == "meeting-guide" and reader.at("["):
                document["answer"] = _records_then_end(reader)
                break
            document[key] = reader.value(depth=1)
        else:
            reader.end()
    else:
        document = reader.value()
        reader.end()
    if not _is_snapshot(document) or "answer" not in document:
        raise SnapshotError("is not a peerfind snapshot (format 1 or 2); run 'peerfind sync' "
                            "to fetch the source again, or restore the file from git")
    shape = answer_problem(document["kind"], document["answer"])
    if shape:
        raise SnapshotError(f"does not hold a source's answer ({shape}); run 'peerfind sync' "
                            "to fetch the source again, or restore the file from git")
    return Snapshot(*(document[key] for key in (*FIELDS, "answer")))


def _is_snapshot(document: Any) -> bool:
    return (isinstance(document, dict) and document.get("peerfind_snapshot") in (1, 2)
            and all(key in document for key in FIELDS) and document["kind"] in KINDS
            and _is_date(document["as_of"])
            and (document["fetched"] is None or _is_date(document["fetched"])))


def _records_then_end(reader: fetch.Reader) -> Iterator[Any]:
    yield from reader.items(depth=2)
    if not reader.at("}"):
        raise fetch.FetchError(": not JSON that peerfind wrote (the answer is not last); "
                               "expected a peerfind snapshot")
    reader.end()


def answer_problem(kind: str, answer: Any) -> str | None:
    """What is wrong with the shape of a source's answer, or None."""
    if kind == "bmlt":
        return bmlt.check_answer(answer) if isinstance(answer, dict) else \
            "expected the three BMLT answers in one JSON object"
    return None if isinstance(answer, (list, Iterator)) else "a Meeting Guide feed is a JSON list"


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
        raise SnapshotError(f"holds a {snapshot.kind} answer, but the source is {source['kind']}"
                            f"; run 'peerfind sync {source['id']}' to fetch it again")
    try:
        reading = read_answer(source, timezone, snapshot)
    except fetch.FetchError as error:
        raise _broken(error) from None
    _converted[key] = found = (snapshot._replace(answer=None), reading)
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
    """The source's answer, as fetched now: a BMLT answer, or a Meeting Guide feed's
    records, read one by one as they are used (a FetchError then if the text breaks)."""
    url = source["url"]
    if source["kind"] == "meeting-guide":
        return fetch.feed_records(fetch.feed_reader(url, fetch.printable(url), deadline))
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


class Seen(NamedTuple):
    """A group as sync compares it: its name, and a digest of all but its source."""

    name: str
    digest: bytes


def _packed(groups: Iterable[dict[str, Any]]) -> str:
    """Groups as sync compares them, packed in one long text: unpacked once the groups
    are gone, none of the small objects it is made of outlives them, and the memory the
    groups took (300 MiB at 100,000 meetings) goes back whole, not in scattered pieces."""
    import hashlib

    return json.dumps([(group["id"], group["name"], hashlib.blake2b(json.dumps(
        {k: v for k, v in group.items() if k != "source"}, sort_keys=True).encode(),
        digest_size=16).hexdigest()) for group in groups])


def _unpacked(packed: str) -> dict[str, Seen]:
    return {ident: Seen(name, bytes.fromhex(digest)) for ident, name, digest in
            json.loads(packed)}


def _seen_before(source: dict[str, Any], timezone: str, path: Path) -> dict[str, Seen]:
    """The old snapshot's groups as sync compares them (see _packed); none if it is
    missing or damaged."""
    try:
        previous = read_snapshot(path)
        if previous is None:
            return {}
        packed = _packed(read_answer(source, timezone, previous).groups)
    except (SnapshotError, fetch.FetchError):
        return {}  # a damaged snapshot is replaced by a good one
    return _unpacked(packed)


def sync_one(source: dict[str, Any], data: dict[str, Any], catalogue: Path, today: dt.date,
             *, dry_run: bool = False, deadline: float = fetch.DEADLINE) -> Result:
    """Fetch one source and keep its snapshot; on failure the old snapshot stays as it was.

    The new answer's records are read one by one, each spooled as text, and its groups
    reduced to names and digests; only then are the old snapshot's groups read, unless
    its lines show it holds the very same records: a feed of 100,000 meetings is never
    held twice, nor as 100,000 objects."""
    path = snapshot_path(catalogue, source["id"])
    spool = None
    if source["kind"] == "meeting-guide" and not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        spool = Spool(path.parent)
    try:
        return _sync(source, data, path, today, spool, dry_run, deadline)
    finally:
        if spool is not None:
            spool.file.close()


def _sync(source: dict[str, Any], data: dict[str, Any], path: Path, today: dt.date,
          spool: Spool | None, dry_run: bool, deadline: float) -> Result:
    name = source["name"]
    try:
        answer = download(source, deadline)
        new = Snapshot(source["id"], source["kind"], source["url"], today.isoformat(),
                       today.isoformat(), source["url"], answer)
        if spool is not None:
            new = new._replace(answer=spool.keep(answer))
        reading = read_answer(source, data["timezone"], new)
    except PeerfindError as error:
        return Result(source["id"], name, error=str(error))
    packed = _packed(reading.groups)
    meetings = sum(len(g["meetings"]) for g in reading.groups)
    warnings, read = tuple(reading.warnings), reading.records
    del reading  # the new groups go before the old ones come
    fresh = _unpacked(packed)
    old = fresh if spool is not None and spool.same_as(path) else \
        _seen_before(source, data["timezone"], path)
    added = tuple(f"{fresh[i].name} ({i})" for i in fresh if i not in old)
    removed = tuple(f"{old[i].name} ({i})" for i in old if i not in fresh)
    changed = tuple(f"{fresh[i].name} ({i})" for i in fresh if i in old and fresh[i] != old[i])
    unchanged = sum(1 for i in fresh if i in old and fresh[i] == old[i])
    gone = []
    for override in data.get("overrides", []):
        ident = override["id"]
        if ident in old and ident not in fresh:
            what = f"confirmed on {override['checked']}" if override.get("checked") \
                else "corrected"
            gone.append(f"{name} no longer lists {old[ident].name} ({ident}), which "
                        f"you {what}: check it, then update or remove its override")
    written = False
    if not dry_run:
        from peerfind.files import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)  # (again: a Spool made it for a feed)
        records = spool.sorted() if spool is not None else ()
        write_atomic(path, (chunk.encode("utf-8") for chunk in new.chunks(records)))
        written = True
    return Result(source["id"], name, None, added, changed, removed, unchanged,
                  warnings, tuple(gone), written, meetings, read)


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
