"""The participation figures on a hand-built set of records with known answers, and the contributor pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from fieldapp.access import ANONYMOUS
from fieldapp.participation import queries
from tests.factories import feature


@pytest.fixture
def programme(client, make, db):
    """Two wardens and a fisher in this month and two months ago, annotating across kinds."""
    fisher, warden, scientist = make.account(name="Fisher Ann"), make.account(name="Warden Bo"), make.account()
    local = make.dataset(fisher, knowledge_kind="local")
    volunteer = make.dataset(warden, knowledge_kind="volunteer")
    survey = make.dataset(scientist, knowledge_kind="scientific")

    def post(account, dataset, **props):
        response = client.post("/api/v1/observations", json=feature(dataset.slug, **props), headers=account.headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    ids = {
        "f1": post(fisher, local),
        "f2": post(fisher, local, time_spent_min=30),
        "w1": post(warden, volunteer, time_spent_min=20),
        "w2": post(scientist, volunteer),
        "s1": post(scientist, survey),
    }
    # Two of the records were added two months ago.
    db.execute(
        text(
            "UPDATE observation SET created_at = date_trunc('month', now()) - interval '2 months' WHERE id = ANY(:ids)"
        ),
        {"ids": [ids["f1"], ids["w1"]]},
    )
    db.commit()

    def annotate(account, key, kind, **body):
        response = client.post(
            f"/api/v1/observations/{ids[key]}/annotations", json={"kind": kind, **body}, headers=account.headers
        )
        assert response.status_code == 201

    annotate(fisher, "s1", "question", body="Not where we fish it.")
    annotate(fisher, "w1", "corroborate")
    annotate(warden, "f2", "corroborate")
    annotate(scientist, "f2", "corroborate")
    return {"ids": ids, "fisher": fisher, "warden": warden, "scientist": scientist, "local": local}


def _rows(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def test_monthly_figures_by_kind(db, programme):
    rows = queries.monthly_by_kind(db, ANONYMOUS)
    mine = [r for r in rows if r["kind"] in ("local", "volunteer", "scientific")]
    assert sum(r["observations"] for r in mine) >= 5
    this_month = max(r["month"] for r in mine)
    local_now = _rows(mine, month=this_month, kind="local")[0]
    assert (local_now["observations"], local_now["contributors"], local_now["minutes"]) == (1, 1, 30)
    volunteer_now = _rows(mine, month=this_month, kind="volunteer")[0]
    assert (volunteer_now["observations"], volunteer_now["contributors"]) == (1, 1)
    earlier = [r for r in mine if r["month"] < this_month]
    assert {(r["kind"], r["observations"], r["minutes"]) for r in earlier} == {("local", 1, 0), ("volunteer", 1, 20)}


def test_annotations_and_cross_kind(db, programme):
    by_type = {r["kind"]: r["n"] for r in queries.annotations_by_month(db, ANONYMOUS)}
    assert by_type == {"question": 1, "corroborate": 3}
    cross = {(r["from_kind"], r["to_kind"]): r["n"] for r in queries.cross_kind(db, ANONYMOUS)}
    # The fisher (local) annotated a survey record and a volunteer record; the warden (volunteer) a local
    # record; the scientist has one volunteer and one scientific record, so counts as... the tie-break:
    # equal counts go to the alphabetically first kind, 'scientific'.
    assert cross == {
        ("local", "scientific"): 1,
        ("local", "volunteer"): 1,
        ("volunteer", "local"): 1,
        ("scientific", "local"): 1,
    }


def test_corroborated_share(db, programme):
    shares = {r["kind"]: (r["observations"], r["corroborated"]) for r in queries.corroborated_share(db, ANONYMOUS)}
    assert shares["local"] == (2, 1)
    assert shares["volunteer"] == (2, 1)
    assert shares["scientific"] == (1, 0)


def test_the_page_shows_charts_and_tables(client, programme):
    response = client.get("/participation")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<svg viewBox") == 4
    assert "Local knowledge" in page and "Corroborated records" in page
    assert re.search(r"<td>Local knowledge</td><td>2</td>\s*<td>1</td><td>50.0%</td>", page)


def test_contributor_page_shows_credit_and_use_but_no_account_details(client, make, db, programme):
    fisher = programme["fisher"]
    group = make.group("Inshore Fishers (test)", [fisher])
    cid = fisher.user.contributor_id
    # Someone compares the fisher's dataset with the survey: the use comes back to them.
    slug = programme["local"].slug
    assert client.get("/api/v1/comparisons", query_string={"a": slug, "b": "kind:scientific"}).status_code == 200
    page = client.get(f"/contributors/{cid}").get_data(as_text=True)
    assert "Fisher Ann" in page
    assert fisher.user.email not in page
    assert "Inshore Fishers (test)" in page
    assert "drawn on by 1 comparison" in page
    assert "Not where we fish it." in page
    group_page = client.get(f"/contributors/{group.id}").get_data(as_text=True)
    assert "Fisher Ann" in group_page
    db.execute(text("UPDATE membership SET shown = false WHERE group_id = :g"), {"g": group.id})
    db.commit()
    assert "Fisher Ann" not in client.get(f"/contributors/{group.id}").get_data(as_text=True)
    assert client.get("/contributors/999999").status_code == 404


def test_private_records_are_not_listed_for_others(client, make, programme):
    fisher = programme["fisher"]
    client.post(
        "/api/v1/observations",
        headers=fisher.headers,
        json=feature(programme["local"].slug, visibility="private", subject_text="secret ormer bed"),
    )
    url = f"/contributors/{fisher.user.contributor_id}"
    assert "secret ormer bed" not in client.get(url).get_data(as_text=True)
    assert "secret ormer bed" not in client.get(url, headers=make.account().headers).get_data(as_text=True)
    assert "secret ormer bed" in client.get(url, headers=fisher.headers).get_data(as_text=True)


def test_user_text_is_escaped(client, make):
    hostile = make.account(name="<script>alert(1)</script>")
    page = client.get(f"/contributors/{hostile.user.contributor_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_members_choose_whether_a_group_lists_them(client, make, db):
    member, outsider = make.account(name="Listed Lou", password="a long enough passphrase"), make.account()
    group = make.group("Bouley Bay Divers (test)", [member])
    login = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login.get_data(as_text=True)).group(1)
    client.post(
        "/login", data={"email": member.user.email, "password": "a long enough passphrase", "csrf_token": token}
    )
    page = client.get(f"/contributors/{group.id}").get_data(as_text=True)
    assert "Listed Lou" in page and "Stop listing me" in page
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/contributors/{group.id}/membership", data={"shown": "0"}).status_code == 400
    hidden = client.post(
        f"/contributors/{group.id}/membership", data={"shown": "0", "csrf_token": form_token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "You are no longer listed as a member." in hidden
    assert "not listed here" in hidden
    client.post("/logout", data={"csrf_token": form_token})
    assert "Listed Lou" not in client.get(f"/contributors/{group.id}").get_data(as_text=True)
    from fieldapp.contributors.service import set_membership_shown

    assert set_membership_shown(db, outsider.user.contributor_id, group.id, True) is False
