"""Datasets run from the web: the new and edit pages, PATCH, further stewards and who may record."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select, text

from fieldapp import access, create_app
from fieldapp.access import ANONYMOUS, viewer_of
from fieldapp.cli import main
from fieldapp.datasets import service
from fieldapp.datasets.models import Dataset, DatasetRecorder, DatasetSteward
from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, SCRIPT, csrf_token, login


def form(**values) -> dict:
    base = {
        "title": "Seagrass survey",
        "slug": "seagrass-survey",
        "description": "Zostera beds",
        "knowledge_kind": "scientific",
        "method": "Transects",
        "licence": "OGL-UK-3.0",
        "citation": "Park, 2026",
        "default_visibility": "public",
        "generalise_m": "",
        "recording": "open",
    }
    return base | values


def signed_in(client, make, role="member", **extra):
    account = make.account(role=role, password=PASSWORD, **extra)
    assert login(client, account.user.email, PASSWORD).status_code == 302
    return account


def post(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def test_datasets_are_in_the_navigation_and_on_the_home_page(client):
    home = client.get("/").text
    assert '<a href="/datasets">Datasets</a>' in home
    assert re.search(r'<h2><a href="/datasets">Datasets</a></h2>', home)


def test_staff_create_a_dataset_from_the_page(client, make, db):
    signed_in(client, make, role="staff")
    assert "New dataset" in client.get("/datasets").text
    answer = post(client, "/datasets/new", form(title=SCRIPT))
    assert answer.status_code == 303, answer.text
    assert answer.headers["Location"].endswith("/datasets/seagrass-survey")
    page = client.get("/datasets/seagrass-survey").text
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert "Edit this dataset" in page
    stored = db.scalar(select(Dataset).where(Dataset.slug == "seagrass-survey"))
    assert (stored.licence, stored.method, stored.knowledge_kind) == ("OGL-UK-3.0", "Transects", "scientific")


def test_a_member_may_create_only_when_staff_gave_the_right(client, make, db):
    member = signed_in(client, make)
    assert "New dataset" not in client.get("/datasets").text
    assert client.get("/datasets/new").status_code == 403
    assert post(client, "/datasets/new", form()).status_code == 403
    member.user.may_create_datasets = True
    db.commit()
    assert post(client, "/datasets/new", form()).status_code == 303


def test_the_new_dataset_page_needs_its_csrf_token(client, make, db):
    signed_in(client, make, role="staff")
    answer = client.post("/datasets/new", data=form())
    assert answer.status_code == 400
    assert db.scalar(select(Dataset).where(Dataset.slug == "seagrass-survey")) is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"generalise_m": "10"}, "generalise_m"),
        ({"licence": "mine"}, "licence"),
        ({"knowledge_kind": "expert"}, "knowledge_kind"),
        ({"slug": "Bad Slug"}, "slug"),
        ({"title": ""}, "title"),
        ({"recording": "groups"}, "recording_groups"),
        ({"recorder_emails": "nobody@example.org"}, "recorders"),
    ],
)
def test_bad_input_is_refused_naming_the_field(client, make, values, field):
    signed_in(client, make, role="staff")
    answer = post(client, "/datasets/new", form(**values))
    assert 400 <= answer.status_code < 500
    assert f"{field}:" in answer.text


def test_a_steward_edits_their_dataset_and_not_anothers(client, make, db):
    steward = signed_in(client, make, role="steward")
    own = make.dataset(steward)
    other = make.dataset(make.account(role="steward"))
    assert client.get(f"/datasets/{own.slug}/edit").status_code == 200
    changed = post(client, f"/datasets/{own.slug}/edit", form(title="Renamed", recording="invited"))
    assert changed.status_code == 303, changed.text
    db.expire_all()
    assert (db.get(Dataset, own.id).title, db.get(Dataset, own.id).recording) == ("Renamed", "invited")
    assert client.get(f"/datasets/{other.slug}/edit").status_code == 403
    assert post(client, f"/datasets/{other.slug}/edit", form(title="Mine now")).status_code == 403
    assert "Edit this dataset" not in client.get(f"/datasets/{other.slug}").text
    db.expire_all()
    assert db.get(Dataset, other.id).title != "Mine now"


def test_patch_needs_a_steward_and_names_bad_fields(client, make, db, dataset, steward):
    other = make.account(role="steward")
    refused = client.patch(f"/api/v1/datasets/{dataset.slug}", json={"title": "Taken"}, headers=other.headers)
    assert refused.status_code == 403
    bad = client.patch(f"/api/v1/datasets/{dataset.slug}", json={"licence": "x"}, headers=steward.headers)
    assert bad.status_code == 422 and bad.json["error"]["details"][0]["path"] == "licence"
    ok = client.patch(
        f"/api/v1/datasets/{dataset.slug}",
        json={"citation": "Cite us", "stewards": [other.user.contributor_id]},
        headers=steward.headers,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json["citation"] == "Cite us" and ok.json["title"] == dataset.title
    assert [s["id"] for s in ok.json["stewards"]] == [other.user.contributor_id]
    # The further steward now edits it too.
    again = client.patch(f"/api/v1/datasets/{dataset.slug}", json={"title": "Ours"}, headers=other.headers)
    assert again.status_code == 200


def test_a_pseudonym_cannot_be_made_a_steward(client, make, db, dataset, steward):
    owner = make.account()
    pseudonym = client.post("/api/v1/contributors/pseudonyms", json={"display_name": "Curlew"}, headers=owner.headers)
    answer = client.patch(
        f"/api/v1/datasets/{dataset.slug}", json={"stewards": [pseudonym.json["id"]]}, headers=steward.headers
    )
    assert answer.status_code == 422 and answer.json["error"]["details"][0]["path"] == "stewards"


def test_a_new_cell_size_regeneralises_the_records(client, make, db, dataset, steward):
    posted = client.post(
        "/api/v1/observations", json=feature(dataset.slug, visibility="generalised"), headers=steward.headers
    )
    assert posted.status_code == 201
    area = "SELECT round(ST_Area(ST_Transform(public_geom, 3109))) FROM observation WHERE dataset_id = :d"
    before = db.execute(text(area), {"d": dataset.id}).scalar()
    changed = client.patch(f"/api/v1/datasets/{dataset.slug}", json={"generalise_m": 5000}, headers=steward.headers)
    assert changed.status_code == 200
    db.expire_all()
    after = db.execute(text(area), {"d": dataset.id}).scalar()
    assert (before, after) == (1_000_000, 25_000_000)


@pytest.fixture
def bounded_app(settings, migrated, connection):
    """The app with a web bound of one shared record recomputed per change of cell."""
    app = create_app(dataclasses.replace(settings, regeneralise_inline_max=1))
    app.extensions["fieldapp.db"].bind_to(connection)
    yield app
    app.extensions["fieldapp.db"].engine.dispose()


def test_the_web_recomputes_places_only_up_to_its_bound_the_cli_at_any_size(bounded_app, make, db, dataset, steward):
    client = bounded_app.test_client()
    for _ in range(2):
        body = feature(dataset.slug, visibility="generalised")
        assert client.post("/api/v1/observations", json=body, headers=steward.headers).status_code == 201
    area = "SELECT DISTINCT round(ST_Area(ST_Transform(public_geom, 3109))) FROM observation WHERE dataset_id = :d"
    for change in ({"generalise_m": 5000}, {"force_generalised": True}):
        refused = client.patch(
            f"/api/v1/datasets/{dataset.slug}", json=change | {"title": "T"}, headers=steward.headers
        )
        assert refused.status_code == 409, refused.text
        assert refused.json["error"]["details"][0]["path"] == "generalise_m"
    db.expire_all()
    assert (db.get(Dataset, dataset.id).generalise_m, db.get(Dataset, dataset.id).title) == (None, dataset.title)
    assert db.scalars(text(area), {"d": dataset.id}).all() == [1_000_000]
    # Other fields still change from the web; the operator's command recomputes at any size.
    assert (
        client.patch(f"/api/v1/datasets/{dataset.slug}", json={"title": "T"}, headers=steward.headers).status_code
        == 200
    )
    ran = bounded_app.test_cli_runner().invoke(main, ["datasets", "edit", dataset.slug, "--cell-m", "5000"])
    assert ran.exit_code == 0, ran.output
    db.expire_all()
    assert db.get(Dataset, dataset.id).generalise_m == 5000
    assert db.scalars(text(area), {"d": dataset.id}).all() == [25_000_000]


# --- who may record -------------------------------------------------------------------------------


def test_recording_open_groups_and_invited(client, make, db, dataset, steward):
    member, fisher, invited = make.account(), make.account(), make.account()
    group = make.group("Gorey Fishers", [fisher])

    def record(account):
        return client.post("/api/v1/observations", json=feature(dataset.slug), headers=account.headers)

    assert record(member).status_code == 201
    set_groups = {"recording": "groups", "recording_groups": [group.id]}
    assert client.patch(f"/api/v1/datasets/{dataset.slug}", json=set_groups, headers=steward.headers).status_code == 200
    refused = record(member)
    assert refused.status_code == 403 and refused.json["error"]["details"][0]["path"] == "properties.dataset"
    assert record(fisher).status_code == 201
    invite = {"recording": "invited", "recorders": [invited.user.contributor_id]}
    assert client.patch(f"/api/v1/datasets/{dataset.slug}", json=invite, headers=steward.headers).status_code == 200
    db.expire_all()
    assert db.get(Dataset, dataset.id).recording_groups == []
    assert record(fisher).status_code == 403
    assert record(invited).status_code == 201
    assert record(steward).status_code == 201
    assert record(make.account(role="staff")).status_code == 201
    # The recording page offers only the datasets one may record into.
    assert dataset.slug not in client.get("/record", headers=member.headers).text
    assert dataset.slug in client.get("/record", headers=invited.headers).text


def test_moving_a_record_needs_the_right_to_record_there(client, make, db, dataset):
    member = make.account()
    closed = make.dataset(make.account(role="steward"), recording="invited")
    posted = client.post("/api/v1/observations", json=feature(dataset.slug), headers=member.headers)
    oid = posted.json["id"]
    moved = client.patch(
        f"/api/v1/observations/{oid}", json={"properties": {"dataset": closed.slug}}, headers=member.headers
    )
    assert moved.status_code == 403 and moved.json["error"]["details"][0]["path"] == "properties.dataset"
    db.add(DatasetRecorder(dataset_id=closed.id, user_id=member.user.id))
    db.commit()
    moved = client.patch(
        f"/api/v1/observations/{oid}", json={"properties": {"dataset": closed.slug}}, headers=member.headers
    )
    assert moved.status_code == 200, moved.text


def test_may_record_agrees_with_its_sql_twin(db, make):
    steward, member, fisher, invited = make.account(role="steward"), make.account(), make.account(), make.account()
    co_steward = make.account()
    group = make.group("Gorey Fishers", [fisher])
    datasets = [
        make.dataset(steward),
        make.dataset(steward, recording="groups", recording_groups=[group.id]),
        make.dataset(steward, recording="invited"),
    ]
    db.add(DatasetRecorder(dataset_id=datasets[2].id, user_id=invited.user.id))
    db.add(DatasetSteward(dataset_id=datasets[2].id, contributor_id=co_steward.user.contributor_id))
    db.commit()
    viewers = [ANONYMOUS] + [
        viewer_of(a.user) for a in (steward, member, fisher, invited, co_steward, make.account(role="staff"))
    ]
    seen = set()
    for viewer in viewers:
        for d in datasets:
            python = access.may_record(db, viewer, d.id)
            sql = f"SELECT {access.record_sql(viewer, 'd')} FROM dataset d WHERE d.id = :id"
            assert python == bool(db.execute(text(sql), access.viewer_params(viewer) | {"id": d.id}).scalar())
            # Importing is recording: whoever may import may record.
            assert not access.may_import(db, viewer, d.id) or python
            stewards_sql = f"SELECT {access.stewards_sql(viewer, ':id')}"
            in_sql = bool(db.execute(text(stewards_sql), access.viewer_params(viewer) | {"id": d.id}).scalar())
            assert access.stewards(db, viewer, d.id) == in_sql
            seen.add((viewer.user_id, d.id, python))
    assert (member.user.id, datasets[0].id, True) in seen
    assert (member.user.id, datasets[1].id, False) in seen
    assert (fisher.user.id, datasets[1].id, True) in seen
    assert (fisher.user.id, datasets[2].id, False) in seen
    assert (invited.user.id, datasets[2].id, True) in seen
    assert (co_steward.user.id, datasets[2].id, True) in seen


def test_cli_datasets_create_and_users_creator(app, make, db):
    from tests.integration.test_accounts import cli

    member = make.account()
    refused = cli(
        app, "datasets", "create", "cli-set", "--title", "T", "--kind", "local", "--steward", member.user.email
    )
    assert refused.exit_code != 0 and "Only stewards and park staff create datasets" in refused.output
    assert cli(app, "users", "creator", member.user.email, "on").exit_code == 0
    made = cli(
        app,
        "datasets",
        "create",
        "cli-set",
        "--title",
        "T",
        "--kind",
        "local",
        "--steward",
        member.user.email,
        "--licence",
        "OGL-UK-3.0",
        "--recording",
        "invited",
    )
    assert made.exit_code == 0, made.output
    stored = db.scalar(select(Dataset).where(Dataset.slug == "cli-set"))
    assert (stored.licence, stored.recording, stored.steward_id) == (
        "OGL-UK-3.0",
        "invited",
        member.user.contributor_id,
    )
    bad = cli(
        app,
        "datasets",
        "create",
        "cli-2",
        "--title",
        "T",
        "--kind",
        "local",
        "--steward",
        member.user.email,
        "--cell-m",
        "10",
    )
    assert bad.exit_code != 0 and "generalise_m" in bad.output


def test_cli_datasets_edit_uses_the_pages_checks(app, make, db, dataset, steward):
    from tests.integration.test_accounts import cli

    co_steward, recorder = make.account(), make.account()
    group = make.group("Seagrass Team", [co_steward])
    edited = cli(
        app,
        *("datasets", "edit", dataset.slug, "--title", "Zostera beds", "--description", "Beds of eelgrass"),
        *("--kind", "scientific", "--method", "Quadrats", "--licence", "CC-BY-SA-4.0", "--citation", "Park 2026"),
        *("--visibility", "generalised", "--cell-m", "2000", "--force-generalised", "--recording", "invited"),
        *("--add-steward", co_steward.user.email, "--add-steward", str(group.id)),
        *("--add-recorder", recorder.user.email),
    )
    assert edited.exit_code == 0, edited.output
    db.expire_all()
    stored = db.get(Dataset, dataset.id)
    assert (stored.title, stored.description, stored.knowledge_kind, stored.method) == (
        "Zostera beds",
        "Beds of eelgrass",
        "scientific",
        "Quadrats",
    )
    assert (stored.licence, stored.citation, stored.default_visibility) == ("CC-BY-SA-4.0", "Park 2026", "generalised")
    assert (stored.generalise_m, stored.force_generalised, stored.recording) == (2000, True, "invited")
    people = service.dataset_people(db, dataset.id)
    assert people == {
        "stewards": sorted([co_steward.user.contributor_id, group.id]),
        "recorders": [recorder.user.contributor_id],
    }
    removed = cli(app, "datasets", "edit", dataset.slug, "--remove-steward", str(group.id), "--park-cell")
    assert removed.exit_code == 0, removed.output
    db.expire_all()
    assert service.dataset_people(db, dataset.id)["stewards"] == [co_steward.user.contributor_id]
    assert db.get(Dataset, dataset.id).generalise_m is None


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--cell-m", "10"), "generalise_m"),
        (("--title", ""), "title"),
        (("--recording", "groups"), "recording_groups"),
        (("--recording-group", "999999"), "recording_groups"),
        (("--licence", "mine"), "--licence"),
        (("--add-steward", "nobody@example.org"), "No account for nobody@example.org"),
        ((), "Nothing to change"),
    ],
)
def test_cli_datasets_edit_refuses_bad_values_naming_them(app, make, db, dataset, args, named):
    from tests.integration.test_accounts import cli

    refused = cli(app, "datasets", "edit", dataset.slug, *args)
    assert refused.exit_code != 0 and named in refused.output, refused.output
    db.expire_all()
    assert db.get(Dataset, dataset.id).title == dataset.title


def test_cli_datasets_edit_as_an_account_needs_its_rights(app, make, db, dataset, steward):
    from tests.integration.test_accounts import cli

    outsider = make.account(role="steward")
    refused = cli(app, "datasets", "edit", dataset.slug, "--title", "Taken", "--as", outsider.user.email)
    assert refused.exit_code != 0 and "Only the dataset's stewards and park staff edit it" in refused.output
    ok = cli(app, "datasets", "edit", dataset.slug, "--title", "Ours", "--as", steward.user.email)
    assert ok.exit_code == 0, ok.output
    assert cli(app, "datasets", "edit", "no-such-set", "--title", "X").exit_code != 0


# --- naming people without telling who has an account (issue 13) ---------------------------------


def _answer_text(response) -> str:
    """A page with what changes between two renders (the CSRF token, echoed values) taken out."""
    return re.sub(r'(name="csrf_token" value|name="csrf-token" content)="[^"]+"', "", response.text)


@pytest.mark.parametrize("field", ["steward_emails", "recorder_emails"])
def test_a_steward_is_answered_alike_whether_an_email_has_an_account(client, make, db, field):
    steward = signed_in(client, make, role="steward")
    own = make.dataset(steward)
    member = make.account()
    answers = [
        post(client, f"/datasets/{own.slug}/edit", form(title=own.title, **{field: address}))
        for address in (member.user.email, "nobody-here@example.org")
    ]
    assert answers[0].status_code == answers[1].status_code == 422
    first, second = (
        _answer_text(a).replace(address, "ADDRESS")
        for a, address in zip(answers, (member.user.email, "nobody-here@example.org"), strict=True)
    )
    assert first == second
    assert "park staff invite anyone else by email" in first
    assert service.dataset_people(db, own.id) == {"stewards": [], "recorders": []}


def test_a_steward_names_people_from_their_groups_and_sees_no_email(client, make, db):
    steward = signed_in(client, make, role="steward")
    own = make.dataset(steward)
    listed, unlisted, stranger = make.account(name="Listed Lou"), make.account(name="Hidden Hal"), make.account()
    team = make.group("Survey Team", [steward, listed, unlisted])
    db.execute(
        text("UPDATE membership SET shown = false WHERE group_id = :g AND member_id = :m"),
        {"g": team.id, "m": unlisted.user.contributor_id},
    )
    db.commit()
    page = client.get(f"/datasets/{own.slug}/edit").text
    assert "Listed Lou" in page and "Hidden Hal" not in page
    assert 'name="steward_emails"' not in page and 'name="recorder_emails"' not in page
    chosen = post(
        client,
        f"/datasets/{own.slug}/edit",
        form(
            title=own.title,
            steward_people=str(listed.user.contributor_id),
            recorder_people=str(listed.user.contributor_id),
        ),
    )
    assert chosen.status_code == 303, chosen.text
    people = service.dataset_people(db, own.id)
    assert people == {"stewards": [listed.user.contributor_id], "recorders": [listed.user.contributor_id]}
    # A co-steward named by API shows by name, never by email; unticking removes them.
    client.patch(
        f"/api/v1/datasets/{own.slug}",
        json={"stewards": [listed.user.contributor_id, stranger.user.contributor_id]},
        headers=steward.headers,
    )
    page = client.get(f"/datasets/{own.slug}/edit").text
    assert stranger.user.contributor.display_name in page and stranger.user.email not in page
    assert listed.user.email not in page
    kept = post(
        client, f"/datasets/{own.slug}/edit", form(title=own.title, steward_people=str(listed.user.contributor_id))
    )
    assert kept.status_code == 303
    assert service.dataset_people(db, own.id)["stewards"] == [listed.user.contributor_id]


def test_park_staff_still_name_people_by_email(client, make, db):
    signed_in(client, make, role="staff")
    own = make.dataset(make.account(role="steward"))
    scientist = make.account()
    page = client.get(f"/datasets/{own.slug}/edit").text
    assert 'name="steward_emails"' in page
    saved = post(client, f"/datasets/{own.slug}/edit", form(title=own.title, steward_emails=scientist.user.email))
    assert saved.status_code == 303, saved.text
    assert service.dataset_people(db, own.id)["stewards"] == [scientist.user.contributor_id]
