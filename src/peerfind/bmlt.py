"""NA meeting lists from BMLT root servers (the semantic JSON API) into catalogue groups.

A server answers three questions: its meetings (``GetSearchResults``), its format
codes (``GetFormats``) and its service bodies (``GetServiceBodies``). Every
value is a JSON string. ``weekday_tinyint`` counts 1 = Sunday. Format keys are
the server's own: they are mapped through ``GetFormats`` by ``world_id`` (NA
World Services' shared code), then by key for languages, never by guess.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from peerfind import listing
from peerfind.listing import Context, Reading, line, text

DAYS_FROM_SUNDAY = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
SWITCHES = {"meetings": "GetSearchResults", "formats": "GetFormats",
            "service_bodies": "GetServiceBodies"}

# NA World Services format codes (GetFormats' world_id) -> peerfind type slugs.
WORLD_TYPES = {
    "BEG": "beginners", "CLOSED": "closed", "OPEN": "open", "CAN": "candlelight",
    "DISC": "discussion", "GL": "lgbtq", "M": "men", "W": "women", "WCHR": "wheelchair",
    "Y": "young-people", "LIT": "literature", "MED": "meditation", "SPK": "speaker",
    "STEP": "step-study", "TRAD": "tradition-study", "CW": "child-friendly",
    "SMOK": "smoking", "NS": "", "VAR": "", "TOP": "", "QA": "",
}
# Keys of language formats (world_id LANG) -> peerfind languages.
LANGUAGE_KEYS = {"es": "spanish", "sp": "spanish", "en": "english", "eng": "english",
                 "fin": "finnish", "fr": "french", "de": "german", "it": "italian",
                 "pl": "polish", "pt": "portuguese", "ru": "russian", "per": "persian",
                 "fa": "persian", "ar": "arabic", "he": "hebrew", "ja": "japanese"}
LANG_ENUM = {"es": "spanish", "fr": "french", "de": "german", "it": "italian", "pt": "portuguese",
             "pl": "polish", "ru": "russian", "fa": "persian"}
VENUE_TYPES = {"1": "in_person", "2": "online", "3": "hybrid"}


def query(root: str, switch: str, selection: dict[str, Any]) -> str:
    """The URL that asks a root server one of its questions."""
    base = root if root.endswith("/") else root + "/"
    params: list[tuple[str, str]] = [("switcher", SWITCHES[switch])]
    if switch == "meetings":
        for service in selection.get("services", ()):
            params.append(("services[]", str(service)))
        if selection.get("services"):
            params.append(("recursive", "1"))
        near = selection.get("near")
        if near:
            lat, lon = near.split(",")
            params += [("lat_val", lat.strip()), ("long_val", lon.strip()),
                       ("geo_width", f"{selection.get('within', 25):g}")]
    return f"{base}client_interface/json/?{urlencode(params)}"


def check_answer(answer: dict[str, Any]) -> str | None:
    """What is wrong with the shape of an answer, or None."""
    if not isinstance(answer.get("meetings"), list):
        return "GetSearchResults did not answer with a JSON list of meetings"
    if not isinstance(answer.get("formats"), list):
        return "GetFormats did not answer with a JSON list of formats"
    if not isinstance(answer.get("service_bodies", []), list):
        return "GetServiceBodies did not answer with a JSON list"
    return None


def _services(bodies: list[Any], chosen: list[int]) -> set[str] | None:
    """The chosen service bodies' ids with every body under them, or None for all."""
    if not chosen:
        return None
    children: dict[str, list[str]] = {}
    for body in bodies:
        if isinstance(body, dict):
            children.setdefault(line(body.get("parent_id")), []).append(line(body.get("id")))
    found, stack = set(), [str(c) for c in chosen]
    while stack:
        body = stack.pop()
        if body not in found:
            found.add(body)
            stack.extend(children.get(body, ()))
    return found


