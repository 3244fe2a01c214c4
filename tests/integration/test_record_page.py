"""The record page: precise places and located history only for those allowed, escaped text, edit and delete."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from fieldapp.observations.models import Observation
from tests.factories import feature

PRECISE = [-2.1542, 49.1869]
PAYLOAD = '<script>alert("x")</script>'


def _create(client, account, dataset, **props) -> str:
    response = client.post("/api/v1/observations", json=feature(dataset.slug, **props), headers=account.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _geometry_on_page(html: str) -> str:
    match = re.search(r'data-geometry="([^"]*)"', html)
    return match.group(1) if match else ""


def _history(html: str) -> str:
    return html.split('<ol class="history">')[1].split("</ol>")[0]


def test_the_precise_place_and_located_history_are_for_those_allowed_only(client, make):
    warden = make.account(name="Warden Vibert")
    dataset = make.dataset(warden)
    oid = _create(client, warden, dataset, visibility="generalised", coordinate_uncertainty_m=8)
    moved = {"geometry": {"type": "Point", "coordinates": [-2.1544, 49.1871]}, "properties": {"count": 2}}
    assert client.patch(f"/api/v1/observations/{oid}", json=moved, headers=warden.headers).status_code == 200
    own = client.get(f"/observations/{oid}", headers=warden.headers)
    assert own.status_code == 200
    assert "-2.1544" in _geometry_on_page(own.text) and "You see the precise location" in own.text
    assert "Edit" in own.text and "Delete" in own.text
    assert "geom (" in _history(own.text)
    for viewer in ({}, make.account().headers):
        page = client.get(f"/observations/{oid}", headers=viewer)
        assert page.status_code == 200
        assert not {"-2.1542", "49.1869", "-2.1544", "49.1871"} & set(re.findall(r"-?\d+\.\d{4}", page.text))
        assert "grid square" in page.text and "Delete" not in page.text
        assert "geom" not in _history(page.text) and "count" in _history(page.text)


def test_the_history_shows_who_changed_what(client, make):
    warden = make.account(name="Warden Vibert")
    oid = _create(client, warden, make.dataset(warden))
    client.patch(f"/api/v1/observations/{oid}", json={"properties": {"count": 7}}, headers=warden.headers)
    page = client.get(f"/observations/{oid}", headers=warden.headers).text
    history = _history(page)
    # The actions in words (the history table keeps the codes create and update).
    for action in ("created", "changed"):
        assert f"<strong>{action}</strong> by Warden Vibert" in history
    assert "count (empty → 7)" in history


def test_user_text_is_escaped(client, make):
    warden = make.account(name=PAYLOAD)
    oid = _create(client, warden, make.dataset(warden), subject_text=PAYLOAD, notes=PAYLOAD)
    page = client.get(f"/observations/{oid}").text
    assert PAYLOAD not in page
    assert "&lt;script&gt;alert(" in page


def test_the_contributor_edits_and_deletes_others_cannot(client, make, db):
    warden, stranger = make.account(), make.account()
    oid = _create(client, warden, make.dataset(warden))
    assert client.get(f"/observations/{oid}/edit", headers=stranger.headers).status_code == 403
    edit = client.get(f"/observations/{oid}/edit", headers=warden.headers)
    assert edit.status_code == 200 and 'value="spider crab"' in edit.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', edit.text)
    assert token  # the form is CSRF-protected; the test app checks it too
    refused = client.post(
        f"/observations/{oid}/edit",
        headers=warden.headers,
        data={
            "csrf_token": token.group(1),
            "subject_text": "spider crab",
            "occurrence_status": "present",
            "count": "-2",
            "visibility": "public",
            "licence": "CC-BY-4.0",
        },
    )
    assert refused.status_code == 422
    assert re.search(r'data-error-for="count">A count cannot be below zero', refused.text)
    saved = client.post(
        f"/observations/{oid}/edit",
        headers=warden.headers,
        data={
            "csrf_token": token.group(1),
            "subject_text": "spider crab",
            "occurrence_status": "present",
            "count": "5",
            "notes": "under the slipway",
            "visibility": "public",
            "licence": "CC-BY-4.0",
        },
    )
    assert saved.status_code == 302
    assert db.get(Observation, oid, populate_existing=True).count == 5
    assert client.post(
        f"/observations/{oid}/delete", headers=stranger.headers, data={"csrf_token": token.group(1)}
    ).status_code in (400, 403)
    gone = client.post(f"/observations/{oid}/delete", headers=warden.headers, data={"csrf_token": token.group(1)})
    assert gone.status_code == 302
    assert db.scalar(select(func.count()).select_from(Observation).where(Observation.id == oid)) == 0


def test_record_needs_sign_in_and_offers_credit_choices(client, make):
    assert client.get("/record").status_code == 302
    member = make.account(name="Fisher Renouf")
    group = make.group("Gorey Fishers", members=[member])
    page = client.get("/record", headers=member.headers)
    assert page.status_code == 200
    assert f'<option value="{group.id}">Gorey Fishers (your group)</option>' in page.text
    assert "Entered on behalf of" not in page.text
    steward = make.account(role="staff")
    assert "Entered on behalf of" in client.get("/record", headers=steward.headers).text


def test_the_recording_page_is_sent_compressed(client, make):
    member = make.account()
    page = client.get("/record", headers={**member.headers, "Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    script = client.get("/static/js/record/form.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip" and script.headers["ETag"].startswith('W/"')
    script.close()


def test_the_small_map_draws_the_record_in_its_kinds_style(client, make):
    """The shared map's palette: the kind's hue, and a dashed cell when the place is generalised."""
    import html
    import json

    from fieldapp.ui import KIND_COLOURS

    fisher = make.account()
    local = make.dataset(fisher, knowledge_kind="local")
    oid = _create(client, fisher, local, visibility="generalised")

    def style(headers) -> dict:
        page = client.get(f"/observations/{oid}", headers=headers).text
        return json.loads(html.unescape(re.search(r'data-style="([^"]*)"', page).group(1)))

    public = style({})
    assert public["color"] == KIND_COLOURS["local"] and public["dashArray"]
    own = style(fisher.headers)
    assert own["color"] == KIND_COLOURS["local"] and "dashArray" not in own


def test_every_small_map_draws_the_outline_in_the_folium_maps_style(client, make):
    """One outline style: the Leaflet pages get ui.OUTLINE_STYLE, the same constant folium draws with."""
    import html
    import json

    from fieldapp.ui import OUTLINE_STYLE

    member = make.account()
    oid = _create(client, member, make.dataset(member))
    for url in ("/record", "/record/area", f"/observations/{oid}"):
        page = client.get(url, headers=member.headers).text
        styles = [json.loads(html.unescape(s)) for s in re.findall(r'data-outline-style="([^"]*)"', page)]
        assert styles == [OUTLINE_STYLE], url
