"""What the source readers share: tidying outside text and times into catalogue values.

Real feeds are untidy. Text arrives with carriage returns, tabs, terminal
escapes and other control characters; times as "19:30:00", "7:30 PM" or
"11:00 AM"; phones in one-tap form (``+16465588656,,123456789#``). These
helpers turn each into what ``peerfind validate`` accepts, or say it cannot.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from peerfind import schema
from peerfind.fetch import CONTROLS, ESCAPES, printable
from peerfind.problems import plural
from peerfind.validate import is_phone, is_url, slugify

MAX_TEXT = 10_000
MAX_MINUTES = 24 * 60
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::\d{2}(?:\.\d+)?)?\s*([ap])?\.?\s*m?\.?",
                    re.IGNORECASE)


class Reading(NamedTuple):
    """What a reader made of a source: catalogue groups, and what it had to say."""

    groups: list[dict[str, Any]]
    warnings: list[str]
    records: int


class Context(NamedTuple):
    """What a reader needs to know besides the answer itself."""

    prefix: str  # the source id, or "" for a one-off import
    fellowship: str
    timezone: str  # the catalogue's: every time is converted into it
    source_zone: str  # the zone of a record that names none
    origin: str  # the ``source`` of every group: where the facts came from
    reference: dt.date  # the week used to convert times from another zone


def text(value: Any) -> str:
    """A value as one tidy string: control characters and escapes removed, CRLF -> LF."""
    if type(value) is str and value.isprintable() and len(value) <= MAX_TEXT and (
            not value or value[0] != " " != value[-1]):
        return value  # most values of a feed: one line, nothing to remove (fast path)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = CONTROLS.sub("", ESCAPES.sub("", value))
    value = "\n".join(line.strip() for line in value.split("\n"))
    return re.sub(r"\n{2,}", "\n", value).strip()[:MAX_TEXT]


def line(value: Any) -> str:
    """Like ``text``, on one line (names, places)."""
    return " ".join(text(value).split())


def clock(value: Any) -> str | None:
    """'19:30', '19:30:00', '7:30 PM', '11:00 AM', '7pm' -> 'HH:MM'; '24:00' -> '24:00';
    anything else -> None."""
    raw = line(value)
    match = _CLOCK.fullmatch(raw)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif match.group(2) is None:
        return None  # a bare number is not a time
    if (hour, minute) == (24, 0):
        return "24:00"
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def minutes_between(start: str, end: str) -> int:
    """The length from start to end, reading an end at or before the start as the next day:
    up to 24 hours (an end equal to the start is a 24-hour marathon)."""
    length = (_minutes(end) - _minutes(start)) % MAX_MINUTES
    return length or MAX_MINUTES


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def number(value: Any, limit: float) -> float | None:
    """A coordinate, or None for anything absent, unreadable, zero or out of range."""
    if isinstance(value, bool):
        return None
    try:
        result = float(value) if isinstance(value, (int, float, str)) else None
    except (ValueError, OverflowError):
        return None
    if result is None or result != result or not -limit <= result <= limit or result == 0:
        return None
    return round(result, 6)


def url(value: Any) -> str:
    found = line(value)
    return found if found and is_url(found) else ""


def dial(value: Any) -> tuple[str, str, str]:
    """A conference phone as (phone, meeting id, passcode): one-tap strings such as
    '+16465588656,,123456789#' or '+16465588656,,123456789#,,,,*111111#' are split."""
    raw = line(value)
    if not raw:
        return "", "", ""
    number_part, *rest = re.split(r"[,;]+", raw)
    digits = re.sub(r"[^\d+]", "", number_part)
    phone = digits if is_phone(digits) else (number_part if is_phone(number_part) else "")
    codes = [re.sub(r"[^\d]", "", part) for part in rest]
    codes = [code for code in codes if code]
    meeting_id = codes[0] if codes else ""
    passcode = codes[1] if len(codes) > 1 else ""
    return phone, meeting_id, passcode


def one_tap(phone: str, meeting_id: str = "", passcode: str = "") -> str:
    """A phone number to dial in one tap, as the Meeting Guide spec writes it: digits and
    '+', then ',,ID#' and ',,,,*PASSCODE#' when they are all digits ('' for no phone)."""
    digits = re.sub(r"[^\d]", "", phone)
    if not digits:
        return ""
    number = "+" + digits if phone.strip().startswith("+") else (
        "+1" + digits if len(digits) == 10 else digits)
    code = re.sub(r"[\s-]", "", meeting_id)
    secret = re.sub(r"[\s-]", "", passcode)
    if code.isdigit() and code.isascii():
        number += f",,{code}#"
        if secret.isdigit() and secret.isascii():
            number += f",,,,*{secret}#"
    return number


def ident(prefix: str, key: str) -> str:
    """A stable group id from the source's own key."""
    return slugify(f"{prefix} {key}") or "group"


