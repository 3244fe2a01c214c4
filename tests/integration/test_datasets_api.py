"""GET/POST /api/v1/datasets: lists, one dataset with its public extent and counts, creation rules."""

from __future__ import annotations

import pytest

from fieldapp.datasets.models import Dataset
from tests.factories import feature

URL = "/api/v1/datasets"
PUBLIC_POINT = [-2.1542, 49.1869]
GENERALISED_POINT = [-2.0950, 49.1720]
PRIVATE_POINT = [-2.0200, 49.2500]


def new_dataset(**values):
    return {
        "slug": "kelp-survey-2025",
        "title": "Kelp survey 2025",
        "knowledge_kind": "scientific",
        "licence": "CC-BY-4.0",
        "default_visibility": "public",
    } | values


@pytest.fixture
def steward(make):
    return make.account(role="steward", name="Sam Steward")


@pytest.fixture
def dataset(make, steward):
    return make.dataset(steward, title="Rocky shore transects", knowledge_kind="scientific", licence="CC0-1.0")


def point(coordinates):
    return {"type": "Point", "coordinates": coordinates}


@pytest.fixture
def generalised_cell(client, steward, dataset):
    """One public, one generalised and one private record; returns the generalised cell as others see it."""
    for coordinates, visibility, start in (
        (PUBLIC_POINT, "public", "2019-04-02"),
        (GENERALISED_POINT, "generalised", "2021-08-15"),
        (PRIVATE_POINT, "private", "2024-01-20"),
    ):
        body = feature(dataset.slug, point(coordinates), visibility=visibility, observed_start=start)
        response = client.post("/api/v1/observations", json=body, headers=steward.headers)
        assert response.status_code == 201
        if visibility == "generalised":
            cell = client.get(f"/api/v1/observations/{response.get_json()['id']}").get_json()["geometry"]
    return cell


def test_list_datasets(client, steward, dataset):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    [mine] = [d for d in response.get_json()["datasets"] if d["slug"] == dataset.slug]
    assert mine["title"] == "Rocky shore transects"
    assert mine["knowledge_kind"] == "scientific"
    assert mine["licence"] == "CC0-1.0"
    assert mine["default_visibility"] == "public"
    assert mine["steward"]["display_name"] == "Sam Steward"
    assert mine["counts"] == {"total": 0, "public": 0, "generalised": 0, "private": 0}
    assert mine["extent"]["bbox"] is None


