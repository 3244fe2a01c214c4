"""The sensing question: subject, place, period, bin and sources, read from a query string."""

from __future__ import annotations

from datetime import UTC, datetime

from fieldapp.errors import bad_parameter
from fieldapp.geo.crs import JERSEY_BBOX
from fieldapp.geo.filters import parse_bbox, reject_unknown
from fieldapp.sensing.question import SensingQuery
from fieldapp.vocab import KNOWLEDGE_KINDS

# Bin widths in years, by the name the form and the API use.
BINS = {"year": 1, "5years": 5, "decade": 10}
FORMATS = ("json", "csv")
PARAMETERS = {"subject", "bbox", "from", "to", "bin", "kind", "dataset", "format"}
EARLIEST_YEAR = 1000
# At most this many bins on one axis: small multiples stay readable, and the work bounded.
MAX_BINS = 120


def _year(args, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
        raise bad_parameter(name, f"{raw!r} is not a year (e.g. 1990)")
    year = int(raw)
    if not EARLIEST_YEAR <= year <= datetime.now(UTC).year:
        raise bad_parameter(name, f"give a year from {EARLIEST_YEAR} to this year")
    return year


def _list(args, name: str) -> list[str]:
    return [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]


def parse_sensing(args) -> SensingQuery:
    """Read and check the question; each problem names its parameter."""
    reject_unknown(args, PARAMETERS)
    subject = args.get("subject", "").strip()
    if not subject:
        raise bad_parameter("subject", "name the subject: any of its names, its scientific name or a habitat code")
    if len(subject) > 200:
        raise bad_parameter("subject", "at most 200 characters")
    raw_bbox = args.get("bbox", "").strip()
    bbox = parse_bbox(raw_bbox) if raw_bbox else JERSEY_BBOX
    now = datetime.now(UTC).year
    first, last = _year(args, "from", 1900), _year(args, "to", now)
    if first > last:
        raise bad_parameter("from", "the first year must not be after the last")
    bin_name = args.get("bin", "").strip() or "decade"
    if bin_name not in BINS:
        raise bad_parameter("bin", f"use one of {', '.join(BINS)}")
    kinds = _list(args, "kind")
    unknown = [k for k in kinds if k not in KNOWLEDGE_KINDS]
    if unknown:
        raise bad_parameter("kind", f"{unknown[0]!r} is not one of {', '.join(KNOWLEDGE_KINDS)}")
    query = SensingQuery(subject, bbox, first, last, BINS[bin_name], kinds, _list(args, "dataset"), not raw_bbox)
    if len(query.bins) > MAX_BINS:
        raise bad_parameter("bin", f"{len(query.bins)} bins over {first}-{last}: choose wider bins or fewer years")
    return query
