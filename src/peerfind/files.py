"""Writing files safely: never a half-written file, and nothing else disturbed.

A regular file is written to a temporary file beside it, then renamed over it:
a new file gets the mode the umask gives (0644 under umask 022), an existing
one keeps its mode. A symbolic link is written through to its target. A
device or FIFO (``/dev/stdout``, a named pipe) is written to directly, never
replaced. The temporary file is removed if anything, Ctrl-C included, stops
the write.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from peerfind.problems import PeerfindError


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def refuse_inputs(path: Path, inputs: Iterable[Path]) -> None:
    """Refuse to write over a file being read (the catalogue or overlay in use)."""
    for used in inputs:
        try:
            same = path.exists() and used.exists() and os.path.samefile(path, used)
        except OSError:
            same = False
        if same:
            raise PeerfindError(f"cannot write {path}: it is the catalogue file in use "
                                f"({used}); choose another output file")


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or bytes in pieces) to ``path`` whole, or not at all (see
    the module's notes)."""
    target = path.resolve() if path.is_symlink() else path
    if target.is_dir():
        raise PeerfindError(f"cannot write {path}: it is a folder; give a file name such as "
                            f"{path / 'handout.html'}")
    try:
        info = target.stat()
    except OSError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(path, target, data)
        return
    folder = target.parent
    if not folder.is_dir():
        raise PeerfindError(f"cannot write {path}: the folder {folder} does not exist; create "
                            "it or choose another path")
    mode = stat.S_IMODE(info.st_mode) if info is not None else _umask_mode()
    import tempfile

    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.",
                                             suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            _write(stream, data)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise PeerfindError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _write(stream: Any, data: bytes | Iterable[bytes]) -> None:
    if isinstance(data, bytes):
        stream.write(data)
    else:
        stream.writelines(data)


def _write_in_place(path: Path, target: Path, data: bytes | Iterable[bytes]) -> None:
    """A device or FIFO: written to as it is, never replaced by a file."""
    try:
        with open(target, "wb") as stream:
            _write(stream, data)
    except OSError as error:
        raise PeerfindError(f"cannot write {path}: {error.strerror or error}") from None
