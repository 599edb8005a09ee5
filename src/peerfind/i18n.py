"""Fixed text in English and Spanish, from the table in strings.tsv.

The table (columns: key, en, es) holds every heading, label, day and month name
and the newcomer guide, so a translator edits one file. The guide is written
from public sources: A.A.'s pamphlet P-42, NA's own format descriptions, and
SMART Recovery's and SAMHSA's published descriptions of their approach.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerfind.models import Helpline

TABLE = Path(__file__).with_name("strings.tsv")  # a plain file: importlib.resources costs start-up

LANGUAGES = ("en", "es")


@functools.cache
def strings(lang: str = "en") -> dict[str, str]:
    """Every fixed string in one language."""
    rows = TABLE.read_text(encoding="utf-8").splitlines()
    column = rows[0].split("\t").index(lang)
    return {row.split("\t")[0]: row.split("\t")[column] for row in rows[1:]}


def guide(lang: str = "en") -> list[tuple[str, list[str]]]:
    """The newcomer guide: (heading, paragraphs) in order."""
    text = strings(lang)
    sections = []
    number = 1
    while f"guide.{number}" in text:
        paragraphs = []
        while f"guide.{number}.{len(paragraphs) + 1}" in text:
            paragraphs.append(text[f"guide.{number}.{len(paragraphs) + 1}"])
        sections.append((text[f"guide.{number}"], paragraphs))
        number += 1
    return sections


def long_date(day: dt.date, lang: str = "en", year: bool = True) -> str:
    """'Friday 27 November 2026' / 'viernes 27 de noviembre de 2026', or without the year."""
    text = strings(lang)
    weekday = text[("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                    "sunday")[day.weekday()]]
    return text["date" if year else "day_month"].format(
        weekday=weekday, weekday_lower=weekday.lower(), day=day.day,
        month=text[f"month.{day.month}"], year=day.year)


def clock(hhmm: str, lang: str = "en", h24: bool = False) -> str:
    """'19:05' -> '7:05 pm' (or '7:05 p. m.'; or '19:05' on a 24-hour clock)."""
    if h24:
        return hhmm
    hour, minute = int(hhmm[:2]), int(hhmm[3:])
    half = strings(lang)["am" if hour < 12 else "pm"]
    return f"{hour % 12 or 12}:{minute:02d} {half}"


def time_range(start: str, end: str | None, lang: str = "en", h24: bool = False) -> str:
    """'7:00–8:30 pm', or '11:30 am–12:30 pm' when the half of the day changes."""
    if end is None:
        return clock(start, lang, h24)
    if h24:
        return f"{start}–{end}"
    first, last = clock(start, lang), clock(end, lang)
    first_half, last_half = first.split(" ", 1)[1], last.split(" ", 1)[1]
    if first_half == last_half:
        first = first.split(" ", 1)[0]
    return f"{first}–{last}"


def reach(line: Helpline, lang: str = "en") -> tuple[str, ...]:
    """How to reach a help line: 'call 988', 'text 988', 'TTY ...', its web address."""
    text = strings(lang)
    parts = (f"{text['call']} {line.phone}" if line.phone else "",
             f"{text['text']} {line.text}" if line.text else "",
             f"{text['tty']} {line.tty}" if line.tty else "", line.url)
    return tuple(part for part in parts if part)
