"""The console script. It answers --version before importing anything heavy."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from peerfind import __version__

        sys.stdout.write(f"peerfind {__version__}\n")
        return
    from peerfind.cli import main as run

    run()
