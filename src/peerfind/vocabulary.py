"""One vocabulary: every name a person types or a catalogue writes, resolved one way.

Fellowships (key or full name, any case), attendance, meeting types (name or
Meeting Guide code), languages (name, Meeting Guide code or ISO 639-1 code such
as ``es``), times of day, resource kinds and towns all go through here, with one
did-you-mean, so that ``list``, ``import``, ``resources`` and ``validate`` agree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from peerfind import schema
from peerfind.problems import UsageError
from peerfind.schema import town_key

# ISO 639-1 codes that differ from the Meeting Guide's language codes.
ISO_LANGUAGES = {"es": "spanish"}


def suggest(value: str, choices: Iterable[str]) -> str:
    """' (did you mean 'X'?)' for the closest choice, ignoring case; '' if none is close."""
    folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean '{folded[close[0]]}'?)" if close else ""


def unknown(option: str, value: str, what: str, choices: list[str]) -> UsageError:
    return UsageError(f"{option}: '{value}' is not a known {what}{suggest(value, choices)}; "
                      f"expected one of {', '.join(choices)}")


def fellowship(value: str, option: str = "--fellowship") -> str:
    key = schema.CHOICE_ALIASES["fellowship"].get(" ".join(value.split()).casefold())
    if key is None:
        raise unknown(option, value, "fellowship", list(schema.FELLOWSHIPS))
    return key


def attendance(value: str, option: str = "--attendance") -> str:
    found = schema.ATTENDANCE_WORDS.get(value.strip().casefold()) or \
        schema.CHOICE_ALIASES["attendance"].get(value.strip().casefold())
    if found is None:
        raise unknown(option, value, "attendance", ["in-person", "online", "hybrid"])
    return found


def meeting_type(value: str, option: str = "--type") -> str:
    """A type given as a slug ('open') or a Meeting Guide code ('O')."""
    text = value.strip().casefold()
    if text in schema.ALL_TYPES:
        return text
    for slug, code in schema.ALL_TYPES.items():
        if code.casefold() == text:
            return slug
    raise unknown(option, value, "meeting type (a name or Meeting Guide code)",
                  sorted(schema.ALL_TYPES))


def language(value: str, option: str = "--language") -> str:
    text = value.strip().casefold()
    if text in ISO_LANGUAGES:
        return ISO_LANGUAGES[text]
    for slug, code in schema.LANGUAGES.items():
        if text in (slug, code.casefold()):
            return slug
    raise unknown(option, value, "language (a name, or a code such as es)",
                  list(schema.LANGUAGES))


CLOCK = r"(?i)(\d{1,2})(?:[:.h ]?(\d{2}))?\s*(?:([ap])\.?m?\.?)?"  # compiled when first used


def clock(value: str) -> str | None:
    """'7:30', '19:30', '7pm', '7:30 p.m.', '19h30' -> 'HH:MM' (24-hour); None if it is
    not a time of day."""
    match = re.fullmatch(CLOCK, value.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").lower()
    if half and not 1 <= hour <= 12:
        return None  # '13pm' and '0am' are not times
    if half:
        hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def days(value: str, today: dt.date, option: str = "--day") -> set[int]:
    """Weekday numbers (0 = Monday) for a day, its short form, today, tomorrow,
    weekdays or weekend."""
    text = value.strip().casefold()
    text = schema.DAY_ALIASES.get(text, text)
    if text in schema.DAYS:
        return {schema.DAYS.index(text)}
    relative = {"today": {today.weekday()}, "tomorrow": {(today.weekday() + 1) % 7},
                "weekdays": set(range(5)), "weekend": {5, 6}}
    if text in relative:
        return relative[text]
    raise UsageError(f"{option}: '{value}' is not a day{suggest(text, list(schema.DAYS))}; "
                     "expected monday..sunday, mon..sun, today, tomorrow, weekdays or weekend")


def time_of_day(value: str, option: str = "--time") -> tuple[str, str]:
    found = schema.TIME_BUCKETS.get(value.strip().casefold())
    if found is None:
        raise unknown(option, value, "time of day", list(schema.TIME_BUCKETS))
    return found


def resource_kind(value: str, option: str = "--kind") -> str:
    text = value.strip().casefold()
    if text not in schema.RESOURCE_KINDS:
        raise unknown(option, value, "resource kind", list(schema.RESOURCE_KINDS))
    return text


def town(value: str, known: Iterable[str], option: str = "--town") -> str:
    """The town's key (see schema.town_key), or an error listing the known towns."""
    spellings: dict[str, str] = {}
    for name in known:
        if name:
            spellings.setdefault(town_key(name), name)
    if town_key(value) not in spellings:
        raise unknown(option, value, "town", sorted(spellings.values()))
    return town_key(value)
