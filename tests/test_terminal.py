"""peerfind in a real pseudo-terminal at 80 and 120 columns: colour, widths, nothing cut."""

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

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")


def run_in_terminal(args: list[str], columns: int, env: dict[str, str]) -> str:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
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
    return env


@pytest.mark.parametrize("columns", [80, 120])
def test_schedule_fits_the_terminal_with_colour(columns, terminal_env):
    screen = run_in_terminal(["schedule"], columns, terminal_env)
    assert COLOUR.search(screen), "a terminal gets colour"
    plain = ANSI.sub("", screen)
    lines = plain.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert lines[1].split() == ["Day", "Time", "Meeting", "Types", "Status"]
    assert "…" not in plain
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        assert any(line.startswith(day) for line in lines)
    flat = " ".join(plain.split())
    for name in ("Monday Night Group", "Otherton Hope", "SMART Online", "Women's Hybrid",
                 "Night Owls", "Paused Family Group"):
        assert name in flat


def test_no_color_is_honoured_in_a_terminal(terminal_env):
    args = ["tonight", "--at", "2026-11-27T18:30"]
    assert COLOUR.search(run_in_terminal(args, 80, terminal_env))
    screen = run_in_terminal(args, 80, {**terminal_env, "NO_COLOR": "1"})
    assert not COLOUR.search(screen)  # bold may stay: NO_COLOR is about colour
    assert "Women's Hybrid" in screen
