"""Versioned static URLs: /static/css/site.css?v=<hash of the file>, so nginx may let browsers keep them for a year.

A deploy that changes a file changes its URL, so no browser keeps an old copy. Only stylesheets and
classic scripts are versioned: files that other files name by relative URL are left as they are
(ES modules under js/ import each other as ./page.js, and a page's modulepreload links must name
exactly what the imports fetch; Leaflet's stylesheet names its images as images/marker-icon.png),
since a relative URL never carries the version. They get nginx's short, revalidated caching.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app

VERSIONED = (".css", ".js")


def version_static_urls(endpoint: str, values: dict) -> None:
    """A url_defaults hook: add v=<hash> to url_for('static', filename=...) for stylesheets and classic scripts."""
    if endpoint != "static" or "v" in values:
        return
    filename = values.get("filename") or ""
    if filename.startswith("js/") or not filename.endswith(VERSIONED) or current_app.static_folder is None:
        return
    path = Path(current_app.static_folder) / filename
    try:
        stat = path.stat()
    except OSError:
        return
    values["v"] = _digest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _digest(path: str, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