def _formats(formats: list[Any]) -> dict[str, tuple[str, str]]:
    """Format key -> (world id, name), for the English formats."""
    table: dict[str, tuple[str, str]] = {}
    for item in formats:
        if not isinstance(item, dict):
            continue
        key = line(item.get("key_string"))
        if key and (line(item.get("lang")) in ("", "en") or key not in table):
            table[key] = (line(item.get("world_id")).upper(), line(item.get("name_string")))
    return table


def _types(keys: str, formats: dict[str, tuple[str, str]]
           ) -> tuple[list[str], list[str], bool, list[str]]:
    """Types, other types (by name), whether temporarily closed, and unknown keys."""
    types, other, unknown, closed = [], [], [], False
    for key in (k.strip() for k in keys.split(",")):
        if not key:
            continue
        world, name = formats.get(key, ("", ""))
        if not name:
            unknown.append(key)
            continue
        slug = WORLD_TYPES.get(world)
        if world == "LANG":
            slug = LANGUAGE_KEYS.get(key.casefold())
        if world == "TC":
            closed = True
        elif world in ("VM", "HY"):
            continue
        elif slug:
            if slug not in types:
                types.append(slug)
        elif name and name not in other:
            other.append(name)
    return types, other, closed, unknown


def _near(record: dict[str, Any], selection: dict[str, Any]) -> bool:
    """Within the selection's miles of its point, as the server itself would choose
    (a meeting without coordinates is kept: the server chose it)."""
    near = selection.get("near")
    if not near:
        return True
    from peerfind.search import miles_between

    latitude = listing.number(record.get("latitude"), 90)
    longitude = listing.number(record.get("longitude"), 180)
    if latitude is None or longitude is None:
        return True
    lat, lon = (float(part) for part in near.split(","))
    return miles_between((lat, lon), (latitude, longitude)) <= selection.get("within", 25)


def _minutes(duration: str) -> int | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", duration)
    if not match:
        return None
    total = int(match.group(1)) * 60 + int(match.group(2))
    return total if 0 < total <= listing.MAX_MINUTES else None


