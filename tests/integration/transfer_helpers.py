"""Shared helpers for the import, export and OGC tests: an import call and a count."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from fieldapp.transfer.importer import ImportOptions, run_import


def do_import(db, path: Path, dataset: str, workdir: Path, **options):
    """Run an import in the test's transaction, as the CLI and the API do."""
    return run_import(db, Path(path), ImportOptions(dataset=dataset, **options), workdir)


def count(db, dataset_slug: str) -> int:
    return db.execute(
        text("SELECT count(*) FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = :s"),
        {"s": dataset_slug},
    ).scalar_one()
