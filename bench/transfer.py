"""`python -m bench.transfer`: import a large CSV next to a raw COPY, export it, and time OGC items.

Each measured phase runs in its own process, so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fieldapp.config import Settings, sqlalchemy_url

# Its own database, or FIELDAPP_BENCH_TRANSFER_DB (a name starting with fieldapp_bench).
_DB = os.environ.get("FIELDAPP_BENCH_TRANSFER_DB", "fieldapp_bench_transfer")
if not _DB.startswith("fieldapp_bench"):
    raise SystemExit(f"FIELDAPP_BENCH_TRANSFER_DB must start with fieldapp_bench, got {_DB!r}")
URL = sqlalchemy_url(f"postgresql:///{_DB}")
SLUG = "bench-transfer"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("id,species,latitude,longitude,eventDate,individualCount,recordedBy\n")
        for i in range(rows):
            out.write(
                f"r{i},Spider crab,{49.17 + (i % 1000) * 0.0001:.5f},{-2.25 + (i // 1000 % 1000) * 0.0003:.5f},"
                f"2021-{1 + i % 12:02d}-{1 + i % 28:02d},{i % 7},Warden {i % 13}\n"
            )


def setup(rows: int, csv_path: Path) -> None:
    setup_database()
    make_csv(csv_path, rows)


def setup_database() -> None:
    from bench.database import recreate
    from fieldapp.db import Database
    from fieldapp.migrate import upgrade

    recreate(URL)
    engine = Database(Settings(database_url=URL, development=True)).engine
    upgrade(engine)
    with engine.begin() as conn:
        steward = conn.execute(
            text("INSERT INTO contributor (kind, display_name) VALUES ('group', 'Bench') RETURNING id")
        ).scalar()
        conn.execute(
            text(
                "INSERT INTO dataset (slug, title, description, knowledge_kind, method, steward_id, licence,"
                " citation, default_visibility, force_generalised) VALUES (:s, 'Bench', '', 'volunteer',"
                " '', :c, 'CC-BY-4.0', '', 'public', false)"
            ),
            {"s": SLUG, "c": steward},
        )
    engine.dispose()


def phase_copy(csv_path: Path) -> dict:
    import psycopg

    with psycopg.connect(make_url(URL).set(drivername="postgresql").render_as_string(False)) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS raw_copy (id text, species text, latitude float8, longitude float8,"
            " event_date date, individual_count int, recorded_by text)"
        )
        conn.execute("TRUNCATE raw_copy")
        start = time.perf_counter()
        with conn.cursor().copy("COPY raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy, csv_path.open("rb") as f:
            while chunk := f.read(1024 * 1024):
                copy.write(chunk)
        elapsed = time.perf_counter() - start
        rows = conn.execute("SELECT count(*) FROM raw_copy").fetchone()[0]
    return {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed, "peak_mb": peak_mb()}


def phase_copy_observation(csv_path: Path) -> dict:
    """The same rows as observations (what the import makes of them: point, day, count, recorder, public),
    COPYed into the observation table with its public-geometry row trigger and its history triggers
    disabled (bench.load.TRIGGERS: no history is written): the rollups' statement triggers (map cells,
    participation) fire, indexes and foreign keys are kept. The file of
    observation columns is written first, untimed."""
    import csv
    import uuid

    import psycopg

    from bench.load import TRIGGERS

    observation_csv = csv_path.with_suffix(".observation.csv")
    with psycopg.connect(make_url(URL).set(drivername="postgresql").render_as_string(False)) as conn:
        dataset = conn.execute("SELECT id FROM dataset WHERE slug = %s", (SLUG,)).fetchone()[0]
        with csv_path.open(encoding="utf-8") as source, observation_csv.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for row in csv.DictReader(source):
                point = f"SRID=4326;POINT({row['longitude']} {row['latitude']})"
                writer.writerow(
                    [
                        uuid.uuid4(),
                        dataset,
                        row["recordedBy"],
                        row["species"],
                        "present",
                        row["individualCount"],
                        f"{row['eventDate']}T00:00:00Z",
                        "day",
                        point,
                        "public",
                        point,
                        "{}",
                        "CC-BY-4.0",
                        row["id"],
                    ]
                )
        columns = (
            "id, dataset_id, recorded_by_text, subject_text, occurrence_status, count, observed_start,"
            " time_precision, geom, visibility, public_geom, attributes, licence, source_ref"
        )
        conn.execute("ALTER TABLE observation " + ", ".join(f"DISABLE TRIGGER {t}" for t in TRIGGERS))
        start = time.perf_counter()
        with (
            conn.cursor().copy(f"COPY observation ({columns}) FROM STDIN (FORMAT csv)") as copy,
            observation_csv.open("rb") as f,
        ):
            while chunk := f.read(1024 * 1024):
                copy.write(chunk)
        conn.commit()
        elapsed = time.perf_counter() - start
        conn.execute("ALTER TABLE observation " + ", ".join(f"ENABLE TRIGGER {t}" for t in TRIGGERS))
        conn.commit()
        rows = conn.execute("SELECT count(*) FROM observation").fetchone()[0]
    observation_csv.unlink()
    return {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed, "peak_mb": peak_mb()}


def _app():
    from fieldapp import create_app

    return create_app(Settings(database_url=URL, development=True, testing=True))


def phase_import(csv_path: Path) -> dict:
    from fieldapp.transfer.importer import ImportOptions, run_import

    app = _app()
    database = app.extensions["fieldapp.db"]
    with app.app_context(), tempfile.TemporaryDirectory() as work, database.session() as session:
        start = time.perf_counter()
        report = run_import(session, csv_path, ImportOptions(dataset=SLUG), Path(work))
        session.commit()
        elapsed = time.perf_counter() - start
    return {
        "rows": report.created + report.updated,
        "seconds": elapsed,
        "rows_per_s": report.rows_read / elapsed,
        "peak_mb": peak_mb(),
    }


def phase_export(fmt: str) -> dict:
    from fieldapp.access import ANONYMOUS
    from fieldapp.transfer.exporters import Export, find_dataset

    app = _app()
    database = app.extensions["fieldapp.db"]
    with app.app_context(), database.session() as session:
        start = time.perf_counter()
        export = Export(session, ANONYMOUS, find_dataset(session, SLUG), fmt)
        size = sum(len(chunk) for chunk in export.chunks())
        elapsed = time.perf_counter() - start
    return {
        "rows": export.count,
        "bytes": size,
        "seconds": elapsed,
        "rows_per_s": export.count / elapsed,
        "peak_mb": peak_mb(),
    }


def phase_ogc(repeat: int) -> dict:
    from fieldapp.access import ANONYMOUS
    from fieldapp.observations.queries import FROM_SQL, observation_feature_sql

    app = _app()
    client = app.test_client()
    url = f"/ogc/collections/{SLUG}/items?limit=1000"
    ogc = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(url)
        ogc.append(time.perf_counter() - start)
        assert response.status_code == 200
    raw_sql = text(
        f"SELECT json_agg({observation_feature_sql(ANONYMOUS)} ORDER BY o.seq)::text FROM"
        f" (SELECT * FROM observation ORDER BY seq LIMIT 1000) o0 JOIN {FROM_SQL} ON o.id = o0.id"
    )
    raw = []
    database = app.extensions["fieldapp.db"]
    with database.engine.connect() as conn:
        for _ in range(repeat + 1):
            start = time.perf_counter()
            conn.execute(raw_sql, {"viewer_contributor": None, "viewer_user": None}).scalar()
            raw.append(time.perf_counter() - start)
    return {"ogc_median_ms": statistics.median(ogc[1:]) * 1000, "raw_sql_median_ms": statistics.median(raw[1:]) * 1000}


def vacuum_analyze() -> None:
    """What autovacuum does after a big import on a live server: statistics, and a visibility map for
    index-only counts. Without it the first reads after a million-row load measure the load, not the read."""
    engine = create_engine(URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE observation"))
    engine.dispose()


def run_phase(name: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.transfer", "--phase", name, *args], check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.transfer", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        phases = {
            "copy": lambda: phase_copy(Path(args.csv)),
            "copy_observation": lambda: phase_copy_observation(Path(args.csv)),
            "import": lambda: phase_import(Path(args.csv)),
            "export": lambda: phase_export(args.format),
            "ogc": lambda: phase_ogc(args.repeat),
        }
        print(json.dumps(phases[args.phase]()))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "bench.csv"
        print(f"writing a {args.rows:,}-row CSV and a fresh database ...", flush=True)
        setup(args.rows, csv_path)
        copy = run_phase("copy", "--csv", str(csv_path))
        print(
            f"raw COPY      {copy['rows_per_s']:>10,.0f} rows/s  peak {copy['peak_mb']:.0f} MB"
            "  (a bare table: not the same work)",
            flush=True,
        )
        copy_observation = run_phase("copy_observation", "--csv", str(csv_path))
        print(
            f"COPY obs.     {copy_observation['rows_per_s']:>10,.0f} rows/s  peak {copy_observation['peak_mb']:.0f} MB"
            f"  {copy_observation['seconds']:.1f} s  (the same rows into observation, public-geometry and"
            " history triggers off: the baseline)",
            flush=True,
        )
        setup_database()  # the import meets the same empty table the COPY met
        imported = run_phase("import", "--csv", str(csv_path))
    ratio = imported["rows_per_s"] / copy_observation["rows_per_s"]
    verdict = "holds" if ratio >= 0.5 and imported["peak_mb"] < 500 else "misses"
    print(
        f"import        {imported['rows_per_s']:>10,.0f} rows/s  peak {imported['peak_mb']:.0f} MB"
        f"  {imported['seconds']:.1f} s  ratio to COPY into observation {ratio:.2f}"
        f" (target >= 0.5, memory < 500 MB: {verdict})",
        flush=True,
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    vacuum_analyze()
    for fmt in ("geojson", "dwca"):
        try:
            result = run_phase("export", "--format", fmt)
        except subprocess.CalledProcessError as error:
            print(f"export {fmt}: failed ({(error.stderr or '').strip().splitlines()[-1:]})")
            continue
        print(
            f"export {fmt:<7}{result['rows_per_s']:>10,.0f} rows/s  peak {result['peak_mb']:.0f} MB"
            f"  ({result['rows']:,} rows, {result['bytes'] / 1e6:.0f} MB; target memory < 300 MB)"
        )
    try:
        ogc = run_phase("ogc", "--repeat", str(args.repeat))
    except subprocess.CalledProcessError as error:
        print(f"OGC items: failed ({(error.stderr or '').strip().splitlines()[-1:]})")
        return 0
    print(
        f"OGC items 1000: median {ogc['ogc_median_ms']:.0f} ms, raw SQL {ogc['raw_sql_median_ms']:.0f} ms,"
        f" ratio {ogc['ogc_median_ms'] / ogc['raw_sql_median_ms']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
