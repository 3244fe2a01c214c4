"""Data agreements: stewards attach them, everyone reads them, and the gate holds an embargo and an audience
in every output (list, detail, OGC, tiles' ETag, export) until the clock passes the embargo's day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from tests.factories import feature

AGREEMENT = {
    "purpose": "Managing the bass nursery areas with the fishers.",
    "uses": ["park_management", "research"],
    "commercial": False,
    "audience": "everyone",
    "embargo_until": "2027-03-01",
    "review_on": "2028-01-01",
    "labels": [{"label": "tk_seasonal", "text": "Shared for the summer season only."}],
}


@pytest.fixture
def steward(make):
    return make.account(role="steward", name="Fishers' steward")


@pytest.fixture
def grounds(make, steward):
    return make.dataset(steward, title="Fishers' grounds", knowledge_kind="local")


@pytest.fixture
def record(client, steward, grounds):
    response = client.post("/api/v1/observations", json=feature(grounds.slug), headers=steward.headers)
    assert response.status_code == 201
    return response.get_json()["id"]


def move_clock(db, day: date) -> None:
    db.execute(text("SELECT set_config('fieldapp.today', :day, false)"), {"day": day.isoformat()})


def put(client, account, slug, body):
    return client.put(f"/api/v1/datasets/{slug}/agreement", json=body, headers=account.headers)


def test_a_steward_attaches_an_agreement_that_everyone_reads(client, db, steward, grounds, make):
    assert client.get(f"/api/v1/datasets/{grounds.slug}/agreement").get_json() is None
    assert put(client, make.account(name="Someone else"), grounds.slug, AGREEMENT).status_code == 403
    assert client.put(f"/api/v1/datasets/{grounds.slug}/agreement", json=AGREEMENT).status_code == 401
    move_clock(db, date(2026, 12, 1))
    response = put(client, steward, grounds.slug, AGREEMENT)
    assert response.status_code == 200, response.get_data(as_text=True)
    stored = client.get(f"/api/v1/datasets/{grounds.slug}/agreement").get_json()
    assert stored["uses"] == ["park_management", "research"] and stored["commercial"] is False
    assert stored["embargoed"] is True and stored["labels"][0]["label"] == "tk_seasonal"
    assert client.get(f"/api/v1/datasets/{grounds.slug}").get_json()["agreement"]["purpose"] == AGREEMENT["purpose"]
    page = client.get(f"/datasets/{grounds.slug}").get_data(as_text=True)
    assert "TK Seasonal" in page and "Shared for the summer season only." in page
    assert "commercial use not allowed" in page
    assert "Under embargo until 2027-03-01" in page


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"audience": "nobody"}, "audience"),
        ({"uses": ["fishing"]}, "uses"),
        ({"labels": [{"label": "tk_unknown"}]}, "labels"),
        ({"audience": "everyone", "audience_groups": [1]}, "audience_groups"),
    ],
)
def test_a_wrong_agreement_is_refused_naming_the_field(client, steward, grounds, body, path):
    response = put(client, steward, grounds.slug, body)
    assert response.status_code in (400, 422)
    assert path in response.get_data(as_text=True)


def _outputs(client, slug, oid, headers=None):
    """What a viewer gets of the dataset's record from each output."""
    listed = client.get("/api/v1/observations", query_string={"dataset": slug}, headers=headers).get_json()
    ogc = client.get(f"/ogc/collections/{slug}/items", headers=headers).get_json()
    export = client.get(f"/api/v1/datasets/{slug}/export", query_string={"format": "geojson"}, headers=headers)
    return {
        "list": [f["id"] for f in listed["features"]],
        "detail": client.get(f"/api/v1/observations/{oid}", headers=headers).status_code,
        "page": client.get(f"/observations/{oid}", headers=headers).status_code,
        "ogc": [f["id"] for f in ogc["features"]],
        "export": [f["id"] for f in export.get_json()["features"]],
    }