def town_name(value: Any) -> str:
    return line(value)[:80]


def convert_slot(day: str, time: str, source_zone: str, target_zone: str,
                 reference: dt.date) -> tuple[str, str]:
    """A weekly day and time in ``source_zone`` as the same instant's day and time in
    ``target_zone``, in the week of ``reference``."""
    from zoneinfo import ZoneInfo

    index = schema.DAYS.index(day)
    date = reference + dt.timedelta(days=(index - reference.weekday()) % 7)
    hour, minute = int(time[:2]), int(time[3:])
    moment = dt.datetime.combine(date, dt.time(hour, minute), ZoneInfo(source_zone))
    local = moment.astimezone(ZoneInfo(target_zone))
    return schema.DAYS[local.weekday()], f"{local:%H:%M}"


def slots(days: list[str], start: str, own: str, context: Context, where: str,
          warnings: list[str], converted: dict[str, int]) -> list[tuple[str, str]]:
    """A record's days at ``start`` in the catalogue's zone: from the record's own zone
    (``own``), else the source's; a zone that does not exist is named in a warning."""
    zone = context.source_zone
    if own and is_zone(own):
        zone = own
    elif own:
        warnings.append(f"{where}: time zone {shown(own)} does not exist; its time is read "
                        f"as {zone}")
    if zone == context.timezone:
        return [(day, start) for day in days]
    converted[zone] = converted.get(zone, 0) + 1
    return [convert_slot(day, start, zone, context.timezone, context.reference) for day in days]


def converted_warnings(converted: dict[str, int], context: Context) -> list[str]:
    return [f"{plural_records(n)} in {zone} converted to {context.timezone}"
            for zone, n in sorted(converted.items())]


def is_zone(name: str) -> bool:
    import zoneinfo

    if not name or len(name) > 64:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America"
        return False
    return True


def shown(value: Any) -> str:
    """A value from a source, quoted for a message: one line, escapes removed, cut short."""
    return repr(printable(str(value), 40))


def plural_records(count: int) -> str:
    return plural(count, "record")


def named(record_name: str, index: int) -> str:
    """How a warning names one record: its name, or its place in the answer."""
    return f"record {index} ({printable(record_name, 60)!r})" if record_name else \
        f"record {index}"


def finish(group: dict[str, Any]) -> dict[str, Any]:
    """A group as the catalogue holds it: empty values left out, types shared by every
    meeting moved up to the group, one language moved to ``language``."""
    meetings = group["meetings"]
    shared = [t for t in meetings[0].get("types", []) if all(t in m.get("types", [])
                                                            for m in meetings[1:])]
    for meeting in meetings:
        own = [t for t in meeting.get("types", []) if t not in shared]
        if own:
            meeting["types"] = own
        else:
            meeting.pop("types", None)
    languages = [t for t in shared if t in schema.LANGUAGES]
    if len(languages) == 1:
        group["language"] = languages[0]
        shared.remove(languages[0])
    if "open" in shared and "closed" in shared:
        shared.remove("open")
    if shared:
        group["types"] = shared
    for meeting in meetings:
        types = meeting.get("types", [])
        if "open" in types and ("closed" in types or "closed" in shared):
            types.remove("open")
        if "closed" in types and "open" in shared:
            types.remove("closed")
        if not types:
            meeting.pop("types", None)
    return {key: value for key, value in group.items() if value not in ("", None, [], {})}
