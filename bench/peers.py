"""`python -m bench.peers`: the same first pages from fieldapp, raw SQL, pygeoapi and tipg, side by side.

Issue 12, target 1: the whole island (bbox of Jersey) with limit=100 and limit=1000, and no filter at
all, each timed from fieldapp's list API, the raw SQL of the same page (`bench.api_read.baseline_sql`),
and two OGC API Features servers, pygeoapi and tipg, serving a view of the same public records with the
same properties (`bench_peers_observation`: each record's public geometry and the non-null properties
fieldapp's list gives anonymous visitors, the same records: not withdrawn, not private, in a dataset
open to everyone). Medians and p95 of --repeat runs after a warm-up, every server timed in turn.

pygeoapi and tipg are never dependencies of the app: they live in a separate virtual environment,
FIELDAPP_PEERS_VENV (default var/peers-venv), made for example with

    python3 -m venv var/peers-venv && var/peers-venv/bin/pip install pygeoapi geoalchemy2 tipg uvicorn psycopg2-binary

A server whose package is absent there is skipped, and the table says so. Work of each server per
request, as each is built: fieldapp counts by an estimate at this size (numberMatched), pygeoapi runs an
exact count(*) on every page, tipg counts too (numberMatched) unless told not to.

The database is the bench's (FIELDAPP_BENCH_DB, default fieldapp_bench), loaded before by
`python -m bench` (this module does not load it); the view is created if missing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bench import api_read, database, report, server
from bench.load import JERSEY_BBOX
from bench.timing import paired_medians, summary
from fieldapp.access import ANONYMOUS, closed_datasets_sql

VIEW = "bench_peers_observation"
DEFAULT_VENV = Path(__file__).resolve().parent.parent / "var" / "peers-venv"
PAGES = api_read.PAGES


def view_sql(closed: list[int]) -> str:
    """The public records with the list's properties for anonymous visitors (bench data: all present)."""
    gate = f"AND NOT (o.dataset_id = ANY('{{{','.join(str(i) for i in closed)}}}'::bigint[]))" if closed else ""
    return f"""
CREATE OR REPLACE VIEW {VIEW} AS
SELECT o.id::text AS id, d.slug AS dataset, o.contributor_id, c.display_name AS recorded_by, o.subject_text,
       o.occurrence_status, o.count, o.observed_start, o.time_precision, o.visibility,
       o.visibility = 'public' AS location_precise, o.licence, o.created_at, o.updated_at, o.public_geom AS geom
  FROM observation o JOIN dataset d ON d.id = o.dataset_id LEFT JOIN contributor c ON c.id = o.contributor_id
 WHERE o.withdrawn_at IS NULL AND o.visibility <> 'private' {gate}
"""


