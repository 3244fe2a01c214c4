"""The one place tests find the shared data files (real photos, layers, archives) kept beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]


def _find() -> Path:
    if "FIELDAPP_SHARED_DATA" in os.environ:
        return Path(os.environ["FIELDAPP_SHARED_DATA"])
    # The data sit in shared/data beside the checkout, or beside a folder of worktrees holding it.
    for folder in _ROOT.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    raise RuntimeError(f"No shared/data folder above {_ROOT}: set FIELDAPP_SHARED_DATA to its path.")


SHARED_DATA = _find()
PHOTOS = SHARED_DATA / "test-only" / "photos_exif"


def data(name: str) -> Path:
    """The path of a shared data file, by its name relative to the data folder."""
    return SHARED_DATA / name
