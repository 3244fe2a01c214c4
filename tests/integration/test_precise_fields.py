"""Fields derived from the precise place (repair note, uncertainty, imported attributes) are withheld like it."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text

from fieldapp.config import PROJECT_ROOT
from tests.factories import feature

# The leak tests' canary: a drawn area whose edges cross exactly here.
X, Y, D = -2.123456, 49.201234, 0.002
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[X - D, Y - D], [X + D, Y + D], [X + D, Y - D], [X - D, Y + D], [X - D, Y - D]]],
}
CANARY = re.compile(r"2\.1234|49\.2012")


@pytest.fixture
def owner(make):
    return make.account(name="Canary Owner")


@pytest.fixture
def hidden(client, make, owner):
    """A self-intersecting area at the canary, with uncertainty and attributes, in a generalised dataset."""
    dataset = make.dataset(owner, force_generalised=True, generalise_m=1000)
    body = feature(dataset.slug, BOW_TIE, coordinate_uncertainty_m=7, attributes={"gps": f"{X} {Y}"})
    response = client.post("/api/v1/observations", json=body, headers=owner.headers)
    assert response.status_code == 201, response.get_json()
    return dataset, response.get_json()["id"]


def _outputs(client, slug: str, oid: str, headers: dict) -> dict[str, str]:
    urls = {
        "list": f"/api/v1/observations?dataset={slug}",
        "detail": f"/api/v1/observations/{oid}",
        "ogc items": f"/ogc/collections/{slug}/items",
        "ogc item": f"/ogc/collections/{slug}/items/{oid}",
        "geojson export": f"/api/v1/datasets/{slug}/export?format=geojson",
        "csv export": f"/api/v1/datasets/{slug}/export?format=csv",
        "record page": f"/observations/{oid}",
    }
    bodies = {}
    for name, url in urls.items():
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.status_code)
        bodies[name] = response.get_data(as_text=True)
    return bodies


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_no_output_carries_the_canary_for_others(client, make, hidden, who):
    dataset, oid = hidden
    headers = make.account().headers if who == "member" else {}
    for name, body in _outputs(client, dataset.slug, oid, headers).items():
        assert not CANARY.search(body), (name, CANARY.search(body).group(0))
    props = client.get(f"/api/v1/observations/{oid}", headers=headers).get_json()["properties"]
    assert (props["repair_note"], props["coordinate_uncertainty_m"], props["attributes"]) == (None, None, None)


def test_the_owner_sees_the_note_and_it_holds_no_coordinate(client, owner, hidden):
    _, oid = hidden
    props = client.get(f"/api/v1/observations/{oid}", headers=owner.headers).get_json()["properties"]
    assert props["repair_note"] == "Invalid Polygon (Self-intersection) repaired with make_valid into a MultiPolygon."
    assert props["coordinate_uncertainty_m"] == 7 and props["attributes"] == {"gps": f"{X} {Y}"}


def test_the_migration_strips_places_from_stored_notes(db, owner, hidden):
    _, oid = hidden
    old = f"Invalid Polygon (Self-intersection[{X} {Y}]) repaired with make_valid into a MultiPolygon."
    db.execute(text("UPDATE observation SET repair_note = :note WHERE id = :id"), {"note": old, "id": oid})
    _run_migration(db, "*_repair_notes_without_places.py")
    note = db.execute(text("SELECT repair_note FROM observation WHERE id = :id"), {"id": oid}).scalar_one()
    assert note == "Invalid Polygon (Self-intersection) repaired with make_valid into a MultiPolygon."
    history = db.execute(
        text(
            "SELECT string_agg((changes->'repair_note')::text, ' ') FROM observation_history WHERE observation_id = :id"
        ),
        {"id": oid},
    ).scalar_one()
    assert not CANARY.search(history)


def _run_migration(db, pattern: str) -> None:
    [path] = Path(PROJECT_ROOT / "migrations" / "versions").glob(pattern)
    spec = importlib.util.spec_from_file_location("migration_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    context = MigrationContext.configure(db.connection())
    with Operations.context(context):
        module.upgrade()
