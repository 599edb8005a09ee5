"""``peerfind import``: one source, read once, written as a catalogue of its own."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from peerfind import bmlt, fetch, meetingguide, schema
from peerfind.listing import Context, Reading, line
from peerfind.problems import plural

DEFAULT_TIMEZONE = meetingguide.DEFAULT_TIMEZONE
CHECKED_AT_ONCE = 2000  # groups; the importer itself makes their ids unique
BMLT_FILES = {"meetings": "GetSearchResults.json", "formats": "GetFormats.json",
              "service_bodies": "GetServiceBodies.json"}


class Imported(NamedTuple):
    text: str
    warnings: list[str]
    groups: int
    meetings: int
    records: int


def _bmlt_answer(feed: str, deadline: float) -> dict[str, Any]:
    from peerfind.sources import download

    folder = Path(feed)
    if fetch.is_web(feed) or not folder.is_dir():
        if not fetch.is_web(feed):
            raise fetch.FetchError(f"{fetch.printable(feed)}: expected a BMLT root server's "
                                   "URL, or a folder holding GetSearchResults.json, "
                                   "GetFormats.json and GetServiceBodies.json")
        return download({"kind": "bmlt", "url": feed}, deadline)
    answer = {}
    for part, name in BMLT_FILES.items():
        path = folder / name
        answer[part] = fetch.parse_json(fetch.read(str(path)), fetch.printable(str(path)),
                                        f"a BMLT {bmlt.SWITCHES[part]} answer")
    problem = bmlt.check_answer(answer)
    if problem:
        raise fetch.FetchError(f"{fetch.printable(feed)}: {problem}")
    return answer


def one_off(feed: str, kind: str, today: dt.date, *, timezone: str | None, fellowship: str,
            deadline: float = fetch.DEADLINE) -> Imported:
    """Catalogue YAML from a Meeting Guide feed or a BMLT answer; every group unverified."""
    from peerfind.listing import is_zone

    if timezone is not None and not is_zone(timezone):
        from peerfind.problems import UsageError

        raise UsageError(f"--timezone: '{fetch.printable(timezone)}' is not a time zone; give "
                         "an IANA name such as America/New_York")
    warnings: list[str] = []
    shown = fetch.printable(feed, 200)
    if kind == "bmlt":
        answer = _bmlt_answer(feed, deadline)
        zone = timezone or DEFAULT_TIMEZONE
        reading = bmlt.read(answer, Context("", fellowship, zone, zone, feed, today), {})
        what = "BMLT server"
    else:
        zone, reading = _read_feed(feed, shown, today, timezone, fellowship, deadline,
                                   warnings)
        what = "Meeting Guide feed"
    warnings += reading.warnings
    data: dict[str, Any] = {
        "catalogue": schema.FORMAT_VERSION,
        "area": f"Meetings from {shown}",
        "timezone": zone,
        "updated": today.isoformat(),
        "notes": f"Imported from the {what} {shown} on {today.isoformat()}: "
                 f"{plural(len(reading.groups), 'group')}. Every group is unverified until a "
                 "volunteer confirms it and adds a checked date.",
        "groups": reading.groups,
    }
    meetings = sum(len(group["meetings"]) for group in reading.groups)
    check_generated(data, today)
    return Imported(to_yaml(data, shown, what), warnings, len(reading.groups), meetings,
                    reading.records)


ZONE_KEY = re.compile(r'"timezone"\s*:\s*("(?:[^"\\]|\\.)*")')


def _read_feed(feed: str, shown: str, today: dt.date, timezone: str | None, fellowship: str,
               deadline: float, warnings: list[str]) -> tuple[str, Reading]:
    """The zone a feed's times are written in, and its groups, read a record at a time
    (a feed of 100,000 meetings is never held as 100,000 objects). The zone is the
    feed's own: guessed from a quick look at the text, then checked against the records
    read; in the rare case the look misled, the feed is read again in the right zone."""
    reader = fetch.feed_reader(feed, shown, deadline)
    records = fetch.feed_records(reader)
    guessed = meetingguide.feed_zone(_zones_written(reader.text), timezone, [])
    zones: set[str] = set()
    reading = meetingguide.read(records, Context("", fellowship, guessed, guessed, feed, today),
                                {}, zones)
    zone = meetingguide.feed_zone(zones, timezone, warnings)
    if zone != guessed:
        reader.pos = 0
        reading = meetingguide.read(fetch.feed_records(reader),
                                    Context("", fellowship, zone, zone, feed, today), {})
    return zone, reading


def _zones_written(text: str) -> set[str]:
    """Every ``"timezone": "..."`` in a feed's text (records' and any nested ones)."""
    found = set()
    for written in set(ZONE_KEY.findall(text)):
        try:
            found.add(line(json.loads(written)))
        except ValueError:
            continue
    return found


def check_generated(data: dict[str, Any], today: dt.date) -> None:
    """What peerfind writes must pass its own validator; if not, that is our bug.
    (tests/test_yamlio.py checks that the YAML written reads back as this data.)"""
    from peerfind.validate import check
    from peerfind.yamlio import nodes

    groups = data["groups"]
    for start in range(0, max(len(groups), 1), CHECKED_AT_ONCE):  # a few nodes at a time
        _, found = check(nodes({**data, "groups": groups[start:start + CHECKED_AT_ONCE]}), today)
        errors = [p for p in found if p.severity == "error"]
        if errors:
            raise RuntimeError(f"generated catalogue does not validate: {errors[0]}")


def to_yaml(data: dict[str, Any], feed: str, what: str) -> str:
    from peerfind.yamlio import dump

    header = (f"# peerfind catalogue imported from a {what}: {feed}\n"
              "# Format: docs/catalogue.md. Check it with: peerfind validate PATH\n")
    return dump(data, head=header.rstrip("\n"))
