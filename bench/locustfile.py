"""The load scenario for `python -m bench.traffic` (locust, headless): wardens, staff and a GIS client.

- Wardens post records with ids they generate, each followed by a photo (a small JPEG) for it.
- Staff browse: the shared map page, vector tiles around Jersey at zooms 10 to 14, and bbox lists.
- A GIS client pages the OGC API's observations collection, following `next` links.

Read from the environment (bench/traffic.py sets them): FIELDAPP_LOAD_WARDEN_TOKEN, FIELDAPP_LOAD_STAFF_TOKEN,
FIELDAPP_LOAD_DATASET (the wardens' dataset), FIELDAPP_LOAD_MARK (prefix of each record's notes, so the run's
records can be counted in the database) and FIELDAPP_LOAD_OUT (where the ids sent and acknowledged are written).
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import uuid

from locust import HttpUser, between, events, task
from PIL import Image

WEST, SOUTH, EAST, NORTH = -2.26, 49.16, -2.01, 49.27
SENT: set[str] = set()
ACKNOWLEDGED: set[str] = set()
PHOTOS: set[str] = set()


def _photo() -> bytes:
    image = Image.new("RGB", (320, 240), (random.randrange(256), 120, 140))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


PHOTO = _photo()


def _tile(z: int) -> tuple[int, int, int]:
    lon, lat = random.uniform(WEST, EAST), random.uniform(SOUTH, NORTH)
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def _bbox(size: float) -> str:
    lon, lat = random.uniform(WEST, EAST - size), random.uniform(SOUTH, NORTH - size / 2)
    return f"{lon:.5f},{lat:.5f},{lon + size:.5f},{lat + size / 2:.5f}"


class Warden(HttpUser):
    """A warden's phone: a record, then its photo."""

    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {os.environ['FIELDAPP_LOAD_WARDEN_TOKEN']}"

    @task
    def record_with_photo(self) -> None:
        record_id = str(uuid.uuid4())
        lon, lat = random.uniform(WEST, EAST), random.uniform(SOUTH, NORTH)
        body = {
            "type": "Feature",
            "id": record_id,
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {
                "dataset": os.environ["FIELDAPP_LOAD_DATASET"],
                "subject_text": random.choice(["spider crab", "ormer", "grey seal", "eelgrass"]),
                "notes": f"{os.environ['FIELDAPP_LOAD_MARK']} {record_id}",
            },
        }
        SENT.add(record_id)
        with self.client.post("/api/v1/observations", json=body, name="POST record", catch_response=True) as answer:
            if answer.status_code not in (200, 201):
                answer.failure(f"status {answer.status_code}")
                return
            ACKNOWLEDGED.add(record_id)
        files = {"file": ("photo.jpg", PHOTO, "image/jpeg")}
        photo = self.client.post(
            f"/api/v1/observations/{record_id}/media", files=files, data={"id": str(uuid.uuid4())}, name="POST photo"
        )
        if photo.status_code in (200, 201):
            PHOTOS.add(record_id)


class Staff(HttpUser):
    """Park staff at a desk: the map page, its tiles, lists of a bbox."""

    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {os.environ['FIELDAPP_LOAD_STAFF_TOKEN']}"

    @task(1)
    def map_page(self) -> None:
        self.client.get("/map", name="GET /map")

    @task(6)
    def tiles(self) -> None:
        for z in random.sample(range(10, 15), 2):
            z, x, y = _tile(z)
            self.client.get(f"/tiles/observations/{z}/{x}/{y}.pbf", name="GET tile")

    @task(2)
    def bbox_list(self) -> None:
        self.client.get("/api/v1/observations", params={"bbox": _bbox(0.02), "limit": 200}, name="GET list (bbox)")


class GisClient(HttpUser):
    """QGIS or GDAL reading the OGC API: a bbox, paged by the next links."""

    weight = 1
    wait_time = between(0.5, 1.5)

    @task
    def page_through(self) -> None:
        url = "/ogc/collections/observations/items"
        params: dict | None = {"bbox": _bbox(0.06), "limit": 500}
        for _ in range(3):
            answer = self.client.get(url, params=params, name="GET OGC items page")
            if answer.status_code != 200:
                return
            following = [link["href"] for link in answer.json().get("links", []) if link.get("rel") == "next"]
            if not following:
                return
            url, params = following[0], None


@events.test_stop.add_listener
def _write_ids(**_kwargs) -> None:
    path = os.environ.get("FIELDAPP_LOAD_OUT")
    if path:
        with open(path, "w") as out:
            json.dump({"sent": sorted(SENT), "acknowledged": sorted(ACKNOWLEDGED), "photos": sorted(PHOTOS)}, out)
