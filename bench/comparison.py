"""`python -m bench.comparison`: 1,000,000 points against 10,000 habitat polygons on 250 m cells.

Baselines in the same run: the core point-to-cell query alone (arithmetic on EPSG:3109 coordinates
and GROUP BY), and a plain shapely STRtree implementation over the same data fetched from PostGIS.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict

import numpy as np
import psycopg
import shapely
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.database import recreate
from fieldapp.comparison.queries import compare
from fieldapp.comparison.selection import Selection
from fieldapp.config import Settings, sqlalchemy_url
from fieldapp.db import Database
from fieldapp.migrate import upgrade

DATABASE = "fieldapp_bench_compare"
JERSEY_BBOX = (-2.30, 49.13, -1.90, 49.30)
SRID = 3109

LOAD_SQL = """
INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status, observed_start,
                         time_precision, geom, public_geom, visibility, licence, attributes)
SELECT gen_random_uuid(), %(dataset)s, %(contributor)s, 'ormer',
       CASE WHEN random() < 0.1 THEN 'absent' ELSE 'present' END, now() - interval '1 day', 'day', g, g,
       'public', 'CC-BY-4.0', '{}'
FROM (SELECT ST_SetSRID(ST_MakePoint(%(minx)s + random() * (%(maxx)s - %(minx)s),
                                     %(miny)s + random() * (%(maxy)s - %(miny)s)), 4326) AS g
      FROM generate_series(1, %(n)s)) s
"""
# Habitat polygons: squares of 100-900 m sides, placed at random in EPSG:3109 over Jersey's box.
POLYGON_SQL = """
INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status, observed_start,
                         time_precision, geom, public_geom, visibility, licence, attributes)
SELECT gen_random_uuid(), %(dataset)s, %(contributor)s, 'ormer', 'present', now() - interval '1 day', 'day',
       g, g, 'public', 'CC-BY-4.0', '{}'
FROM (SELECT ST_Transform(ST_MakeEnvelope(x, y, x + side, y + side, 3109), 4326) AS g
      FROM (SELECT 30500 + random() * 19000 AS x, 62000 + random() * 13000 AS y, 100 + random() * 800 AS side
            FROM generate_series(1, %(n)s)) r) s
"""

CORE_SQL = """
SELECT count(*) FROM (
  SELECT floor(ST_X(m) / 250) AS i, floor(ST_Y(m) / 250) AS j, count(*)
  FROM (SELECT ST_Transform(o.public_geom, 3109) AS m FROM observation o JOIN dataset d ON d.id = o.dataset_id
        WHERE d.slug = 'sightings') p
  GROUP BY 1, 2) c