def test_one_dataset_with_counts_by_visibility_and_public_extent(client, dataset, generalised_cell):
    response = client.get(f"{URL}/{dataset.slug}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == dataset.slug
    assert body["counts"] == {"total": 3, "public": 1, "generalised": 1, "private": 1}
    cell_x = [x for x, _ in generalised_cell["coordinates"][0]]
    cell_y = [y for _, y in generalised_cell["coordinates"][0]]
    expected = [
        min(PUBLIC_POINT[0], *cell_x),
        min(PUBLIC_POINT[1], *cell_y),
        max(PUBLIC_POINT[0], *cell_x),
        max(PUBLIC_POINT[1], *cell_y),
    ]
    assert body["extent"]["bbox"] == pytest.approx(expected, abs=1e-6)
    # The private record's location is neither inside nor stretching the extent.
    minx, miny, maxx, maxy = body["extent"]["bbox"]
    assert not (minx <= PRIVATE_POINT[0] <= maxx and miny <= PRIVATE_POINT[1] <= maxy)
    # The generalised record widens the extent to its whole cell, not to its precise point.
    assert maxx > GENERALISED_POINT[0] + 1e-4 or miny < GENERALISED_POINT[1] - 1e-4
    first, last = body["extent"]["interval"]
    assert first.startswith("2019-04-02") and last.startswith("2024-01-20")


def test_the_list_carries_the_same_counts(client, dataset, generalised_cell):
    [mine] = [d for d in client.get(URL).get_json()["datasets"] if d["slug"] == dataset.slug]
    assert mine["counts"]["total"] == 3
    assert mine["counts"]["private"] == 1


def test_unknown_dataset_is_404(client):
    response = client.get(f"{URL}/no-such-dataset")
    assert response.status_code == 404
    assert "no-such-dataset" in response.get_json()["error"]["message"]


def test_unknown_query_parameter_is_400(client, dataset):
    assert client.get(URL, query_string={"sort": "title"}).status_code == 400
    assert client.get(f"{URL}/{dataset.slug}", query_string={"sort": "title"}).status_code == 400


@pytest.mark.parametrize("role", ["steward", "staff", "admin"])
def test_create_dataset(client, db, make, role):
    account = make.account(role=role)
    response = client.post(
        URL, json=new_dataset(method="Quadrats every 10 m", generalise_m=2000), headers=account.headers
    )
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"].endswith(f"{URL}/kelp-survey-2025")
    body = response.get_json()
    assert body["slug"] == "kelp-survey-2025"
    assert body["method"] == "Quadrats every 10 m"
    assert body["generalise_m"] == 2000
    assert body["steward"]["id"] == account.user.contributor_id
    assert body["counts"]["total"] == 0
    assert client.get(response.headers["Location"]).get_json() == body
    stored = db.query(Dataset).filter_by(slug="kelp-survey-2025").one()
    assert stored.knowledge_kind == "scientific"


def test_a_steward_may_create_a_dataset_for_their_group_only(client, make):
    steward = make.account(role="steward")
    fishers = make.group("Gorey Fishers", members=[steward])
    strangers = make.group("Other Association")
    ours = client.post(
        URL,
        json=new_dataset(slug="gorey-grounds", knowledge_kind="local", steward_id=fishers.id),
        headers=steward.headers,
    )
    assert ours.status_code == 201
    assert ours.get_json()["steward"]["display_name"] == "Gorey Fishers"
    theirs = client.post(URL, json=new_dataset(slug="other-grounds", steward_id=strangers.id), headers=steward.headers)
    assert theirs.status_code == 403
    assert client.get(f"{URL}/other-grounds").status_code == 404


def test_a_member_may_not_create_a_dataset(client, make):
    member = make.account()
    response = client.post(URL, json=new_dataset(), headers=member.headers)
    assert response.status_code == 403
    assert client.get(f"{URL}/kelp-survey-2025").status_code == 404


def test_anonymous_may_not_create_a_dataset(client):
    assert client.post(URL, json=new_dataset()).status_code == 401


def test_duplicate_slug_is_409(client, steward, dataset):
    response = client.post(URL, json=new_dataset(slug=dataset.slug, title="Another"), headers=steward.headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["details"] == [{"path": "slug", "message": "already taken"}]
    assert client.get(f"{URL}/{dataset.slug}").get_json()["title"] == "Rocky shore transects"


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "-leading-hyphen"}, "slug"),
        ({"title": ""}, "title"),
        ({"knowledge_kind": "expert"}, "knowledge_kind"),
        ({"licence": "GPL-3.0"}, "licence"),
        ({"default_visibility": "secret"}, "default_visibility"),
        ({"generalise_m": 5}, "generalise_m"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(client, steward, values, path):
    response = client.post(URL, json=new_dataset(**values), headers=steward.headers)
    assert response.status_code == 422
    assert path in [d["path"] for d in response.get_json()["error"]["details"]]


def test_missing_required_fields_are_422(client, steward):
    response = client.post(URL, json={"slug": "only-a-slug"}, headers=steward.headers)
    assert response.status_code == 422
    assert {d["path"] for d in response.get_json()["error"]["details"]} == {"title", "knowledge_kind"}


def test_malformed_json_is_400(client, steward):
    response = client.post(URL, data="{not json", content_type="application/json", headers=steward.headers)
    assert response.status_code == 400
