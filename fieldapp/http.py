"""JSON in and out for every API: strict parsing, schema loading with precise errors."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError

from fieldapp import schema_words
from fieldapp.errors import BadRequest, Invalid, NotFound
from fieldapp.guard import json_problem
from fieldapp.i18n import _
from fieldapp.lean import LeanLoader

GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def _finite_float(text: str) -> float:
    # Python reads 1e999 as infinity, which JSON cannot express: the sender meant something else.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number")
    return value


def _bad_body(message: str) -> BadRequest:
    return BadRequest(message, [{"path": "(body)", "message": message}])


def read_json() -> Any:
    """Parse the request body strictly (no NaN or Infinity) and refuse what no field may hold, naming where."""
    raw = request.get_data(cache=True)
    if not raw:
        raise _bad_body(_("The request body is empty; send JSON."))
    try:
        value = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise _bad_body(_("The JSON nests too deeply.")) from None
    except UnicodeDecodeError:
        raise _bad_body(_("The request body is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise _bad_body(
            _(
                "Malformed JSON at line %(line)s, column %(column)s: %(why)s.",
                line=exc.lineno,
                column=exc.colno,
                why=exc.msg,
            )
        ) from None
    except ValueError as exc:
        raise _bad_body(_("Malformed JSON: %(why)s.", why=exc)) from None
    found = json_problem(value)
    if found:
        path, problem = found
        raise Invalid(
            _("The input is not valid: %(path)s %(problem)s.", path=path, problem=problem),
            [{"path": path, "message": problem}],
        )
    return value


def flatten_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow's nested messages into [{path, message}] with dotted paths, in the request's language."""
    if isinstance(messages, dict):
        details = []
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "(body)"
            details.extend(flatten_errors(value, path))
        return details
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"path": prefix or "(body)", "message": schema_words.word(m)} for m in messages]
    if isinstance(messages, list):
        return [d for m in messages for d in flatten_errors(m, prefix)]
    return [{"path": prefix or "(body)", "message": schema_words.word(str(messages))}]


def load(schema: Schema | LeanLoader, data: Any, prefix: str = "") -> Any:
    """Validate data with a schema (or a LeanLoader of one), raising Invalid with every field that is wrong."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        details = flatten_errors(exc.messages, prefix)
        summary = "; ".join(f"{d['path']}: {d['message']}" for d in details[:5])
        raise Invalid(_("The input is not valid: %(problems)s", problems=summary), details) from None


def json_text_response(
    body: str, status: int = 200, mimetype: str = "application/json", headers: dict[str, str] | None = None
) -> Response:
    """Send JSON text the database already built, without parsing it again."""
    return Response(body, status=status, mimetype=mimetype, headers=headers)


def parse_uuid(raw: str, what: str = "observation") -> uuid.UUID:
    """A UUID from a URL; anything else names no record, so it is a 404."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound(f"No {what} {raw!r}: {what} ids are UUIDs.") from None