def create_view(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        closed = [r[0] for r in conn.execute(api_read.to_psycopg(closed_datasets_sql(ANONYMOUS))).fetchall()]
        conn.execute(view_sql(sorted(closed)))


def _has(venv: Path, module: str) -> bool:
    python = venv / "bin" / "python"
    if not python.exists():
        return False
    return subprocess.run([str(python), "-c", f"import {module}"], capture_output=True).returncode == 0


@contextmanager
def _process(command: list[str], env: dict[str, str], ready: str, log: Path) -> Iterator[str]:
    port = server.free_port()
    base = f"http://127.0.0.1:{port}"
    command = [part.replace("{port}", str(port)) for part in command]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=os.environ | env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline, last = time.monotonic() + 90, None
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command[0]} stopped; see {log}")
                try:
                    with urllib.request.urlopen(base + ready, timeout=30) as response:
                        if response.status == 200:
                            break
                except OSError as error:
                    last = error
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not answer {ready} ({last!r}); see {log}")
                time.sleep(0.5)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def pygeoapi_config(url: str, folder: Path) -> tuple[Path, Path]:
    """A pygeoapi configuration with one collection (the view), and its OpenAPI document's path."""
    parts = make_url(url)
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": 0},
            "url": "http://127.0.0.1",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 100, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OSM"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "bench",
                "description": "bench",
                "keywords": ["bench"],
                "terms_of_service": "https://example.org",
                "url": "https://example.org",
            },
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "bench", "url": "https://example.org"},
            "contact": {
                "name": "bench",
                "position": "bench",
                "address": "-",
                "city": "-",
                "stateorprovince": "-",
                "postalcode": "-",
                "country": "-",
                "phone": "-",
                "fax": "-",
                "email": "bench@example.org",
                "url": "https://example.org",
                "hours": "-",
                "instructions": "-",
                "role": "pointOfContact",
            },
        },
        "resources": {
            "obs": {
                "type": "collection",
                "title": "observations",
                "description": "bench observations",
                "keywords": ["bench"],
                "links": [],
                "extents": {
                    "spatial": {"bbox": list(JERSEY_BBOX), "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
                },
                "providers": [
                    {
                        "type": "feature",
                        "name": "PostgreSQL",
                        "data": {
                            "host": parts.host or "/var/run/postgresql",
                            "port": parts.port or 5432,
                            "dbname": parts.database,
                            "user": parts.username or os.environ.get("USER", "postgres"),
                            "password": parts.password or "",
                            "search_path": ["public"],
                        },
                        "id_field": "id",
                        "table": VIEW,
                        "geom_field": "geom",
                    }
                ],
            }
        },
    }
    path, openapi = folder / "pygeoapi.yml", folder / "openapi.yml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return path, openapi


def peer_servers(venv: Path, url: str, folder: Path) -> dict[str, Callable[[], object]]:
    """How to start each peer present in the venv (a context manager yielding its base URL and item path)."""
    peers: dict[str, Callable[[], object]] = {}
    bin_dir = venv / "bin"
    parts = make_url(url)
    user = parts.username or os.environ.get("USER", "postgres")
    host = parts.host or "127.0.0.1"
    password = f":{parts.password}" if parts.password else ""
    if _has(venv, "pygeoapi"):
        config, openapi = pygeoapi_config(url, folder)
        pygeoapi_env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
        subprocess.run(
            [str(bin_dir / "pygeoapi"), "openapi", "generate", str(config), "--output-file", str(openapi)],
            env=os.environ | pygeoapi_env,
            check=True,
            capture_output=True,
        )
        pygeoapi_command = [str(bin_dir / "python"), "-m", "uvicorn", "pygeoapi.starlette_app:APP"]
        pygeoapi_command += ["--port", "{port}", "--log-level", "warning"]

        @contextmanager
        def pygeoapi() -> Iterator[tuple[str, str]]:
            with _process(pygeoapi_command, pygeoapi_env, "/collections/obs?f=json", folder / "pygeoapi.log") as base:
                yield base, "/collections/obs/items?f=json"

        peers["pygeoapi"] = pygeoapi
    if _has(venv, "tipg"):
        tipg_env = {
            "DATABASE_URL": f"postgresql://{user}{password}@{host}:{parts.port or 5432}/{parts.database}",
            "TIPG_DB_SCHEMAS": '["public"]',
            "TIPG_MAX_FEATURES_PER_QUERY": "10000",
        }
        tipg_command = [str(bin_dir / "python"), "-m", "uvicorn", "tipg.main:app", "--port", "{port}"]
        tipg_command += ["--log-level", "warning"]

        @contextmanager
        def tipg() -> Iterator[tuple[str, str]]:
            with _process(tipg_command, tipg_env, f"/collections/public.{VIEW}", folder / "tipg.log") as base:
                yield base, f"/collections/public.{VIEW}/items?f=geojson"

        peers["tipg"] = tipg
    return peers


