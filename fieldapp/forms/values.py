"""A record's custom field values checked against its form: the one check the API, pages and importer share."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from fieldapp.forms.conditions import holds
from fieldapp.rules import FORM_TEXT_MAX


def check_values(
    definition: dict[str, Any], values: dict[str, Any] | None, path: str = "fields"
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The values as stored (numbers, dates as ISO text) and every problem, naming `path.name`."""
    values = dict(values or {})
    known = {f["name"]: f for f in definition.get("fields", [])}
    problems = [
        {"path": f"{path}.{name}", "message": "this form has no such field"} for name in values if name not in known
    ]
    clean: dict[str, Any] = {}
    for name, field in known.items():
        if field["type"] == "note":
            if values.get(name) is not None:
                problems.append({"path": f"{path}.{name}", "message": "a note takes no answer"})
            continue
        relevant = not field.get("relevant") or holds(field["relevant"], values)
        raw = values.get(name)
        if raw is None or raw == "" or raw == []:
            if field.get("required") and relevant:
                problems.append({"path": f"{path}.{name}", "message": "required"})
            continue
        if not relevant:
            problems.append(
                {"path": f"{path}.{name}", "message": f"not asked here ({field['relevant']} does not hold)"}
            )
            continue
        try:
            value = _typed(field, raw)
        except ValueError as exc:
            problems.append({"path": f"{path}.{name}", "message": str(exc)})
            continue
        if field.get("constraint") and not holds(field["constraint"], values, value):
            problems.append({"path": f"{path}.{name}", "message": f"does not meet {field['constraint']}"})
            continue
        clean[name] = value
    return clean, problems


def _typed(field: dict[str, Any], raw: Any) -> Any:
    kind = field["type"]
    if kind in ("integer", "decimal"):
        value = _number(raw, whole=kind == "integer")
        low, high = field.get("min"), field.get("max")
        if low is not None and value < low:
            raise ValueError(f"{value:g} is below {low:g}")
        if high is not None and value > high:
            raise ValueError(f"{value:g} is above {high:g}")
        return value
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in ("yes", "true", "1"):
            return True
        if word in ("no", "false", "0"):
            return False
        raise ValueError(f"{raw!r} is neither yes nor no")
    if kind == "date":
        try:
            return date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
    choices = {c["name"] for c in field.get("choices", [])}
    if kind == "select_one":
        if str(raw) not in choices:
            raise ValueError(f"{raw!r} is not one of {', '.join(sorted(choices))}")
        return str(raw)
    if kind == "select_multiple":
        picked = raw if isinstance(raw, list) else str(raw).split()
        wrong = [p for p in picked if str(p) not in choices]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not one of {', '.join(sorted(choices))}")
        return [str(p) for p in picked]
    text = str(raw)
    if "\x00" in text or len(text) > FORM_TEXT_MAX:
        raise ValueError(f"text of at most {FORM_TEXT_MAX} characters, without NUL")
    return text


def _number(raw: Any, whole: bool) -> int | float:
    if isinstance(raw, bool):
        raise ValueError("a number, not true or false")
    try:
        value = float(raw) if not isinstance(raw, int | float) else raw
    except (TypeError, ValueError):
        raise ValueError(f"{raw!r} is not a number") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("a finite number")
    if whole:
        if value != int(value):
            raise ValueError(f"{raw!r} is not a whole number")
        return int(value)
    return value
