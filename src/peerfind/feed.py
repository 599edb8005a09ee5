"""Meeting Guide JSON feeds into peerfind catalogues.

Real feeds are untidy: numeric slugs, days as lists or strings, unknown type
codes, null postal codes, times with seconds. ``convert`` accepts all of
these, keeps what it cannot map (with a warning) and produces catalogue data
that passes ``peerfind validate``. Every imported group is unverified: a feed
says what an intergroup published, not that anyone has confirmed it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerfind import __version__, schema
from peerfind.problems import PeerfindError, plural
from peerfind.validate import EMAIL, TIME, is_first_name, is_phone, is_url, slugify

MAX_FEED_BYTES = 20 * 1024 * 1024
TIMEOUT = 20
DEFAULT_TIMEZONE = "America/New_York"
DAY_NAMES = {name: name for name in schema.DAYS} | {name[:3]: name for name in schema.DAYS}
MG_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
BY_CODE = {code.casefold(): slug for slug, code in schema.ALL_TYPES.items()}


class FeedError(PeerfindError):
    """A feed that cannot be read or understood."""


@dataclass
class Imported:
    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


# -- reading ------------------------------------------------------------------------


def read(location: str) -> bytes:
    """The feed's bytes, from a file or an http(s) URL."""
    if re.match(r"https?://", location, re.IGNORECASE):
        return fetch(location)
    path = Path(location)
    if path.is_dir():
        raise FeedError(f"{location}: is a folder; give a Meeting Guide JSON file or URL")
    try:
        if path.stat().st_size > MAX_FEED_BYTES:
            raise FeedError(f"{location}: larger than {MAX_FEED_BYTES // 1024 // 1024} MB; a "
                            "meeting feed is far smaller: check that this is the right file")
        return path.read_bytes()
    except FileNotFoundError:
        raise FeedError(f"{location}: no such file; check the path") from None
    except OSError as error:
        raise FeedError(f"{location}: cannot be read ({error.strerror or error})") from None


def fetch(url: str, timeout: float | None = None) -> bytes:
    timeout = TIMEOUT if timeout is None else timeout
    request = urllib.request.Request(url, headers={
        "User-Agent": f"peerfind/{__version__}", "Accept": "application/json"})
    limit = MAX_FEED_BYTES // 1024 // 1024
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - http(s) only
            length = answer.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_FEED_BYTES:
                raise FeedError(f"{url}: the answer is larger than {limit} MB; a meeting feed "
                                "is far smaller: check the address")
            data = answer.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FeedError(f"{url}: the server answered HTTP {error.code} {error.reason}; check "
                        "the address, or try again later") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FeedError(f"{url}: no answer within {timeout:g} s; try again later") from None
        raise FeedError(f"{url}: cannot connect ({error.reason}); check the address and "
                        "your connection") from None
    except TimeoutError:
        raise FeedError(f"{url}: no answer within {timeout:g} s; try again later") from None
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"{url}: the answer is larger than {limit} MB; a meeting feed is far "
                        "smaller: check the address")
    return data


def parse(data: bytes, shown: str) -> list[Any]:
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        start = data[:40].decode("utf-8", errors="replace").strip().replace("\n", " ")
        raise FeedError(f"{shown}: not JSON (it starts with {start!r}); a Meeting Guide feed "
                        "is a JSON list of meetings: check the address") from None
    if not isinstance(records, list):
        raise FeedError(f"{shown}: expected a JSON list of meetings, found "
                        f"{type(records).__name__}")
    return records


# -- one record -------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _days(value: Any, where: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        if isinstance(item, bool):
            raise FeedError(f"{where}: day {item!r} is not a day; expected 0 (Sunday) to 6")
        if isinstance(item, int) and 0 <= item <= 6:
            days.append(MG_DAYS[item])
        elif isinstance(item, str) and item.strip().isdigit() and 0 <= int(item) <= 6:
            days.append(MG_DAYS[int(item)])
        elif isinstance(item, str) and item.strip().casefold() in DAY_NAMES:
            days.append(DAY_NAMES[item.strip().casefold()])
        else:
            raise FeedError(f"{where}: day {item!r} is not a day; expected 0 (Sunday) to 6, "
                            "or a list of them")
    return days


