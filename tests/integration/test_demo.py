"""`fieldapp demo`: four synthetic datasets around Jersey, loaded idempotently, protected like real data."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text

from fieldapp.access import ANONYMOUS, shared_sql
from fieldapp.accounts.service import authenticate, hash_password, password_matches
from fieldapp.accounts.throttle import LoginLimits
from fieldapp.demo import load_demo
from fieldapp.demo.catalogue import ACCOUNTS, PUBLISHED_PASSWORDS
from fieldapp.demo.places import PLACES_DATASET
from fieldapp.geodata import NATURAL_EARTH_CREDIT, jersey_land_geometry, jersey_outline

# The synthetic datasets of records (the demonstration gazetteer, of real place names and no records, aside).
DEMO = f"d.slug LIKE 'demo-%' AND d.slug <> '{PLACES_DATASET.slug}'"
# Jersey's land in metres (EPSG:3109), for distance checks.
LAND_M = "ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:land), 4326), 3109)"


@pytest.fixture
def summary(db, settings) -> list[str]:
    return load_demo(db, settings)


def rows(db, sql: str, **params) -> list:
    return db.execute(text(sql), params).all()


def counts_by_kind(db) -> dict[str, int]:
    return dict(
        rows(
            db,
            f"""
        SELECT d.knowledge_kind, count(o.id) FROM dataset d LEFT JOIN observation o ON o.dataset_id = d.id
        WHERE {DEMO} GROUP BY d.knowledge_kind""",
        )
    )


def printed_passwords(summary: list[str]) -> dict[str, str]:
    found = (re.match(r"Account (\S+) \(\w+\), password \(shown once\): (\S+)$", line) for line in summary)
    return {m.group(1): m.group(2) for m in found if m}


def test_demo_accounts_get_random_passwords_printed_once_and_published_ones_are_replaced(db, settings, summary):
    passwords = printed_passwords(summary)
    assert set(passwords) == {a.email for a in ACCOUNTS}
    assert len(set(passwords.values())) == len(ACCOUNTS)
    assert all(len(p) >= 16 and p not in PUBLISHED_PASSWORDS for p in passwords.values())
    again = load_demo(db, settings)
    assert printed_passwords(again) == {}
    assert not any(p in line for line in again for p in passwords.values())
    # A database loaded by an earlier version still has the published passwords: they are replaced.
    staff = next(a for a in ACCOUNTS if a.role == "staff")
    db.execute(
        text("UPDATE user_account SET password_hash = :h WHERE email = :e"),
        {"h": hash_password("demo-staff-pass"), "e": staff.email},
    )
    renewed = printed_passwords(load_demo(db, settings))
    assert set(renewed) == {staff.email}
    stored = rows(db, "SELECT password_hash FROM user_account WHERE email = :e", e=staff.email)[0][0]
    assert not password_matches(stored, "demo-staff-pass") and password_matches(stored, renewed[staff.email])


def test_jersey_outline_is_the_bundled_natural_earth_polygon():
    outline = jersey_outline()
    assert outline["type"] == "FeatureCollection"
    assert jersey_land_geometry()["type"] == "Polygon"
    lon, lat = jersey_land_geometry()["coordinates"][0][0]
    assert -2.30 <= lon <= -1.90 and 49.13 <= lat <= 49.30
    assert NATURAL_EARTH_CREDIT == "Made with Natural Earth"


def test_loading_twice_changes_nothing(db, settings, summary):
    tables = (
        "observation",
        "observation_history",
        "dataset",
        "contributor",
        "membership",
        "subject",
        "subject_name",
        "place",
        "place_name",
        "user_account",
        "annotation",
        "project",
        "protocol_version",
        "protocol_comment",
        "wellbeing_checkin",
    )
    census = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables)
    fingerprint = """SELECT md5(string_agg(concat_ws('|', id, source_ref, ST_AsText(geom), ST_AsText(public_geom)),
                                           ',' ORDER BY id)) FROM observation"""
    before = rows(db, census), rows(db, fingerprint)
    again = load_demo(db, settings)
    assert (rows(db, census), rows(db, fingerprint)) == before
    assert all(" 0 new" in line for line in again if line.startswith("Dataset "))
    assert "Annotations across kinds of knowledge: 0 new." in again


def test_demo_gazetteer_names_the_coast_in_three_languages_and_protects_the_marks(db, summary, client):
    assert any(line.startswith("Gazetteer:") and "SYNTHETIC" in line for line in summary)
    places = client.get("/api/v1/places", query_string={"limit": "1000"}).get_json()["features"]
    names = {(n["name"], n["language"]) for f in places for n in f["properties"]["names"]}
    assert len([f for f in places if f["properties"]["kind"] != "fishing_mark"]) >= 25
    for expected in (("Grève de Lecq", "fr"), ("La Baie d'St Ouën", "nrf"), ("Gouray", "nrf"), ("St Aubin", "en")):
        assert expected in names
    # The synthetic marks: credited to the association, generalised for everyone else, the private ones unseen.
    marks = rows(
        db,
        """SELECT p.visibility, c.display_name, GeometryType(p.public_geom) AS shown FROM place p
           JOIN contributor c ON c.id = p.contributor_id WHERE p.kind = 'fishing_mark'""",
    )
    assert {m.display_name for m in marks} == {"Jersey Inshore Fishers' Association (demo)"}
    assert {m.visibility for m in marks} == {"generalised", "private"}
    assert all(m.shown in (None, "POLYGON", "MULTIPOLYGON") for m in marks)
    listed_marks = [f for f in places if f["properties"]["kind"] == "fishing_mark"]
    assert len(listed_marks) == 4  # the four generalised marks, as their cells; the two private ones not at all
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in listed_marks)
    assert not any(f["properties"]["visibility"] == "private" for f in listed_marks)
    assert client.get("/api/v1/places", query_string={"q": "greve"}).get_json()["features"][0]["properties"][
        "name"
    ] == ("Grève de Lecq")


def test_demo_has_a_participation_history(db, summary):
    """Records added over many months, some with volunteer time, and review running across kinds."""
    months = rows(db, "SELECT count(DISTINCT date_trunc('month', created_at)) FROM observation")[0][0]
    assert months >= 12
    timed = rows(db, "SELECT count(*) FROM observation WHERE time_spent_min IS NOT NULL")[0][0]
    assert timed > 500
    pairs = set(
        rows(
            db,
            """
        SELECT DISTINCT d.knowledge_kind, a.kind FROM annotation a
        JOIN observation o ON o.id = a.observation_id JOIN dataset d ON d.id = o.dataset_id""",
        )
    )
    assert {
        ("scientific", "question"),
        ("volunteer", "corroborate"),
        ("local", "corroborate"),
        ("historical", "context"),
    } <= pairs


# Loading takes a few seconds, so each test loads once and makes several named checks.
def test_demo_loads_four_synthetic_datasets_around_jersey(db, summary):
    check_four_synthetic_datasets_one_per_kind(db, summary)
    check_records_lie_around_jersey_coast_in_the_past(db)
    check_each_kind_carries_its_own_detail(db)


def test_demo_data_are_protected_credited_and_recorded(db, summary):
    check_public_geometry_protects_fishers_grounds_and_the_sensitive_subject(db)
    check_history_records_every_demo_observation_and_its_actor(db)
    check_accounts_sign_in_and_fishers_belong_to_their_group(db, summary)
    check_fishers_lend_their_knowledge_on_terms_and_one_dataset_is_under_embargo(db)


def check_four_synthetic_datasets_one_per_kind(db, summary):
    datasets = rows(
        db,
        f"""SELECT knowledge_kind, title, description, default_visibility, force_generalised
                            FROM dataset d WHERE {DEMO} ORDER BY knowledge_kind""",
    )
    assert [d.knowledge_kind for d in datasets] == ["historical", "local", "scientific", "volunteer"]
    for dataset in datasets:
        assert "SYNTHETIC" in dataset.title and "SYNTHETIC" in dataset.description
    fishers = next(d for d in datasets if d.knowledge_kind == "local")
    assert (fishers.default_visibility, fishers.force_generalised) == ("generalised", True)
    counts = counts_by_kind(db)
    assert all(n > 0 for n in counts.values())
    assert 2000 <= sum(counts.values()) <= 5000
    assert any("Made with Natural Earth" in line for line in summary)


def check_fishers_lend_their_knowledge_on_terms_and_one_dataset_is_under_embargo(db):
    [fishers] = rows(
        db,
        """SELECT a.uses, a.commercial, a.audience, a.embargo_until, a.labels FROM dataset_agreement a
           JOIN dataset d ON d.id = a.dataset_id WHERE d.slug = 'demo-fishers-knowledge'""",
    )
    assert (sorted(fishers.uses), fishers.commercial, fishers.audience) == (
        ["park_management", "research"],
        False,
        "everyone",
    )
    assert fishers.embargo_until is None and "tk_seasonal" in [label["label"] for label in fishers.labels]
    held = rows(
        db,
        f"""SELECT d.slug, a.embargo_until > current_date AS embargoed, count(o.id) AS records,
                  count(o.id) FILTER (WHERE {shared_sql(ANONYMOUS)}) AS public
           FROM dataset d JOIN dataset_agreement a ON a.dataset_id = d.id JOIN observation o ON o.dataset_id = d.id
           WHERE a.embargo_until IS NOT NULL GROUP BY d.slug, a.embargo_until""",
    )
    # One dataset under embargo: its records are loaded, and the gate shows none of them to the public.
    assert [(h.slug, h.embargoed, h.records > 0, h.public) for h in held] == [("held-seal-haulouts", True, True, 0)]


def check_accounts_sign_in_and_fishers_belong_to_their_group(db, summary):
    roles = dict(rows(db, "SELECT email, role FROM user_account WHERE password_hash IS NOT NULL"))
    assert {a.email: a.role for a in ACCOUNTS}.items() <= roles.items()
    # Verifying a password costs Argon2's time: one printed password stands for the rest.
    steward = next(a for a in ACCOUNTS if a.role == "steward")
    password = printed_passwords(summary)[steward.email]
    assert authenticate(db, steward.email, password, "127.0.0.1", LoginLimits()) is not None
    stewards = rows(
        db,
        """
        SELECT c.kind, c.display_name, count(m.member_id) FROM dataset d
        JOIN contributor c ON c.id = d.steward_id LEFT JOIN membership m ON m.group_id = c.id
        WHERE d.slug = 'demo-fishers-knowledge' GROUP BY c.kind, c.display_name""",
    )
    assert [(kind, members) for kind, _name, members in stewards] == [("group", 2)]
    assert "(demo)" in stewards[0].display_name
    credited = rows(
        db,
        """SELECT DISTINCT o.contributor_id = d.steward_id FROM observation o
                           JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = 'demo-fishers-knowledge'""",
    )
    assert credited == [(True,)]


def check_records_lie_around_jersey_coast_in_the_past(db):
    land = json.dumps(jersey_land_geometry())
    placed = rows(
        db,
        f"""
        SELECT count(*) FILTER (WHERE NOT ST_Within(ST_Transform(o.geom, 3109), ST_Buffer({LAND_M}, 5000))),
               count(*) FILTER (WHERE ST_Intersects(ST_Transform(o.geom, 3109), ST_Buffer({LAND_M}, -300))),
               count(*) FILTER (WHERE coalesce(o.observed_end, o.observed_start) >= now())
        FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE {DEMO}""",
        land=land,
    )
    assert placed == [(0, 0, 0)]  # outside 5 km, inland, in the future
    shapes = rows(
        db,
        f"""SELECT d.knowledge_kind, array_agg(DISTINCT ST_GeometryType(o.geom))
                          FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE {DEMO} GROUP BY 1""",
    )
    assert dict(shapes)["volunteer"] == ["ST_Point"]
    assert dict(shapes)["local"] == ["ST_LineString", "ST_Polygon"]
    assert dict(shapes)["scientific"] == ["ST_LineString", "ST_Polygon"]


def check_each_kind_carries_its_own_detail(db):
    def kind_rows(kind: str, columns: str) -> list:
        return rows(
            db,
            f"""SELECT DISTINCT {columns} FROM observation o JOIN dataset d ON d.id = o.dataset_id
                            LEFT JOIN subject s ON s.id = o.subject_id WHERE d.knowledge_kind = :kind AND {DEMO}""",
            kind=kind,
        )

    decades = kind_rows(
        "historical",
        "o.time_precision, extract(year FROM o.observed_start)::int % 10,"
        " extract(year FROM o.observed_end) - extract(year FROM o.observed_start)",
    )
    assert decades == [("decade", 0, 9)]
    seasons = kind_rows("local", "o.time_precision, o.season_months IS NOT NULL, o.trend IS NOT NULL")
    assert seasons == [("season", True, True)]
    assert {t for (t,) in kind_rows("local", "o.trend")} == {"decreasing", "stable", "increasing"}
    eunis = {code for (code,) in kind_rows("scientific", "s.eunis_code") if code}
    assert {"A5.13", "A3.1", "A5.53"} <= eunis
    wardens = kind_rows("volunteer", "o.occurrence_status, o.count IS NOT NULL, o.abundance_scale")
    assert {("present", True, None), ("present", False, "SACFOR"), ("absent", False, None)} <= set(wardens)
    assert set(kind_rows("volunteer", "o.coordinate_uncertainty_m IS NOT NULL")) == {(False,), (True,)}
    languages = rows(db, "SELECT DISTINCT language, community FROM subject_name")
    assert {("en", None), ("fr", None), ("nrf", None), ("en", "fishers")} <= set(languages)


def check_public_geometry_protects_fishers_grounds_and_the_sensitive_subject(db):
    fishers = rows(
        db,
        """SELECT o.visibility, ST_Equals(o.public_geom, o.geom) FROM observation o
                          JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = 'demo-fishers-knowledge'""",
    )
    assert fishers and set(fishers) == {("generalised", False)}
    sensitive = rows(
        db,
        """SELECT o.visibility, o.public_precision_m >= s.generalise_m FROM observation o
                            JOIN subject s ON s.id = o.subject_id WHERE s.generalise_m IS NOT NULL""",
    )
    assert sensitive and set(sensitive) == {("generalised", True)}
    volunteer = rows(
        db,
        """SELECT DISTINCT o.visibility FROM observation o JOIN dataset d ON d.id = o.dataset_id
                            WHERE d.slug = 'demo-wardens-sightings'""",
    )
    assert volunteer == [("public",)]


def check_history_records_every_demo_observation_and_its_actor(db):
    history = rows(
        db,
        f"""
        SELECT count(DISTINCT h.observation_id), count(*) FILTER (WHERE h.action <> 'create'),
               array_agg(DISTINCT u.email)
        FROM observation o JOIN dataset d ON d.id = o.dataset_id
        JOIN observation_history h ON h.observation_id = o.id LEFT JOIN user_account u ON u.id = h.actor_id
        WHERE {DEMO}""",
    )
    total = sum(counts_by_kind(db).values())
    assert history == [(total, 0, ["steward@demo.fieldapp.test"])]


def test_demo_stories_of_change_read_as_told_on_the_sensing_page(db, summary, client):
    """The SYNTHETIC stories: sources agree about eelgrass's decline and differ about spider crab."""
    stories = rows(db, "SELECT title, description FROM dataset WHERE slug LIKE 'story-%' ORDER BY slug")
    assert len(stories) == 4 and all("SYNTHETIC" in t and "SYNTHETIC" in d for t, d in stories)
    assert any(line.startswith("Dataset story-repeat-survey") for line in summary)
    db.commit()
    args = {"bin": "5years", "from": "1990", "kind": "scientific,volunteer,local"}
    eelgrass = client.get("/api/v1/sensing", query_string={"subject": "Zostera marina", **args}).get_json()
    by_slug = {s["dataset"]: s["direction"] for s in eelgrass["sources"]}
    assert by_slug["story-repeat-survey"]["direction"] == "decrease"
    assert by_slug["story-fishers-change"]["direction"] == "decrease"
    # Of its 40 records per repeat (20 stations, 20 transects), eelgrass in 13 then 5.
    assert by_slug["story-repeat-survey"]["first"] == 13 / 40 and by_slug["story-repeat-survey"]["last"] == 5 / 40
    crab = client.get("/api/v1/sensing", query_string={"subject": "spider crab", **args}).get_json()
    by_slug = {s["dataset"]: s["direction"] for s in crab["sources"]}
    assert by_slug["story-repeat-survey"]["direction"] == "decrease"
    assert by_slug["story-fishers-change"]["direction"] == "increase"
    assert crab["sentences"][0] == "The sources differ about the direction of change."
    yearly = client.get(
        "/api/v1/sensing",
        query_string={"subject": "spider crab", "bin": "year", "from": "2018", "dataset": "story-wardens-counts"},
    ).get_json()
    assert yearly["sources"][0]["direction"]["measure"] == "count"
    assert yearly["sources"][0]["direction"]["direction"] == "increase"
    # The historical notebooks reach back to the 1920s on the same axis.
    old = client.get("/api/v1/sensing", query_string={"subject": "eelgrass", "from": "1920", "kind": "historical"})
    assert old.get_json()["sources"][0]["bins"][0]["effort"] > 0