def test_an_embargo_hides_the_records_everywhere_until_its_day(client, db, steward, grounds, record, make):
    member = make.account(name="A member")
    move_clock(db, date(2026, 12, 1))
    tag_before = client.get("/tiles/observations/8/126/88.pbf").headers["ETag"]
    assert put(client, steward, grounds.slug, AGREEMENT).status_code == 200
    hidden = {"list": [], "detail": 404, "page": 404, "ogc": [], "export": []}
    assert _outputs(client, grounds.slug, record) == hidden
    assert _outputs(client, grounds.slug, record, member.headers) == hidden
    # Its stewards still see it; the tiles' ETag moved, so no cached tile keeps the record.
    assert _outputs(client, grounds.slug, record, steward.headers)["list"] == [record]
    assert client.get("/tiles/observations/8/126/88.pbf").headers["ETag"] != tag_before
    # Only the existence and the credit are public meanwhile.
    assert client.get(f"/api/v1/datasets/{grounds.slug}").get_json()["counts"]["total"] == 0
    move_clock(db, date(2027, 3, 1))
    shown = {"list": [record], "detail": 200, "page": 200, "ogc": [record], "export": [record]}
    assert _outputs(client, grounds.slug, record) == shown


def test_an_audience_of_named_groups(client, db, steward, grounds, record, make):
    insider, outsider = make.account(name="Insider"), make.account(name="Outsider")
    group = make.group("Bass fishers", [insider])
    db.commit()
    body = {"audience": "groups", "audience_groups": [group.id]}
    assert put(client, steward, grounds.slug, body).status_code == 200
    assert _outputs(client, grounds.slug, record, insider.headers)["list"] == [record]
    assert _outputs(client, grounds.slug, record, outsider.headers)["list"] == []
    assert _outputs(client, grounds.slug, record)["detail"] == 404


def test_the_record_page_shows_its_datasets_labels(client, steward, grounds, record):
    assert put(client, steward, grounds.slug, AGREEMENT | {"embargo_until": None}).status_code == 200
    page = client.get(f"/observations/{record}").get_data(as_text=True)
    assert "TK Seasonal" in page and "Shared for the summer season only." in page


def test_every_export_carries_the_agreement(client, steward, grounds, record):
    """GeoJSON for the file, CSV per row, Darwin Core accessRights per record and the EML's intellectualRights."""
    import csv
    import io
    import zipfile

    assert put(client, steward, grounds.slug, AGREEMENT | {"embargo_until": None}).status_code == 200
    expected = (
        "Data agreement. Purpose: Managing the bass nursery areas with the fishers.. Allowed uses: park management,"
        " research. No commercial use. Review on 2028-01-01. Labels: TK Seasonal (Shared for the summer season only.)"
    )
    url = f"/api/v1/datasets/{grounds.slug}/export"
    assert client.get(url, query_string={"format": "geojson"}).get_json()["terms"] == expected
    [row] = list(csv.DictReader(io.StringIO(client.get(url, query_string={"format": "csv"}).get_data(as_text=True))))
    assert row["terms"] == expected
    archive = zipfile.ZipFile(io.BytesIO(client.get(url, query_string={"format": "dwca"}).data))
    assert expected in archive.read("eml.xml").decode()
    header, line = archive.read("occurrence.txt").decode().splitlines()[:2]
    assert dict(zip(header.split("\t"), line.split("\t"), strict=True))["accessRights"] == expected


def test_map_popups_carry_the_datasets_labels(client, steward, grounds, record):
    from tests.factories import JERSEY_POINT
    from tests.integration.test_tiles import decode, get_tile

    assert put(client, steward, grounds.slug, AGREEMENT | {"embargo_until": None}).status_code == 200
    response, address = get_tile(client, *JERSEY_POINT, 15, dataset=grounds.slug)
    [(_, props)] = decode(response.data, *address)["observations"]
    assert props["terms"] == "TK Seasonal"
