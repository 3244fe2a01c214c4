"""The comparison's arguments (two selections, a grid cell size and shape, an output format) and its answer."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates_schema

from fieldapp import rules
from fieldapp.comparison.queries import CLASSES
from fieldapp.comparison.selection import Selection, parse_selection
from fieldapp.errors import bad_parameter
from fieldapp.geo.filters import parse_args
from fieldapp.rules import describe

FORMATS = ("json", "geojson", "csv")
MIN_CELL_M, MAX_CELL_M = rules.COMPARISON_CELL_M
SHAPES = ("square", "hex")
SIDE_TEXT = "'kind:<knowledge kind>' or 'dataset:slug[,slug]' (or just the slugs)"
_CELL_RANGE = f"choose a cell size from {MIN_CELL_M} to {MAX_CELL_M:,} metres"


class ComparisonArgsSchema(Schema):
    """Both sides and the grid, as the comparison page and the API read them."""

    a = fields.String(required=True, metadata=describe(f"Side A: {SIDE_TEXT}."))
    b = fields.String(required=True, metadata=describe(f"Side B, a different selection: {SIDE_TEXT}."))
    subject = fields.String(
        metadata=describe("Narrow both sides to a subject (a name, scientific name, EUNIS code or the words used).")
    )
    a_subject = fields.String(metadata=describe("Narrow side A to a subject (overrides subject)."))
    b_subject = fields.String(metadata=describe("Narrow side B to a subject (overrides subject)."))
    datetime = fields.String(
        metadata=describe("Narrow both sides to an instant or an interval start/end ('..' for an open end).")
    )
    a_datetime = fields.String(metadata=describe("Narrow side A in time (overrides datetime)."))
    b_datetime = fields.String(metadata=describe("Narrow side B in time (overrides datetime)."))
    field = fields.String(
        metadata=describe(
            "Narrow both sides by custom field values, name:value (comma-separated, all must hold), as anyone "
            "may see them (a sensitive field narrows nothing)."
        )
    )
    a_field = fields.String(metadata=describe("Narrow side A by custom field values (overrides field)."))
    b_field = fields.String(metadata=describe("Narrow side B by custom field values (overrides field)."))
    cell_m = fields.Float(
        load_default=1000.0,
        allow_nan=False,
        validate=validate.Range(min=MIN_CELL_M, max=MAX_CELL_M, error=_CELL_RANGE),
        error_messages={"invalid": "{input!r} is not a number of metres", "special": _CELL_RANGE},
        metadata=describe("Grid cell size in metres, in the deployment's metric CRS."),
    )
    shape = fields.String(
        load_default=SHAPES[0],
        validate=validate.OneOf(SHAPES, error="use 'square' or 'hex'"),
        metadata=describe("Grid cell shape: square or hex."),
    )
    # The page passes the format along to its download links; the API checks it.
    format = fields.String(metadata=describe("The answer's format."))
    background = fields.Boolean(
        metadata=describe("Run as a background job (202 with the job's URL) even if the comparison is small (the API).")
    )

    @validates_schema(skip_on_field_errors=False)
    def _sides(self, data: dict[str, Any], **kwargs) -> None:
        # The sides first, as their errors name the side; then the grid's fields report theirs.
        sides = []
        for side in ("a", "b"):
            subject = data.get(f"{side}_subject") or data.get("subject")
            when_parameter = f"{side}_datetime" if data.get(f"{side}_datetime") else "datetime"
            field_parameter = f"{side}_field" if data.get(f"{side}_field") else "field"
            sides.append(
                parse_selection(
                    side,
                    data.get(side),
                    subject,
                    data.get(when_parameter),
                    when_parameter,
                    data.get(field_parameter),
                    field_parameter,
                )
            )
        if sides[0].key() == sides[1].key():
            raise bad_parameter("b", "side B is the same selection as side A; choose two different selections")
        data["sides"] = tuple(sides)


class ComparisonApiArgsSchema(ComparisonArgsSchema):
    """GET /comparisons: the page's arguments, with the output format checked."""

    format = fields.String(
        load_default=FORMATS[0],
        validate=validate.OneOf(FORMATS, error=f"use one of {', '.join(FORMATS)}"),
        metadata=describe(
            "json (this summary with the cells), geojson (the cells, the summary as a foreign member) or csv (cells)."
        ),
    )


