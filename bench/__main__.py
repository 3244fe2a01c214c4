"""`python -m bench`: load the bench database, then time reads and writes against baselines."""

from __future__ import annotations

import argparse
import os
import sys

from bench import api_read, api_write, counts, database, report, server, throughput
from bench.load import Owner, load

READ_TARGETS = [1_000, 10_000]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="observations to load")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per measure (median)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs before each measure")
    parser.add_argument(
        "--only",
        default="read,pages,counts,throughput,write",
        help="comma list of: read, pages, counts, throughput, write",
    )
    parser.add_argument("--throughput-clients", type=int, default=8, help="concurrent clients for throughput")
    parser.add_argument("--throughput-seconds", type=float, default=5.0, help="length of one throughput round")
    parser.add_argument("--throughput-rounds", type=int, default=3, help="alternating rounds per server")
    parser.add_argument(
        "--load-mode",
        choices=("bulk", "triggers"),
        default="bulk",
        help="bulk: triggers off, indexes rebuilt, their work done in SQL; triggers: COPY with every trigger firing",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the existing bench database and its rows (skip the load)"
    )
    parser.add_argument("--write-batches", type=int, default=30, help="batches of 1,000 to POST")
    parser.add_argument("--clients", default="1,2,4", help="parallel POST clients to try, e.g. 1,2")
    # gunicorn's own guidance is 2-4 workers per core: a worker waiting on PostgreSQL leaves its core to another.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--port", type=int, help="gunicorn port (default: a free one)")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace, url: str) -> tuple[database.Seed, dict | None]:
    """Recreate, migrate, seed and load the bench database, or reuse it."""
    if args.reuse:
        return database.reseed(url), None
    database.recreate(url)
    seed = database.migrate_and_seed(url)
    owner = Owner(seed.read_dataset_id, seed.contributor_id, seed.user_id)
    print(f"loading {args.rows:,} observations ({args.load_mode}) ...", flush=True)
    return seed, load(database.libpq_url(url), args.rows, owner, args.load_mode)


def measure_throughput(args: argparse.Namespace, conninfo: str, base: str, total: int) -> dict:
    """The list API (already serving at `base`) against the minimal view, for a bbox of about 1,000 features."""
    with api_read.psycopg.connect(conninfo) as conn:
        bbox, found = api_read.find_bbox(conn, 1_000, total)
    box = ",".join(map(str, bbox))
    api_path = "/api/v1/observations?" + api_read.urllib.parse.urlencode({"bbox": box, "limit": str(api_read.LIMIT)})
    minimal_path = "/features?" + api_read.urllib.parse.urlencode({"bbox": box})
    log = report.OUT_DIR / "minimal.log"
    with server.gunicorn(conninfo, log, None, args.workers, args.worker_class, app=server.MINIMAL) as minimal:
        clients, seconds = args.throughput_clients, args.throughput_seconds
        throughput.rate(base, api_path, clients, 1.0)  # warm-up
        throughput.rate(minimal, minimal_path, clients, 1.0)
        figures = throughput.compare(
            lambda: throughput.rate(base, api_path, clients, seconds),
            lambda: throughput.rate(minimal, minimal_path, clients, seconds),
            args.throughput_rounds,
        )
    return figures | {"clients": args.throughput_clients, "features": found, "bbox": bbox}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    url = database.bench_url()
    conninfo = database.libpq_url(url)
    seed, loaded = prepare(args, url)
    results: dict = {"options": vars(args), "load": loaded}
    total = database.public_count(conninfo)
    log = report.OUT_DIR / "gunicorn.log"
    with server.gunicorn(conninfo, log, args.port, args.workers, args.worker_class) as base:
        if "read" in only:
            print("reading ...", flush=True)
            results["read"] = api_read.measure(base, conninfo, READ_TARGETS, total, args.repeat, args.warmup)
        if "pages" in only:
            print("first pages (whole island, no filter) ...", flush=True)
            results["pages"] = api_read.measure_pages(base, conninfo, args.repeat, args.warmup)
        if "counts" in only:
            print("counting ...", flush=True)
            results["counts"] = counts.measure(url, total, args.repeat, args.warmup)
        if "throughput" in only:
            print(f"throughput at {args.throughput_clients} clients ...", flush=True)
            results["throughput"] = measure_throughput(args, conninfo, base, total)
        if "write" in only:
            print("writing ...", flush=True)
            owner = Owner(seed.write_dataset_id, seed.contributor_id, seed.user_id)
            clients = [int(c) for c in args.clients.split(",")]
            results["write"] = api_write.measure(
                base, conninfo, seed.token, database.WRITE_SLUG, owner, args.write_batches, clients
            )
    print()
    print(report.table(results))
    print(f"\nserver: gunicorn -w {args.workers} -k {args.worker_class}")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    print(f"JSON: {report.save(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