def _time(value: Any, where: str, key: str) -> str | None:
    text = _text(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", text)
    hhmm = f"{int(match.group(1)):02d}:{match.group(2)}" if match else ""
    if not TIME.fullmatch(hhmm):
        raise FeedError(f"{where}: {key} {value!r} is not a time; expected \"HH:MM\"")
    return hhmm


def _number(value: Any, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -limit <= number <= limit and number != 0 else None


@dataclass
class Row:
    """One feed record, tidied."""

    key: tuple[str, str]
    group: dict[str, Any]
    meetings: list[dict[str, Any]]
    types: list[str]


def _row(index: int, record: Any, warnings: list[str]) -> Row | None:
    if not isinstance(record, dict):
        raise FeedError(f"record {index}: expected an object with name, slug, day and time, "
                        f"found {type(record).__name__}")
    name = _text(record.get("name"))
    where = f"record {index} ({name!r})" if name else f"record {index}"
    if not name:
        raise FeedError(f"{where}: no name; every Meeting Guide record needs one")
    if record.get("day") in (None, "", []) or not _text(record.get("time")):
        warnings.append(f"{where}: no day or time (by appointment?); left out")
        return None
    days = _days(record["day"], where)
    start = _time(record.get("time"), where, "time")
    end = _time(record.get("end_time"), where, "end_time")
    minutes = None
    if end is not None:
        length = (int(end[:2]) * 60 + int(end[3:]) - int(start[:2]) * 60 - int(start[3:])) % 1440
        minutes = length or None

    raw_types = record.get("types") or []
    if isinstance(raw_types, str):
        raw_types = [part for part in re.split(r"[,\s]+", raw_types) if part]
    types, unknown = [], []
    for code in raw_types:
        slug = BY_CODE.get(_text(code).casefold())
        if slug is None:
            unknown.append(_text(code))
        elif slug not in types:
            types.append(slug)
    if unknown:
        warnings.append(f"{where}: type codes peerfind does not know, kept as other_types: "
                        f"{', '.join(unknown)}")

    venue = _text(record.get("location"))
    street = _text(record.get("address"))
    city = _text(record.get("city"))
    state = _text(record.get("state"))
    postal = _text(record.get("postal_code"))
    formatted = _text(record.get("formatted_address"))
    address = formatted or ", ".join(p for p in (street, city, " ".join(
        p for p in (state, postal) if p)) if p)
    town = city or _text(record.get("region"))
    if not town and formatted.count(",") >= 2:
        town = formatted.split(",")[1].strip()

    online: dict[str, str] = {}
    notes = []
    url = _text(record.get("conference_url"))
    if url and is_url(url):
        online["url"] = url
    elif url:
        warnings.append(f"{where}: conference_url {url!r} is not a web address; left out")
    phone = _text(record.get("conference_phone"))
    if phone and is_phone(phone):
        online["phone"] = phone
    elif phone:
        notes.append(f"Dial in: {phone}")
    for key in ("conference_url_notes", "conference_phone_notes"):
        if _text(record.get(key)):
            notes.append(_text(record.get(key)))
    if notes and online:
        online["notes"] = " ".join(notes)
    tc = "location-closed" in types
    if online and (tc or not street and not formatted):
        attendance = "online"
    elif online:
        attendance = "hybrid"
    else:
        attendance = "in_person"
    if attendance != "online" and not town:
        warnings.append(f"{where}: no city, region or address to place it; left out")
        return None

    language = "english"
    languages = [t for t in types if t in schema.LANGUAGES]
    if len(languages) == 1:
        language = languages[0]
        types.remove(language)

    group: dict[str, Any] = {"name": _text(record.get("group")) or name, "venue": venue,
                             "address": address if attendance != "online" else "",
                             "town": town, "attendance": attendance, "language": language}
    latitude = _number(record.get("latitude"), 90)
    longitude = _number(record.get("longitude"), 180)
    if latitude is not None and longitude is not None:
        group["latitude"], group["longitude"] = latitude, longitude
    if online:
        group["online"] = online
    if unknown:
        group["other_types"] = unknown
    group["notes"] = " ".join(p for p in (_text(record.get("group_notes")),
                                          _text(record.get("location_notes"))) if p)
    contact = _contact(record, where, warnings)
    if contact:
        group["contact"] = contact
    link = _text(record.get("url"))
    if link and is_url(link):
        group.setdefault("contact", {})["url"] = link
    meetings = []
    for day in days:
        meeting: dict[str, Any] = {"day": day, "time": start}
        if minutes is not None:
            meeting["minutes"] = minutes
        if _text(record.get("notes")):
            meeting["notes"] = _text(record.get("notes"))
        meetings.append(meeting)
    key = (group["name"].casefold(), (venue or address or town).casefold())
    return Row(key, group, meetings, types)


def _contact(record: dict[str, Any], where: str, warnings: list[str]) -> dict[str, str]:
    contact = {}
    name = _text(record.get("contact_1_name"))
    if name and is_first_name(name):
        contact["name"] = name
    elif name:
        warnings.append(f"{where}: contact name left out: members stay anonymous (a first "
                        "name and last initial only)")
    phone = _text(record.get("contact_1_phone"))
    if phone and is_phone(phone):
        contact["phone"] = phone
    email = _text(record.get("contact_1_email"))
    if email and EMAIL.fullmatch(email):
        contact["email"] = email
    return contact


# -- the catalogue ------------------------------------------------------------------


def _is_zone(name: str) -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America"
        return False
    return True


def _zone(records: list[Any], fallback: str | None, warnings: list[str]) -> str:
    """The feed's own time zone if it names one that exists, else ``fallback``."""
    if fallback is not None and not _is_zone(fallback):
        raise FeedError(f"'{fallback}' is not a time zone; give --timezone as an IANA name "
                        "such as America/New_York")
    zones = {_text(r.get("timezone")) for r in records if isinstance(r, dict)} - {""}
    own = sorted(zones)[0] if len(zones) == 1 else None
    if own is not None and _is_zone(own):
        return own
    zone = fallback or DEFAULT_TIMEZONE
    said = f"names the time zone {own!r}, which does not exist" if own else (
        "names no single time zone")
    if own is not None or fallback is None:
        warnings.append(f"the feed {said}; using {zone}"
                        + ("" if fallback else " (set --timezone)"))
    return zone


def feed_source(feed: str) -> str:
    """The ``source`` of every group imported from a feed: how merge knows them again."""
    return f"Meeting Guide feed {feed}"


def convert(records: list[Any], feed: str, today: dt.date, *, timezone: str | None = None,
            fellowship: str = "AA") -> Imported:
    """Catalogue data (as ``validate.check`` returns it) from feed records.

    The time zone is the feed's own; ``timezone`` is used only when the feed names
    none (or several), and America/New_York, with a warning, when neither does.
    """
    warnings: list[str] = []
    rows = [row for index, record in enumerate(records)
            if (row := _row(index, record, warnings)) is not None]
    zone = _zone(records, timezone, warnings)

    groups: dict[tuple[str, str], dict[str, Any]] = {}
    types: dict[tuple[str, str], list[list[str]]] = {}
    for row in rows:
        group = groups.setdefault(row.key, {**row.group, "meetings": []})
        for meeting in row.meetings:
            slot = (meeting["day"], meeting["time"])
            if slot not in {(m["day"], m["time"]) for m in group["meetings"]}:
                group["meetings"].append(meeting)
                types.setdefault(row.key, []).append(row.types)

    used_ids: set[str] = set()
    out = []
    for key, group in groups.items():
        shared = [t for t in types[key][0] if all(t in ts for ts in types[key][1:])]
        for meeting, own in zip(group["meetings"], types[key], strict=True):
            extra = [t for t in own if t not in shared]
            if extra:
                meeting["types"] = extra
        if "open" in shared and "closed" in shared:
            shared.remove("open")
            warnings.append(f"{group['name']}: both open and closed in the feed; kept closed")
        base = slugify(f"{group['name']} {group['town']}") or "group"
        ident, n = base, 2
        while ident in used_ids:
            ident, n = f"{base}-{n}", n + 1
        used_ids.add(ident)
        entry = {"id": ident, "name": group["name"], "fellowship": fellowship}
        entry.update({k: v for k, v in group.items() if v not in ("", None, [], {})
                      and k not in ("name", "meetings")})
        if shared:
            entry["types"] = shared
        entry["meetings"] = group["meetings"]
        entry["source"] = feed_source(feed)
        entry["status"] = "unverified"
        out.append(entry)

    entities = {_text(r.get("entity_location")) for r in records if isinstance(r, dict)} - {""}
    states = {_text(r.get("state")) for r in records if isinstance(r, dict)} - {""}
    data: dict[str, Any] = {
        "catalogue": schema.FORMAT_VERSION,
        "area": sorted(entities)[0] if len(entities) == 1 else f"Meetings from {feed}",
        "timezone": zone,
        "updated": today.isoformat(),
    }
    if len(states) == 1:
        data["state"] = states.pop()
    data["notes"] = (f"Imported from the Meeting Guide feed {feed} on {today.isoformat()}: "
                     f"{plural(len(out), 'group')}. Every group is unverified until a volunteer "
                     "confirms it and adds a checked date.")
    data["groups"] = out
    return Imported(data, warnings)


def to_yaml(data: dict[str, Any], feed: str) -> str:
    import yaml

    header = ("# peerfind catalogue imported from a Meeting Guide feed: " + feed + "\n"
              "# Format: docs/catalogue.md. Check it with: peerfind validate PATH\n")
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
    return header + body


@dataclass
class Merge:
    data: dict[str, Any]
    added: list[str]
    changed: list[str]
    removed: list[str]


def merge(existing: dict[str, Any], imported: dict[str, Any], feed: str) -> Merge:
    """Update ``existing`` with the imported groups, by id.

    Groups the feed no longer lists are removed only if they came from this feed;
    everything else in the catalogue is kept as it is.
    """
    from peerfind.catalogue import replace_by_key

    source = feed_source(feed)
    new = {g["id"]: g for g in imported["groups"]}
    old = {g["id"]: g for g in existing.get("groups", [])}
    added = [ident for ident in new if ident not in old]
    changed = [ident for ident in new if ident in old and old[ident] != new[ident]]
    removed = [ident for ident, g in old.items()
               if ident not in new and g.get("source") == source]
    kept = [g for g in existing.get("groups", []) if g["id"] not in removed]
    groups = replace_by_key(kept, imported["groups"], "id")
    data = {**existing, "groups": groups, "updated": imported["updated"]}
    return Merge(data, added, changed, removed)
