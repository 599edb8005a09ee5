"""A cache of checked catalogues, so a lookup need not parse YAML every time.

One JSON file per catalogue path in the user's cache folder. An entry is used
only when the catalogue's path, size, modification time and content checksum
(CRC-32, enough to notice any edit and cheaper to load than hashlib), and
peerfind's own version, all match; anything else (a corrupt, foreign or stale
file) is ignored and rebuilt. JSON, never pickle: reading a cache can never run
code. Only catalogues without errors are cached.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from peerfind import __version__
from peerfind.schema import FORMAT_VERSION

KIND = "peerfind-catalogue-cache"
STAMP = f"{__version__}/{FORMAT_VERSION}"


def _entry_path(folder: Path, catalogue: Path) -> Path:
    name = zlib.crc32(str(catalogue).encode("utf-8"))
    return folder / f"{catalogue.stem[:40]}-{name:08x}.json"


def fingerprint(path: Path, raw: bytes) -> dict[str, Any]:
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "crc32": zlib.crc32(raw)}


def read(folder: Path, path: Path, raw: bytes) -> dict[str, Any] | None:
    """The cached data for this exact file content, or None."""
    try:
        text = _entry_path(folder, path.resolve()).read_text(encoding="utf-8")
        entry = json.loads(text)
        if (isinstance(entry, dict) and entry.get("kind") == KIND
                and entry.get("stamp") == STAMP
                and entry.get("file") == fingerprint(path.resolve(), raw)
                and isinstance(entry.get("data"), dict)):
            return entry["data"]
    except (OSError, ValueError):
        pass
    return None


def write(folder: Path, path: Path, raw: bytes, data: dict[str, Any]) -> None:
    """Store checked data; a cache that cannot be written is simply not kept."""
    from peerfind.files import write_atomic
    from peerfind.problems import PeerfindError

    entry = {"kind": KIND, "stamp": STAMP, "file": fingerprint(path.resolve(), raw),
             "data": data}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(_entry_path(folder, path.resolve()),
                     json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode())
    except (OSError, PeerfindError):
        pass
