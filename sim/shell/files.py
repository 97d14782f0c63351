"""Writing files atomically: a reader (or an interrupted writer) never sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sim.errors import OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, write) -> None:
    """Write through ``write(tmp_path)`` to a temporary file beside ``path``, then rename it into place.

    Raises:
        OutputError: the file could not be written (a full disk, a folder that cannot be created, a
            directory in its place); it names ``path`` and the cause, and ``path`` is as it was.
    """
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)   # mkstemp creates files private; results are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(path, exc) from exc
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp: str | None) -> None:
    if tmp is not None and os.path.exists(tmp):
        try:
            os.remove(tmp)
        except OSError:
            pass
