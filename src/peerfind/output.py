"""Where a listing goes: plain lines to a pipe or a file, and on a terminal, output
longer than the screen through a pager, as git does.

The pager is $PEERFIND_PAGER, else $PAGER, else ``less`` (run with LESS=FRX unless
LESS is set: it quits at once when the text fits the screen, keeps colours, and
leaves the text on the screen). An empty value, or ``cat``, means no pager;
``--no-pager`` turns it off for one command. TTY_COMPATIBLE=1 (or 0), Rich's
own switch, says the output is (or is not) a terminal whatever it is connected to.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable

PAGER_VARS = ("PEERFIND_PAGER", "PAGER")
_BATCH = 2000  # lines written at once: fewer system calls, still streamed


def terminal() -> bool:
    """Whether standard output is a terminal (for people) rather than a pipe or a file."""
    forced = os.environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stdout.isatty()


def stream(lines: Iterable[str]) -> None:
    """Write lines as they come, a batch at a time."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == _BATCH:
            sys.stdout.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        sys.stdout.write("\n".join(batch) + "\n")
    sys.stdout.flush()


def pager() -> str | None:
    """The pager command to run, or None when standard output is not a real terminal,
    paging is off, or the pager cannot be found."""
    if not sys.stdout.isatty():
        return None
    chosen = "less"
    for var in PAGER_VARS:
        if var in os.environ:
            chosen = os.environ[var].strip()
            break
    import shlex  # here: only output to a terminal, which may be paged, needs it

    try:
        words = shlex.split(chosen)
    except ValueError:
        return None
    if not words or words[0] == "cat" or shutil.which(words[0]) is None:
        return None
    return chosen


def page(text: str, screen_lines: int, command: str) -> bool:
    """Show ``text`` through the pager ``command`` when it is longer than the screen;
    False when it was not paged (print it yourself)."""
    if text.count("\n") < screen_lines:
        return False
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    sys.stdout.flush()
    process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)  # noqa: S602
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the pager's
    try:
        assert process.stdin is not None
        process.stdin.write(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
        process.stdin.close()
    except BrokenPipeError:  # the reader quit before reading it all
        pass
    finally:
        process.wait()
        signal.signal(signal.SIGINT, previous)
    return True
