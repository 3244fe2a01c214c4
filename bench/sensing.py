"""`python -m bench.sensing`: the /sensing page and API at 1,000,000 observations, for a common subject.

Loads observations over Jersey's box in 8 datasets (two per knowledge kind) from 1990 to 2025: 15%
are spider crab (the common subject), volunteer records carry counts, local ones stated trends over
intervals and the historical ones are dated to the decade (so they are shared out over yearly bins).
Times in-process (Flask's test client, no network), medians and p95 of --repeat runs after a warm-up:

- the page, `/sensing?subject=spider crab&bin=year&from=1990` (whole park): target at most 1 s;
- the API, the same question as JSON;
- baseline: the page's own grouping statement alone (fieldapp.sensing.queries.bin_rows), and a
  minimal `GROUP BY dataset, year` count of the same rows without the viewer's gate or the bins'
  sharing out (the least any answer must read).

The database is `fieldapp_bench_sensing`, or FIELDAPP_BENCH_SENSING_DB (a name starting with
fieldapp_bench); --reuse keeps it loaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.database import libpq_url, recreate, settings_for
from fieldapp import create_app
from fieldapp.access import ANONYMOUS
from fieldapp.config import sqlalchemy_url
from fieldapp.db import Database
from fieldapp.geo.crs import JERSEY_BBOX
from fieldapp.migrate import upgrade
from fieldapp.sensing.queries import bin_rows
from fieldapp.sensing.schemas import parse_sensing

DATABASE = os.environ.get("FIELDAPP_BENCH_SENSING_DB", "fieldapp_bench_sensing")
QUESTION = {"subject": "spider crab", "bin": "year", "from": "1990"}
KINDS = ("local", "volunteer", "scientific", "historical")

LOAD_SQL = """
INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status, observed_start,
                         observed_end, time_precision, count, trend, geom, public_geom, visibility, licence,
                         attributes)
SELECT gen_random_uuid(), %(dataset)s, %(contributor)s,
       CASE WHEN random() < 0.15 THEN 'spider crab' ELSE 'species ' || (random() * 40)::int END,
       CASE WHEN random() < 0.1 THEN 'absent' ELSE 'present' END,
       CASE %(kind)s WHEN 'historical' THEN make_timestamptz(1950 + 10 * (random() * 6)::int, 1, 1, 0, 0, 0, 'UTC')
                     ELSE make_timestamptz(1990 + (random() * 35)::int, 1 + (random() * 11)::int, 1, 9, 0, 0, 'UTC')
       END AS start,
       NULL, 'day',
       CASE WHEN %(kind)s = 'volunteer' THEN (random() * 20)::int END,
       CASE WHEN %(kind)s = 'local' AND random() < 0.05 THEN 'decreasing' END,
       g, g, 'public', 'CC-BY-4.0', '{}'
FROM (SELECT ST_SetSRID(ST_MakePoint(%(minx)s + random() * (%(maxx)s - %(minx)s),
                                     %(miny)s + random() * (%(maxy)s - %(miny)s)), 4326) AS g
      FROM generate_series(1, %(n)s)) s
"""
# Decade records end nine years after they start; local statements speak about five years.
FIX_SQL = """
UPDATE observation o SET observed_end = CASE d.knowledge_kind
    WHEN 'historical' THEN o.observed_start + interval '9 years 364 days'
    ELSE least(o.observed_start + interval '5 years', now()) END,
  time_precision = CASE d.knowledge_kind WHEN 'historical' THEN 'decade' ELSE 'year' END
FROM dataset d WHERE d.id = o.dataset_id AND (d.knowledge_kind = 'historical' OR o.trend IS NOT NULL)
"""
MINIMAL_SQL = """
SELECT dataset_id, extract(year FROM observed_start)::int AS y, count(*),
       count(*) FILTER (WHERE lower(subject_text) = 'spider crab')
  FROM observation
 WHERE public_geom && ST_MakeEnvelope(-2.30, 49.13, -1.90, 49.30, 4326)
 GROUP BY 1, 2
"""


def prepare(base_url: str, rows: int) -> str:
    url = make_url(base_url).set(database=DATABASE).render_as_string(hide_password=False)
    recreate(url)
    database = Database(settings_for(url))
    upgrade(database.engine)
    database.engine.dispose()
    minx, miny, maxx, maxy = JERSEY_BBOX
    started = time.perf_counter()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        contributor = conn.execute(
            "INSERT INTO contributor (kind, display_name) VALUES ('person', 'Bench') RETURNING id"
        ).fetchone()[0]
        conn.execute("ALTER TABLE observation DISABLE TRIGGER USER")
        for i in range(8):
            kind = KINDS[i % 4]
            dataset = conn.execute(
                "INSERT INTO dataset (slug, title, description, knowledge_kind, method, steward_id, licence,"
                " citation, default_visibility, force_generalised) VALUES (%s, %s, '', %s, '', %s, 'CC-BY-4.0',"
                " '', 'public', false) RETURNING id",
                (f"bench-{kind}-{i}", f"Bench {kind} {i}", kind, contributor),
            ).fetchone()[0]
            params = {"dataset": dataset, "contributor": contributor, "kind": kind, "n": rows // 8}
            conn.execute(LOAD_SQL, params | {"minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy})
        conn.execute(FIX_SQL)
        conn.execute("ALTER TABLE observation ENABLE TRIGGER USER")
        conn.execute("VACUUM ANALYZE observation")
    print(f"loaded {rows:,} observations in {time.perf_counter() - started:.1f} s")
    return url


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sensing", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database")
    args = parser.parse_args(argv)
    base = sqlalchemy_url(os.environ.get("DATABASE_URL", "postgresql:///fieldapp"))
    url = make_url(base).set(database=DATABASE).render_as_string(hide_password=False)
    if not args.reuse:
        prepare(base, args.rows)
    app = create_app(settings_for(url))
    client = app.test_client()

    def page() -> None:
        response = client.get("/sensing", query_string=QUESTION)
        assert response.status_code == 200 and b"sensing-chart" in response.data, response.status_code

    def api() -> None:
        response = client.get("/api/v1/sensing", query_string=QUESTION)
        assert response.status_code == 200, response.status_code

    database = Database(settings_for(url))
    query = parse_sensing(_Args(QUESTION))

    def statement() -> None:
        with database.session() as session:
            bin_rows(session, ANONYMOUS, query)

    def minimal() -> None:
        with database.engine.connect() as conn:
            conn.execute(text("SET jit = off"))
            conn.execute(text(MINIMAL_SQL)).all()

    figures = {
        name: timed(fn, args.repeat)
        for name, fn in (("page", page), ("api", api), ("statement", statement), ("minimal", minimal))
    }
    with database.engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM observation")).scalar_one()
    database.engine.dispose()
    base_median = figures["minimal"][0]
    print(f"/sensing at {rows:,} observations, subject 'spider crab', yearly bins 1990-now, whole park")
    for name, (median, p95) in figures.items():
        print(
            f"  {name:<10} median {median * 1000:7.0f} ms  p95 {p95 * 1000:7.0f} ms"
            f"  {median / base_median:5.2f}x minimal"
        )
    verdict = "holds" if figures["page"][0] <= 1.0 else "misses"
    print(f"target: page at most 1 s: {verdict}")
    return 0


class _Args(dict):
    """A plain dict read like Flask's request.args."""

    def getlist(self, name: str) -> list[str]:
        return [self[name]] if name in self else []


if __name__ == "__main__":
    raise SystemExit(main())
