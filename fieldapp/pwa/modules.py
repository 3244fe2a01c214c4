"""The browser's ES modules as a graph, so a page can ask for all of them at once.

A module's imports are only seen once it has arrived, so on a phone with a weak signal the recording
page's modules would come one round trip per level of imports. The page lists every module its entry
imports as <link rel="modulepreload">, read here from the import statements of the files themselves.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path

from fieldapp.config import PROJECT_ROOT

STATIC = PROJECT_ROOT / "static"
# `import ... from "./x.js"`, `export ... from "./x.js"` and `import "./x.js"`: our modules use no other form.
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'";]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""", re.M)


def imports(name: str, root: Path = STATIC) -> list[str]:
    """The modules one module imports, as paths under root (relative imports of our own files only)."""
    path = root / name
    stat = path.stat()
    return list(_imports(str(path), stat.st_mtime_ns, stat.st_size, name))


@lru_cache(maxsize=256)
def _imports(path: str, _mtime: int, _size: int, name: str) -> tuple[str, ...]:
    found = []
    for match in IMPORT.finditer(Path(path).read_text(encoding="utf-8")):
        target = match.group(1) or match.group(2)
        if not target.startswith(("./", "../")):
            raise ValueError(f"{name} imports {target!r}: only relative imports of files under static/")
        found.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), target)))
    return tuple(found)


def module_preloads(entry: str, root: Path = STATIC) -> list[str]:
    """Every module the entry imports, directly or not, each once, in the order they are first met."""
    seen: list[str] = []
    todo = list(reversed(imports(entry, root)))
    while todo:
        name = todo.pop()
        if name in seen or name == entry:
            continue
        seen.append(name)
        todo.extend(reversed(imports(name, root)))
    return seen
