"""One guard for every route: nothing any route answers to an unrelated viewer locates a canary or names its people.

Canary records sit at one precise place: generalised, private, credited to a pseudonym and to a group, a
self-intersecting area, an import whose extra columns quote the place, photos with GPS in their EXIF, and
annotations proposing places. Every rule of the URL map is requested (path variables filled by name with the
canary's ids, tiles covering it at several zooms) as an anonymous visitor, an unrelated member signed in with a
cookie and the same member with an API token; every answer is decoded (JSON, HTML, CSV, MVT, zip, GeoPackage,
JPEG) and must hold no coordinates within 100 m of the canary in EPSG:4326, 3109, 27700 or 3857, nor the name
or email of the account behind the pseudonym or of the group's unlisted member. A new route joins by itself.
"""

from __future__ import annotations

import re

import pytest
from flask import Response

from fieldapp import create_app
from tests.leakcheck.canary import LAT, LON, PASSWORD, PRIVATE_MARK, UNCERTAINTY_M, CanaryBuilder
from tests.leakcheck.crawl import NOT_CRAWLED, NOT_SENT, Viewer, crawl, stale_entries, unfillable
from tests.leakcheck.detector import Detector


@pytest.fixture
def canary(client, make, db):
    return CanaryBuilder(client, make, db).build()


@pytest.fixture
def detector(canary):
    return Detector(LON, LAT, canary.secrets, secret_numbers=[UNCERTAINTY_M])


def _csrf(client) -> str:
    return client.get("/record/context.json").get_json()["csrf_token"]


def unrelated_viewers(app, canary) -> list[Viewer]:
    """Anonymous, a member signed in with a cookie, the same member with an API token."""
    member = canary.people["viewer"]
    cookie = app.test_client()
    signed_in = cookie.post(
        "/login", data={"email": member.user.email, "password": PASSWORD, "csrf_token": _csrf(cookie)}
    )
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    token = app.test_client()
    return [
        Viewer("anonymous", app.test_client(), csrf=None),
        Viewer("member (cookie)", cookie, csrf=_csrf(cookie), signed_in=True),
        Viewer("member (token)", token, headers=member.headers, signed_in=True),
    ]


def test_every_route_is_crawled_or_listed_with_a_reason(app, canary):
    assert unfillable(app, canary) == [], "fill these path variables in tests/leakcheck/crawl.py or list the rule"
    assert stale_entries(app, canary) == [], "these listed rules no longer exist"
    assert all(reason.strip() for reason in [*NOT_CRAWLED.values(), *NOT_SENT.values()])


def test_no_route_leaks_the_canary_to_an_unrelated_viewer(app, canary, detector, capsys):
    viewers = unrelated_viewers(app, canary)
    report = crawl(app, canary, viewers, detector)
    with capsys.disabled():
        print(
            f"\nleak crawl: {len(report.rules)} endpoints, {sum(report.requests.values())} requests "
            f"({dict(report.requests)}), statuses {dict(sorted(report.statuses.items()))}, "
            f"{len({str(f) for f in report.findings})} leak(s)"
        )
    assert 500 not in report.statuses
    unsent = {e for e, _ in NOT_SENT}
    every = {r.rule for r in app.url_map.iter_rules()} - set(NOT_CRAWLED) - unsent
    assert report.rules == every
    # The member is still signed in at the end: the writes did not quietly turn the crawl anonymous.
    assert f"Signed in as {canary.people['viewer'].user.contributor.display_name}" in viewers[1].client.get("/").text
    assert not report.findings, report.summary()


def test_the_crawl_reads_the_precise_place_where_it_is_allowed(app, canary, detector):
    """The control: the dataset's steward may see the place, and the crawl does find it in every format."""
    steward = Viewer("steward", app.test_client(), headers=canary.people["steward"].headers)
    report = crawl(app, canary, [steward], detector, reads_only=True)
    located = {f.where.split(" [")[0] for f in report.findings if "EPSG" in f.what}
    for expected in (
        rf"GET /api/v1/observations/{canary.records['private']} ",
        rf"GET /observations/{canary.records['generalised']} ",
        r"GET /api/v1/datasets/[^/]+/export\?format=csv",
        r"GET /api/v1/datasets/[^/]+/export\?format=gpkg",
        r"GET /api/v1/datasets/[^/]+/export\?format=dwca",
        r"GET /api/v1/datasets/[^/]+/export\?format=geojson",
        r"GET /ogc/collections/[^/]+/items",
        rf"GET /api/v1/exports/{canary.export_jobs[0]}/file",
        r"GET /ogc/collections/places/items",
        rf"GET /ogc/collections/places/items/{canary.places[0]} ",
        r"GET /api/v1/places/export\?format=csv",
        r"GET /api/v1/places/export ",
    ):
        assert any(re.match(expected, w + " ") for w in located), (expected, sorted(located))
    # The private fishing mark's name, and its name's annotations, are read by its steward.
    private, name = canary.place_names[0]
    named = {f.where.split(" [")[0] for f in report.findings if PRIVATE_MARK in f.what}
    for expected in (
        r"GET /ogc/collections/places/items",
        rf"GET /api/v1/places/{private}/names/{name}/annotations",
        r"GET /api/v1/places/export\?format=csv",
        rf"GET /places/{private} ",
    ):
        assert any(re.match(expected, w + " ") for w in named), (expected, sorted(named))


def test_a_planted_leak_on_a_new_route_is_caught(settings, migrated, canary, detector):
    """A route added to the app joins the crawl by itself, and precise Jersey TM coordinates on it are found."""
    app = create_app(settings)

    @app.get("/planted/<observation_id>")
    def planted(observation_id: str):
        return Response(f"<p>{observation_id} lies at E 40841.3 N 67357.0 (Jersey TM)</p>", mimetype="text/html")

    @app.get("/planted-too/<thing>")
    def planted_unknown(thing: str):
        return "nothing"

    try:
        assert unfillable(app, canary) == ["/planted-too/<thing>"]
        report = crawl(
            app,
            canary,
            [Viewer("anonymous", app.test_client())],
            detector,
            only=lambda r: r.rule.startswith("/planted/"),
            reads_only=True,
        )
        assert report.rules == {"/planted/<observation_id>"}
        assert report.requests["anonymous"] == len(canary.records)
        # Every planted answer is caught (one may be caught twice: a random record id's digits can make a
        # second pair near the canary with the planted numbers, and that is a finding too).
        assert len({f.where for f in report.findings}) == len(canary.records)
        assert all("EPSG:3109" in f.what and f.where.startswith("GET /planted/") for f in report.findings)
    finally:
        app.extensions["fieldapp.db"].engine.dispose()


def test_a_served_photo_that_kept_its_gps_would_be_caught(app, canary, detector, db, settings):
    """The control for photos: served copies are rebuilt without EXIF; one that kept the GPS is found."""
    from sqlalchemy import text

    from tests.leakcheck.canary import gps_photo

    for media_id in canary.media:
        public = db.execute(text("SELECT public_path FROM media WHERE id = :id"), {"id": media_id}).scalar_one()
        assert not detector.scan("stored copy", (settings.media_dir / public).read_bytes(), "image/jpeg")
        (settings.media_dir / public).write_bytes(gps_photo())  # as if the copy were the original
    report = crawl(
        app,
        canary,
        [Viewer("anonymous", app.test_client())],
        detector,
        only=lambda r: r.rule.startswith("/media/"),
        reads_only=True,
    )
    # The generalised record's photo is served to anyone (the private one's to nobody): its GPS is found.
    assert any("EXIF GPS" in f.where and "public.jpg" in f.where for f in report.findings), report.summary()
