"""Walk every rule of the app's URL map as several viewers, the canary's ids in every path variable."""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import mapbox_vector_tile
from flask import Flask
from werkzeug.routing import Rule

from tests.leakcheck.canary import Canary, offset
from tests.leakcheck.detector import Detector, Finding

# Lists are keyed by URL rule (the public address pattern), not by endpoint names that move with the code.
# Rules the crawl does not request, each with the reason. A rule neither crawled nor listed fails the test.
NOT_CRAWLED = {
    "/static/<path:filename>": "files of the repository's static/ folder, served as they are: never database data",
}
# Single methods not sent, each with the reason.
NOT_SENT = {
    ("/logout", "POST"): "ends the crawler's own session; it takes no input and answers a redirect to /",
}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def path_values(canary: Canary) -> dict[str, list[Any]]:
    """What each path variable, by its name, is filled with."""
    records = list(canary.records.values())
    return {
        "observation_id": records,
        "feature_id": [*records, *canary.places],  # the places' in the OGC API's `places` collection
        "slug": [*canary.datasets, *canary.projects, *canary.form_datasets],
        "collection_id": [*canary.datasets, "observations", "places"],
        "contributor_id": canary.contributors,
        "group_id": canary.contributors,
        "job_id": canary.jobs,
        "media_id": canary.media,
        "variant": ["public", "thumb"],
        # Never the crawling member's own token: revoking it would end the crawl, not test it.
        "token_id": canary.tokens,
        "name": ["jersey-land.geojson"],  # the bundled coastline outline (/geodata/<name>)
        "run_id": canary.comparison_runs,
        "request_id": canary.access_requests,
        "consent_id": canary.consents,
        "language": ["fr", "pt", "en"],  # /i18n/<language>.json, the browser code's catalogues
        "subject_id": canary.subjects,
        "name_id": canary.names,
        # Staff pages about an account: the canary's own people (the crawlers are not staff).
        "user_id": [a.user.id for a in canary.people.values()],
        # A one-time link nobody was given (a real one would show its holder the account's email, by design).
        "token": ["fl_never-issued"],
        "member_id": canary.contributors,
        "place_id": canary.places,
    }


# Variables that only make sense together.
JOINT: dict[frozenset[str], Callable[[Canary], list[dict[str, Any]]]] = {
    frozenset({"observation_id", "annotation_id"}): lambda c: [
        {"observation_id": o, "annotation_id": a} for o, a in c.annotations
    ],
    frozenset({"z", "x", "y"}): lambda c: [{"z": z, "x": x, "y": y} for z, x, y in c.tiles],
    frozenset({"place_id", "place_name_id"}): lambda c: [{"place_id": p, "place_name_id": n} for p, n in c.place_names],
}


