"""Co-designed projects: the declaration and its matrix, partners, and a protocol shaped in the open."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from fieldapp.projects.queries import matrix_cell


@pytest.fixture
def people(make):
    scientist = make.account("steward", name="Dr Sandra Survey")
    fisher = make.account("member", name="Fred Fisher")
    association = make.group("Inshore Fishers' Association", [fisher])
    return scientist, fisher, association


def create(client, account, **values):
    body = {
        "slug": "spider-crab-season",
        "title": "Spider crab season study",
        "purpose": "When spider crab arrive and leave, told by fishers and surveys together.",
        "designed_by": "both",
        "delivered_by": "community",
        "draft_protocol": "Record every pot hauled: count, soak time, berried females.",
    } | values
    return client.post("/api/v1/projects", json=body, headers=account.headers)


def test_the_declaration_places_a_project_in_its_cell():
    assert matrix_cell("professionals", "professionals") == "professional_design_and_delivery"
    assert matrix_cell("professionals", "both") == "professional_design_community_delivery"
    assert matrix_cell("community", "professionals") == "community_design_professional_delivery"
    assert matrix_cell("both", "both") == "co_designed_and_co_delivered"
    assert matrix_cell("community", "community") == "co_designed_and_co_delivered"


def test_a_steward_starts_a_project_with_partners_and_their_roles(client, people, make):
    scientist, fisher, association = people
    own = make.dataset(scientist, title="Pot survey")
    response = create(
        client,
        scientist,
        partners=[{"contributor_id": association.id, "role": "co-designers; they fish the grounds"}],
        datasets=[own.slug],
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith("/api/v1/projects/spider-crab-season")
    assert body["cell"] == "co_designed_and_co_delivered"
    assert body["steward"]["display_name"] == "Dr Sandra Survey"
    assert body["partners"] == [
        {
            "id": association.id,
            "display_name": "Inshore Fishers' Association",
            "kind": "group",
            "role": "co-designers; they fish the grounds",
        }
    ]
    assert [d["slug"] for d in body["datasets"]] == [own.slug]
    assert body["protocol"] is None and body["versions"] == []
    listed = client.get("/api/v1/projects").get_json()["projects"]
    assert [p["slug"] for p in listed] == ["spider-crab-season"]


def test_who_may_start_and_change_a_project(client, people, make):
    scientist, fisher, _ = people
    assert client.post("/api/v1/projects", json={"slug": "x"}).status_code == 401
    assert create(client, fisher).status_code == 403
    assert create(client, scientist).status_code == 201
    assert create(client, scientist).status_code == 409
    bad = create(client, scientist, slug="other", designed_by="experts")
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["path"] == "designed_by"
    other = make.dataset(make.account("steward"), title="Someone else's")
    refused = create(client, scientist, slug="grab", datasets=[other.slug])
    assert refused.status_code == 403 and refused.get_json()["error"]["details"][0]["path"] == "datasets.0"
    edit = client.patch("/api/v1/projects/spider-crab-season", json={"title": "Mine now"}, headers=fisher.headers)
    assert edit.status_code == 403
    changed = client.patch(
        "/api/v1/projects/spider-crab-season", json={"delivered_by": "professionals"}, headers=scientist.headers
    )
    assert changed.status_code == 200 and changed.get_json()["cell"] == "community_design_professional_delivery"
    assert client.patch("/api/v1/projects/nope", json={}, headers=scientist.headers).status_code == 404


def test_partners_comment_and_the_steward_publishes_versions_with_who_shaped_them(client, people, db):
    scientist, fisher, association = people
    assert create(client, scientist).status_code == 201
    pseudonym = client.post(
        "/api/v1/contributors/pseudonyms", json={"display_name": "Crabber of Gorey"}, headers=fisher.headers
    ).get_json()
    url = "/api/v1/projects/spider-crab-season"
    said = client.post(
        f"{url}/comments",
        json={"body": "Add sea state: we can't haul in a force 6.", "contributor_id": pseudonym["id"]},
        headers=fisher.headers,
    )
    assert said.status_code == 201, said.get_json()
    group_said = client.post(
        f"{url}/comments",
        json={
            "body": "Count berried females separately.",
            "proposed_text": "Record count, soak time, berried, sea state.",
            "contributor_id": association.id,
        },
        headers=fisher.headers,
    )
    assert group_said.status_code == 201
    # Nobody may speak under a credit that is not theirs.
    stolen = client.post(
        f"{url}/comments", json={"body": "x", "contributor_id": association.id}, headers=scientist.headers
    )
    assert stolen.status_code == 403
    assert client.post(f"{url}/versions", json={}, headers=fisher.headers).status_code == 403
    client.patch(
        url,
        json={"draft_protocol": "Record count, soak time, berried females and sea state."},
        headers=scientist.headers,
    )
    first = client.post(f"{url}/versions", json={}, headers=scientist.headers).get_json()
    assert first["protocol"]["number"] == 1
    assert first["protocol"]["text"] == "Record count, soak time, berried females and sea state."
    assert first["protocol"]["shaped_by"] == ["Crabber of Gorey", "Dr Sandra Survey", "Inshore Fishers' Association"]
    assert [c["settled_in"] for c in first["comments"]] == [1, 1]
    # The account behind the pseudonym is never named, in the API or on the page.
    page = client.get("/projects/spider-crab-season").get_data(as_text=True)
    for shown in (str(first), page):
        assert "Fred Fisher" not in shown
    assert "Crabber of Gorey" in page and "Version 1" in page
    second = client.post(
        f"{url}/versions", json={"text": "Version two: add the tide state."}, headers=scientist.headers
    ).get_json()
    assert [v["number"] for v in second["versions"]] == [2, 1]
    assert second["protocol"]["shaped_by"] == ["Dr Sandra Survey"]
    assert second["draft_protocol"] == "Version two: add the tide state."
    kept = db.execute(text("SELECT count(*) FROM protocol_version")).scalar_one()
    assert kept == 2


def test_bad_input_is_named_and_writes_nothing(client, people, db):
    scientist, fisher, _ = people
    create(client, scientist)
    url = "/api/v1/projects/spider-crab-season"
    assert client.post(f"{url}/comments", json={"body": ""}, headers=fisher.headers).status_code == 422
    assert client.post(f"{url}/comments", json={"body": "x" * 20_001}, headers=fisher.headers).status_code == 422
    client.patch(url, json={"draft_protocol": ""}, headers=scientist.headers)
    empty = client.post(f"{url}/versions", json={}, headers=scientist.headers)
    assert empty.status_code == 422 and empty.get_json()["error"]["details"][0]["path"] == "text"
    twice = client.patch(
        url, json={"partners": [{"contributor_id": 1, "role": ""}, {"contributor_id": 1}]}, headers=scientist.headers
    )
    assert twice.status_code == 422
    unknown = client.patch(url, json={"partners": [{"contributor_id": 999999}]}, headers=scientist.headers)
    assert (
        unknown.status_code == 422 and unknown.get_json()["error"]["details"][0]["path"] == "partners.0.contributor_id"
    )
    assert db.execute(text("SELECT count(*) FROM protocol_comment")).scalar_one() == 0


def _form(client, account, page, url, data):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page, headers=account.headers).text)
    return client.post(url, data={"csrf_token": token.group(1), **data}, headers=account.headers)


def test_the_pages_show_the_matrix_and_take_comments_and_publications(client, people):
    scientist, fisher, association = people
    create(client, scientist)
    create(
        client,
        scientist,
        slug="seabed-maps",
        title="Seabed maps <b>2024</b>",
        designed_by="professionals",
        delivered_by="professionals",
    )
    matrix = client.get("/projects").get_data(as_text=True)
    co = matrix.split('id="cell-co_designed_and_co_delivered"')[1].split("</section>")[0]
    pro = matrix.split('id="cell-professional_design_and_delivery"')[1].split("</section>")[0]
    assert "Spider crab season study" in co and "Seabed maps &lt;b&gt;2024&lt;/b&gt;" in pro
    page = "/projects/spider-crab-season"
    said = _form(client, fisher, page, f"{page}/comment", {"body": "Soak time in hours, please."})
    assert said.status_code == 302
    empty = _form(client, fisher, page, f"{page}/comment", {"body": ""})
    assert empty.status_code == 422 and "Your comment was not saved" in empty.get_data(as_text=True)
    assert _form(client, fisher, page, f"{page}/publish", {}).status_code == 403
    assert _form(client, scientist, page, f"{page}/publish", {}).status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Version 1, published by Dr Sandra Survey; shaped by" in shown and "Fred Fisher" in shown
    added = _form(client, scientist, page, f"{page}/partners", {"contributor_id": association.id, "role": "co-design"})
    assert added.status_code == 302
    assert "Inshore Fishers&#39; Association: co-design" in client.get(page).get_data(as_text=True)


ANSWERS = {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3}


def _checkins(db, project_id: int, people: list, at: str, answers: dict[str, int]) -> None:
    for account in people:
        db.execute(
            text(
                "INSERT INTO wellbeing_checkin (project_id, user_id, at, life_satisfaction, worthwhile, happiness,"
                " anxiety) VALUES (:p, :u, :at, :life_satisfaction, :worthwhile, :happiness, :anxiety)"
            ),
            {"p": project_id, "u": account.user.id, "at": at, **answers},
        )


def test_wellbeing_is_shown_only_as_aggregates_of_five_people_or_more(client, people, make, db):
    scientist, fisher, _ = people
    create(client, scientist)
    project_id = db.execute(text("SELECT id FROM project WHERE slug = 'spider-crab-season'")).scalar_one()
    url = "/api/v1/projects/spider-crab-season"
    # Four people in the first half of 2025: too few, so only their number is shown.
    four = [make.account() for _ in range(4)]
    _checkins(db, project_id, four, "2025-02-01", ANSWERS)
    early = client.get(f"{url}/evaluation", headers=scientist.headers).get_json()["wellbeing"]
    assert early["periods"] == [
        {
            "period": "2025-01-01",
            "people": 4,
            "life_satisfaction": None,
            "worthwhile": None,
            "happiness": None,
            "anxiety": None,
        }
    ]
    # A fifth: the averages appear, to everyone alike (and never per person).
    _checkins(db, project_id, [make.account()], "2025-03-01", {**ANSWERS, "happiness": 1})
    shown = client.get(f"{url}/evaluation").get_json()["wellbeing"]
    assert shown["periods"][0] == {
        "period": "2025-01-01",
        "people": 5,
        "life_satisfaction": 7.0,
        "worthwhile": 8.0,
        "happiness": 5.0,
        "anxiety": 3.0,
    }
    assert shown["change"]["people"] == 0 and shown["change"]["happiness"] is None
    # Five people check in again later: the change from their first answers to their latest.
    _checkins(db, project_id, four[:4] + [fisher], "2025-09-01", {**ANSWERS, "life_satisfaction": 9})
    _checkins(db, project_id, [fisher], "2025-01-15", ANSWERS)
    later = client.get(f"{url}/evaluation").get_json()["wellbeing"]
    assert later["change"] == {
        "people": 5,
        "life_satisfaction": 2.0,
        "worthwhile": 0.0,
        "happiness": 0.0,
        "anxiety": 0.0,
    }
    page = client.get("/projects/spider-crab-season/evaluation").get_data(as_text=True)
    assert "fewer than 5 people" not in page.split('id="wellbeing"')[1].split("</table>")[0].split("2025-07")[0]
    assert "Wellbeing" in page


def test_a_person_checks_in_at_most_once_a_month_with_answers_in_range(client, people, db):
    scientist, fisher, _ = people
    create(client, scientist)
    url = "/api/v1/projects/spider-crab-season/wellbeing"
    assert client.post(url, json=ANSWERS).status_code == 401
    bad = client.post(url, json={**ANSWERS, "anxiety": 11}, headers=fisher.headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["path"] == "anxiety"
    assert client.post(url, json={**ANSWERS, "worthwhile": 7.5}, headers=fisher.headers).status_code == 422
    first = client.post(url, json=ANSWERS, headers=fisher.headers)
    assert first.status_code == 201 and "aggregates" in first.get_json()["message"]
    again = client.post(url, json=ANSWERS, headers=fisher.headers)
    assert again.status_code == 409 and "next check-in is welcome from" in again.get_json()["error"]["message"]
    assert db.execute(text("SELECT count(*) FROM wellbeing_checkin")).scalar_one() == 1
    # No route answers one person's check-in: the evaluation holds counts and averages only.
    own = client.get("/api/v1/projects/spider-crab-season/evaluation", headers=fisher.headers)
    assert "user_id" not in own.get_data(as_text=True)
    period = own.get_json()["wellbeing"]["periods"][0]
    assert period["people"] == 1 and all(period[q] is None for q in ANSWERS)


def test_the_evaluation_counts_records_people_time_comparisons_and_review(client, people, make, db):
    scientist, fisher, _ = people
    survey = make.dataset(scientist, knowledge_kind="scientific", title="Pot survey")
    grounds = make.dataset(scientist, knowledge_kind="local", title="Grounds")
    other = make.dataset(scientist, knowledge_kind="volunteer", title="Not in the project")
    create(client, scientist, datasets=[survey.slug, grounds.slug])
    from tests.factories import feature

    def post(account, dataset, **props):
        body = feature(dataset.slug, subject_text="spider crab", **props)
        response = client.post("/api/v1/observations", json=body, headers=account.headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    record = post(scientist, survey, time_spent_min=90)
    post(scientist, survey, time_spent_min=30)
    post(scientist, grounds)
    post(scientist, other, time_spent_min=600)
    question = {"kind": "question", "body": "Which pots?"}
    assert (
        client.post(f"/api/v1/observations/{record}/annotations", json=question, headers=fisher.headers).status_code
        == 201
    )
    client.get("/api/v1/comparisons", query_string={"a": f"dataset:{survey.slug}", "b": f"dataset:{grounds.slug}"})
    figures = client.get("/api/v1/projects/spider-crab-season/evaluation").get_json()
    by_kind = {r["kind"]: r for r in figures["by_kind"]}
    assert by_kind["scientific"]["records"] == 2 and by_kind["scientific"]["minutes"] == 120
    assert by_kind["local"]["records"] == 1 and "volunteer" not in by_kind
    assert by_kind["scientific"]["cells"] == 1
    assert [(m["people"], m["returning"], m["records"]) for m in figures["by_month"]] == [(1, 0, 3)]
    assert figures["comparisons"] == 1
    assert figures["review"] == [{"from_kind": "none", "to_kind": "scientific", "annotation": "question", "n": 1}]
    assert client.get("/api/v1/projects/spider-crab-season/evaluation?year=2001").get_json()["by_month"] == []
    assert client.get("/api/v1/projects/spider-crab-season/evaluation?year=abc").status_code == 400
    page = client.get("/projects/spider-crab-season/evaluation?year=2026")
    assert page.status_code == 200 and "evaluation, 2026" in page.get_data(as_text=True)
    # The yearly reports offered are the years the project's records were made in (here one month's).
    (month,) = figures["by_month"]
    whole = client.get("/projects/spider-crab-season/evaluation").get_data(as_text=True)
    offered = re.findall(r'href="/projects/spider-crab-season/evaluation\?year=(\d+)"', whole)
    assert offered == [month["month"][:4]]


def test_what_a_project_refuses_is_said_in_the_reader_s_language(client, people):
    scientist, fisher, _ = people
    create(client, scientist)
    french = {**scientist.headers, "Accept-Language": "fr"}
    body = {"slug": "spider-crab-season", "title": "Encore", "designed_by": "both", "delivered_by": "both"}
    taken = client.post("/api/v1/projects", json=body, headers=french)
    assert taken.status_code == 409
    assert taken.get_json()["error"]["message"] == "Un projet appelé 'spider-crab-season' existe."
    assert taken.get_json()["error"]["details"][0]["message"] == "déjà pris"
    url = "/api/v1/projects/spider-crab-season/wellbeing"
    portuguese = {**fisher.headers, "Accept-Language": "pt"}
    assert client.post(url, json=ANSWERS, headers=portuguese).status_code == 201
    refused = client.post(url, json=ANSWERS, headers=portuguese).get_json()["error"]
    assert "a próxima resposta é bem-vinda a partir de" in refused["message"]
    assert refused["details"][0]["message"] == "respondeu recentemente"


def test_a_yearly_report_counts_that_year_s_check_ins_only_five_people_per_year(client, people, make, db):
    scientist, _, _ = people
    create(client, scientist)
    project_id = db.execute(text("SELECT id FROM project WHERE slug = 'spider-crab-season'")).scalar_one()
    url = "/api/v1/projects/spider-crab-season/evaluation"
    five = [make.account() for _ in range(5)]
    # 2024: five people (shown); 2025: four of them again (too few that year), one answer changed.
    _checkins(db, project_id, five, "2024-03-01", ANSWERS)
    _checkins(db, project_id, five[:4], "2025-03-01", {**ANSWERS, "happiness": 2})
    _checkins(db, project_id, five[:4], "2025-05-01", {**ANSWERS, "happiness": 4})
    y2024 = client.get(f"{url}?year=2024").get_json()["wellbeing"]
    assert y2024["periods"] == [{"period": "2024-01-01", "people": 5, **{q: float(v) for q, v in ANSWERS.items()}}]
    assert y2024["change"]["people"] == 0  # the 2025 follow-ups are another year's
    y2025 = client.get(f"{url}?year=2025").get_json()["wellbeing"]
    assert [(p["period"], p["people"], p["happiness"]) for p in y2025["periods"]] == [("2025-01-01", 4, None)]
    assert y2025["change"]["people"] == 4 and y2025["change"]["happiness"] is None  # first and latest of 2025
    whole = client.get(url).get_json()["wellbeing"]
    assert whole["change"]["people"] == 4  # of all years: four answered twice
    assert [p["people"] for p in whole["periods"]] == [5, 4]
    # The map rollup keeps no time, so a yearly report does not pass the whole project's cells off as the year's.
    page = client.get("/projects/spider-crab-season/evaluation?year=2025").get_data(as_text=True)
    assert "Cells covered" not in page and 'id="cells-whole-project"' in page
    assert "Cells covered" in client.get("/projects/spider-crab-season/evaluation").get_data(as_text=True)


def test_someone_taking_part_is_asked_gently_for_a_check_in_and_not_again_once_they_say_not_now(client, make, db):
    from tests.factories import feature
    from tests.integration.test_transfer_pages import PASSWORD, _token, sign_in

    steward = make.account("steward", name="Dr Sandra Survey", password=PASSWORD)
    survey = make.dataset(steward, knowledge_kind="scientific", title="Pot survey")
    create(client, steward, datasets=[survey.slug])
    page_url = "/projects/spider-crab-season"
    sign_in(client, steward)
    # Not taking part yet (no record in the project's datasets): no prompt, the check-in stays folded.
    assert 'id="wellbeing-prompt"' not in client.get(page_url).get_data(as_text=True)
    body = feature(survey.slug, subject_text="spider crab")
    assert client.post("/api/v1/observations", json=body, headers=steward.headers).status_code == 201
    asked = client.get(page_url).get_data(as_text=True)
    assert 'id="wellbeing-prompt"' in asked and 'id="wellbeing-checkin" open' in asked
    # A check-in: not asked again until the interval has passed.
    project_id = db.execute(text("SELECT id FROM project WHERE slug = 'spider-crab-season'")).scalar_one()
    _checkins(db, project_id, [steward], "now()", ANSWERS)
    db.execute(text("UPDATE wellbeing_checkin SET at = now() - interval '10 days'"))
    assert 'id="wellbeing-prompt"' not in client.get(page_url).get_data(as_text=True)
    db.execute(text("UPDATE wellbeing_checkin SET at = now() - interval '31 days'"))
    asked = client.get(page_url).get_data(as_text=True)
    assert 'id="wellbeing-prompt"' in asked
    # "Not now": no prompt for the interval, and nothing is stored about them.
    later = client.post(f"{page_url}/wellbeing/later", data={"csrf_token": _token(asked)})
    assert later.status_code == 302
    assert 'id="wellbeing-prompt"' not in client.get(page_url).get_data(as_text=True)
    assert db.execute(text("SELECT count(*) FROM wellbeing_checkin")).scalar_one() == 1
    assert client.post("/projects/no-such/wellbeing/later", data={"csrf_token": _token(asked)}).status_code == 404


def test_a_yearly_report_counts_as_returning_those_who_added_records_in_an_earlier_year(client, people, make, db):
    scientist, _, _ = people
    survey = make.dataset(scientist, knowledge_kind="scientific", title="Pot survey")
    create(client, scientist, datasets=[survey.slug])
    # Hand-built rollup rows: person 901 added records in 2024-11 and 2025-02, person 902 in 2025-02 and 2025-03.
    for month, who in [("2024-11-01", 901), ("2025-02-01", 901), ("2025-02-01", 902), ("2025-03-01", 902)]:
        db.execute(
            text(
                "INSERT INTO participation_month (month, dataset_id, contributor_key, observations, minutes, timed)"
                " VALUES (:m, :d, :k, 2, 0, 0)"
            ),
            {"m": month, "d": survey.id, "k": who},
        )
    rows = client.get("/api/v1/projects/spider-crab-season/evaluation?year=2025").get_json()["by_month"]
    assert [(m["month"], m["people"], m["returning"], m["records"]) for m in rows] == [
        ("2025-02-01", 2, 1, 4),
        ("2025-03-01", 1, 1, 2),
    ]