def read(answer: dict[str, Any], context: Context, selection: dict[str, Any]) -> Reading:
    """Catalogue groups from a BMLT answer (``meetings``, ``formats``, ``service_bodies``)."""
    warnings: list[str] = []
    formats = _formats(answer.get("formats") or [])
    wanted = _services(answer.get("service_bodies") or [], list(selection.get("services", ())))
    records = [r for r in answer.get("meetings") or []]
    rows, converted = [], {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            warnings.append(f"record {index}: expected a meeting object; left out")
            continue
        row = _row(index, record, formats, wanted, context, warnings, converted, selection)
        if row is not None:
            rows.append(row)
    warnings += listing.converted_warnings(converted, context)
    rows.sort(key=lambda row: row["order"])
    seen: dict[tuple[str, str, str], str] = {}
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        world = row["world"]
        slot = (world, row["meeting"]["day"], row["meeting"]["time"])
        if world and slot in seen:
            if seen[slot] != row["name"]:
                warnings.append(f"{row['where']}: listed twice ({seen[slot]!r} at the same "
                                "time); kept once")
            continue
        if world:
            seen[slot] = row["name"]
        group = groups.get(row["key"])
        if group is None:  # (a key is a world id, or a record's own number: two meetings
            # of one group at one day and time are the one meeting listed twice, above)
            group = groups[row["key"]] = {**row["group"], "meetings": []}
        group["meetings"].append(row["meeting"])
    out, used = [], set()
    for key, group in groups.items():
        base = listing.ident(context.prefix, key[0])
        ident = base if base not in used else f"{base}-{group['first']}"
        used.add(ident)
        group.pop("first")
        out.append(listing.finish({"id": ident, **group}))
    return Reading(out, warnings, len(records))


def _row(index: int, record: dict[str, Any], formats: dict[str, tuple[str, str]],
         wanted: set[str] | None, context: Context, warnings: list[str],
         converted: dict[str, int], selection: dict[str, Any]) -> dict[str, Any] | None:
    name = line(record.get("meeting_name"))
    where = listing.named(name, index)
    if line(record.get("published")) == "0":
        return None
    if wanted is not None and line(record.get("service_body_bigint")) not in wanted:
        return None
    if not _near(record, selection):
        return None
    number = line(record.get("id_bigint"))
    if not (number.isascii() and number.isdigit()):
        warnings.append(f"{where}: no id_bigint; left out")
        return None
    weekday = line(record.get("weekday_tinyint"))
    start = listing.clock(record.get("start_time"))
    if weekday not in ("1", "2", "3", "4", "5", "6", "7") or start in (None, "24:00"):
        warnings.append(f"{where}: day {listing.shown(record.get('weekday_tinyint'))} or "
                        f"time {listing.shown(record.get('start_time'))} cannot be read; "
                        "left out")
        return None
    if not name:
        warnings.append(f"{where}: no meeting_name; left out")
        return None
    day = DAYS_FROM_SUNDAY[int(weekday) - 1]
    ((day, start),) = listing.slots([day], start, line(record.get("time_zone")), context, where,
                                    warnings, converted)
    types, other, closed, unknown = _types(line(record.get("formats")), formats)
    if unknown:
        warnings.append(f"{where}: format keys the server's GetFormats does not list: "
                        f"{', '.join(unknown)}; kept as other types")
        other += [key for key in unknown if key not in other]
    language = LANG_ENUM.get(line(record.get("lang_enum")).casefold())
    if language and language not in types:
        types.append(language)

    link = listing.url(record.get("virtual_meeting_link"))
    phone, meeting_id, passcode = listing.dial(record.get("phone_meeting_number"))
    online = {"url": link, "phone": phone, "meeting_id": meeting_id, "passcode": passcode,
              "notes": text(record.get("virtual_meeting_additional_info"))}
    joinable = bool(link or phone)
    street = line(record.get("location_street"))
    town = listing.town_name(record.get("location_municipality")) or listing.town_name(
        record.get("location_city_subsection")) or listing.town_name(
        record.get("location_neighborhood"))
    venue_type = VENUE_TYPES.get(line(record.get("venue_type")))
    if venue_type is None:
        venue_type = "hybrid" if joinable and street else "online" if joinable else "in_person"
    if venue_type in ("online", "hybrid") and not joinable:
        warnings.append(f"{where}: listed as {venue_type.replace('_', ' ')} with no link or "
                        "phone to join; kept as in person" if town else
                        f"{where}: online with no link or phone to join; left out")
        if not town:
            return None
        venue_type = "in_person"
    if venue_type != "online" and not town:
        warnings.append(f"{where}: no town (location_municipality) to place it; left out")
        return None
    state = line(record.get("location_province"))
    postal = line(record.get("location_postal_code_1"))
    address = ", ".join(p for p in (street, town, " ".join(p for p in (state, postal) if p))
                        if p) if street else ""
    group: dict[str, Any] = {
        "name": name,
        "fellowship": context.fellowship,
        "venue": line(record.get("location_text")).rstrip(","),
        "address": address if venue_type != "online" else "",
        "town": town,
        "attendance": venue_type,
        "notes": text(record.get("location_info")),
        "source": context.origin,
        "status": "temporarily-closed" if closed else "unverified",
        "first": number,
    }
    latitude = listing.number(record.get("latitude"), 90)
    longitude = listing.number(record.get("longitude"), 180)
    if latitude is not None and longitude is not None and venue_type != "online":
        group["latitude"], group["longitude"] = latitude, longitude
    if venue_type != "in_person":
        group["online"] = {k: v for k, v in online.items() if v}
    if other:
        group["other_types"] = other
    meeting: dict[str, Any] = {"day": day, "time": start, "slug": number[:64]}
    minutes = _minutes(line(record.get("duration_time")))
    if minutes is not None:
        meeting["minutes"] = minutes
    if types:
        meeting["types"] = types
    comments = text(record.get("comments"))
    if comments:
        meeting["notes"] = comments
    world = line(record.get("worldid_mixed"))
    key = (world or number, name.casefold(), street.casefold(), town.casefold(), venue_type,
           link, phone)
    return {"order": int(number), "world": world, "name": name, "where": where, "key": key,
            "group": group, "meeting": meeting}

