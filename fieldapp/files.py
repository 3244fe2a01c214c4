"""Files written whole or not at all: a temporary file renamed into place, a full disk as a clear error."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from fieldapp.errors import InsufficientStorage


def write_atomic(path: Path, content: bytes | IO[bytes]) -> int:
    """Write bytes or a stream to path via a temporary file and a rename; return the size written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(content, bytes):
                out.write(content)
            else:
                shutil.copyfileobj(content, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())  # a full disk can surface only when the data is flushed
            size = out.tell()
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InsufficientStorage() from exc
        raise
    return size


def remove_quietly(paths: Iterable[Path]) -> None:
    """Delete files (and then empty folders) left by work that failed; missing ones are fine."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
