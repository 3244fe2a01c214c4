"""How long a new generalisation cell takes to recompute a dataset's public places, in the request.

FIELDAPP_BENCH_DB=fieldapp_bench_<you> python -m bench.regeneralise 100000
"""

from __future__ import annotations

import sys
import time

from bench.database import bench_url, libpq_url, migrate_and_seed, recreate, settings_for
from bench.load import Owner, load
from fieldapp.access import CLI_OPERATOR
from fieldapp.datasets.service import update_dataset
from fieldapp.db import Database


def main(n: int) -> None:
    url = bench_url()
    recreate(url)
    seed = migrate_and_seed(url)
    load(libpq_url(url), n, Owner(seed.read_dataset_id, seed.contributor_id, seed.user_id), "bulk")
    settings = settings_for(url)
    database = Database(settings)
    with database.session() as session:
        slug = session.execute(database_slug(), {"id": seed.read_dataset_id}).scalar_one()
    for cell in (2000, 5000):
        with database.session() as session:
            started = time.perf_counter()
            update_dataset(session, CLI_OPERATOR, slug, {"generalise_m": cell}, settings.generalise_floor_m)
            session.commit()
            print(f"{n} records, cell -> {cell} m: {time.perf_counter() - started:.2f} s", flush=True)
    database.engine.dispose()


def database_slug():
    from sqlalchemy import text

    return text("SELECT slug FROM dataset WHERE id = :id")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
