"""Shared helpers for the import, export and OGC tests: the real data files and an import call."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text

from fieldapp.transfer.importer import ImportOptions, run_import

DATA = Path(os.environ.get("FIELDAPP_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def data(name: str) -> Path:
    return DATA / name


def do_import(db, path: Path, dataset: str, workdir: Path, **options):
    """Run an import in the test's transaction, as the CLI and the API do."""
    return run_import(db, Path(path), ImportOptions(dataset=dataset, **options), workdir)


def count(db, dataset_slug: str) -> int:
    return db.execute(
        text("SELECT count(*) FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = :s"),
        {"s": dataset_slug},
    ).scalar_one()
