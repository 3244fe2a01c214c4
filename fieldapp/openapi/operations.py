"""`@operation`: a view's declaration for the OpenAPI document, whose query-arguments schema also parses the request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from marshmallow import Schema

from fieldapp.geo.filters import parse_args

JSON = "application/json"
GEOJSON = "application/geo+json"
# Reads work anonymously (public data only); a credential widens what the viewer may see.
READ: tuple[dict, ...] = ({}, {"bearerAuth": []}, {"cookieAuth": []})
WRITE: tuple[dict, ...] = ({"bearerAuth": []}, {"cookieAuth": []})
PUBLIC: tuple[dict, ...] = ({},)

SchemaLike = type[Schema] | Schema | dict[str, Any]


@dataclass(frozen=True)
class Answer:
    """One documented answer: its description, its content by media type, and a Location header if it sends one."""

    description: str
    content: dict[str, SchemaLike] = field(default_factory=dict)
    location: str | None = None


def answer(description: str, schema: SchemaLike | None = None, media_type: str = JSON, location: str | None = None):
    """An answer with at most one media type."""
    return Answer(description, {media_type: schema} if schema is not None else {}, location)


@dataclass(frozen=True)
class Operation:
    """What the document says of one route and method."""

    operation_id: str
    tag: str
    summary: str
    security: tuple[dict, ...]
    answers: dict[int, Answer]
    errors: tuple[int, ...] = ()
    description: str | None = None
    args: Schema | None = None
    path: type[Schema] | None = None
    body: dict[str, SchemaLike] | None = None


def operation(
    operation_id: str,
    tag: str,
    summary: str,
    *,
    security: tuple[dict, ...],
    answers: dict[int, Answer],
    errors: tuple[int, ...] = (),
    description: str | None = None,
    args: type[Schema] | None = None,
    path: type[Schema] | None = None,
    body: dict[str, SchemaLike] | None = None,
) -> Callable[[Callable], Callable]:
    """Declare a view for the document; with `args`, parse the query string with it first.

    The parsed arguments go to the view as `args` when the schema has any; an empty schema still
    answers 400 for every query argument, which is what "no arguments" means.
    """
    schema = args() if args is not None else None
    declared = Operation(operation_id, tag, summary, security, answers, errors, description, schema, path, body)

    def decorate(view: Callable) -> Callable:
        if schema is None:
            wrapped = view
        else:

            @functools.wraps(view)
            def wrapped(**view_args: Any):
                values = parse_args(schema, request.args)
                return view(**view_args, args=values) if schema.fields else view(**view_args)

        wrapped.openapi = declared  # type: ignore[attr-defined]  # read by document()
        return wrapped

    return decorate


class NoArgs(Schema):
    """No query arguments: any is a 400."""
