"""The FieldAppError family and the one table that maps them to HTTP responses."""

from __future__ import annotations

import errno
import logging
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from marshmallow import Schema, fields
from psycopg.errors import QueryCanceled
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from fieldapp.i18n import _, _l

log = logging.getLogger(__name__)


class FieldAppError(Exception):
    """Base of every error the app raises on purpose."""

    status = 500
    default_message: Any = _l("Something went wrong.")
    # Where the problem lies when the raiser names no field, so every error says where to look.
    default_path: str | None = None

    def __init__(self, message: str | None = None, details: list[dict[str, Any]] | None = None):
        # The default message is translated here, in the language of the request that raised it.
        # A str subclass (an import report's Line, worded again on its page) is kept as it is.
        if not (isinstance(message, str) and message):
            message = str(message) if message else str(self.default_message)
        super().__init__(message)
        self.message = message
        if not details and self.default_path:
            details = [{"path": self.default_path, "message": self.message}]
        self.details = details or []


class Invalid(FieldAppError):
    status = 422
    default_message: Any = _l("The input is not valid.")


class BadRequest(FieldAppError):
    status = 400
    default_message: Any = _l("The request is malformed.")


def bad_parameter(parameter: str, message: str) -> BadRequest:
    """A query parameter that cannot be read, naming it in the message and in the details."""
    return BadRequest(
        _("Parameter '%(name)s': %(message)s", name=parameter, message=message),
        [{"path": parameter, "message": message}],
    )


class Unauthorized(FieldAppError):
    status = 401
    default_path = "Authorization"
    default_message: Any = _l("Sign in or send an API token to do this.")


class Forbidden(FieldAppError):
    status = 403
    default_message: Any = _l("You are not allowed to do this.")


class NotFound(FieldAppError):
    status = 404
    default_message: Any = _l("Not found.")


class Conflict(FieldAppError):
    status = 409
    default_message: Any = _l("This conflicts with what is already stored.")


class TooLarge(FieldAppError):
    status = 413
    default_path = "(body)"
    default_message: Any = _l("The request body is too large.")


class TooManyRequests(FieldAppError):
    status = 429
    default_message: Any = _l("Too many attempts; wait a few minutes and try again.")


class ServiceUnavailable(FieldAppError):
    status = 503
    default_message: Any = _l("The service is unavailable for a moment; try again shortly.")
    # Seconds a client should wait before retrying, sent as Retry-After.
    retry_after = 30

    def __init__(self, message: str | None = None, details=None, retry_after: int | None = None):
        super().__init__(message, details)
        if retry_after is not None:
            self.retry_after = retry_after


class InsufficientStorage(FieldAppError):
    status = 507
    default_path = "file"
    default_message: Any = _l("The server has no room to store this file now; nothing was kept. Try again later.")


DATABASE_DOWN = _l("The database is unavailable; nothing was changed. Try again in a minute.")
TOO_SLOW = _l("The request took too long and was stopped; nothing was changed. Narrow it, or try again later.")


# Werkzeug's own errors, in the request's language (its descriptions are English only).
HTTP_MESSAGES = {
    404: _l("Not found: nothing is at this address."),
    405: _l("This address does not accept that method."),
}


def error_body(message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Build the JSON error body every API answer uses."""
    return {"error": {"message": message, "details": details or []}}


class ErrorDetailSchema(Schema):
    path = fields.String(
        required=True,
        metadata={
            "description": "The field, parameter or feature that is wrong, dotted (e.g. features.3.properties.count)."
        },
    )
    message = fields.String(required=True, metadata={"description": "What is wrong with it."})


class ErrorMessageSchema(Schema):
    message = fields.String(required=True, metadata={"description": "A sentence saying what went wrong."})
    details = fields.List(fields.Nested(ErrorDetailSchema), required=True)


class ErrorSchema(Schema):
    """The JSON error body every API answer uses (error_body), as the OpenAPI document describes it."""

    error = fields.Nested(ErrorMessageSchema, required=True)


# OGC API - Features recommends its exception schema ({"code", "description"}) for error bodies under /ogc.
OGC_CODES = {
    400: "InvalidParameterValue",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    413: "PayloadTooLarge",
    500: "ServerError",
    503: "ServiceUnavailable",
}


def ogc_exception(status: int, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The OGC exception body: a code, and the message with each detail spelled out."""
    where = "; ".join(f"{d['path']}: {d['message']}" for d in details or [] if d.get("message") != message)
    description = f"{message} ({where})" if where else message
    return {
        "code": OGC_CODES.get(status, "ServerError" if status >= 500 else "InvalidRequest"),
        "description": description,
    }


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/tiles/", "/ogc")) or (
        request.accept_mimetypes.best == "application/json"
    )


def _render(status: int, message: str, details: list[dict[str, Any]]):
    if request.path == "/ogc" or request.path.startswith("/ogc/"):
        return jsonify(ogc_exception(status, message, details)), status
    if _wants_json():
        return jsonify(error_body(message, details)), status
    return render_template("error.html", status=status, message=message, details=details), status


def _render_error(exc: FieldAppError):
    body, status = _render(exc.status, exc.message, exc.details)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, ServiceUnavailable) else {}
    return body, status, headers


def _unavailable(exc: Exception) -> FieldAppError:
    """What a failure below the app (database, disk) means to the client."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return InsufficientStorage()
    if isinstance(getattr(exc, "orig", None), QueryCanceled):
        return ServiceUnavailable(TOO_SLOW, [{"path": "(server)", "message": "statement timeout"}], retry_after=60)
    # The page must not ask the database who is signed in while saying the database is down.
    g.current_user = None
    return ServiceUnavailable(DATABASE_DOWN, [{"path": "(server)", "message": "database unavailable"}])


def _is_outage(exc: DBAPIError) -> bool:
    # OperationalError covers refused connections and lost servers; a dropped connection can
    # surface as another DBAPIError flagged as invalidated.
    return isinstance(exc, OperationalError) or exc.connection_invalidated


def register_error_handlers(app: Flask) -> None:
    """Render FieldAppErrors and HTTP errors as JSON under the API and as pages elsewhere."""

    app.register_error_handler(FieldAppError, _render_error)

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError):
        if not _is_outage(exc):
            raise exc
        log.warning("database unavailable: %s", exc.orig)
        return _render_error(_unavailable(exc))

    @app.errorhandler(PoolTimeout)
    def _pool_timeout(exc: PoolTimeout):
        log.warning("no database connection free: %s", exc)
        return _render_error(_unavailable(exc))

    @app.errorhandler(OSError)
    def _os_error(exc: OSError):
        if exc.errno != errno.ENOSPC:
            raise exc
        log.error("disk full: %s", exc)
        return _render_error(_unavailable(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        message = str(HTTP_MESSAGES[exc.code]) if exc.code in HTTP_MESSAGES else exc.description or exc.name
        details: list[dict[str, Any]] = []
        if exc.code == 413:
            message = _(
                "The request body is larger than the limit of %(limit)s bytes.", limit=app.config["MAX_CONTENT_LENGTH"]
            )
            details = [{"path": "(body)", "message": message}]
        return _render(exc.code or 500, message, details)