class ComparisonJobSchema(Schema):
    """A comparison job as comparison/jobs.job_json describes it, with its links."""

    class Meta:
        description = (
            "A comparison job: status (queued, running, succeeded, failed, cancelled), the format asked for,"
            " how many times a worker took it, whether a cancel was asked for, an error like every other error"
            " body, and links: 'self', 'file' once it succeeded (the answer in its format) and 'page' for a"
            " comparison the page started."
        )


class ComparisonJobPathSchema(Schema):
    job_id = fields.UUID(required=True, data_key="job")


_page_args = ComparisonArgsSchema()
PARAMETERS = set(_page_args.fields)


def parse_comparison(args) -> tuple[Selection, Selection, float, str]:
    """Read both sides and the grid from query arguments, saying which parameter is wrong."""
    return comparison_of(parse_args(_page_args, args))


def comparison_of(values: dict[str, Any]) -> tuple[Selection, Selection, float, str]:
    """Both sides, the cell size and the shape from parsed arguments."""
    a, b = values["sides"]
    return a, b, values["cell_m"], values["shape"]


# --- the answer, as the document describes it (comparison/service builds it) -----------------------


class SideDatasetSchema(Schema):
    slug = fields.String(metadata=describe("The dataset's slug."))
    title = fields.String(metadata=describe("The dataset's title."))
    knowledge_kind = fields.String(metadata=describe("The dataset's knowledge_kind."))
    licence = fields.String(metadata=describe("The dataset's licence."))
    citation = fields.String(allow_none=True, metadata=describe("The dataset's citation."))
    steward = fields.String(metadata=describe("The dataset's steward."))


class SideSchema(Schema):
    label = fields.String(metadata=describe("A plain name for the side."))
    datasets = fields.List(fields.Nested(SideDatasetSchema))
    observations = fields.Integer(
        validate=validate.Range(min=0), metadata=describe("Observations on this side with a public geometry or not.")
    )
    generalised = fields.Integer(validate=validate.Range(min=0), metadata=describe("How many of them are generalised."))
    left_out_private = fields.Integer(
        validate=validate.Range(min=0), metadata=describe("Private observations left out.")
    )


class PairSchema(Schema):
    a = fields.Float()
    b = fields.Float()


ClassesSchema = Schema.from_dict(
    {
        name: fields.Integer(validate=validate.Range(min=0), metadata=describe(f"Cells classed {name}."))
        for name in CLASSES
    },
    name="ClassesSchema",
)


class SummarySchema(Schema):
    classes = fields.Nested(ClassesSchema)
    jaccard = fields.Float(
        allow_none=True,
        validate=validate.Range(min=0, max=1),
        metadata=describe("Cells where both report presence over cells where either does."),
    )
    overlap_coefficient = fields.Float(
        allow_none=True,
        validate=validate.Range(min=0, max=1),
        metadata=describe("Shared presence cells over the smaller side's."),
    )
    coverage = fields.Nested(PairSchema)
    presence_cells = fields.Nested(PairSchema)
    sentences = fields.List(fields.String(), metadata=describe("The result in words."))


class SidesSchema(Schema):
    a = fields.Nested(SideSchema)
    b = fields.Nested(SideSchema)


class ComparisonSchema(Schema):
    """The answer: both sides with their attribution, the summary, and the cells as GeoJSON."""

    cell_m = fields.Float(required=True, metadata=describe("The cell size used."))
    shape = fields.String(required=True, validate=validate.OneOf(SHAPES), metadata=describe("The cell shape used."))
    sides = fields.Nested(SidesSchema, required=True)
    summary = fields.Nested(SummarySchema, required=True)
    cells = fields.Dict(
        required=True, metadata=describe("A GeoJSON FeatureCollection of grid cells with each side's counts.")
    )


class CellsSchema(Schema):
    class Meta:
        description = "The cells."
