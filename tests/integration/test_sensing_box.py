"""A question's box counts exactly the records ST_Intersects finds in it, at its edges too.

The statement tests a record's bounding box against the box shrunk by a margin first (a cheap test that
answers for nearly every record of the park's box) and ST_Intersects for the rest: records on, just
inside and just outside the edges must count as ST_Intersects alone counts them."""

from __future__ import annotations

from tests.factories import JERSEY_POINT
from tests.integration.test_sensing import World, sensing, source

BIN5 = {"bin": "5years", "from": "2000", "to": "2024"}


def test_records_at_a_boxs_edges_count_as_st_intersects_counts_them(client, make):
    w = World(client, make)
    lon, lat = (round(v, 4) for v in JERSEY_POINT)
    minx, miny, maxx, maxy = lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01
    inside = {
        "deep inside": [lon, lat],
        "on the east edge": [maxx, lat],
        "a metre inside the north edge": [lon, maxy - 0.00001],
    }
    outside = {
        # Within the rounding of PostGIS's float boxes of the edge: its box meets the box's box.
        "a tenth of a metre beyond the north edge": [lon, maxy + 0.000001],
        "beyond the west edge": [minx - 0.001, lat],
    }
    for where in [*inside.values(), *outside.values()]:
        w.post(w.warden, w.counts, "crab", 2021, geometry={"type": "Point", "coordinates": where})
    # An area across the south edge is in the box (it meets it) though its bounding box is not inside it.
    across = [[lon, miny - 0.002], [lon + 0.002, miny - 0.002], [lon + 0.002, miny + 0.002], [lon, miny + 0.002]]
    w.post(w.warden, w.counts, "crab", 2021, geometry={"type": "Polygon", "coordinates": [[*across, across[0]]]})
    box = ",".join(repr(v) for v in (minx, miny, maxx, maxy))
    bins = source(sensing(client, subject="crab", bbox=box, **BIN5), w.counts.slug)["bins"]
    assert [b["effort"] for b in bins] == [0, 0, 0, 0, len(inside) + 1]
