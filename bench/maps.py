"""`python -m bench.maps`: map page size, vector tile times and tile caching against baselines.

Figures, each beside a baseline measured in the same run (medians after warm-up):
- /map HTML size with every observation loaded, next to naive folium maps of the same data
  (one marker per point, and FastMarkerCluster);
- a z14 tile over the densest area through gunicorn, against the raw ST_AsMVT query for the
  same tile run directly by psycopg (p50, p95), the two timed in alternation so that both see
  the same load on a shared machine;
- a z12 tile read from the map_cell aggregate, against aggregating the raw points on the fly;
- a repeated request for an unchanged tile (ETag, 304).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable

import folium
import psycopg
import requests
from folium.plugins import FastMarkerCluster
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import database, report, server
from bench.load import JERSEY_BBOX, Owner, load
from fieldapp.maps import tiles
from fieldapp.migrate import upgrade
from fieldapp.observations.queries import ObservationFilter

# Its own database, or FIELDAPP_BENCH_MAPS_DB (a name starting with fieldapp_bench): the main bench's
# database serves as well with --reuse (the same loader, the same datasets).
MAPS_DATABASE = os.environ.get("FIELDAPP_BENCH_MAPS_DB", "fieldapp_bench_maps")
# The data are uniform over the box, so every tile inside it is as dense as any.
CENTRE = ((JERSEY_BBOX[0] + JERSEY_BBOX[2]) / 2, (JERSEY_BBOX[1] + JERSEY_BBOX[3]) / 2)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "runs": len(ordered)}


def sample(action: Callable[[], object], repeat: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return percentiles(times)


def sample_pair(
    app: Callable[[], object], baseline: Callable[[], object], repeat: int, warmup: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Time two actions in alternation (order swapped each round): a ratio free of load drift."""
    for _ in range(warmup):
        app()
        baseline()
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(repeat):
        order = ((0, app), (1, baseline)) if i % 2 == 0 else ((1, baseline), (0, app))
        for slot, action in order:
            started = time.perf_counter()
            action()
            times[slot].append(time.perf_counter() - started)
    return percentiles(times[0]), percentiles(times[1])


def raw_query(conninfo: str, sql: str, params: dict) -> Callable[[], bytes]:
    """A repeated raw query on one open connection (no pool, no HTTP: the floor)."""
    query = text(sql).compile(dialect=create_engine("postgresql+psycopg://").dialect)
    conn = psycopg.connect(conninfo, autocommit=True)
    args = {k: params.get(k) for k in query.params}
    return lambda: conn.execute(str(query), args).fetchone()[0]


