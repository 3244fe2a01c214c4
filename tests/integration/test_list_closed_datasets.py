"""The list remembers which datasets are closed to a viewer, and its page statement checks that guess itself:
one statement per page, and an agreement changed between two lists shows in the very next one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, text

from tests.factories import feature

URL = "/api/v1/observations"
LOOKUP = "SELECT ca.dataset_id FROM dataset_agreement ca"


@pytest.fixture
def steward(make):
    return make.account(role="steward", name="Fishers' steward")


@pytest.fixture
def grounds(make, steward):
    return make.dataset(steward, title="Fishers' grounds", knowledge_kind="local")


@pytest.fixture
def record(client, steward, grounds):
    response = client.post(URL, json=feature(grounds.slug), headers=steward.headers)
    assert response.status_code == 201
    return response.get_json()["id"]


def listed(client, headers=None, **params) -> list[str]:
    response = client.get(URL, query_string=params, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return [f["id"] for f in response.get_json()["features"]]


def put_agreement(client, steward, slug, **changes) -> None:
    body = {
        "purpose": "Managing the bass nursery areas with the fishers.",
        "uses": ["park_management"],
        "commercial": False,
        "audience": "everyone",
        "embargo_until": None,
        "review_on": "2028-01-01",
    } | changes
    response = client.put(f"/api/v1/datasets/{slug}/agreement", json=body, headers=steward.headers)
    assert response.status_code == 200, response.get_json()


def statements_during(connection, action) -> list[str]:
    seen: list[str] = []

    def keep(_conn, _cursor, statement, _parameters, _context, _many):
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", keep)
    try:
        action()
    finally:
        event.remove(connection, "before_cursor_execute", keep)
    return seen


def test_a_page_after_the_first_is_one_statement_without_the_closed_datasets_lookup(
    client, connection, steward, grounds, record, make
):
    member = make.account(name="A member")
    for headers in (None, member.headers, steward.headers):
        assert listed(client, headers) == [record]  # the first list of each viewer may look them up
        sent = statements_during(connection, lambda h=headers: listed(client, h))
        assert not [s for s in sent if s.lstrip().startswith(LOOKUP)]
        assert len([s for s in sent if "WITH page AS" in s]) == 1


def test_an_agreement_changed_between_two_lists_holds_in_the_next(client, db, steward, grounds, record, make):
    member = make.account(name="A member")
    db.execute(text("SELECT set_config('fieldapp.today', '2026-12-01', false)"))
    assert listed(client) == [record] and listed(client, member.headers) == [record]
    put_agreement(client, steward, grounds.slug, embargo_until="2027-03-01")
    assert listed(client) == [] and listed(client, member.headers) == []
    assert listed(client, steward.headers) == [record]  # its steward still sees it
    put_agreement(client, steward, grounds.slug, audience="members")
    assert listed(client) == [] and listed(client, member.headers) == [record]
    put_agreement(client, steward, grounds.slug, audience="park")
    assert listed(client, member.headers) == []
    put_agreement(client, steward, grounds.slug, audience="everyone")
    assert listed(client) == [record] and listed(client, member.headers) == [record]
    # An embargo that ends on a day: the next list after the clock passes it shows the record.
    put_agreement(client, steward, grounds.slug, embargo_until="2027-03-01")
    assert listed(client) == []
    db.execute(text("SELECT set_config('fieldapp.today', :day, false)"), {"day": date(2027, 3, 1).isoformat()})
    assert listed(client) == [record]


def test_a_paged_list_counts_with_the_checked_guess(client, steward, grounds, make):
    """The count after a page (numberMatched) reads the same closed datasets as the page."""
    other = make.dataset(steward, title="Open shore", knowledge_kind="volunteer")
    for slug in (grounds.slug, grounds.slug, other.slug):
        assert client.post(URL, json=feature(slug), headers=steward.headers).status_code == 201
    assert client.get(URL, query_string={"limit": 1}).get_json()["numberMatched"] == 3
    put_agreement(client, steward, grounds.slug, audience="park")
    body = client.get(URL, query_string={"limit": 1}).get_json()
    assert (body["numberMatched"], body["numberReturned"]) == (1, 1)
