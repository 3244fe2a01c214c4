"""Hostile input found by attacking the app: each answers a clear 4xx naming the field and writes nothing."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from werkzeug.routing import IntegerConverter, UUIDConverter

from tests.factories import JERSEY_POINT, feature

URL = "/api/v1/observations"
TABLES = ("observation", "observation_history", "annotation", "dataset", "contributor", "media", "user_account")
BIG = "1" + "0" * 309  # a 310-digit number
BEYOND_BIGINT = str(2**64)


@dataclass
class Ctx:
    client: Any
    warden: Any
    slug: str
    oid: str
    annotation_id: int

    def post(self, body: Any, url: str = URL, method: str = "post"):
        raw = body if isinstance(body, str) else json.dumps(body)
        return self.client.open(
            url, method=method, data=raw, content_type="application/json", headers=self.warden.headers
        )

    def props(self, **properties: Any):
        return self.post(feature(self.slug, **properties))

    def raw_props(self, fragment: str):
        """A feature whose properties end with raw JSON text (for what json.dumps cannot write)."""
        body = json.dumps(feature(self.slug))[:-2] + ", " + fragment + "}}"
        return self.post(body)

    def form(self, url: str, page: str, data: dict[str, str]):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get(page, headers=self.warden.headers).text)
        return self.client.post(url, data={"csrf_token": token.group(1), **data}, headers=self.warden.headers)

    def edit(self, **values: str):
        data = {"subject_text": "spider crab", "occurrence_status": "present", "visibility": "public"}
        data |= {"licence": "CC-BY-4.0"} | values
        return self.form(f"/observations/{self.oid}/edit", f"/observations/{self.oid}/edit", data)

    def annotate(self, **values: str):
        """The annotation form answers a refusal with the record page again, saying why, as a 422
        (text no field may hold is refused before, by the guard's 400 error page)."""
        response = self.form(f"/observations/{self.oid}/annotate", f"/observations/{self.oid}", values)
        if response.status_code == 422:
            assert "not saved" in response.text, "a refused annotation says so"
            assert 'id="annotations"' in response.text, "on the record page, with its forms"
        return response

    def respond(self, **values: str):
        url = f"/observations/{self.oid}/annotations/{self.annotation_id}/respond"
        return self.form(url, f"/observations/{self.oid}", values)


def nested(depth: int) -> dict:
    value: dict = {"a": 1}
    for _ in range(depth):
        value = {"a": value}
    return value


def nested_collection(depth: int) -> dict:
    geometry: dict = {"type": "Point", "coordinates": list(JERSEY_POINT)}
    for _ in range(depth):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    return geometry


def correction(place: list[float]) -> dict:
    return {
        "kind": "correction",
        "field": "place",
        "proposed_value": {"geometry": {"type": "Point", "coordinates": place}},
    }


# (name, request, field the answer must name)
CASES: list[tuple[str, Callable[[Ctx], Any], str]] = [
    ("year 1 at +14:00", lambda c: c.props(observed_start="0001-01-01T00:00:00+14:00"), "observed_start"),
    ("year 999", lambda c: c.props(observed_start="0999-12-31"), "observed_start"),
    (
        "end in year 10000-ish",
        lambda c: c.props(observed_start="2020-01-01", observed_end="9999-12-31T23:59:59-14:00"),
        "observed_end",
    ),
    (
        "patch to year 1",
        lambda c: c.post({"properties": {"observed_start": "0001-01-01T00:00:00+14:00"}}, f"{URL}/{c.oid}", "patch"),
        "observed_start",
    ),
    ("NUL in subject_text", lambda c: c.props(subject_text="crab\x00"), "subject_text"),
    ("NUL in notes", lambda c: c.props(notes="a\x00b"), "notes"),
    ("NUL in method", lambda c: c.props(method="a\x00b"), "method"),
    ("NUL in recorded_by_text", lambda c: c.props(recorded_by_text="a\x00b"), "recorded_by_text"),
    ("NUL in source_ref", lambda c: c.props(source_ref="a\x00b"), "source_ref"),
    ("NUL in dataset", lambda c: c.post(feature("a\x00b")), "dataset"),
    ("NUL in an attribute value", lambda c: c.props(attributes={"depth": "a\x00b"}), "attributes"),
    ("NUL in an attribute name", lambda c: c.props(attributes={"a\x00b": 1}), "attributes"),
    ("NUL in a patch", lambda c: c.post({"properties": {"notes": "\x00"}}, f"{URL}/{c.oid}", "patch"), "notes"),
    ("lone surrogate in subject_text", lambda c: c.raw_props('"notes": "a\\ud800b"'), "notes"),
    ("lone surrogate in an attribute", lambda c: c.raw_props('"attributes": {"x": "\\udfff"}'), "attributes"),
    (
        "310-digit longitude",
        lambda c: c.post(
            json.dumps(feature(c.slug, {"type": "Point", "coordinates": [0, 49]})).replace("[0, 49]", f"[{BIG}, 49]")
        ),
        "geometry",
    ),
    ("310-digit count", lambda c: c.raw_props(f'"count": {BIG}'), "count"),
    ("310-digit uncertainty", lambda c: c.raw_props(f'"coordinate_uncertainty_m": {BIG}'), "coordinate_uncertainty_m"),
    ("310-digit attribute", lambda c: c.raw_props(f'"attributes": {{"n": {BIG}}}'), "attributes"),
    ("attributes nested 60 deep", lambda c: c.props(attributes=nested(60)), "attributes"),
    ("GeometryCollection nested 60 deep", lambda c: c.post(feature(c.slug, nested_collection(60))), "geometry"),
    ("contributor_id beyond bigint", lambda c: c.raw_props(f'"contributor_id": {BEYOND_BIGINT}'), "contributor_id"),
    ("subject_id beyond bigint", lambda c: c.raw_props(f'"subject_id": {BEYOND_BIGINT}'), "subject_id"),
    (
        "annotation credited beyond bigint",
        lambda c: c.post({"kind": "context", "body": "x", "contributor_id": 2**64}, f"{URL}/{c.oid}/annotations"),
        "contributor_id",
    ),
    (
        "annotation id beyond bigint",
        lambda c: c.post({"action": "answer", "response": "x"}, f"{URL}/{c.oid}/annotations/{BEYOND_BIGINT}/response"),
        "annotation_id",
    ),
    ("contributor page beyond bigint", lambda c: c.client.get(f"/contributors/{BEYOND_BIGINT}"), "contributor_id"),
    ("count 1.5", lambda c: c.props(count=1.5), "count"),
    ("NUL in a query parameter", lambda c: c.client.get(f"{URL}?subject=crab%00"), "subject"),
    ("NUL in the dataset filter", lambda c: c.client.get(f"{URL}?dataset=a%00b"), "dataset"),
    ("NUL in an OGC parameter", lambda c: c.client.get("/ogc/collections/observations/items?subject=%00"), "subject"),
    (
        "NUL in a token",
        lambda c: c.client.post(URL, json={}, headers={"Authorization": "Bearer a\x00b"}),
        "Authorization",
    ),
    ("NUL in a path", lambda c: c.client.get("/datasets/a%00b"), "slug"),
    ("NUL in an edit form", lambda c: c.edit(notes="a\x00b"), "notes"),
    ("superscript two as the count in an edit form", lambda c: c.edit(count="²"), "count"),
    (
        "superscript two as a proposed count",
        lambda c: c.annotate(kind="correction", field="quantity", proposed_count="²"),
        "count",
    ),
    ("NUL in an annotation form", lambda c: c.annotate(kind="context", body="a\x00b"), "body"),
    (
        "not a number as a proposed longitude",
        lambda c: c.annotate(kind="correction", field="place", proposed_lon="nan", proposed_lat="49.2"),
        "geometry",
    ),
    (
        "an Arabic-Indic digit as a proposed latitude",
        lambda c: c.annotate(kind="correction", field="place", proposed_lon="-2.1", proposed_lat="\u0664\u0669"),
        "geometry",
    ),
    ("an empty answer in the response form", lambda c: c.respond(action="answer", response=" "), "response"),
    (
        "NUL in the sign-in form",
        lambda c: c.form("/login", "/login", {"email": "a\x00@example.org", "password": "x"}),
        "email",
    ),
]


@pytest.fixture
def ctx(client, make, db) -> Ctx:
    warden = make.account()
    slug = make.dataset(warden).slug
    created = client.post(URL, json=feature(slug, count=2), headers=warden.headers)
    oid = created.get_json()["id"]
    answer = client.post(f"{URL}/{oid}/annotations", json={"kind": "question", "body": "sure?"}, headers=warden.headers)
    return Ctx(client, warden, slug, oid, answer.get_json()["id"])


def snapshot(db) -> tuple:
    counts = tuple(db.scalar(text(f"SELECT count(*) FROM {table}")) for table in TABLES)
    digest = db.scalar(text("SELECT md5(string_agg(to_jsonb(o)::text, ',' ORDER BY id)) FROM observation o"))
    return counts, digest


def names_field(response, field: str) -> bool:
    if response.mimetype == "application/json":
        error = response.get_json()["error"] if "error" in (response.get_json() or {}) else response.get_json()
        return field in json.dumps(error)
    return field in response.get_data(as_text=True)


@pytest.mark.parametrize(("send", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_naming_the_field(ctx, db, send, field):
    before = snapshot(db)
    response = send(ctx)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:500]
    assert names_field(response, field), response.get_data(as_text=True)[:500]
    assert snapshot(db) == before, "nothing may be written"


def test_three_d_positions_are_accepted_and_stored_in_2d(ctx, db):
    point = {"type": "Point", "coordinates": [*JERSEY_POINT, 12.5]}
    response = ctx.post(feature(ctx.slug, point))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["geometry"]["coordinates"] == list(JERSEY_POINT)
    oid = response.get_json()["id"]
    assert db.scalar(text("SELECT ST_NDims(geom) FROM observation WHERE id = :id"), {"id": oid}) == 2
    for url in (URL, f"{URL}/{oid}", "/ogc/collections/observations/items", "/tiles/observations/0/0/0.pbf"):
        assert ctx.client.get(url).status_code == 200, url


def test_a_3d_place_correction_is_applied_in_2d(ctx, db):
    place = [JERSEY_POINT[0] + 0.01, JERSEY_POINT[1], 7.0]
    proposed = ctx.post(correction(place), f"{URL}/{ctx.oid}/annotations")
    assert proposed.status_code == 201, proposed.get_data(as_text=True)
    accepted = ctx.post({"action": "accept"}, f"{URL}/{ctx.oid}/annotations/{proposed.get_json()['id']}/response")
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    stored = db.scalar(text("SELECT ST_AsText(geom) FROM observation WHERE id = :id"), {"id": ctx.oid})
    assert stored == f"POINT({place[0]} {place[1]})"


def test_pages_survive_a_stored_date_python_cannot_hold(ctx, db, make):
    """A database written before the CHECK constraints may hold 1 BC: every reader still answers."""
    db.execute(text("ALTER TABLE observation DROP CONSTRAINT ck_observation_observed_start_range"))
    db.execute(
        text("UPDATE observation SET observed_start = '0001-01-01T00:00:00+14:00' WHERE id = :id"), {"id": ctx.oid}
    )
    db.commit()
    contributor = ctx.warden.user.contributor_id
    pages = ["/", URL, f"{URL}/{ctx.oid}", f"/observations/{ctx.oid}", "/ogc/collections"]
    pages += [
        "/ogc/collections/observations/items",
        f"/contributors/{contributor}",
        f"/api/v1/datasets/{ctx.slug}/export?format=csv",
    ]
    for url in pages:
        response = ctx.client.get(url, headers=ctx.warden.headers)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    staff = make.account(role="staff")
    patched = ctx.client.patch(
        f"{URL}/{ctx.oid}", json={"properties": {"observed_start": "2020-01-01"}}, headers=staff.headers
    )
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert ctx.client.delete(f"{URL}/{ctx.oid}", headers=staff.headers).status_code == 204


def test_an_id_in_a_path_beyond_an_integer_column_is_a_404_naming_it(app, ctx, db):
    """Every route with a number in its path: 2**31 (one past PostgreSQL's integer) is a 404 naming the
    parameter, never a 500 from the database."""
    numbered = [rule for rule in app.url_map.iter_rules() if any(map(_is_number, rule._converters.values()))]
    assert len(numbered) >= 10, "the routes with numbers in their paths were not found"
    before = snapshot(db)
    for rule in numbered:
        values = {name: _beyond(converter) for name, converter in rule._converters.items()}
        url = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        response = ctx.client.open(url, method=method, json={}, headers=ctx.warden.headers)
        named = next(name for name, converter in rule._converters.items() if _is_number(converter))
        assert response.status_code == 404, (rule.rule, method, response.status_code)
        assert names_field(response, named), (rule.rule, response.get_data(as_text=True)[:300])
    assert snapshot(db) == before


def _is_number(converter) -> bool:
    return isinstance(converter, IntegerConverter)


def _beyond(converter) -> Any:
    """2**31 for a number; for anything else a value its route would otherwise accept."""
    if _is_number(converter):
        return 2**31
    return uuid.uuid4() if isinstance(converter, UUIDConverter) else "x"
