"""GET /api/v1/observations over HTTP against one raw SQL query building the same GeoJSON."""

from __future__ import annotations

import http.client
import json
import math
import re
import urllib.parse
from dataclasses import replace

import psycopg

from bench.load import JERSEY_BBOX
from bench.timing import paired_medians
from fieldapp.access import ANONYMOUS, Viewer, closed_datasets_sql
from fieldapp.observations.queries import (
    FROM_SQL,
    ObservationFilter,
    list_feature_sql,
    observation_feature_sql,
    where_sql,
)

LIMIT = 10_000


def to_psycopg(sql: str) -> str:
    """Turn SQLAlchemy's :name parameters into psycopg's %(name)s (leaving ::casts alone)."""
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql.replace("%", "%%"))


def anonymous(conn: psycopg.Connection) -> Viewer:
    """The anonymous viewer with the datasets closed to it named by id, as the API's lists build it
    (access.resolved): the baseline gets the same, fastest form of the gate."""
    closed = conn.execute(to_psycopg(closed_datasets_sql(ANONYMOUS))).fetchall()
    return replace(ANONYMOUS, closed=tuple(sorted(int(r[0]) for r in closed)))


def baseline_sql(
    bbox: tuple[float, float, float, float] | None,
    full: bool = False,
    limit: int = LIMIT,
    viewer: Viewer = ANONYMOUS,
) -> tuple[str, dict]:
    """One query for the whole FeatureCollection, from the API's own builders (anonymous viewer).

    The features are the list's (nulls left out, the dataset's text once in `datasets`); `full` builds
    them as lists did before, with every property (what record pages and exports still send)."""
    where, params = where_sql(ObservationFilter(bbox=bbox), viewer)
    feature = observation_feature_sql(viewer) if full else list_feature_sql(viewer)
    sql = f"""
        WITH page AS (SELECT o.seq, o.dataset_id, {feature} AS f
                      FROM {FROM_SQL} WHERE {where} ORDER BY o.seq LIMIT :limit)
        SELECT json_build_object(
          'type', 'FeatureCollection', 'numberReturned', (SELECT count(*) FROM page),
          'datasets', (SELECT json_object_agg(d.slug, json_build_object('title', d.title,
                         'knowledge_kind', d.knowledge_kind, 'licence', d.licence))
                       FROM dataset d WHERE d.id IN (SELECT dataset_id FROM page)),
          'features', (SELECT coalesce(json_agg(f ORDER BY seq), '[]'::json) FROM page))::text
    """
    return to_psycopg(sql), {**params, "limit": limit}


def count_in(conn: psycopg.Connection, bbox: tuple[float, float, float, float]) -> int:
    where, params = where_sql(ObservationFilter(bbox=bbox), ANONYMOUS)
    sql = to_psycopg(f"SELECT count(*) FROM {FROM_SQL} WHERE {where}")
    return conn.execute(sql, params).fetchone()[0]


def centred_bbox(scale: float) -> tuple[float, float, float, float]:
    """A box at the centre of Jersey's bounding box, `scale` times its width and height."""
    minx, miny, maxx, maxy = JERSEY_BBOX
    cx, cy, hw, hh = (minx + maxx) / 2, (miny + maxy) / 2, (maxx - minx) / 2, (maxy - miny) / 2
    return (round(cx - hw * scale, 6), round(cy - hh * scale, 6), round(cx + hw * scale, 6), round(cy + hh * scale, 6))


def find_bbox(conn: psycopg.Connection, target: int, total: int) -> tuple[tuple, int]:
    """A centred bbox holding about `target` public features (within 2%, never above the limit)."""
    scale = math.sqrt(target / total)
    bbox, found = centred_bbox(scale), 0
    for _ in range(8):
        bbox = centred_bbox(scale)
        found = count_in(conn, bbox)
        if abs(found - target) <= target * 0.02 and found <= LIMIT:
            break
        scale *= math.sqrt(target / max(found, 1))
    return bbox, found


