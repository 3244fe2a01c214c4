"""The sensing question (subject, place, period, bin and sources) read from a query string, and its answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate, validates_schema

from fieldapp.errors import bad_parameter
from fieldapp.geo.crs import JERSEY_BBOX
from fieldapp.geo.filters import parse_args, parse_bbox
from fieldapp.rules import describe
from fieldapp.sensing.place import parse_area, parse_cell, parse_months
from fieldapp.sensing.question import SensingQuery
from fieldapp.vocab import KNOWLEDGE_KINDS

# Bin widths in years, by the name the form and the API use.
BINS = {"year": 1, "5years": 5, "decade": 10}
FORMATS = ("json", "csv")
EARLIEST_YEAR = 1000
# At most this many bins on one axis: small multiples stay readable, and the work bounded.
MAX_BINS = 120
DIRECTIONS = ("increase", "decrease", "no clear direction", "too little data")
_YEAR = {"type": "string", "pattern": "^[0-9]{4}$"}


class SensingArgsSchema(Schema):
    """The question as the page and the API read it: every check is `_question`'s, in the order it makes them."""

    subject = fields.String(
        metadata={
            "description": "The subject: any of its names, its scientific name or a habitat code.",
            "required_argument": True,
        }
    )
    bbox = fields.String(
        metadata=describe("The place as minLon,minLat,maxLon,maxLat (EPSG:4326); default the whole park.")
    )
    area = fields.String(
        metadata=describe(
            "The place as a drawn area: a GeoJSON Polygon or MultiPolygon, or its WKT (EPSG:4326). "
            "Instead of bbox or cell; a geometry that cannot be used is a 422 naming `area`."
        )
    )
    cell = fields.String(
        metadata=describe(
            "The place as one cell of the park's grid (the generalisation grid, Settings.generalise_m in the "
            "metric CRS), named by a point inside it: lon,lat. Instead of bbox or area."
        )
    )
    place = fields.String(
        metadata=describe(
            "The place as a place of the gazetteer, by its id (GET /api/v1/places), as you may see it: an area "
            "as it is, a point or a line widened by 500 m. Instead of bbox, area or cell."
        )
    )
    first = fields.String(data_key="from", metadata={**_YEAR, "description": "First year (default 1900)."})
    last = fields.String(data_key="to", metadata={**_YEAR, "description": "Last year (default this year)."})
    bin = fields.String(metadata={"enum": list(BINS), "default": "decade", "description": "Bin width."})
    # Repeated names add to the list, as the page's checkboxes send them.
    kind = fields.String(
        metadata={
            "enum": list(KNOWLEDGE_KINDS),
            "description": "Only these knowledge kinds (comma-separated).",
            "repeatable": True,
        }
    )
    dataset = fields.String(
        metadata={"description": "Only these datasets (comma-separated slugs).", "repeatable": True}
    )
    season = fields.String(
        metadata={
            "description": "Season months: numbers and ranges (6-8, 11-2, 4,5). Only records that claim to lie "
            "within them count: their stated season months meet it, or (with none stated) every month of their "
            "interval, shorter than a year, is in it.",
            "repeatable": True,
        }
    )
    # The page passes the format along to its CSV link; the API checks it.
    format = fields.String(metadata=describe("json, or csv (the per-source, per-bin table)."))

    @validates_schema(skip_on_field_errors=False)
    def _question(self, data: dict[str, Any], **kwargs) -> None:
        data["question"] = question_of(data)


class SensingApiArgsSchema(SensingArgsSchema):
    """GET /sensing: the page's arguments, with the format checked after the question."""

    format = fields.String(
        load_default=FORMATS[0],
        validate=validate.OneOf(FORMATS, error=f"use one of {', '.join(FORMATS)}"),
        metadata=describe("json, or csv (the per-source, per-bin table)."),
    )


_page_args = SensingArgsSchema()
PARAMETERS = {field.data_key or name for name, field in _page_args.fields.items()}


def parse_sensing(args) -> SensingQuery:
    """Read and check the question; each problem names its parameter."""
    return parse_args(_page_args, args)["question"]


def _year(raw: str, name: str, default: int) -> int:
    raw = raw.strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
        raise bad_parameter(name, f"{raw!r} is not a year (e.g. 1990)")
    year = int(raw)
    if not EARLIEST_YEAR <= year <= datetime.now(UTC).year:
        raise bad_parameter(name, f"give a year from {EARLIEST_YEAR} to this year")
    return year


def _list(data: dict[str, Any], name: str) -> list[str]:
    return [v.strip() for v in data.get(name, "").split(",") if v.strip()]


