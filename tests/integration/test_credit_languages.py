"""A record nobody is known for: SQL gives no name (NULL) and the credit line credits its dataset; pages and map
popups say "unknown contributor" in the reader's language."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from fieldapp.observations.models import Observation
from tests.integration.test_tiles import JERSEY_POINT, decode, get_tile

POINT = f"SRID=4326;POINT({JERSEY_POINT[0]} {JERSEY_POINT[1]})"


@pytest.fixture
def uncredited(db, make):
    steward = make.account(name="Warden Ana")
    dataset = make.dataset(steward, title="Shore sightings")
    record = Observation(
        id=uuid.uuid4(),
        dataset_id=dataset.id,
        contributor_id=None,
        entered_by=steward.user.id,
        subject_text="spider crab",
        observed_start=datetime(2024, 5, 1, tzinfo=UTC),
        geom=POINT,
        visibility="public",
        licence="CC-BY-4.0",
    )
    db.add(record)
    db.commit()
    return dataset, record


def test_the_api_and_the_tiles_name_nobody_and_credit_the_dataset(client, uncredited):
    dataset, record = uncredited
    properties = client.get(f"/api/v1/observations/{record.id}", headers={"Accept-Language": "fr"}).json["properties"]
    assert properties["recorded_by"] is None
    assert properties["attribution"] == "Shore sightings · CC-BY-4.0"
    response, address = get_tile(client, *JERSEY_POINT, 15, dataset=dataset.slug)
    [(_, props)] = decode(response.data, *address)["observations"]
    assert props["uncredited"] is True and props["attribution"] == "Shore sightings · CC-BY-4.0"


@pytest.mark.parametrize(("language", "words"), [("fr", "contributeur inconnu"), ("pt", "contribuidor desconhecido")])
def test_pages_say_unknown_contributor_in_their_language(client, uncredited, language, words):
    _, record = uncredited
    client.set_cookie("fieldapp_lang", language)
    for url in (f"/observations/{record.id}", "/"):
        page = client.get(url).get_data(as_text=True)
        assert words in page and "unknown contributor" not in page, url


def test_a_credited_records_tile_has_no_flag(client, make):
    from tests.integration.test_tiles import post

    warden = make.account(name="Warden Bea")
    dataset = make.dataset(warden, title="Rock pools")
    post(client, warden, dataset)
    response, address = get_tile(client, *JERSEY_POINT, 15, dataset=dataset.slug)
    [(_, props)] = decode(response.data, *address)["observations"]
    assert "uncredited" not in props and props["attribution"].startswith("Warden Bea · Rock pools")
