"""Which entries of a catalogue a change touched, for ``validate --changed-since REF``.

A pull request should fail on its own mistakes, not on warnings that time alone
brings to entries it never touched (a ``checked`` date turning a year old). The
file as it was at REF comes from git; an entry is changed when it is new, or
differs from the entry with the same id (help lines: the same name) there.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from peerfind.problems import PeerfindError, Problem

SECTIONS = {"groups": "id", "resources": "id", "helplines": "name", "sources": "id",
            "overrides": "id", "towns": "name"}
_ENTRY = re.compile(r"^(" + "|".join(SECTIONS) + r")\[(\d+)\]")


def old_text(path: Path, ref: str) -> str | None:
    """The file at git revision ``ref``; None when it did not exist there."""
    folder = path.resolve().parent
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder,
                             capture_output=True, text=True, check=True).stdout.strip()
        name = path.resolve().relative_to(Path(top).resolve()).as_posix()
        shown = subprocess.run(["git", "show", f"{ref}:{name}"], cwd=top, capture_output=True,
                               text=True)
    except (OSError, ValueError, subprocess.CalledProcessError):
        raise PeerfindError(f"--changed-since: {path} is not in a git repository; give "
                            "--changed-since only in a clone") from None
    if shown.returncode != 0:
        if "exists on disk, but not in" in shown.stderr or "does not exist in" in \
                shown.stderr:
            return None
        raise PeerfindError(f"--changed-since: git does not know the revision '{ref}'; fetch "
                            "it first (git fetch origin) or give a commit or branch")
    return shown.stdout


def keyed(data: dict[str, Any] | None) -> dict[tuple[str, str], Any]:
    """Every entry by (section, its id or name)."""
    found = {}
    for section, key in SECTIONS.items():
        for entry in (data or {}).get(section, []):
            if isinstance(entry, dict) and key in entry:
                found[(section, str(entry[key]))] = entry
    return found


def touched(problem: Problem, new: dict[str, Any], old: dict[tuple[str, str], Any]) -> bool:
    """Whether a problem belongs to an entry the change added or edited (a problem of the
    file as a whole counts as touched)."""
    found = _ENTRY.match(problem.where)
    if found is None:
        return True
    section, index = found.group(1), int(found.group(2))
    entries = new.get(section, [])
    if index >= len(entries) or not isinstance(entries[index], dict):
        return True
    entry = entries[index]
    key = SECTIONS[section]
    return old.get((section, str(entry.get(key)))) != entry
