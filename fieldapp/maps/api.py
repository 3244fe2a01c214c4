"""The tiles blueprint: /tiles/observations/{z}/{x}/{y}.pbf, public and cacheable."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fieldapp.db import get_session
from fieldapp.geo.filters import reject_unknown
from fieldapp.http import MVT
from fieldapp.maps import tiles
from fieldapp.observations.schemas import parse_filter

bp = Blueprint("tiles", __name__)

TILE_PARAMETERS = {"bbox", "datetime", "dataset", "kind", "subject", "review", "field", "shape"}
# Shared caches may keep tiles, but must ask again each time: the 304 answer is cheap, and a
# new observation shows on the next view instead of after an expiry.
CACHE_CONTROL = "public, no-cache"


def _read_only_session() -> Session:
    """The request's session, in autocommit when it owns its connection.

    A tile is one statement: outside a transaction it costs one round trip instead of three
    (no BEGIN, no ROLLBACK when the connection goes back to the pool). Tests bind sessions to
    an outer transaction, which keeps its own isolation.
    """
    session = get_session()
    if isinstance(session.get_bind(), Engine):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


@bp.get("/observations/<int:z>/<int:x>/<int:y>.pbf")
def observation_tile(z: int, x: int, y: int):
    reject_unknown(request.args, TILE_PARAMETERS)
    tiles.check_address(z, x, y)
    tile = tiles.TileRequest(z, x, y, parse_filter(request.args), tiles.parse_shape(request.args.get("shape")))
    # Sorted, so the same filters in another order share one cache entry.
    query = urlencode(sorted(request.args.items(multi=True)))
    etag, body = tiles.read_tile(_read_only_session(), tile, query, list(request.if_none_match))
    headers = {"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL}
    if body is None or etag in request.if_none_match:
        return Response(status=304, headers=headers)
    return Response(body, mimetype=MVT, headers=headers)
