"""Query-string filters shared by every list: bbox, datetime, limit and cursor."""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

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
