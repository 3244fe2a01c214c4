"""No generalisation cell finer than the floor: settings, API, database and the words on the form."""

from __future__ import annotations

import importlib.util

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fieldapp.config import PROJECT_ROOT, Settings, SettingsError
from tests.factories import feature

URL = "/api/v1/datasets"


def new_dataset(**values) -> dict:
    return {"slug": "shy-waders", "title": "Shy waders", "knowledge_kind": "volunteer"} | values


@pytest.mark.parametrize("cell", [10, 99, 500, 999])
def test_a_cell_finer_than_the_floor_is_refused_naming_the_field(client, steward, cell):
    response = client.post(URL, json=new_dataset(generalise_m=cell), headers=steward.headers)
    assert response.status_code == 422
    assert [d["path"] for d in response.get_json()["error"]["details"]] == ["generalise_m"]


def test_a_cell_at_the_floor_is_accepted(client, steward):
    response = client.post(URL, json=new_dataset(generalise_m=1000), headers=steward.headers)
    assert response.status_code == 201, response.get_json()


def test_the_floor_is_configurable_but_never_under_100_m():
    assert Settings(generalise_floor_m=100, generalise_m=250).generalise_floor_m == 100
    with pytest.raises(SettingsError):
        Settings(generalise_floor_m=50)
    with pytest.raises(SettingsError):
        Settings(generalise_floor_m=1000, generalise_m=500)
    with pytest.raises(SettingsError):
        Settings.from_env({"FIELDAPP_GENERALISE_FLOOR_M": "10"})


def test_the_database_refuses_a_cell_under_100_m(db, steward):
    with pytest.raises(IntegrityError):
        db.execute(
            text("UPDATE dataset SET generalise_m = 10 WHERE steward_id = :s"), {"s": steward.user.contributor_id}
        )
        db.execute(
            text(
                "INSERT INTO dataset (slug, title, knowledge_kind, licence, default_visibility, steward_id,"
                " generalise_m, force_generalised, description, method, citation)"
                " VALUES ('ten-metres', 'Ten', 'local', 'CC0-1.0', 'public', :s, 10, false, '', '', '')"
            ),
            {"s": steward.user.contributor_id},
        )


def test_the_recording_form_states_each_datasets_real_cell(client, make, steward):
    make.dataset(steward, title="Coarse grounds", generalise_m=5000)
    page = client.get("/record", headers=steward.headers).text
    assert 'data-cell="5,000"' in page
    assert "about 1 km" not in page


def test_the_migration_raises_fine_cells_to_the_floor_and_moves_the_public_cells(client, db, make, steward):
    dataset = make.dataset(steward, generalise_m=100, force_generalised=True)
    body = feature(dataset.slug)
    oid = client.post("/api/v1/observations", json=body, headers=steward.headers).get_json()["id"]
    precision = "SELECT public_precision_m, ST_Area(public_geom::geography) AS area FROM observation WHERE id = :id"
    before = db.execute(text(precision), {"id": oid}).one()
    assert before.public_precision_m == 100
    _run_migration(db, "*_generalisation_floor.py")
    assert db.execute(text("SELECT generalise_m FROM dataset WHERE id = :id"), {"id": dataset.id}).scalar() == 1000
    after = db.execute(text(precision), {"id": oid}).one()
    assert after.public_precision_m == 1000
    assert after.area > 50 * before.area


def _run_migration(db, pattern: str) -> None:
    [path] = (PROJECT_ROOT / "migrations" / "versions").glob(pattern)
    spec = importlib.util.spec_from_file_location("migration_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Operations.context(MigrationContext.configure(db.connection())):
        module.upgrade()
