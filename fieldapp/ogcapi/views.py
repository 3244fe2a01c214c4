"""OGC API - Features endpoints at /ogc: landing page, conformance, collections, items and one item."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from werkzeug.urls import iri_to_uri

from fieldapp.accounts.auth import current_viewer
from fieldapp.config import current_settings
from fieldapp.db import get_session, read_in_autocommit, write_session
from fieldapp.errors import NotFound, bad_parameter
from fieldapp.geo.crs import CRS84
from fieldapp.geo.filters import decode_cursor, encode_cursor, parse_bbox, parse_datetime, parse_limit, reject_unknown
from fieldapp.geo.geojson import feature_collection
from fieldapp.http import GEOJSON, json_text_response, parse_uuid
from fieldapp.observations import queries as observation_queries
from fieldapp.observations.columns import PROPERTY_NAMES
from fieldapp.observations.schemas import COUNT_MODES, PropertiesArg, counting_of
from fieldapp.observations.seen import log_list_view, log_record_view
from fieldapp.ogcapi.openapi import openapi_document
from fieldapp.ogcapi.queries import ALL, PLACES, collection_exists, collection_rows
from fieldapp.places import queries as place_queries

bp = Blueprint("ogcapi", __name__, url_prefix="/ogc")
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
ITEM_PARAMETERS = {"bbox", "datetime", "limit", "cursor", "f", "properties", "count"}
# Places have no time, and every place carries the same few properties.
PLACE_PARAMETERS = {"bbox", "limit", "cursor", "f"}
_properties_arg = PropertiesArg()


def _link(rel: str, endpoint: str, media: str = "application/json", title: str | None = None, **values) -> dict:
    link = {"rel": rel, "type": media, "href": url_for(endpoint, _external=True, **values)}
    if title:
        link["title"] = title
    return link


def _only_json() -> None:
    reject_unknown(request.args, {"f"})


@bp.get("")
@bp.get("/")
def landing():
    _only_json()
    return jsonify(
        {
            "title": "fieldapp observations",
            "description": "Observations of every knowledge kind, with their attribution; public geometry only"
            " unless you are allowed to see precise locations.",
            "links": [
                _link("self", ".landing"),
                _link("service-desc", ".api", OPENAPI, "The API definition"),
                _link("conformance", ".conformance"),
                _link("data", ".collections", title="Collections"),
            ],
        }
    )


@bp.get("/api")
def api():
    _only_json()
    settings = current_settings()
    return jsonify(
        openapi_document(
            url_for(".landing", _external=True),
            settings.ogc_page_size,
            settings.ogc_page_max,
            settings.count_exact_max,
            settings.count_exact_ms,
        )
    )


@bp.get("/conformance")
def conformance():
    _only_json()
    return jsonify({"conformsTo": CONFORMANCE})


def _collection(row: Any) -> dict[str, Any]:
    bbox = [row.minx, row.miny, row.maxx, row.maxy] if row.minx is not None else [-180, -90, 180, 90]
    interval = [_iso(row.first), _iso(row.last)]
    collection = {
        "id": row.slug,
        "title": row.title,
        "description": row.description or row.title,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {
            "spatial": {"bbox": [bbox], "crs": CRS84},
            "temporal": {"interval": [interval], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"},
        },
        "links": [
            _link("self", ".collection", collection_id=row.slug),
            _link(
                "items",
                ".items",
                GEOJSON,
                "Places as GeoJSON" if row.slug == PLACES else "Observations as GeoJSON",
                collection_id=row.slug,
            ),
        ],
    }
    if row.licence:
        collection["license"] = row.licence
    return collection


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


@bp.get("/collections")
def collections():
    _only_json()
    rows = collection_rows(get_session(), current_viewer())
    return jsonify({"collections": [_collection(row) for row in rows], "links": [_link("self", ".collections")]})


def _one(collection_id: str) -> Any:
    rows = collection_rows(get_session(), current_viewer(), collection_id)
    if not rows or rows[0].slug != collection_id:
        raise NotFound(f"No collection {collection_id!r}.")
    return rows[0]


def _exists(collection_id: str) -> None:
    if not collection_exists(get_session(), collection_id):
        raise NotFound(f"No collection {collection_id!r}.")


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    _only_json()
    return jsonify(_collection(_one(collection_id)))


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    if collection_id == PLACES:
        return _place_items()
    reject_unknown(request.args, ITEM_PARAMETERS)
    read_in_autocommit(get_session())
    _exists(collection_id)
    args = request.args
    filters = observation_queries.ObservationFilter(
        bbox=parse_bbox(args["bbox"]) if "bbox" in args else None,
        interval=parse_datetime(args["datetime"]) if "datetime" in args else None,
        datasets=[] if collection_id == ALL else [collection_id],
    )
    settings = current_settings()
    limit = parse_limit(args.get("limit"), settings.ogc_page_size, settings.ogc_page_max)
    after = decode_cursor(args["cursor"]) if "cursor" in args else None
    # GIS clients read feature properties only, so by default every feature keeps its dataset's title,
    # kind and credit line (nulls are left out); properties= chooses fewer.
    names = _properties_arg.deserialize(args["properties"], "properties") if args.get("properties") else None
    count = args.get("count", "auto")
    if count not in COUNT_MODES:
        raise bad_parameter("count", f"use one of {', '.join(COUNT_MODES)}")
    page = observation_queries.list_observations(
        get_session(),
        current_viewer(),
        filters,
        limit,
        after,
        [str(name) for name in names] if names else PROPERTY_NAMES,
        counting_of(count, settings),
    )
    logged = write_session()  # the request may read from a replica; the log goes to the primary
    log_list_view(logged, current_viewer(), page["seqs"], "ogc items")
    logged.commit()
    links = [
        {"rel": "self", "type": GEOJSON, "href": iri_to_uri(request.url)},
        _link("collection", ".collection", collection_id=collection_id),
    ]
    if page["next_after"] is not None:
        following = args.to_dict() | {"cursor": encode_cursor(page["next_after"]), "limit": str(limit)}
        links.append(_link("next", ".items", GEOJSON, "Next page", collection_id=collection_id, **following))
    # OGC API Features: numberMatched, when given, is exact; an estimate goes in a member of its own.
    counted = {"numberMatchedEstimate": page["matched"]} if page["estimated"] else {"numberMatched": page["matched"]}
    body = feature_collection(
        page["features"],
        {"datasets": page["datasets"]},
        **counted,
        numberReturned=page["returned"],
        timeStamp=_iso(datetime.now(UTC)),
        links=links,
    )
    return json_text_response(body, mimetype=GEOJSON)


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    _only_json()
    if collection_id == PLACES:
        return _place_item(feature_id)
    _exists(collection_id)
    observation_id = parse_uuid(feature_id, "feature")
    session, viewer = get_session(), current_viewer()
    body = observation_queries.get_observation_feature(session, viewer, observation_id)
    feature = json.loads(body) if body else None
    if feature is None or (collection_id != ALL and feature["properties"]["dataset"] != collection_id):
        raise NotFound(f"No feature {feature_id!r} in collection {collection_id!r}.")
    logged = write_session()
    log_record_view(logged, viewer, observation_id, "ogc item")
    logged.commit()
    feature["links"] = [
        {"rel": "self", "type": GEOJSON, "href": iri_to_uri(request.url)},
        _link("collection", ".collection", collection_id=collection_id),
    ]
    return json_text_response(json.dumps(feature), mimetype=GEOJSON)


def _place_items():
    """The places the viewer may see, through the observations' gate (a private mark only for its holders,
    a generalised one as its cell; bbox tests what the viewer sees), paged by id."""
    reject_unknown(request.args, PLACE_PARAMETERS)
    args, settings = request.args, current_settings()
    bbox = parse_bbox(args["bbox"]) if "bbox" in args else None
    limit = parse_limit(args.get("limit"), settings.ogc_page_size, settings.ogc_page_max)
    after = decode_cursor(args["cursor"]) if "cursor" in args else None
    read_in_autocommit(get_session())
    page = place_queries.places_page(get_session(), current_viewer(), bbox, limit, after)
    links = [
        {"rel": "self", "type": GEOJSON, "href": iri_to_uri(request.url)},
        _link("collection", ".collection", collection_id=PLACES),
    ]
    if page["next_after"] is not None:
        following = args.to_dict() | {"cursor": encode_cursor(page["next_after"]), "limit": str(limit)}
        links.append(_link("next", ".items", GEOJSON, "Next page", collection_id=PLACES, **following))
    body = feature_collection(
        page["features"],
        numberMatched=page["matched"],
        numberReturned=page["returned"],
        timeStamp=_iso(datetime.now(UTC)),
        links=links,
    )
    return json_text_response(body, mimetype=GEOJSON)


def _place_item(feature_id: str):
    place_id = int(feature_id) if feature_id.isascii() and feature_id.isdigit() and len(feature_id) < 10 else None
    body = place_queries.place_feature(get_session(), current_viewer(), place_id) if place_id else None
    if body is None:
        raise NotFound(f"No feature {feature_id!r} in collection {PLACES!r}.")
    feature = json.loads(body)
    feature["links"] = [
        {"rel": "self", "type": GEOJSON, "href": iri_to_uri(request.url)},
        _link("collection", ".collection", collection_id=PLACES),
    ]
    return json_text_response(json.dumps(feature), mimetype=GEOJSON)
