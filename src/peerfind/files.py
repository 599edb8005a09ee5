"""Writing files safely: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from peerfind.problems import PeerfindError


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written file."""
    folder = path.parent
    if path.is_dir():
        raise PeerfindError(f"cannot write {path}: it is a folder; give a file name such as "
                            f"{path / 'handout.html'}")
    if not folder.is_dir():
        raise PeerfindError(f"cannot write {path}: the folder {folder} does not exist; create "
                            "it or choose another path")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise PeerfindError(f"cannot write {path}: {error.strerror or error}") from None
