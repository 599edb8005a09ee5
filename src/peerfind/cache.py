"""A cache of checked catalogues, so a lookup need not parse YAML every time.

One file per catalogue path in the user's cache folder. An entry is used only
when the catalogue's path, size, modification time and content checksum
(CRC-32, enough to notice any edit and cheaper to load than hashlib), and
peerfind's own version, all match; anything else (a corrupt, foreign or stale
file) is ignored and rebuilt. Only catalogues without errors are cached.

The format is marshal, never pickle: loading it can never run code. The file
starts with a tag and a CRC-32 of the rest, checked before anything is
unmarshalled, so a damaged file is noticed and not decoded. Then come the
length of a header (the stamp, the file's fingerprint, the catalogue but its
groups, and where each block is) and the header, then for each town a block of
its groups without their meetings (with their places in the catalogue) and a
block of its meetings on each weekday: a lookup for a few towns of a state-wide
catalogue decodes only those towns' blocks, and one for a few days (what is on
tonight) only those days' meetings. The blocks are written as they are, never
copied into one.
"""

from __future__ import annotations

import marshal
import sys
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from peerfind import __version__
from peerfind.schema import DAYS, FORMAT_VERSION, Window, cutoffs, may_be_on, town_key

TAG = b"peerfind-catalogue-cache 3\n"
# marshal's format may change with the Python version: a cache from another is not read.
STAMP = f"{__version__}/{FORMAT_VERSION}/{sys.version_info[:3]}/{marshal.version}"
_CRC = slice(len(TAG), len(TAG) + 4)
ALL_DAYS = dict.fromkeys(range(7), 0)


def _entry_path(folder: Path, catalogue: Path) -> Path:
    name = zlib.crc32(str(catalogue).encode("utf-8"))
    return folder / f"{catalogue.stem[:40]}-{name:08x}.cache"


def fingerprint(path: Path, raw: bytes) -> tuple[str, int, int, int]:
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns, zlib.crc32(raw)


def read(folder: Path, path: Path, raw: bytes, towns: Iterable[str] | None = None,
         days: Callable[[str], Window | None] | None = None
         ) -> dict[str, Any] | None:
    """The cached data for this exact file content, or None.

    With ``towns`` (as typed), when each is a town of the catalogue, only the
    groups in those towns are read: enough for a lookup filtered by town. With
    ``days`` (given the catalogue's time zone, the window of meetings wanted, or None),
    only the meetings in it, and the groups that have any (see ``catalogue.on_days``).
    """
    try:
        path = path.resolve()
        blob = _entry_path(folder, path).read_bytes()
        body = memoryview(blob)[_CRC.stop:]
        if not blob.startswith(TAG) or zlib.crc32(body) != int.from_bytes(blob[_CRC], "big"):
            return None
        end = 4 + int.from_bytes(body[:4], "big")
        stamp, file, head, index = marshal.loads(body[4:end])
        if stamp != STAMP or file != fingerprint(path, raw):
            return None
        data = marshal.loads(head)
        if index is not None:  # an overlay may have no groups at all
            weekdays = days(data["timezone"]) if days is not None else None
            blocks = {key: (places, [body[end + start:end + stop] for start, stop in spans])
                      for key, (places, spans) in index.items()}
            data["groups"], only = _groups(blocks, towns, data.get("towns", ()), weekdays)
            if only is not None:
                data["towns_only"] = only
            if weekdays is not None:
                data["days_only"] = sorted(weekdays)
    except (OSError, ValueError, TypeError, EOFError, KeyError, AttributeError, IndexError):
        return None
    return data


def _groups(blocks: dict[str, tuple[tuple[int, ...], list[memoryview]]],
            towns: Iterable[str] | None, table: Iterable[dict[str, Any]],
            weekdays: Window | None) -> tuple[list[dict[str, Any]], list[str] | None]:
    """The groups of every block, or only of the towns asked for when the catalogue
    knows each of them (else the error for an unknown town could not list them all),
    in catalogue order, with their meetings in the window ``weekdays`` (None: all),
    leaving out the groups with none in it; and the town keys they were narrowed to
    (None: all)."""
    wanted = blocks.keys()
    only = None
    if towns is not None:
        keys = {town_key(town) for town in towns}
        if keys <= wanted | {town_key(town["name"]) for town in table}:
            wanted = keys & wanted
            only = sorted(keys)
    placed = []
    for key in wanted:
        places, (group_block, *day_blocks) = blocks[key]
        found = marshal.loads(group_block)
        meetings: list[list[tuple[int, dict[str, Any]]]] = [[] for _ in found]
        for day, minute in ALL_DAYS.items() if weekdays is None else cutoffs(weekdays).items():
            for local, position, meeting in marshal.loads(day_blocks[day]):
                if not minute or may_be_on(meeting, minute):
                    meetings[local].append((position, meeting))
        for place, group, own in zip(places, found, meetings):
            if own or weekdays is None:
                own.sort(key=_first)
                group["meetings"] = [meeting for _, meeting in own]
                placed.append((place, group))
    placed.sort(key=_first)
    return [group for _, group in placed], only


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _blocks(groups: list[dict[str, Any]]) -> dict[str, tuple[tuple[int, ...], list[bytes]]]:
    """Groups filed by town: each town's places in the catalogue, its groups without
    their meetings, and its meetings on each weekday (0 = Monday) with the group
    (its place in the town's list) and their place among the group's meetings."""
    by_town: dict[str, tuple[list[int], list[dict[str, Any]], list[list[Any]]]] = {}
    for place, group in enumerate(groups):
        places, found, days = by_town.setdefault(
            town_key(group.get("town", "")), ([], [], [[] for _ in DAYS]))
        for position, meeting in enumerate(group.get("meetings", ())):
            days[DAYS.index(meeting["day"])].append((len(found), position, meeting))
        places.append(place)
        found.append({key: value for key, value in group.items() if key != "meetings"})
    return {key: (tuple(places), [marshal.dumps(found), *map(marshal.dumps, days)])
            for key, (places, found, days) in by_town.items()}


def write(folder: Path, path: Path, raw: bytes, data: dict[str, Any]) -> None:
    """Store checked data; a cache that cannot be written is simply not kept."""
    from peerfind.files import write_atomic
    from peerfind.problems import PeerfindError

    head = {key: value for key, value in data.items() if key != "groups"}
    index: dict[str, tuple[tuple[int, ...], list[tuple[int, int]]]] | None = None
    pieces: list[bytes] = []
    if "groups" in data:
        index, size = {}, 0
        for key, (places, town_blocks) in _blocks(data["groups"]).items():
            spans = []
            for block in town_blocks:
                spans.append((size, size + len(block)))
                pieces.append(block)
                size += len(block)
            index[key] = (places, spans)
    try:
        path = path.resolve()
        header = marshal.dumps((STAMP, fingerprint(path, raw), marshal.dumps(head), index))
        pieces[:0] = [len(header).to_bytes(4, "big"), header]
        check = 0
        for piece in pieces:
            check = zlib.crc32(piece, check)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(_entry_path(folder, path), (TAG, check.to_bytes(4, "big"), *pieces))
    except (OSError, PeerfindError):
        pass