def test_demo_project_is_co_designed_discussed_revised_and_evaluated(db, settings, summary, client):
    assert any(line.startswith("Project demo-spider-crab-season: 2 protocol versions") for line in summary)
    db.commit()
    project = client.get("/api/v1/projects/demo-spider-crab-season").get_json()
    assert "SYNTHETIC" in project["title"] and project["cell"] == "co_designed_and_co_delivered"
    assert [v["number"] for v in project["versions"]] == [2, 1]
    assert "Jersey Inshore Fishers' Association (demo)" in project["protocol"]["shaped_by"]
    assert len(project["comments"]) == 4 and project["comments"][-1]["settled_in"] is None
    wellbeing = client.get("/api/v1/projects/demo-spider-crab-season/evaluation").get_json()["wellbeing"]
    assert [p["people"] for p in wellbeing["periods"]] == [8, 8]
    assert wellbeing["periods"][0]["life_satisfaction"] == 6.3
    assert wellbeing["change"]["people"] == 8 and wellbeing["change"]["worthwhile"] == 1.1
    # The project's pot logs are recorded on its bilingual form.
    form = client.get("/api/v1/datasets/story-pot-logs/form").get_json()["form"]
    assert form["languages"] == ["en", "fr"] and form["fields"][0]["label"]["fr"] == "Casiers relevés"
    logs = client.get("/api/v1/observations", query_string={"dataset": "story-pot-logs", "limit": 100}).get_json()
    assert len(logs["features"]) == 32
    assert all(set(f["properties"]["fields"]) >= {"pots", "soak_hours", "sea_state"} for f in logs["features"])
    assert "story-pot-logs" in [d["slug"] for d in project["datasets"]]
    # Loading again finds the project and adds nothing.
    again = load_demo(db, settings)
    assert any(line == "Project demo-spider-crab-season: already loaded." for line in again)
