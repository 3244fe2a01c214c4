"""Query-string arguments: the filters shared by every list (bbox, datetime, limit, cursor) as parsers and
marshmallow fields, and `parse_args`, which reads a query string with an arguments schema."""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from fieldapp import schema_words
from fieldapp.config import current_settings
from fieldapp.errors import BadRequest, bad_parameter


@dataclass(frozen=True)
class Interval:
    """A time interval; None at either end means open."""

    start: datetime | None
    end: datetime | None

    def overlap_sql(self, prefix: str = "") -> tuple[list[str], dict[str, datetime]]:
        """Conditions that observation o's time span overlaps this interval, with their parameters."""
        clauses, params = [], {}
        if self.end is not None:
            clauses.append(f"o.observed_start <= :{prefix}until")
            params[f"{prefix}until"] = self.end
        if self.start is not None:
            clauses.append(f"coalesce(o.observed_end, o.observed_start) >= :{prefix}since")
            params[f"{prefix}since"] = self.start
        return clauses, params


def parse_bbox(raw: str, parameter: str = "bbox") -> tuple[float, float, float, float]:
    """Parse 'minLon,minLat,maxLon,maxLat' in EPSG:4326."""
    parts = raw.split(",")
    if len(parts) != 4:
        raise bad_parameter(parameter, "give four numbers: minLon,minLat,maxLon,maxLat")
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except ValueError:
        raise bad_parameter(parameter, f"{raw!r} holds something that is not a number") from None
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise bad_parameter(parameter, "numbers must be finite")
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise bad_parameter(parameter, "longitudes must lie in -180..180 and latitudes in -90..90")
    if minx > maxx or miny > maxy:
        raise bad_parameter(parameter, "the minimum must not exceed the maximum")
    return minx, miny, maxx, maxy


def parse_instant(raw: str, parameter: str = "datetime") -> datetime:
    """Parse an RFC 3339 date-time or a plain date (midnight UTC); naive times are UTC."""
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise bad_parameter(parameter, f"{raw!r} is not an RFC 3339 date-time or a date") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_datetime(raw: str, parameter: str = "datetime") -> Interval:
    """Parse an instant or an interval 'start/end' where either end may be '..' or empty."""
    if "/" not in raw:
        instant = parse_instant(raw, parameter)
        return Interval(instant, instant)
    start_raw, _, end_raw = raw.partition("/")
    start = None if start_raw in ("", "..") else parse_instant(start_raw, parameter)
    end = None if end_raw in ("", "..") else parse_instant(end_raw, parameter)
    if start is None and end is None:
        raise bad_parameter(parameter, "an interval needs at least one end")
    if start and end and end < start:
        raise bad_parameter(parameter, "the interval ends before it starts")
    return Interval(start, end)


def parse_limit(raw: str | None, default: int, maximum: int, parameter: str = "limit") -> int:
    """Parse a page size: at least 1, clamped to the maximum."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_parameter(parameter, f"{raw!r} is not a whole number") from None
    if value < 1:
        raise bad_parameter(parameter, "must be at least 1")
    return min(value, maximum)


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"s{seq}".encode()).decode().rstrip("=")


def decode_cursor(raw: str, parameter: str = "cursor") -> int:
    """Decode an opaque paging cursor made by encode_cursor."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        if not text.startswith("s"):
            raise ValueError
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_parameter(parameter, "this cursor was not made by this server; follow the 'next' link") from None


def reject_unknown(args, allowed: set[str]) -> None:
    """Answer 400 for query parameters the endpoint does not know."""
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise BadRequest(
            f"Unknown query parameter(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}.",
            [{"path": name, "message": "unknown parameter"} for name in unknown],
        )


def parse_args(schema: Schema, args: Any) -> dict[str, Any]:
    """Read a query string with an arguments schema: unknown names, then each argument in declared order, are a 400.

    A value the schema's own fields parse raises that parser's error; a marshmallow error (a range, a
    choice) becomes a 400 naming the first argument, in declared order, that is wrong.
    """
    names = [field.data_key or name for name, field in schema.load_fields.items()]
    reject_unknown(args, set(names))
    values = args.to_dict() if hasattr(args, "to_dict") else dict(args)  # the first of repeated names
    for name, field in schema.load_fields.items():  # ... unless the field adds them up, comma-separated
        key = field.data_key or name
        if field.metadata.get("repeatable") and hasattr(args, "getlist") and key in args:
            values[key] = ",".join(args.getlist(key))
    try:
        return schema.load(values)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        name = next((n for n in names if n in messages), next(iter(messages), "(query)"))
        found = messages.get(name, exc.messages)
        said = str(found[0] if isinstance(found, list) else found)
        raise bad_parameter(str(name), schema_words.word(said)) from None


# --- the shared filters as marshmallow fields: each parses with the function above, so the errors are theirs ---


class BboxArg(fields.List):
    """bbox=minLon,minLat,maxLon,maxLat in EPSG:4326 (empty: no filter)."""

    def __init__(self, **kwargs: Any):
        # The length is there for the document: parse_bbox has checked it.
        super().__init__(fields.Float(), validate=validate.Length(equal=4), **kwargs)

    def _validate(self, value) -> None:
        if value is not None:
            super()._validate(value)

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_bbox(value, attr or "bbox") if value else None


class DatetimeArg(fields.String):
    """An instant, or an interval start/end with '..' or empty for an open end (empty: no filter)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_datetime(value, attr or "datetime") if value else None


class CommaSeparated(fields.List):
    """Words separated by commas, each from a vocabulary when one is given (empty: no filter)."""

    def __init__(self, choices: tuple[str, ...] | None = None, what: str = "value", **kwargs: Any):
        item = fields.String(validate=validate.OneOf(choices)) if choices else fields.String()
        super().__init__(item, **kwargs)
        self.choices, self.what = choices, what

    def _deserialize(self, value, attr, data, **kwargs):
        if not value:
            return None
        chosen = [word.strip() for word in value.split(",") if word.strip()]
        unknown = sorted(set(chosen) - set(self.choices or chosen))
        if unknown:
            allowed = ", ".join(self.choices or ())
            raise bad_parameter(attr, f"unknown {self.what}(s) {', '.join(unknown)}; use {allowed}")
        return chosen


class LimitArg(fields.Integer):
    """A page size: at least 1, larger values clamped to the maximum; both are the deployment's settings,
    named here (the OpenAPI document states their values through the field's "settings" metadata)."""

    def __init__(self, default_setting: str, maximum_setting: str, **kwargs: Any):
        named = {"default": default_setting, "maximum": maximum_setting}
        metadata = kwargs.pop("metadata", {}) | {"settings": named}
        super().__init__(
            load_default=lambda: getattr(current_settings(), default_setting),
            validate=validate.Range(min=1),
            metadata=metadata,
            **kwargs,
        )
        self.default_setting, self.maximum_setting = default_setting, maximum_setting

    def _deserialize(self, value, attr, data, **kwargs):
        settings = current_settings()
        default, maximum = getattr(settings, self.default_setting), getattr(settings, self.maximum_setting)
        return parse_limit(value, default, maximum, attr or "limit")


class CursorArg(fields.String):
    """An opaque paging cursor made by encode_cursor (empty: the first page)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return decode_cursor(value, attr or "cursor") if value else None
