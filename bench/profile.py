"""`python -m bench.profile read|write`: cProfile API requests in-process on the bench database."""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats

from bench import api_read, api_write, database
from bench.load import synthetic
from fieldapp import create_app


def profile_read(client, bbox: tuple) -> cProfile.Profile:
    query = {"bbox": ",".join(map(str, bbox)), "limit": str(api_read.LIMIT)}
    client.get("/api/v1/observations", query_string=query)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        assert client.get("/api/v1/observations", query_string=query).status_code == 200
    profiler.disable()
    return profiler


def profile_write(client, token: str, seed: int) -> cProfile.Profile:
    rows = list(synthetic(api_write.BATCH * 4, seed=seed))
    bodies = [
        json.dumps({"type": "FeatureCollection", "features": [api_write.feature(o, database.WRITE_SLUG) for o in b]})
        for b in api_write.batches_of(rows)
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    client.post("/api/v1/observations", data=bodies.pop(), headers=headers)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    for body in bodies:
        response = client.post("/api/v1/observations", data=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)[:300]
    profiler.disable()
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("what", choices=("read", "write"))
    parser.add_argument("--features", type=int, default=10_000, help="read: features per page")
    parser.add_argument("--seed", type=int, default=7, help="write: seed of the synthetic rows")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    url = database.bench_url()
    seed = database.reseed(url)
    client = create_app(database.settings_for(url)).test_client()
    if args.what == "read":
        conninfo = database.libpq_url(url)
        with api_read.psycopg.connect(conninfo) as conn:
            bbox, _ = api_read.find_bbox(conn, args.features, database.public_count(conninfo))
        profiler = profile_read(client, bbox)
    else:
        profiler = profile_write(client, seed.token, args.seed)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