def _getter(base: str) -> Callable[[str], bytes]:
    client = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=300)

    def get(path: str) -> bytes:
        client.request("GET", path)
        response = client.getresponse()
        body = response.read()
        if response.status != 200:
            raise AssertionError(f"GET {path} answered {response.status}: {body[:300]!r}")
        return body

    return get


def _page_query(bbox: tuple | None, limit: int) -> str:
    query = {"limit": str(limit)} | ({"bbox": ",".join(map(str, bbox))} if bbox else {})
    return urllib.parse.urlencode(query)


def _features(body: bytes) -> int:
    return len(json.loads(body)["features"])


def _time(fn: Callable[[], object], repeat: int, warmup: int) -> dict:
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return summary(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="fieldapp's gunicorn workers")
    args = parser.parse_args(argv)
    venv = Path(os.environ.get("FIELDAPP_PEERS_VENV", DEFAULT_VENV))
    url = database.bench_url()
    conninfo = database.libpq_url(url)
    create_view(conninfo)
    results: dict[str, dict] = {}
    skipped: list[str] = []
    folder = report.OUT_DIR / "peers"  # configurations and logs, kept for a look after the run
    folder.mkdir(parents=True, exist_ok=True)
    if True:
        peers = peer_servers(venv, url, folder)
        for name in ("pygeoapi", "tipg"):
            if name not in peers:
                skipped.append(f"{name}: not installed in {venv} (see this module's help)")
        log = report.OUT_DIR / "gunicorn-peers.log"
        report.OUT_DIR.mkdir(exist_ok=True)
        with server.gunicorn(conninfo, log, None, args.workers, "sync") as base:
            get = _getter(base)
            with psycopg.connect(conninfo, autocommit=True) as conn:
                viewer = api_read.anonymous(conn)
                for label, bbox, limit in PAGES:
                    sql, params = api_read.baseline_sql(bbox, limit=limit, viewer=viewer)
                    path = "/api/v1/observations?" + _page_query(bbox, limit)
                    row = results.setdefault(f"{label}, limit={limit}", {})
                    row["fieldapp"], row["raw SQL"] = paired_medians(  # alternately, so drift hits both alike
                        lambda path=path: get(path),
                        lambda sql=sql, params=params: conn.execute(sql, params, prepare=False).fetchone(),
                        args.repeat,
                        args.warmup,
                    )
                    row["fieldapp"]["features"] = _features(get(path))
        for name, start in peers.items():
            try:
                with start() as (base, items):  # type: ignore[attr-defined]
                    get = _getter(base)
                    for label, bbox, limit in PAGES:
                        path = f"{items}&{_page_query(bbox, limit)}"
                        row = results[f"{label}, limit={limit}"]
                        row[name] = _time(lambda path=path, get=get: get(path), args.repeat, args.warmup)
                        row[name]["features"] = _features(get(path))
            except (RuntimeError, AssertionError, OSError) as error:
                skipped.append(f"{name}: {error}")
    print(table(results))
    for line in skipped:
        print(f"skipped {line}")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    return 0


def table(results: dict[str, dict]) -> str:
    names = ["fieldapp", "raw SQL", "pygeoapi", "tipg"]
    lines = [f"{'page':<28}" + "".join(f"{n:>24}" for n in names) + f"{'fieldapp/raw':>14}"]
    for page, row in results.items():
        cells = []
        for name in names:
            figure = row.get(name)
            cells.append(f"{figure['median_ms']:8.1f} (p95 {figure['p95_ms']:7.1f}) ms" if figure else f"{'-':>24}")
        ratio = row["fieldapp"]["median_ms"] / row["raw SQL"]["median_ms"]
        lines.append(f"{page:<28}" + "".join(f"{c:>24}" for c in cells) + f"{ratio:>13.2f}x")
    counts = {
        page: {n: row[n].get("features") for n in names if n in row and "features" in row[n]}
        for page, row in results.items()
    }
    lines.append("features returned: " + json.dumps(counts))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
