"""The edge guard: text and numbers no field may hold are refused, naming the parameter, before any view runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import request

from fieldapp import rules
from fieldapp.errors import BadRequest, NotFound

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_hostile_input() -> None:
    """Answer 400 for a NUL or a lone surrogate anywhere a value arrives; 404 for a number in a path beyond
    an integer column (an id there is int4, or a bigint identity that 2**31 rows would take to reach)."""
    for name, value in _texts():
        name, value = name or "(parameter name)", value or ""
        if rules.text_problem(name):
            name, value = "(parameter name)", name
        problem = rules.text_problem(value)
        if problem:
            raise BadRequest(f"Parameter '{name}' {problem}.", [{"path": name, "message": problem}])
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and abs(value) > rules.INT4_MAX:
            raise NotFound(f"No such {name}: {value} is beyond any id.", [{"path": name, "message": "beyond any id"}])


def _texts() -> Iterator[tuple[str, str]]:
    yield from request.args.items(multi=True)
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            yield name, value
    if request.mimetype in FORM_TYPES:
        yield from request.form.items(multi=True)
        for name, upload in request.files.items(multi=True):
            yield name, upload.filename or ""


def json_problem(value: Any, path: str = "", depth: int = 0) -> tuple[str, str] | None:
    """The first (path, problem) in parsed JSON: too deep, a forbidden character, a number beyond bigint."""
    if depth > rules.MAX_JSON_DEPTH:
        return path or "(body)", f"nests deeper than {rules.MAX_JSON_DEPTH} levels"
    if isinstance(value, str):
        problem = rules.text_problem(value)
        return (path or "(body)", problem) if problem else None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > rules.INT4_MAX:
        return path or "(body)", "is a number beyond the largest this service stores (a 64-bit integer)"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, member in items:
        if isinstance(key, str) and rules.text_problem(key):
            return path or "(body)", f"has a member name that {rules.text_problem(key)}"
        where = f"{path}.{key}" if path else str(key)
        found = json_problem(member, where, depth + 1)
        if found:
            return found
    return None
