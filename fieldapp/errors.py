"""The FieldAppError family and the one table that maps them to HTTP responses."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class FieldAppError(Exception):
    """Base of every error the app raises on purpose."""

    status = 500
    default_message = "Something went wrong."
    # Where the problem lies when the raiser names no field, so every error says where to look.
    default_path: str | None = None

    def __init__(self, message: str | None = None, details: list[dict[str, Any]] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        if not details and self.default_path:
            details = [{"path": self.default_path, "message": self.message}]
        self.details = details or []


class Invalid(FieldAppError):
    status = 422
    default_message = "The input is not valid."


class BadRequest(FieldAppError):
    status = 400
    default_message = "The request is malformed."


def bad_parameter(parameter: str, message: str) -> BadRequest:
    """A query parameter that cannot be read, naming it in the message and in the details."""
    return BadRequest(f"Parameter '{parameter}': {message}", [{"path": parameter, "message": message}])


class Unauthorized(FieldAppError):
    status = 401
    default_path = "Authorization"
    default_message = "Sign in or send an API token to do this."


class Forbidden(FieldAppError):
    status = 403
    default_message = "You are not allowed to do this."


class NotFound(FieldAppError):
    status = 404
    default_message = "Not found."


class Conflict(FieldAppError):
    status = 409
    default_message = "This conflicts with what is already stored."


class TooLarge(FieldAppError):
    status = 413
    default_path = "(body)"
    default_message = "The request body is too large."


class TooManyRequests(FieldAppError):
    status = 429
    default_message = "Too many attempts; wait a few minutes and try again."


def error_body(message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Build the JSON error body every API answer uses."""
    return {"error": {"message": message, "details": details or []}}


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


def register_error_handlers(app: Flask) -> None:
    """Render FieldAppErrors and HTTP errors as JSON under the API and as pages elsewhere."""

    @app.errorhandler(FieldAppError)
    def _fieldapp_error(exc: FieldAppError):
        return _render(exc.status, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        message = exc.description or exc.name
        details: list[dict[str, Any]] = []
        if exc.code == 413:
            message = f"The request body is larger than the limit of {app.config['MAX_CONTENT_LENGTH']} bytes."
            details = [{"path": "(body)", "message": message}]
        return _render(exc.code or 500, message, details)