def question_of(data: dict[str, Any]) -> SensingQuery:
    """The question from the query's values (repeated kind and dataset joined by commas)."""
    subject = data.get("subject", "").strip()
    if not subject:
        raise bad_parameter("subject", "name the subject: any of its names, its scientific name or a habitat code")
    if len(subject) > 200:
        raise bad_parameter("subject", "at most 200 characters")
    place = _place(data)
    now = datetime.now(UTC).year
    first, last = _year(data.get("first", ""), "from", 1900), _year(data.get("last", ""), "to", now)
    if first > last:
        raise bad_parameter("from", "the first year must not be after the last")
    bin_name = data.get("bin", "").strip() or "decade"
    if bin_name not in BINS:
        raise bad_parameter("bin", f"use one of {', '.join(BINS)}")
    kinds = _list(data, "kind")
    unknown = [k for k in kinds if k not in KNOWLEDGE_KINDS]
    if unknown:
        raise bad_parameter("kind", f"{unknown[0]!r} is not one of {', '.join(KNOWLEDGE_KINDS)}")
    months = parse_months(data.get("season", ""))
    query = SensingQuery(
        subject,
        first_year=first,
        last_year=last,
        bin_years=BINS[bin_name],
        kinds=kinds,
        datasets=_list(data, "dataset"),
        months=months,
        **place,
    )
    if len(query.bins) > MAX_BINS:
        raise bad_parameter("bin", f"{len(query.bins)} bins over {first}-{last}: choose wider bins or fewer years")
    return query


def _place(data: dict[str, Any]) -> dict[str, Any]:
    """The place: the whole park, a box, a drawn area or a grid cell (one of them)."""
    given = [name for name in ("bbox", "area", "cell", "place") if data.get(name, "").strip()]
    if len(given) > 1:
        raise bad_parameter(given[1], f"give one place: {given[0]} or {given[1]}, not both")
    raw = data.get(given[0], "").strip() if given else ""
    if not given:
        return {"bbox": JERSEY_BBOX, "whole_park": True}
    if given[0] == "bbox":
        return {"bbox": parse_bbox(raw), "whole_park": False}
    if given[0] == "area":
        wkt, bounds = parse_area(raw)
        return {"bbox": bounds, "area": wkt, "whole_park": False}
    if given[0] == "place":
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            raise bad_parameter("place", f"{raw!r} is not a place's id (GET /api/v1/places)")
        return {"bbox": JERSEY_BBOX, "place": int(raw), "whole_park": False}
    return {"bbox": JERSEY_BBOX, "cell": parse_cell(raw), "whole_park": False}


# --- the answer, as the document describes it (service.answer builds it) -----------------------------


def _count(text: str, **kwargs: Any) -> fields.Float:
    return fields.Float(validate=validate.Range(min=0), metadata=describe(text), **kwargs)


class BinRowSchema(Schema):
    bin = fields.Integer(metadata=describe("First year of the bin."))
    effort = _count("Records of anything (records spanning several bins are shared out).")
    spread = _count("The part of effort shared out from records spanning several bins.")
    present = _count("Records of the subject, present.")
    absent = _count("Records of the subject, recorded absent.")
    reporting_rate = fields.Float(
        allow_none=True,
        validate=validate.Range(min=0, max=1),
        metadata=describe("present / effort; null where the source did not look."),
    )
    median_count = _count("Median count of the subject (records within one bin).", allow_none=True)
    counts = fields.Integer(validate=validate.Range(min=0), metadata=describe("Counts behind the median."))
    abundance = fields.Dict(metadata=describe("Median class per abundance scale, with n."))


class DirectionSchema(Schema):
    direction = fields.String(validate=validate.OneOf(DIRECTIONS), metadata=describe("What the source says."))
    n = fields.Integer(metadata=describe("n."))


class SourceSchema(Schema):
    level = fields.String(
        validate=validate.OneOf(("dataset", "kind")),
        metadata=describe("A dataset, or a knowledge kind's datasets together."),
    )
    kind = fields.String(validate=validate.OneOf(KNOWLEDGE_KINDS), metadata=describe("The knowledge kind."))
    dataset = fields.String(allow_none=True, metadata=describe("The dataset's slug."))
    label = fields.String(metadata=describe("A plain name for the source."))
    bins = fields.List(fields.Nested(BinRowSchema))
    measures = fields.Dict(metadata=describe("Series per measure with their trend (Mann-Kendall)."))
    direction = fields.Nested(DirectionSchema)
    statements = fields.List(fields.Dict(), metadata=describe("Stated trends."))


class SensingSchema(Schema):
    """The answer: the axis, each kind's and dataset's bins, measures and direction, and the sentences."""

    subject = fields.String(required=True, metadata=describe("The subject asked for."))
    bins = fields.List(fields.Integer(), required=True)
    bin_years = fields.Integer(metadata=describe("Bin width in years."))
    sources = fields.List(fields.Nested(SourceSchema), required=True)
    kinds = fields.List(fields.Nested(SourceSchema), required=True)
    sentences = fields.List(fields.String(), required=True, metadata=describe("The result in words."))
    bbox = fields.List(fields.Float(), metadata=describe("The box looked in (the area's or cell's bounds)."))
    area = fields.Dict(
        allow_none=True,
        metadata=describe("The drawn area or grid cell looked in, as a GeoJSON geometry; null for a box."),
    )
    season = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=12)),
        metadata=describe("The season months asked for (empty: the whole year)."),
    )
    season_words = fields.String(allow_none=True, metadata=describe("The season in words (e.g. June to August)."))
    place = fields.Dict(
        allow_none=True, metadata=describe("The gazetteer place asked about: its id, name and whether it was widened.")
    )
