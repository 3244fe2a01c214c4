"""No generalisation cell finer than the floor: settings, API, database and the words on the form."""

from __future__ import annotations

import importlib.util

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fieldapp.config import HARD_GENERALISE_FLOOR_M, PROJECT_ROOT, Settings, SettingsError
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
    # As the function before the floor generalised it (it now widens any cell to the floor itself).
    db.execute(text("SELECT set_config('fieldapp.bulk_write', 'on', true)"))
    db.execute(
        text(
            "UPDATE observation SET public_geom = fieldapp_generalise(geom, 100, 3109), public_precision_m = 100"
            " WHERE id = :id"
        ),
        {"id": oid},
    )
    db.execute(text("SELECT set_config('fieldapp.bulk_write', '', true)"))
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


PLACE = (
    "SELECT p.public_precision_m FROM fieldapp_public_place("
    "ST_SetSRID(ST_MakePoint(-2.1542, 49.1869), 4326), 'generalised', NULL, :dataset, NULL) p"
)


def _cell(db, dataset_id: int, **config: str) -> float:
    for name, value in config.items():
        db.execute(text("SELECT set_config(:name, :value, true)"), {"name": f"fieldapp.{name}", "value": value})
    return db.execute(text(PLACE), {"dataset": dataset_id}).scalar_one()


def test_the_sql_function_itself_never_shows_a_cell_finer_than_the_floor(db, make, steward):
    """Whatever a row or a connection says, fieldapp_public_place generalises to at least the floor."""
    dataset = make.dataset(steward, generalise_m=5000)
    # A cell stored before the floor was raised (the CHECK allows 100 m), read with the app's floor.
    db.execute(text("UPDATE dataset SET generalise_m = 500 WHERE id = :id"), {"id": dataset.id})
    assert _cell(db, dataset.id, generalise_floor_m="1000") == 1000
    assert _cell(db, dataset.id, generalise_floor_m="250") == 500
    # A connection that never set the floor (psql, a script): the default floor, 1,000 m.
    db.execute(text("UPDATE dataset SET generalise_m = NULL WHERE id = :id"), {"id": dataset.id})
    assert _cell(db, dataset.id, generalise_floor_m="", generalise_m="10") == 1000
    # A floor set below the hard floor: never under 100 m, the same hard floor as the settings'.
    assert _cell(db, dataset.id, generalise_floor_m="10", generalise_m="10") == HARD_GENERALISE_FLOOR_M
    assert _cell(db, dataset.id, generalise_floor_m="2000", generalise_m="1500") == 2000


def test_a_record_written_under_a_stale_fine_cell_is_shown_at_the_floor(client, db, make, steward):
    dataset = make.dataset(steward, generalise_m=5000, force_generalised=True)
    db.execute(text("UPDATE dataset SET generalise_m = 200 WHERE id = :id"), {"id": dataset.id})
    db.commit()
    oid = client.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers).get_json()["id"]
    precision = db.execute(text("SELECT public_precision_m FROM observation WHERE id = :id"), {"id": oid}).scalar()
    assert precision == 1000


def test_the_migration_generalises_again_records_shown_finer_than_the_floor(client, db, make, steward):
    dataset = make.dataset(steward, generalise_m=5000, force_generalised=True)
    oid = client.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers).get_json()["id"]
    # As a record generalised by the old function under a cell stored before the floor was raised.
    db.execute(text("SELECT set_config('fieldapp.bulk_write', 'on', true)"))
    db.execute(text("UPDATE observation SET public_precision_m = 200 WHERE id = :id"), {"id": oid})
    db.execute(text("UPDATE dataset SET generalise_m = 200 WHERE id = :id"), {"id": dataset.id})
    db.execute(text("SELECT set_config('fieldapp.bulk_write', '', true)"))
    _run_migration(db, "*_generalisation_floor_in_sql.py")
    precision = db.execute(text("SELECT public_precision_m FROM observation WHERE id = :id"), {"id": oid}).scalar()
    assert precision == 1000
