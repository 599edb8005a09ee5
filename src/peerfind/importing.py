"""``peerfind import``: one source, read once, written as a catalogue of its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

from peerfind import bmlt, fetch, meetingguide, schema
from peerfind.listing import Context
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
        expected = "a Meeting Guide feed (a JSON list of meetings)"
        raw = fetch.read(feed, deadline=deadline)
        text = fetch.decode(raw, shown, expected)
        del raw  # a feed of 100,000 meetings is 70 MiB: not held twice while parsed
        records = fetch.parse_json(text, shown, expected)
        del text
        if not isinstance(records, list):
            raise fetch.FetchError(f"{shown}: expected a JSON list of meetings, found "
                                   f"{type(records).__name__}")
        zone = meetingguide.feed_zone(records, timezone, warnings)
        reading = meetingguide.read(records, Context("", fellowship, zone, zone, feed, today), {},
                                    consume=True)
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