"""


def prepare(base_url: str, points: int, polygons: int) -> str:
    """Create the database, migrate it and load both sides with the triggers off (their work done inline)."""
    url = make_url(base_url).set(database=DATABASE)
    recreate(url.render_as_string(hide_password=False))
    database = Database(Settings(database_url=url.render_as_string(hide_password=False)))
    upgrade(database.engine)
    database.engine.dispose()
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        contributor = conn.execute(
            "INSERT INTO contributor (kind, display_name) VALUES ('person', 'Bench') RETURNING id"
        ).fetchone()[0]
        ids = {}
        for slug, kind in (("sightings", "volunteer"), ("habitats", "scientific")):
            ids[slug] = conn.execute(
                "INSERT INTO dataset (slug, title, description, knowledge_kind, method, steward_id, licence,"
                " citation, default_visibility, force_generalised) VALUES (%s, %s, '', %s, '', %s, 'CC-BY-4.0',"
                " '', 'public', false) RETURNING id",
                (slug, slug.title(), kind, contributor),
            ).fetchone()[0]
        conn.execute("ALTER TABLE observation DISABLE TRIGGER USER")
        minx, miny, maxx, maxy = JERSEY_BBOX
        started = time.perf_counter()
        conn.execute(
            LOAD_SQL,
            {
                "dataset": ids["sightings"],
                "contributor": contributor,
                "n": points,
                "minx": minx,
                "miny": miny,
                "maxx": maxx,
                "maxy": maxy,
            },
        )
        conn.execute(POLYGON_SQL, {"dataset": ids["habitats"], "contributor": contributor, "n": polygons})
        conn.execute("ALTER TABLE observation ENABLE TRIGGER USER")
        conn.execute("ANALYZE observation")
        print(f"loaded {points:,} points and {polygons:,} polygons in {time.perf_counter() - started:.1f} s")
    return url.render_as_string(hide_password=False)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run_fieldapp(database: Database) -> dict:
    with database.session() as session:
        result = compare(
            session, Selection(datasets=("sightings",)), Selection(datasets=("habitats",)), 250, "square", SRID
        )
    return json.loads(result["classes"])


def run_core(database: Database) -> int:
    with database.engine.connect() as conn:
        return conn.execute(text(CORE_SQL)).scalar()


def run_shapely(database: Database) -> dict:
    """The same comparison with shapely: fetch both sides in EPSG:3109, STRtree over the grid cells."""
    fetch = text(
        "SELECT ST_AsBinary(ST_Transform(o.public_geom, 3109)), o.occurrence_status = 'present'"
        " FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = :slug"
    )
    with database.engine.connect() as conn:
        sides = {slug: conn.execute(fetch, {"slug": slug}).all() for slug in ("sightings", "habitats")}
    geoms = {s: shapely.from_wkb([r[0] for r in rows]) for s, rows in sides.items()}
    present = {s: np.array([r[1] for r in rows]) for s, rows in sides.items()}
    allg = np.concatenate(list(geoms.values()))
    minx, miny, maxx, maxy = shapely.total_bounds(allg)
    i0, j0 = int(minx // 250), int(miny // 250)
    ni, nj = int(maxx // 250) - i0 + 1, int(maxy // 250) - j0 + 1
    ii, jj = np.meshgrid(np.arange(i0, i0 + ni), np.arange(j0, j0 + nj), indexing="ij")
    cells = shapely.box(ii.ravel() * 250, jj.ravel() * 250, ii.ravel() * 250 + 250, jj.ravel() * 250 + 250)
    tree = shapely.STRtree(cells)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for offset, side in ((0, "sightings"), (2, "habitats")):
        geom_index, cell_index = tree.query(geoms[side], predicate="intersects")
        for g, c in zip(geom_index.tolist(), cell_index.tolist(), strict=True):
            counts[c][offset + (0 if present[side][g] else 1)] += 1
    classes: dict[str, int] = defaultdict(int)
    for ap, aa, bp, ba in counts.values():
        classes[_classify(ap, aa, bp, ba)] += 1
    return dict(classes)


def _classify(ap: int, aa: int, bp: int, ba: int) -> str:
    if ap and bp:
        return "both_present"
    if ap and ba:
        return "a_present_b_absent"
    if bp and aa:
        return "b_present_a_absent"
    if ap:
        return "only_a"
    if bp:
        return "only_b"
    if aa and ba:
        return "both_absent"
    return "only_a_absent" if aa else "only_b_absent"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.comparison", description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--polygons", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    args = parser.parse_args(argv)
    import os

    base = sqlalchemy_url(os.environ.get("DATABASE_URL", "postgresql:///fieldapp"))
    url = (
        make_url(base).set(database=DATABASE).render_as_string(hide_password=False)
        if args.reuse
        else prepare(base, args.points, args.polygons)
    )
    database = Database(Settings(database_url=url))
    fieldapp_s, classes = timed(lambda: run_fieldapp(database), args.repeat)
    core_s, _ = timed(lambda: run_core(database), args.repeat)
    shapely_s, shapely_classes = timed(lambda: run_shapely(database), 1)
    database.engine.dispose()
    print(f"fieldapp comparison (median of {args.repeat}): {fieldapp_s:.2f} s  classes={classes}")
    print(f"core point-to-cell query alone:            {core_s:.2f} s  ratio {fieldapp_s / core_s:.2f}x")
    print(f"shapely STRtree implementation (1 run):     {shapely_s:.2f} s  ratio {fieldapp_s / shapely_s:.2f}x")
    print(f"shapely classes={shapely_classes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
