"""Rendering: catalogue text is shown literally, whatever it holds; listings' tables
print as Rich would lay them out itself."""

from __future__ import annotations

import datetime as dt

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from peerfind import render
from peerfind.models import Group, Meeting
from peerfind.search import Occurrence


def printed(renderable, width: int = 100) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system="truecolor", force_terminal=True,
            markup=False).print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("Circle [bold]red[/bold]", "Circle [bold]red[/bold]"),
        ("Evil \x1b[2J\x1b[31mred", "Evil \\u001b[2J\\u001b[31mred"),
        ("Bell\x07 and\x9b CSI", "Bell\\u0007 and\\u009b CSI"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("<b>x</b> & :smile:", "<b>x</b> & :smile:"),
    ],
)
def test_catalogue_text_prints_literally(value, shown):
    group = Group(id="g", name=value, fellowship="AA", attendance="online",
                  meetings=(Meeting("monday", "19:00"),), status="active")
    out = printed(render.meetings_table([Occurrence(group, group.meetings[0])], first="day",
                                               today=dt.date(2026, 11, 27)))
    assert shown in out
    assert "\x1b[2J" not in out and "\x07" not in out and "\u202e" not in out


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [("19:00", None, "7:00 pm"), ("19:00", "20:30", "7:00–8:30 pm"),
     ("11:30", "12:30", "11:30 am–12:30 pm"), ("00:05", "01:00", "12:05–1:00 am"),
     ("12:00", "13:00", "12:00–1:00 pm")],
)
def test_time_range(start, end, expected):
    assert render.time_range(start, end) == expected


TEXTS = st.text(st.sampled_from("ab Z9-'.&東京é\u00a0"), min_size=1, max_size=70)
DATES = st.one_of(st.none(), st.dates(dt.date(2017, 1, 1), dt.date(2026, 11, 27)))
occurrences = st.builds(
    lambda name, venue, town, status, checked, listed, live, time, minutes, types, date,
    distance, in_progress: Occurrence(
        Group(id="g", name=name, fellowship="NA", attendance="in_person", venue=venue,
              town=town, status=status, checked=checked, listed=listed, live=live,
              listed_by="a source" if listed else "", types=types,
              meetings=(Meeting("friday", time, minutes),)),
        Meeting("friday", time, minutes), date=date, distance=distance,
        in_progress=in_progress),
    TEXTS, TEXTS, TEXTS, st.sampled_from(["active", "unverified", "temporarily-closed"]),
    DATES, DATES, st.booleans(),
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    st.one_of(st.none(), st.integers(1, 600)),
    st.lists(st.sampled_from(["open", "closed", "wheelchair", "speaker"]), max_size=3,
             unique=True).map(tuple),
    st.one_of(st.none(), st.dates(dt.date(2026, 11, 27), dt.date(2026, 12, 31))),
    st.one_of(st.none(), st.floats(0, 250)), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(occurrences, min_size=1, max_size=12), st.sampled_from(["none", "date", "day"]),
       st.booleans(), st.booleans(), st.integers(60, 160))
def test_listing_table_is_laid_out_as_rich_measures_it(found, first, distance, h24, width):
    """meetings_table gives its columns their widths so that Rich need not measure every
    cell (a speed trick). If a Rich release measured differently, the layout would change:
    this compares it with the same table measured by Rich."""
    found.sort(key=lambda o: (o.date or dt.date.min, o.meeting.time))
    table = render.meetings_table(found, first=first, today=dt.date(2026, 11, 27),
                                  distance=distance, h24=h24)
    ours = printed(table, width)
    for column in table.columns:
        column.width = None
    table.columns[-1].min_width, table.columns[-1].max_width = 10, 11
    assert ours == printed(table, width), (
        "render.meetings_table's column widths no longer match Rich's own measuring")
