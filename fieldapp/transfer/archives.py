"""Safe unpacking of uploaded zip files: no path traversal, no links, no zip bombs."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from fieldapp.errors import Invalid

MAX_MEMBERS = 2000
MAX_UNPACKED_BYTES = 4 * 1024**3
# Real survey data compresses up to about 20:1; a bomb compresses thousands of times.
MAX_RATIO = 200
_CHUNK = 1024 * 1024


def _reject(message: str) -> Invalid:
    return Invalid(message, [{"path": "file", "message": message}])


def is_ignorable(name: str) -> bool:
    """macOS resource forks and folders that archivers add and nobody meant to send."""
    parts = PurePosixPath(name).parts
    return name.endswith("/") or "__MACOSX" in parts or any(p.startswith("._") for p in parts)


def check_member_name(name: str) -> None:
    """Refuse names that would land outside the unpacking folder."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise _reject(f"The zip holds an unsafe file name {name!r} (absolute or with '..'); nothing was read.")


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_MEMBERS:
        raise _reject(f"The zip holds {len(entries)} files; at most {MAX_MEMBERS} are accepted.")
    total = 0
    for info in entries:
        check_member_name(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _reject(f"The zip holds a symbolic link {info.filename!r}; nothing was read.")
        total += info.file_size
        if info.file_size > 10 * _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _reject(
                f"{info.filename!r} would unpack {info.file_size // max(info.compress_size, 1)}"
                " times larger than it is packed: this looks like a zip bomb; nothing was read."
            )
    if total > MAX_UNPACKED_BYTES:
        raise _reject(f"The zip would unpack to {total:,} bytes; at most {MAX_UNPACKED_BYTES:,} are accepted.")


def safe_extract(archive: Path, target: Path) -> list[Path]:
    """Unpack a zip into target after checking every entry; return the files written."""
    try:
        with zipfile.ZipFile(archive) as zf:
            entries = [i for i in zf.infolist() if not is_ignorable(i.filename)]
            _check_entries(entries)
            return [_extract_one(zf, info, target) for info in entries]
    except zipfile.BadZipFile as exc:
        raise _reject(f"The file is not a readable zip archive ({exc}).") from None


def _extract_one(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> Path:
    destination = target.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as source, destination.open("wb") as out:
        # Declared sizes can lie: count what actually comes out.
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size or written > MAX_UNPACKED_BYTES:
                raise _reject(f"{info.filename!r} unpacks to more than it declares; nothing was read.")
            out.write(chunk)
    return destination


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
