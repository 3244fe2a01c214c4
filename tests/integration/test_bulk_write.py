"""The set-based bulk insert writes exactly what the row triggers write, and only it skips them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import shapely
from sqlalchemy import text

from fieldapp.db import set_actor
from fieldapp.observations import service
from fieldapp.subjects.models import Subject
from tests.integration.transfer_helpers import do_import

POINT = shapely.Point(-2.1043, 49.1838)
LINE = shapely.LineString([(-2.20, 49.20), (-2.17, 49.21), (-2.15, 49.215)])
POLYGON = shapely.Polygon([(-2.20, 49.20), (-2.18, 49.20), (-2.18, 49.215), (-2.20, 49.20)])


def _row(dataset, user, geom, visibility: str, subject_id: int | None = None) -> dict:
    """One row as the API path builds it (every INSERT_COLUMNS key)."""
    return {
        **{name: None for name in service.OPTIONAL_PROPERTIES},
        "id": uuid.uuid4(),
        "dataset_id": dataset.id,
        "contributor_id": user.contributor_id,
        "entered_by": user.id,
        "subject_id": subject_id,
        "subject_text": "spider crab",
        "occurrence_status": "present",
        "count": 3,
        "observed_start": datetime(2024, 5, 1, 9, tzinfo=UTC),
        "time_precision": "instant",
        "season_months": [4, 5],
        "coordinate_uncertainty_m": 12.5,
        "visibility": visibility,
        "confidence": "probable",
        "licence": dataset.licence,
        "attributes": {"tide": "low"},
        "repair_note": None,
        "content_hash": "x" * 64,
        "form_version": None,
        "field_values": None,
        "geom": shapely.to_wkb(geom),
    }


def _plain_insert(db, row: dict) -> None:
    """The same row through an ordinary INSERT, so the row triggers do the work."""
    values = {
        "smallint[]": "CAST(:{c} AS smallint[])",
        "jsonb": "CAST(:{c} AS jsonb)",
        "geometry": "ST_GeomFromWKB(:{c}, 4326)",
    }
    columns = service.INSERT_COLUMNS
    sql = (
        f"INSERT INTO observation ({', '.join(columns)}) VALUES "
        f"({', '.join(values.get(t, ':{c}').format(c=c) for c, t in columns.items())})"
    )
    db.execute(text(sql), {c: service._carried(row[c], t) for c, t in columns.items()})


def _written(db, oid) -> tuple:
    place = db.execute(
        text(
            "SELECT visibility, encode(ST_AsEWKB(public_geom), 'hex') AS public_geom,"
            " public_precision_m FROM observation WHERE id = :id"
        ),
        {"id": oid},
    ).one()
    history = db.execute(
        text(
            "SELECT action, actor_id, proposed_by, annotation_id, changes"
            " FROM observation_history WHERE observation_id = :id"
        ),
        {"id": oid},
    ).all()
    assert len(history) == 1
    [entry] = history
    assert entry.changes.pop("id") == str(oid)
    return tuple(place), (entry.action, entry.actor_id, entry.proposed_by, entry.annotation_id, entry.changes)


@pytest.fixture
def warden(make):
    return make.account(role="steward", name="Bulk Warden")


def _both_ways(db, warden, dataset, geom, visibility, subject_id=None) -> tuple:
    set_actor(db, warden.user.id)
    bulk_row = _row(dataset, warden.user, geom, visibility, subject_id)
    assert service.insert_rows(db, [bulk_row]) == {bulk_row["id"]}
    trigger_row = {**bulk_row, "id": uuid.uuid4()}
    _plain_insert(db, trigger_row)
    bulk, triggered = _written(db, bulk_row["id"]), _written(db, trigger_row["id"])
    assert bulk == triggered
    return bulk


def test_public_record_keeps_its_geometry_both_ways(db, make, warden):
    dataset = make.dataset(warden)
    (visibility, public, precision), (action, actor, *_rest, changes) = _both_ways(db, warden, dataset, POINT, "public")
    assert (visibility, precision, action, actor) == ("public", 12.5, "create", warden.user.id)
    assert (
        db.execute(
            text("SELECT ST_Equals(ST_GeomFromEWKB(decode(:h, 'hex')), ST_GeomFromWKB(:g, 4326))"),
            {"h": public, "g": shapely.to_wkb(POINT)},
        ).scalar()
        is True
    )
    assert changes["geom"]["type"] == "Point" and changes["season_months"] == [4, 5]
    assert changes["attributes"] == {"tide": "low"} and changes["visibility"] == "public"


@pytest.mark.parametrize("geom", [POINT, LINE, POLYGON], ids=["point", "line", "polygon"])
def test_generalised_record_gets_the_same_cells_both_ways(db, make, warden, geom):
    dataset = make.dataset(warden, generalise_m=2000)
    (visibility, public, precision), _history = _both_ways(db, warden, dataset, geom, "generalised")
    assert (visibility, precision) == ("generalised", 2000)
    contains = db.execute(
        text(
            "SELECT ST_Covers(ST_GeomFromEWKB(decode(:h, 'hex')), ST_GeomFromWKB(:g, 4326)),"
            " GeometryType(ST_GeomFromEWKB(decode(:h, 'hex')))"
        ),
        {"h": public, "g": shapely.to_wkb(geom)},
    ).one()
    assert contains[0] is True and contains[1] in ("POLYGON", "MULTIPOLYGON")


def test_private_record_has_no_public_geometry_both_ways(db, make, warden):
    dataset = make.dataset(warden, default_visibility="private")
    (visibility, public, precision), history = _both_ways(db, warden, dataset, POINT, "private")
    assert (visibility, public, precision) == ("private", None, None)
    assert history[4]["visibility"] == "private"


def test_a_sensitive_subject_forces_generalisation_both_ways(db, make, warden):
    dataset = make.dataset(warden)
    bat = Subject(kind="taxon", scientific_name="Rhinolophus ferrumequinum", generalise_m=2000)
    db.add(bat)
    db.flush()
    (visibility, public, precision), history = _both_ways(db, warden, dataset, POINT, "public", bat.id)
    # The subject's cell is larger than the deployment default (1,000 m), so it wins.
    assert (visibility, precision) == ("generalised", 2000)
    assert public is not None and history[4]["visibility"] == "generalised"


def test_a_subject_cell_smaller_than_the_dataset_cell_takes_the_dataset_cell(db, make, warden):
    dataset = make.dataset(warden, generalise_m=3000)
    shy = Subject(kind="taxon", scientific_name="Hippocampus hippocampus", generalise_m=100)
    db.add(shy)
    db.flush()
    (visibility, _public, precision), _history = _both_ways(db, warden, dataset, LINE, "public", shy.id)
    assert (visibility, precision) == ("generalised", 3000)


def test_a_dataset_forcing_generalisation_applies_both_ways(db, make, warden):
    dataset = make.dataset(warden, force_generalised=True, generalise_m=5000)
    (visibility, public, precision), _history = _both_ways(db, warden, dataset, POLYGON, "public")
    assert (visibility, precision) == ("generalised", 5000)
    assert public is not None


def test_the_bulk_flag_is_off_outside_the_bulk_statement(db, make, warden):
    dataset = make.dataset(warden)
    set_actor(db, warden.user.id)
    service.insert_rows(db, [_row(dataset, warden.user, POINT, "public")])
    assert db.execute(text("SELECT current_setting('fieldapp.bulk_write', true)")).scalar() in ("", None)
    # So a plain INSERT right after it in the same transaction still gets the triggers' work.
    oid = db.execute(
        text(
            "INSERT INTO observation (id, dataset_id, subject_text, occurrence_status, observed_start, time_precision,"
            " geom, visibility, licence, attributes) VALUES (gen_random_uuid(), :d, 'limpet', 'present', now(), 'day',"
            " ST_SetSRID(ST_MakePoint(-2.1, 49.2), 4326), 'generalised', 'CC0-1.0', '{}') RETURNING id"
        ),
        {"d": dataset.id},
    ).scalar()
    place, history = _written(db, oid)
    assert place[0] == "generalised" and place[1] is not None and place[2] == 1000
    assert history[:2] == ("create", warden.user.id)


def test_updates_still_go_through_the_triggers(db, make, warden):
    dataset = make.dataset(warden)
    set_actor(db, warden.user.id)
    row = _row(dataset, warden.user, POINT, "public")
    service.insert_rows(db, [row])
    db.execute(text("UPDATE observation SET visibility = 'private', count = 4 WHERE id = :id"), {"id": row["id"]})
    public, updates = db.execute(
        text(
            "SELECT o.public_geom, (SELECT array_agg(h.changes ORDER BY h.id) FROM observation_history h"
            " WHERE h.observation_id = o.id AND h.action = 'update') FROM observation o WHERE o.id = :id"
        ),
        {"id": row["id"]},
    ).one()
    assert public is None
    assert updates == [{"count": {"from": 3, "to": 4}, "visibility": {"from": "public", "to": "private"}}]


def test_a_batch_through_the_api_writes_one_history_row_per_new_record(client, db, make, warden):
    dataset = make.dataset(warden, default_visibility="generalised")
    features = [
        {
            "type": "Feature",
            "id": str(uuid.uuid4()),
            "geometry": {"type": "Point", "coordinates": [-2.1 - i / 1000, 49.2]},
            "properties": {"dataset": dataset.slug, "subject_text": "ormer"},
        }
        for i in range(5)
    ]
    body = {"type": "FeatureCollection", "features": features}
    assert client.post("/api/v1/observations", json=body, headers=warden.headers).status_code == 201
    again = client.post("/api/v1/observations", json=body, headers=warden.headers)
    assert again.status_code in (200, 201)
    counts = db.execute(
        text(
            "SELECT count(*), count(DISTINCT h.id), bool_and(o.public_geom IS NOT NULL),"
            " bool_and(h.actor_id = :u) FROM observation o JOIN observation_history h ON h.observation_id = o.id"
            " WHERE o.dataset_id = :d"
        ),
        {"d": dataset.id, "u": warden.user.id},
    ).one()
    assert tuple(counts) == (5, 5, True, True)


def test_import_writes_history_and_a_repeated_id_keeps_its_first_row(db, make, warden, tmp_path):
    dataset = make.dataset(warden, default_visibility="generalised")
    path = tmp_path / "dup.csv"
    path.write_text(
        "id,lat,lon,species,date\na,49.2,-2.1,crab,2021-01-01\nb,49.21,-2.1,crab,2021-01-02\n"
        "a,49.22,-2.1,ormer,2021-01-03\n",
        encoding="utf-8",
    )
    report = do_import(db, path, dataset.slug, tmp_path / "w", skip_rejected=True, user_id=warden.user.id)
    assert (report.created, report.rejected_count) == (2, 1)
    rows = db.execute(
        text(
            "SELECT o.source_ref, o.subject_text, o.visibility, o.public_precision_m,"
            " h.actor_id, h.changes->>'source_ref'"
            " FROM observation o JOIN observation_history h ON h.observation_id = o.id"
            " WHERE o.dataset_id = :d ORDER BY o.source_ref"
        ),
        {"d": dataset.id},
    ).all()
    assert [tuple(r) for r in rows] == [
        ("a", "crab", "generalised", 1000, warden.user.id, "a"),
        ("b", "crab", "generalised", 1000, warden.user.id, "b"),
    ]
