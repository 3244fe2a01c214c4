"""The throughput baseline: a minimal Flask view over the same SQL as the list API, served like the app.

`GET /features?bbox=...` runs bench.api_read.baseline_sql (the list's own feature builders, one
statement building the whole FeatureCollection) through one psycopg connection per worker and sends
the text it gets. No settings, hooks, sessions, argument schemas or links: what any view must do at least.
"""

from __future__ import annotations

import os

import psycopg
from flask import Flask, Response, request

from bench.api_read import baseline_sql


def create_app() -> Flask:
    app = Flask("minimal")
    conninfo = os.environ["DATABASE_URL"]
    state: dict[str, psycopg.Connection] = {}

    @app.get("/features")
    def features() -> Response:
        conn = state.get("conn")
        if conn is None or conn.closed:
            conn = state["conn"] = psycopg.connect(conninfo, autocommit=True)
            conn.execute("SET jit = off")  # as the app's connections
        bbox = tuple(float(v) for v in request.args["bbox"].split(","))
        sql, params = baseline_sql(bbox)  # type: ignore[arg-type]
        return Response(conn.execute(sql, params).fetchone()[0], mimetype="application/geo+json")

    return app
