"""POST batches of 1,000 features over HTTP against COPY of the same rows (triggers on for both)."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import psycopg
import requests

from bench.load import Owner, Synthetic, copy_rows, synthetic

BATCH = 1000


def feature(obs: Synthetic, slug: str) -> dict:
    """The GeoJSON Feature a client would send for one synthetic observation."""
    return {
        "type": "Feature",
        "id": str(obs.id),
        "geometry": {"type": "Point", "coordinates": [obs.lon, obs.lat]},
        "properties": {
            "dataset": slug,
            "subject_text": obs.subject_text,
            "occurrence_status": "present",
            "count": obs.count,
            "observed_start": obs.observed_start.isoformat(),
            "time_precision": "instant",
            "visibility": "public",
        },
    }


def batches_of(rows: list[Synthetic], size: int = BATCH) -> list[list[Synthetic]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def post_all(base_url: str, token: str, slug: str, batches: list[list[Synthetic]], clients: int) -> float:
    """POST every batch (bodies serialised beforehand) with `clients` parallel sessions; seconds."""
    bodies = [json.dumps({"type": "FeatureCollection", "features": [feature(o, slug) for o in b]}) for b in batches]
    url = f"{base_url}/api/v1/observations"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post_share(share: list[str]) -> None:
        http = requests.Session()
        for body in share:
            response = http.post(url, data=body, headers=headers)
            if response.status_code != 201 or response.json()["created"] != BATCH:
                raise AssertionError(f"POST answered {response.status_code}: {response.text[:300]}")

    shares = [bodies[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post_share, shares))
    return time.perf_counter() - started


def copy_all(conninfo: str, owner: Owner, batches: list[list[Synthetic]]) -> float:
    """COPY the same rows (fresh ids), one transaction per batch like the API; seconds."""
    started = time.perf_counter()
    with psycopg.connect(conninfo) as conn:
        for batch in batches:
            copy_rows(conn, iter([replace(o, id=uuid.uuid4()) for o in batch]), owner)
            conn.commit()
    return time.perf_counter() - started


def measure(
    base_url: str,
    conninfo: str,
    token: str,
    slug: str,
    owner: Owner,
    batches: int,
    clients: list[int],
    seed: int | None = None,
) -> dict:
    """Observations per second through the API (per client count) and by COPY."""
    # Fresh ids on every run, so a reused database never answers "existing".
    seed = time.time_ns() if seed is None else seed
    rows = list(synthetic(BATCH * (batches * (len(clients) + 1) + 1), seed=seed))
    groups = batches_of(rows)
    n = batches * BATCH
    # One batch first, untimed: workers import and connect on their first write.
    post_all(base_url, token, slug, [groups.pop()], 1)
    api = {}
    for count in clients:
        chosen, groups = groups[:batches], groups[batches:]
        seconds = post_all(base_url, token, slug, chosen, count)
        api[count] = {"seconds": seconds, "obs_per_s": n / seconds}
    copy_s = copy_all(conninfo, owner, groups[:batches])
    return {"observations": n, "batch": BATCH, "api": api, "copy": {"seconds": copy_s, "obs_per_s": n / copy_s}}