def naive_maps(conninfo: str, markers: int, cluster: int) -> dict:
    """folium maps that carry the data in the page: one marker per point, and FastMarkerCluster."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT ST_Y(public_geom), ST_X(public_geom), subject_text FROM observation"
            " WHERE public_geom IS NOT NULL LIMIT %s",
            (max(markers, cluster),),
        ).fetchall()
    out = {}
    started = time.perf_counter()
    m = folium.Map(location=[CENTRE[1], CENTRE[0]], zoom_start=11)
    for lat, lon, subject in rows[:markers]:
        folium.Marker([lat, lon], popup=subject).add_to(m)
    html = m.get_root().render()
    out[f"markers_{markers}"] = {"bytes": len(html.encode()), "build_s": time.perf_counter() - started}
    started = time.perf_counter()
    m = folium.Map(location=[CENTRE[1], CENTRE[0]], zoom_start=11)
    FastMarkerCluster([(lat, lon) for lat, lon, _ in rows[:cluster]]).add_to(m)
    html = m.get_root().render()
    out[f"fast_cluster_{cluster}"] = {"bytes": len(html.encode()), "build_s": time.perf_counter() - started}
    return out


def measure(base: str, conninfo: str, repeat: int, warmup: int, markers: int, cluster: int) -> dict:
    """Every figure of the module docstring."""
    http = requests.Session()
    results: dict = {}
    page = http.get(f"{base}/map", timeout=60)
    page.raise_for_status()
    results["map_html_bytes"] = len(page.content)
    results["naive"] = naive_maps(conninfo, markers, cluster)
    slug = database.READ_SLUG
    for z, key in ((14, "z14"), (12, "z12")):
        address = tile_of(*CENTRE, z)
        tile = tiles.TileRequest(*address, ObservationFilter(datasets=[slug]), "point")
        url = f"{base}/tiles/observations/{'/'.join(map(str, address))}.pbf?dataset={slug}&shape=point"
        body = http.get(url, timeout=60)
        body.raise_for_status()
        sql, params = tiles.feature_layer_sql(tile) if z > tiles.AGGREGATE_MAX_ZOOM else tiles.raw_count_layer_sql(tile)
        baseline = raw_query(conninfo, sql, params)
        # z14: the same SQL run bare; z12: the raw points aggregated on the fly, as before the aggregate.
        app, raw = sample_pair(lambda u=url: http.get(u, timeout=60).content, baseline, repeat, warmup)
        results[key] = {"tile": address, "bytes": len(body.content), "app_http": app, "raw_sql": raw}
        etag = body.headers["ETag"]
        results[key]["revalidate_304"] = sample(lambda u=url, e=etag: _expect_304(http, u, e), repeat * 3, warmup)
    return results


def _expect_304(http: requests.Session, url: str, etag: str) -> None:
    response = http.get(url, headers={"If-None-Match": etag}, timeout=60)
    if response.status_code != 304:
        raise RuntimeError(f"expected 304, got {response.status_code}")


def table(results: dict) -> str:
    lines = [f"/map HTML: {results['map_html_bytes'] / 1024:.1f} KB with {results['rows']:,} observations"]
    for name, naive in results["naive"].items():
        lines.append(
            f"  naive folium {name}: {naive['bytes'] / 1024 / 1024:.2f} MB, built in {naive['build_s']:.1f} s"
            f" ({naive['bytes'] / results['map_html_bytes']:.0f}x the /map page)"
        )
    for key in ("z14", "z12"):
        r = results[key]
        app, raw = r["app_http"], r["raw_sql"]
        lines.append(
            f"{key} tile {r['tile']} ({r['bytes'] / 1024:.0f} KB): app p50 {app['p50_ms']:.1f} ms,"
            f" p95 {app['p95_ms']:.1f} ms; baseline p50 {raw['p50_ms']:.1f} ms, p95 {raw['p95_ms']:.1f} ms;"
            f" ratio p50 {app['p50_ms'] / raw['p50_ms']:.2f}, p95 {app['p95_ms'] / raw['p95_ms']:.2f}"
        )
        lines.append(
            f"  {key} revalidation (If-None-Match -> 304): p50 {r['revalidate_304']['p50_ms']:.1f} ms,"
            f" p95 {r['revalidate_304']['p95_ms']:.1f} ms"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.maps", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="observations to load")
    parser.add_argument("--repeat", type=int, default=60, help="timed requests per measure")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests before each measure")
    parser.add_argument("--markers", type=int, default=10_000, help="points in the naive marker map")
    parser.add_argument("--cluster", type=int, default=100_000, help="points in the FastMarkerCluster map")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the loaded database (skip the load; newer migrations are applied)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not MAPS_DATABASE.startswith("fieldapp_bench"):
        raise SystemExit(f"FIELDAPP_BENCH_MAPS_DB must start with fieldapp_bench, got {MAPS_DATABASE!r}")
    url = make_url(database.bench_url()).set(database=MAPS_DATABASE).render_as_string(hide_password=False)
    conninfo = database.libpq_url(url)
    loaded = None
    if args.reuse:
        engine = create_engine(url)
        upgrade(engine)  # the schema the code expects, on the rows already loaded
        engine.dispose()
    else:
        database.recreate(url)
        seed = database.migrate_and_seed(url)
        print(f"loading {args.rows:,} observations ...", flush=True)
        loaded = load(conninfo, args.rows, Owner(seed.read_dataset_id, seed.contributor_id, seed.user_id), "bulk")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("ANALYZE map_cell")
    with server.gunicorn(conninfo, report.OUT_DIR / "gunicorn-maps.log", None, args.workers) as base:
        results = measure(base, conninfo, args.repeat, args.warmup, args.markers, args.cluster)
    results["rows"] = database.public_count(conninfo)
    results["load"] = loaded
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
