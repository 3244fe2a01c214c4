"""Each side of a comparison may be narrowed by a custom field value, as anyone may see the values."""

from __future__ import annotations

from tests.factories import feature
from tests.integration.test_forms import SEASON_FORM

# Two places about 3 km apart, in different 1 km cells.
WEST, EAST = [-2.20, 49.19], [-2.16, 49.19]


def test_each_side_may_be_narrowed_by_a_field_value(client, make):
    steward = make.account("steward", name="Pot Steward")
    logs = make.dataset(steward, knowledge_kind="local", title="Pot logs")
    survey = make.dataset(steward, knowledge_kind="scientific", title="Crab survey")
    assert (
        client.put(f"/api/v1/datasets/{logs.slug}/form", json=SEASON_FORM, headers=steward.headers).status_code == 201
    )
    fisher = make.account(name="Fisher")

    def post(dataset, where, **fields):
        body = feature(dataset.slug, {"type": "Point", "coordinates": where}, subject_text="spider crab", fields=fields)
        if not fields:
            body["properties"].pop("fields")
        assert client.post("/api/v1/observations", json=body, headers=fisher.headers).status_code == 201

    post(logs, WEST, pots=5, berried="yes", mark="secret spot")
    post(logs, EAST, pots=5, berried="no")
    post(survey, WEST)

    def classes(**params):
        query = {"a": f"dataset:{logs.slug}", "b": f"dataset:{survey.slug}", "cell_m": "1000", **params}
        response = client.get("/api/v1/comparisons", query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["summary"]["classes"]

    everything = classes()
    assert (everything["both_present"], everything["only_a"], everything["only_b"]) == (1, 1, 0)
    berried = classes(a_field="berried:yes")
    assert (berried["both_present"], berried["only_a"], berried["only_b"]) == (1, 0, 0)
    empty = classes(a_field="berried:no")
    assert (empty["both_present"], empty["only_a"], empty["only_b"]) == (0, 1, 1)
    # A sensitive field's values are not public: narrowed by one, a side holds nothing anyone may see.
    secret = client.get(
        "/api/v1/comparisons",
        query_string={"a": f"dataset:{logs.slug}", "b": f"dataset:{survey.slug}", "a_field": "mark:secret spot"},
    )
    assert secret.status_code == 400 and "holds no observations" in secret.get_json()["error"]["message"]
    bad = client.get(
        "/api/v1/comparisons", query_string={"a": f"dataset:{logs.slug}", "b": f"dataset:{survey.slug}", "b_field": "x"}
    )
    assert bad.status_code == 400 and bad.get_json()["error"]["details"][0]["path"] == "b_field"
    page = client.get(
        "/compare", query_string={"a": f"dataset:{logs.slug}", "b": f"dataset:{survey.slug}", "a_field": "berried:yes"}
    )
    assert page.status_code == 200 and 'name="a_field" value="berried:yes"' in page.get_data(as_text=True)
