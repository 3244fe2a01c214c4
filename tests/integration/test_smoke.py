"""The app starts on a migrated PostGIS and records one observation end to end."""

from tests.factories import feature


def test_create_and_read_back(client, make):
    warden = make.account()
    dataset = make.dataset(warden)
    response = client.post("/api/v1/observations", json=feature(dataset.slug, count=2), headers=warden.headers)
    assert response.status_code == 201, response.get_json()
    location = response.headers["Location"]
    read = client.get(location)
    assert read.status_code == 200
    assert read.mimetype == "application/geo+json"
    body = read.get_json()
    assert body["properties"]["count"] == 2
    assert body["properties"]["attribution"].startswith(warden.user.contributor.display_name)
