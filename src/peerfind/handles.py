"""Row numbers: each listing numbers its rows, and `peerfind show N` finds row N.

The last listing's group ids are kept in the cache folder, with the catalogue
they came from, so a number means the row the person just saw.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from peerfind.problems import PeerfindError

FILE = "last-listing.txt"  # the catalogue's path, then one id a line (no json: start-up)


def remember(cache: Path, catalogue: str, ids: Sequence[str]) -> None:
    """Keep the rows' ids; a cache folder that cannot be written only loses the numbers."""
    temporary = cache / f".{FILE}.{os.getpid()}"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary.write_text("\n".join([catalogue.replace("\n", " "), *ids]) + "\n",
                             encoding="utf-8")
        os.replace(temporary, cache / FILE)
    except OSError:
        temporary.unlink(missing_ok=True)


def recall(cache: Path, catalogue: str, number: int) -> str:
    """The id of row ``number`` of the last listing, or an error saying what to do."""
    try:
        source, *ids = (cache / FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError):
        raise PeerfindError(f"no listing to take row {number} from; run 'peerfind tonight' "
                            "or 'peerfind list' first, or give an id or a name") from None
    if source != catalogue.replace("\n", " "):
        raise PeerfindError(f"the last listing was of another catalogue ({source}); list this "
                            "one again, or give an id or a name")
    if not 1 <= number <= len(ids):
        raise PeerfindError(f"the last listing has no row {number} (it had {len(ids)}); "
                            "give a row number it showed, an id or a name")
    return ids[number - 1]
