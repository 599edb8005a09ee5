"""Places people type for --near: a town, "Town, NY", a ZIP code, or LAT,LON.

Towns of the catalogue's own table come first. ZIP codes, and towns the table
does not know, are looked up offline in the ``zipcodes`` package's table of US
ZIP codes (loaded only when needed: it costs a fifth of a second).
"""

from __future__ import annotations

import re
from typing import Any

from peerfind.models import Catalogue, Group
from peerfind.problems import UsageError
from peerfind.schema import town_key

_ZIP = re.compile(r"\s*(\d{5})(?:-\d{4})?\s*")
_LAT_LON = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")
_STATE = re.compile(r"^(.*?)[\s,]+([A-Za-z]{2})\s*$")


def _centre(found: list[dict[str, Any]]) -> tuple[float, float] | None:
    """The mean of the ZIP codes' centres (a town may have several)."""
    points = []
    for entry in found:
        try:
            points.append((float(entry["lat"]), float(entry["long"])))
        except (KeyError, TypeError, ValueError):
            continue
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def by_zip(code: str) -> tuple[float, float] | None:
    import zipcodes

    try:
        return _centre(zipcodes.matching(code))
    except (ValueError, TypeError):
        return None


def by_town(name: str, state: str) -> tuple[float, float] | None:
    import zipcodes

    wanted = town_key(name)
    found = [entry for entry in zipcodes.filter_by(state=state.upper())
             if town_key(entry.get("city", "")) == wanted
             and entry.get("zip_code_type") != "MILITARY"]
    standard = [entry for entry in found if entry.get("zip_code_type") == "STANDARD"]
    return _centre(standard or found)


def near(value: str, catalogue: Catalogue) -> tuple[float, float]:
    """Where --near means, or a UsageError naming what can be typed."""
    towns = {town_key(town.name): town for town in catalogue.towns}
    state = catalogue.state or ""
    text = value.strip()
    named = _STATE.match(text)
    town_part, state_part = (named[1], named[2].upper()) if named else (text, state)
    town = towns.get(town_key(text))
    if town is None and (not state or state_part == state):
        town = towns.get(town_key(town_part))
    if town is not None:
        return town.latitude, town.longitude
    match = _LAT_LON.fullmatch(text)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
        raise UsageError(f"--near: '{value}' is not a place on Earth; latitude is -90 to 90 "
                         "and longitude -180 to 180, e.g. 41.70,-73.92")
    zip_code = _ZIP.fullmatch(text)
    if zip_code:
        found = by_zip(zip_code.group(1))
        if found is None:
            raise UsageError(f"--near: no ZIP code {zip_code.group(1)} is known; check it, or "
                             "give a town")
        return found
    if state_part and re.fullmatch(r"[^\W\d_][\w .'-]*", town_part):
        found = by_town(town_part, state_part)
        if found is not None:
            return found
    names = [town.name for town in catalogue.towns]
    from peerfind.vocabulary import suggest

    raise UsageError(f"--near: '{value}' is not a town, ZIP code or LAT,LON that peerfind "
                     f"knows{suggest(value, names)}; expected a town such as "
                     f"{', '.join(names[:3]) or 'Poughkeepsie'}, \"Town, "
                     f"{state or 'NY'}\", a ZIP code such as 12601, or coordinates such as "
                     "41.70,-73.92")


def directions(group: Group, state: str = "") -> dict[str, str] | None:
    """OpenStreetMap and Google Maps links to where an in-person group meets: by its
    address when there is one, else by its coordinates; None for online groups."""
    if group.attendance == "online":
        return None
    from urllib.parse import quote_plus

    if group.address:
        parts = [group.address]
        if group.town and town_key(group.town) not in town_key(group.address):
            parts.append(group.town)
        if state and not re.search(rf"\b{re.escape(state)}\b", group.address):
            parts.append(state)
        query = quote_plus(", ".join(parts))
        return {"openstreetmap": f"https://www.openstreetmap.org/search?query={query}",
                "google_maps": f"https://www.google.com/maps/search/?api=1&query={query}"}
    if group.latitude is not None and group.longitude is not None:
        lat, lon = f"{group.latitude:.6g}", f"{group.longitude:.6g}"
        return {"openstreetmap": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"
                                 f"#map=18/{lat}/{lon}",
                "google_maps": f"https://www.google.com/maps/search/?api=1&query={lat},{lon}"}
    return None
