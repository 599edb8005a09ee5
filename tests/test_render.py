"""Rendering: catalogue text is shown literally, whatever it holds."""

from __future__ import annotations

import datetime as dt

import io

import pytest
from rich.console import Console

from peerfind import render
from peerfind.models import Group, Meeting
from peerfind.search import Occurrence


def printed(renderable) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system="truecolor", force_terminal=True,
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
