"""The service worker's shell: every page and file /record needs with no network, listed from the files.

Nothing is listed by hand: every script under static/js is kept (so a new recording module is cached
the moment it exists), with Leaflet, the drawing tools, the styles, the icons and the outlines. The
cache's name carries a hash of all of them and of the worker's own code, so a deploy that changes any
one of them makes phones fetch the shell afresh, and a deploy that changes none keeps their copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fieldapp.config import PROJECT_ROOT

STATIC = PROJECT_ROOT / "static"
# Paths under static/, as globs. js/**/*.js: the recording modules and everything they import.
SHELL_GLOBS = (
    "js/**/*.js",
    "css/site.css",
    "css/record.css",
    "css/print.css",
    "manifest.webmanifest",
    "icons/*.png",
    "vendor/leaflet/*.js",
    "vendor/leaflet/*.css",
    "vendor/leaflet/images/*.png",
    "vendor/leaflet-geoman/*.js",
    "vendor/leaflet-geoman/*.css",
)
# The worker's code; the generated declarations replace this marker in it.
BODY = Path(__file__).with_name("sw.js")
MARKER = "/* @shell */"
CACHE_PREFIX = "fieldapp-shell-"


@dataclass(frozen=True)
class Shell:
    """What the worker keeps: pages first fetched from the network, and files taken from the cache."""

    pages: tuple[str, ...]
    files: tuple[str, ...]
    version: str

    def urls(self) -> list[str]:
        return [*self.pages, *self.files]


def static_files(root: Path = STATIC, globs: Iterable[str] = SHELL_GLOBS) -> list[str]:
    """The shell's files under root, as sorted paths relative to it (forward slashes)."""
    found = {path.relative_to(root).as_posix() for pattern in globs for path in root.glob(pattern) if path.is_file()}
    return sorted(found)


def content_hash(files: dict[str, Path]) -> str:
    """A short hash of the files' labels and bytes (cached while none of them changes on disk)."""
    return _hash(tuple((label, str(path), *_stamp(path)) for label, path in sorted(files.items())))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _hash(stamped: tuple[tuple[str, str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for label, path, _mtime, _size in stamped:
        digest.update(label.encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_shell(
    static_url: Callable[[str], str], pages: Iterable[str], outlines: dict[str, Path], root: Path = STATIC
) -> Shell:
    """The shell for this deploy: the pages and outlines by their URLs, the static files by theirs."""
    files = static_files(root)
    on_disk = {name: root / name for name in files} | {url: path for url, path in outlines.items()} | {"sw": BODY}
    return Shell(
        pages=tuple(pages),
        files=tuple([*outlines, *(static_url(name) for name in files)]),
        version=CACHE_PREFIX + content_hash(on_disk),
    )


def worker_source(shell: Shell) -> str:
    """The worker's code with its cache name and lists written in."""
    body = BODY.read_text(encoding="utf-8")
    if body.count(MARKER) != 1:
        raise RuntimeError(f"{BODY} must hold {MARKER} exactly once")
    declarations = "\n".join(
        (
            f"var VERSION = {json.dumps(shell.version)};",
            f"var SHELL = {json.dumps(shell.urls(), indent=2)};",
            f"var NETWORK_FIRST = {json.dumps(list(shell.pages))};",
        )
    )
    return body.replace(MARKER, declarations)
