"""peerfind in a real pseudo-terminal from 30 to 120 columns: colour, widths, nothing cut."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.installed  # the installed peerfind, not mutmut's copy

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")


def run_in_terminal(args: list[str], columns: int, env: dict[str, str], rows: int = 50) -> str:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "peerfind", *args], stdin=slave,
                               stdout=slave, stderr=slave, cwd=ROOT, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.fixture
def terminal_env():
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["PEERFIND_CATALOGUE"] = "tests/fixtures/catalogue.yaml"
    env["TERM"] = "xterm-256color"
    env["PEERFIND_PAGER"] = ""  # no pager: the tests below see the whole output
    return env


NAMES = ("Monday Night Group", "Otherton Hope", "SMART Online", "Women's Hybrid", "Night Owls",
         "Paused Family Group")
# Stacked (below 60 columns), every line of a meeting reads whole, however it wraps.
WHOLE = ("temporarily closed, confirmed 1 Oct 2026", "NA · Café Central, Otherton",
         "AA · Library Room, Farborough + online", "types W SP")


@pytest.mark.parametrize("columns", [30, 40, 60, 80, 120])
def test_schedule_fits_the_terminal_whole_at_any_width(columns, terminal_env):
    screen = run_in_terminal(["schedule"], columns, terminal_env)
    assert COLOUR.search(screen), "a terminal gets colour"
    plain = ANSI.sub("", screen)
    lines = plain.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert "…" not in plain
    header = ["#", "When", "Meeting", "Status"]
    assert (lines[1].split() == header) == (columns >= 60)  # below 60: a block per meeting
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        assert sum(line.strip() == day or line.split()[1:2] == [day] for line in lines) == 1
    flat = " ".join(plain.split())
    for words in NAMES + (WHOLE if columns < 60 else ()):  # never cut mid-word
        assert words in flat, words


@pytest.mark.parametrize("columns", [30, 40, 60, 80, 120])
def test_tonight_gives_whole_join_links_at_any_width(columns, terminal_env):
    screen = ANSI.sub("", run_in_terminal(["tonight", "--at", "2026-11-27T17:00"], columns,
                                          terminal_env))
    assert "  1  https://example.org/women\n" in screen
    assert "Women's Hybrid" in " ".join(screen.split())


def test_no_color_is_honoured_in_a_terminal(terminal_env):
    args = ["tonight", "--at", "2026-11-27T18:30"]
    assert COLOUR.search(run_in_terminal(args, 80, terminal_env))
    screen = run_in_terminal(args, 80, {**terminal_env, "NO_COLOR": "1"})
    assert not COLOUR.search(screen)  # bold may stay: NO_COLOR is about colour
    assert "Women's Hybrid" in screen


@pytest.fixture
def paged(terminal_env, tmp_path):
    """A pager that keeps what it is given in a file, and that file."""
    kept = tmp_path / "paged.txt"
    terminal_env["PEERFIND_PAGER"] = f"sh -c 'cat > {kept}'"
    return terminal_env, kept


def test_a_listing_longer_than_the_screen_goes_through_the_pager(paged):
    env, kept = paged
    screen = run_in_terminal(["schedule"], 80, env, rows=10)
    text = ANSI.sub("", kept.read_text(encoding="utf-8"))
    assert "Weekly schedule" in text and "Monday Night Group" in text
    assert "Monday Night Group" not in screen  # the pager showed it, not peerfind
    assert COLOUR.search(kept.read_text(encoding="utf-8")), "colours go to the pager"


def test_no_pager_and_a_short_listing_print_straight_out(paged):
    env, kept = paged
    screen = ANSI.sub("", run_in_terminal(["schedule", "--no-pager"], 80, env, rows=10))
    assert "Monday Night Group" in screen and not kept.exists()
    screen = ANSI.sub("", run_in_terminal(["schedule"], 80, env, rows=200))
    assert "Monday Night Group" in screen and not kept.exists()
    env["PEERFIND_PAGER"] = "no-such-pager-here"
    screen = ANSI.sub("", run_in_terminal(["schedule"], 80, env, rows=10))
    assert "Monday Night Group" in screen  # a pager that cannot be found: printed