def check_same(api_body: bytes, raw_text: str) -> int:
    """The API and the baseline must give the same features; returns how many."""
    api, raw = json.loads(api_body), json.loads(raw_text)
    if (api["features"], api["numberReturned"], api["datasets"]) != (
        raw["features"],
        raw["numberReturned"],
        raw["datasets"] or {},
    ):
        raise AssertionError("the API and the raw SQL baseline disagree")
    return api["numberReturned"]


def measure(base_url: str, conninfo: str, targets: list[int], total: int, repeat: int, warmup: int) -> list[dict]:
    """For each target size: the API's median against the raw query's median."""
    results = []
    # http.client: one read of Content-Length bytes, so the client adds little of its own.
    # It keeps the connection alive where the server allows (gunicorn's sync workers do not).
    client = http.client.HTTPConnection(urllib.parse.urlsplit(base_url).netloc, timeout=120)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for target in targets:
            bbox, found = find_bbox(conn, target, total)
            sql, params = baseline_sql(bbox)
            query = {"bbox": ",".join(map(str, bbox)), "limit": str(LIMIT)}
            path = "/api/v1/observations?" + urllib.parse.urlencode(query)

            def api(path=path) -> bytes:
                client.request("GET", path)
                response = client.getresponse()
                body = response.read()
                if response.status != 200:
                    raise AssertionError(f"GET answered {response.status}: {body[:300]!r}")
                return body

            def raw(sql=sql, params=params) -> str:
                return conn.execute(sql, params).fetchone()[0]

            body = api()
            features = check_same(body, raw())
            full_sql, _ = baseline_sql(bbox, full=True)
            full_bytes = len(conn.execute(full_sql, params).fetchone()[0].encode())
            api_t, raw_t = paired_medians(api, raw, repeat, warmup)
            results.append(
                {
                    "target": target,
                    "bbox": bbox,
                    "features": features,
                    "matched": found,
                    "bytes": len(body),
                    "full_bytes": full_bytes,
                    "api": api_t,
                    "raw": raw_t,
                    "ratio": api_t["median_ms"] / raw_t["median_ms"],
                }
            )
    return results


# Target 1 of issue 12: the views users open first, a page of the whole island and of no filter at all.
PAGES = [
    ("whole island", JERSEY_BBOX, 100),
    ("whole island", JERSEY_BBOX, 1_000),
    ("no filter", None, 100),
    ("no filter", None, 1_000),
]


def measure_pages(base_url: str, conninfo: str, repeat: int, warmup: int) -> list[dict]:
    """Each first page of PAGES through the API (its numberMatched included, as a client gets it)
    against the raw SQL of the same page (the features checked equal first)."""
    results = []
    client = http.client.HTTPConnection(urllib.parse.urlsplit(base_url).netloc, timeout=120)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        viewer = anonymous(conn)
        for name, bbox, limit in PAGES:
            sql, params = baseline_sql(bbox, limit=limit, viewer=viewer)
            query = {"limit": str(limit)} | ({"bbox": ",".join(map(str, bbox))} if bbox else {})
            path = "/api/v1/observations?" + urllib.parse.urlencode(query)

            def api(path=path) -> bytes:
                client.request("GET", path)
                response = client.getresponse()
                body = response.read()
                if response.status != 200:
                    raise AssertionError(f"GET answered {response.status}: {body[:300]!r}")
                return body

            def raw(sql=sql, params=params) -> str:
                # Planned for its parameters every time: prepared, psycopg lets PostgreSQL pick a generic plan
                # after five runs, which for the whole island sorted every row (12 s at 1M rows).
                return conn.execute(sql, params, prepare=False).fetchone()[0]

            features = check_same(api(), raw())
            api_t, raw_t = paired_medians(api, raw, repeat, warmup)
            results.append(
                {
                    "page": name,
                    "limit": limit,
                    "features": features,
                    "api": api_t,
                    "raw": raw_t,
                    "ratio": api_t["median_ms"] / raw_t["median_ms"],
                }
            )
    return results
