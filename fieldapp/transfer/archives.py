"""Safe unpacking of uploaded zip files: no path traversal, no links, no zip bombs."""

from __future__ import annotations

import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fieldapp.config import Settings
from fieldapp.errors import Invalid
from fieldapp.transfer.report_lines import Line, text_line

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """How many files a zip may hold, how much it may unpack to, and how far one member may expand
    (real survey data compresses up to about 20:1; a bomb thousands of times): Settings.archive_*."""

    members: int = Settings.archive_max_members
    unpacked_bytes: int = Settings.archive_max_unpacked_bytes
    ratio: int = Settings.archive_max_ratio

    @classmethod
    def of(cls, settings: Settings) -> ArchiveLimits:
        return cls(settings.archive_max_members, settings.archive_max_unpacked_bytes, settings.archive_max_ratio)


# Settings' defaults, for callers without an app (tests, scripts); the app passes ArchiveLimits.of(its settings).
UNCONFIGURED = ArchiveLimits()


def _reject(message: str) -> Invalid:
    return Invalid(message, [{"path": "file", "message": str(message)}])


def is_ignorable(name: str) -> bool:
    """macOS resource forks and folders that archivers add and nobody meant to send."""
    parts = PurePosixPath(name).parts
    return name.endswith("/") or "__MACOSX" in parts or any(p.startswith("._") for p in parts)


def check_member_name(name: str) -> None:
    """Refuse names that would land outside the unpacking folder."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise _reject(f"The zip holds an unsafe file name {name!r} (absolute or with '..'); nothing was read.")


def _check_entries(entries: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(entries) > limits.members:
        raise _reject(f"The zip holds {len(entries)} files; at most {limits.members} are accepted.")
    total = 0
    for info in entries:
        check_member_name(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _reject(f"The zip holds a symbolic link {info.filename!r}; nothing was read.")
        total += info.file_size
        if info.file_size > 10 * _CHUNK and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _reject(
                f"{info.filename!r} would unpack {info.file_size // max(info.compress_size, 1)}"
                " times larger than it is packed: this looks like a zip bomb; nothing was read."
            )
    if total > limits.unpacked_bytes:
        raise _reject(f"The zip would unpack to {total:,} bytes; at most {limits.unpacked_bytes:,} are accepted.")


def safe_extract(archive: Path, target: Path, limits: ArchiveLimits) -> list[Path]:
    """Unpack a zip into target after checking every entry; return the files written."""
    try:
        with zipfile.ZipFile(archive) as zf:
            entries = [i for i in zf.infolist() if not is_ignorable(i.filename)]
            _check_entries(entries, limits)
            return [_extract_one(zf, info, target, limits) for info in entries]
    except zipfile.BadZipFile as exc:
        raise _reject(Line("not_a_zip", why=text_line(exc))) from None


def _extract_one(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: ArchiveLimits) -> Path:
    destination = target.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as source, destination.open("wb") as out:
        # Declared sizes can lie: count what actually comes out.
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size or written > limits.unpacked_bytes:
                raise _reject(f"{info.filename!r} unpacks to more than it declares; nothing was read.")
            out.write(chunk)
    return destination


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