def query_variants(canary: Canary) -> dict[str, list[dict[str, str]]]:
    """Query strings tried besides the bare URL, by rule (filters that could narrow onto the canary)."""
    shore, sensitive, embargoed, park_only, group_only = canary.datasets
    # Corners more than 100 m away, so that the query echoed in links is not itself a find.
    west, south = offset(-150, -150)
    east, north = offset(150, 150)
    far_lon, far_lat = offset(300, 200)
    bbox = f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}"
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    area = json.dumps({"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]})
    # Cells no smaller than the generalisation's quarter: a finer grid over a generalised cell has cells
    # by the canary whatever it does, which no reading of coordinates can tell from a leak.
    compare = {"a": f"dataset:{shore}", "b": f"dataset:{sensitive}", "cell_m": "1000"}
    by_kind = {"a": "kind:volunteer", "b": f"dataset:{sensitive}", "cell_m": "500", "shape": "hex"}
    sensing = [
        {"subject": "puffin"},
        {"subject": "puffin", "bbox": bbox, "bin": "year", "from": "2000"},
        {"subject": "eelgrass", "dataset": sensitive, "format": "csv"},
        {"subject": "bass"},
        # A drawn area round the canaries (corners as far as the box's), the grid cell holding a point
        # near them, and a season: each place and time the page can ask about.
        {"subject": "puffin", "area": area, "bin": "year", "from": "2000"},
        {"subject": "puffin", "area": f"POLYGON (({west} {south}, {east} {south}, {east} {north}, {west} {south}))"},
        {"subject": "puffin", "cell": f"{far_lon:.6f},{far_lat:.6f}", "bin": "year", "from": "2000"},
        {"subject": "puffin", "season": "1-12", "bin": "year", "from": "2000"},
    ]
    held = {"a": f"dataset:{embargoed}", "b": f"dataset:{park_only}", "cell_m": "1000"}
    group_held = {"a": f"dataset:{group_only}", "b": f"dataset:{shore}", "cell_m": "1000"}
    filters = [
        {"bbox": bbox},
        *({"dataset": d} for d in canary.datasets),
        {"subject": "puffin"},
        {"subject": "bass"},
    ]
    return {
        "/api/v1/observations": [*filters, {"review": "open_questions"}, {"limit": "1"}],
        "/api/v1/me/notifications": [{"unread": "true"}],
        "/api/v1/me/records": [{"limit": "1"}],
        "/api/v1/contributors/to-credit": [{"q": "a"}, {"q": "canary"}],
        "/tiles/observations/<int:z>/<int:x>/<int:y>.pbf": [
            *({"shape": s} for s in ("point", "line", "area")),
            {"subject": "puffin"},
            {"review": "open_questions"},
            {"bbox": bbox},
        ],
        "/api/v1/datasets/<slug>/export": [
            *({"format": f} for f in ("geojson", "csv", "gpkg", "dwca")),
            {"format": "csv", "background": "1"},
        ],
        "/datasets/<slug>/download": [{"format": f} for f in ("geojson", "csv", "gpkg", "dwca")],
        "/api/v1/comparisons": [
            *(compare | {"format": f} for f in ("json", "geojson", "csv")),
            held | {"format": "geojson"},
            by_kind,
            by_kind | {"format": "csv"},
        ],
        "/compare": [compare, by_kind, held, group_held],
        "/compare/download": [compare | {"format": "csv"}, held | {"format": "geojson"}, by_kind | {"format": "csv"}],
        "/api/v1/sensing": sensing,
        "/sensing": sensing,
        "/ogc/collections/<collection_id>/items": [{"bbox": bbox}, {"limit": "1"}],
        "/api/v1/places": [
            {"q": "quimper"},
            {"q": "ledge"},
            {"bbox": bbox},
            {"kind": "fishing_mark", "dataset": f"{shore},{sensitive},{embargoed}"},
        ],
        "/places": [{"q": "quimper"}, {"q": "heron"}, {"q": "ledge"}],
        "/api/v1/places/export": [
            {"format": "csv"},
            {"format": "csv", "q": "quimper"},
            {"format": "geojson", "bbox": bbox},
            {"format": "csv", "kind": "fishing_mark", "dataset": f"{shore},{sensitive},{embargoed}"},
        ],
        "/map": [
            {"dataset": shore},
            {"dataset": embargoed},
            {"subject": "puffin"},
            {"lat": f"{far_lat:.5f}", "lon": f"{far_lon:.5f}", "zoom": "18"},
        ],
    }


@dataclass(frozen=True)
class Call:
    """One request of the crawl."""

    rule: str
    method: str
    url: str
    tile: tuple[int, int, int] | None = None
    body: Any = None


@dataclass
class Viewer:
    """Someone who must see nothing of the canary: a test client and the headers it sends."""

    name: str
    client: Any
    headers: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None
    signed_in: bool = False


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    requests: Counter = field(default_factory=Counter)
    rules: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)

    def summary(self, limit: int = 80) -> str:
        seen: dict[str, None] = {}
        for finding in self.findings:
            seen.setdefault(str(finding), None)
        lines = list(seen)
        more = f"\n... and {len(lines) - limit} more" if len(lines) > limit else ""
        return f"{len(lines)} leak(s):\n" + "\n".join(lines[:limit]) + more


def rule_key(rule: Rule) -> str:
    return rule.rule


def bindings(rule: Rule, canary: Canary) -> list[dict[str, Any]] | None:
    """Every way to fill the rule's path variables with canary values; None when a variable is unknown."""
    names = set(rule.arguments)
    parts: list[list[dict[str, Any]]] = []
    for joint, make in JOINT.items():
        if joint <= names:
            parts.append(make(canary))
            names -= joint
    values = path_values(canary)
    for name in sorted(names):
        if name not in values:
            return None
        parts.append([{name: v} for v in values[name]])
    return [dict(item for part in combo for item in part.items()) for combo in itertools.product(*parts)]


def unfillable(app: Flask, canary: Canary) -> list[str]:
    """Rules the crawl cannot fill and nobody listed: each must be crawled or given a reason."""
    return [rule_key(r) for r in app.url_map.iter_rules() if r.rule not in NOT_CRAWLED and bindings(r, canary) is None]


def stale_entries(app: Flask, canary: Canary) -> list[str]:
    """Listed rules and query variants that no longer exist (a list must not outlive its routes)."""
    endpoints = {r.rule for r in app.url_map.iter_rules()}
    listed = set(NOT_CRAWLED) | {e for e, _ in NOT_SENT} | set(query_variants(canary)) | set(ORACLES)
    return sorted(listed - endpoints)


def calls(app: Flask, canary: Canary, only: Callable[[Rule], bool] | None = None) -> list[Call]:
    """Every request of the crawl: reads first, then writes (which are refused to these viewers)."""
    variants = query_variants(canary)
    reads, writes = [], []
    for rule in app.url_map.iter_rules():
        if rule.rule in NOT_CRAWLED or (only and not only(rule)):
            continue
        for values in bindings(rule, canary) or []:
            _, path = rule.build(values, append_unknown=False)
            tile = (values["z"], values["x"], values["y"]) if {"z", "x", "y"} <= set(values) else None
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if (rule.rule, method) in NOT_SENT:
                    continue
                if method == "GET":
                    queries = [{}, *variants.get(rule.rule, [])]
                    reads += [Call(rule.rule, method, _with_query(path, q), tile) for q in queries]
                else:
                    writes.append(Call(rule.rule, method, path))
    return reads + writes


def _with_query(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def send(viewer: Viewer, call: Call):
    headers = dict(viewer.headers)
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": True}
    if call.method != "GET":
        if call.url.startswith("/api/"):
            kwargs["json"] = {} if call.body is None else call.body
            if viewer.csrf:
                headers["X-CSRFToken"] = viewer.csrf
        else:
            kwargs["data"] = {"csrf_token": viewer.csrf} if viewer.csrf else {}
    return viewer.client.open(call.url, method=call.method, **kwargs)


def scan_response(detector: Detector, where: str, response, tile=None) -> list[Finding]:
    """The body and the headers that can carry data, of the answer and of each redirect before it."""
    found = []
    for step in [*response.history, response]:
        body = step.get_data()
        found += detector.scan(where, body, step.headers.get("Content-Type", ""), tile)
        for header in ("Location", "Content-Disposition", "Link", "Content-Location"):
            if step.headers.get(header):
                found += detector.scan(f"{where} header {header}", step.headers[header].encode(), "text/plain")
    return found


def crawl(app: Flask, canary: Canary, viewers: Iterable[Viewer], detector: Detector, only=None, reads_only=False):
    """Request every call as every viewer; decode and scan each answer."""
    report = Report()
    all_calls = calls(app, canary, only)
    for viewer in viewers:
        for call in all_calls:
            if reads_only and call.method != "GET":
                continue
            response = send(viewer, call)
            where = f"{call.method} {call.url} [{viewer.name}] {response.status_code}"
            report.findings += scan_response(detector, where, response, call.tile)
            report.findings += tile_shapes(where, call, response)
            report.requests[viewer.name] += 1
            report.rules.add(call.rule)
            report.statuses[response.status_code] += 1
            response.close()
        if not reads_only:
            report.findings += probe_oracles(viewer, canary)
    return report


SHAPE_TYPES = {
    "point": ("Point", "MultiPoint"),
    "line": ("LineString", "MultiLineString"),
    "area": ("Polygon", "MultiPolygon"),
}


def tile_shapes(where: str, call: Call, response) -> list[Finding]:
    """A tile filtered by shape holds only that shape as drawn: a filter on the hidden geometry's kind tells it."""
    shape = parse_qs(urlsplit(call.url).query).get("shape", [None])[0]
    if call.tile is None or shape not in SHAPE_TYPES or response.status_code != 200:
        return []
    layers = mapbox_vector_tile.decode(response.get_data())
    drawn = {f["geometry"]["type"] for f in layers.get("observations", {}).get("features", [])}
    wrong = sorted(drawn - set(SHAPE_TYPES[shape]))
    return (
        [
            Finding(
                where, f"shape={shape} answers features drawn as {', '.join(wrong)}: it filters on the hidden geometry"
            )
        ]
        if wrong
        else []
    )


# Writes whose answer could tell a guess of the hidden place: the same request with the exact place and
# with a wrong one must be answered alike to anyone but the record's creator.
def _retry_pair(canary: Canary, role: str, batch: bool) -> tuple[Any, Any]:
    exact = copy.deepcopy(canary.sent[role])
    wrong = copy.deepcopy(exact)
    wrong["geometry"] = {"type": "Point", "coordinates": offset(400, 300)}
    if batch:
        return {"type": "FeatureCollection", "features": [exact]}, {"type": "FeatureCollection", "features": [wrong]}
    return exact, wrong


ORACLES = {"/api/v1/observations": "POST"}


def probe_oracles(viewer: Viewer, canary: Canary) -> list[Finding]:
    found = []
    for role in ("generalised", "private", "pseudonym"):
        for batch in (False, True):
            exact, wrong = _retry_pair(canary, role, batch)
            answers = []
            for body in (exact, wrong):
                response = send(viewer, Call("", "POST", "/api/v1/observations", body=body))
                answers.append((response.status_code, _neutral(response.get_data(as_text=True))))
            if answers[0] != answers[1]:
                where = f"POST /api/v1/observations ({'batch' if batch else 'one'}, {role}) [{viewer.name}]"
                found.append(
                    Finding(
                        where,
                        f"answers {answers[0][0]} to the exact place and {answers[1][0]} to a wrong guess:"
                        " a location oracle",
                    )
                )
    return found


def _neutral(text: str) -> str:
    """An answer with what differs between any two requests (timestamps) taken out."""
    try:
        return json.dumps(json.loads(text), sort_keys=True)
    except ValueError:
        return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?", "", text)
