"""OpenAPI description of GET /comparisons: two selections compared cell by cell on a grid."""

from __future__ import annotations

from fieldapp.comparison.queries import CLASSES
from fieldapp.comparison.schemas import FORMATS, MAX_CELL_M, MIN_CELL_M, SHAPES
from fieldapp.openapi.builders import Schema, enum, errors, number, ref, string

SIDE_TEXT = "'kind:<knowledge kind>' or 'dataset:slug[,slug]' (or just the slugs)"


def comparison_parameters() -> list[Schema]:
    """The query parameters, in the order a reader meets them."""

    def query(name: str, description: str, schema: Schema | None = None, required: bool = False) -> Schema:
        return {
            "name": name,
            "in": "query",
            "required": required,
            "description": description,
            "schema": schema or {"type": "string"},
        }

    return [
        query("a", f"Side A: {SIDE_TEXT}.", required=True),
        query("b", f"Side B, a different selection: {SIDE_TEXT}.", required=True),
        query("subject", "Narrow both sides to a subject (a name, scientific name, EUNIS code or the words used)."),
        query("a_subject", "Narrow side A to a subject (overrides subject)."),
        query("b_subject", "Narrow side B to a subject (overrides subject)."),
        query("datetime", "Narrow both sides to an instant or an interval start/end ('..' for an open end)."),
        query("a_datetime", "Narrow side A in time (overrides datetime)."),
        query("b_datetime", "Narrow side B in time (overrides datetime)."),
        query(
            "cell_m",
            "Grid cell size in metres, in the deployment's metric CRS.",
            {"type": "number", "minimum": MIN_CELL_M, "maximum": MAX_CELL_M, "default": 1000},
        ),
        query("shape", "Grid cell shape.", {**enum(SHAPES, "square or hex."), "default": SHAPES[0]}),
        query(
            "format",
            "json (this summary with the cells), geojson (the cells, the summary as a foreign member) or csv (cells).",
            {**enum(FORMATS, "The answer's format."), "default": FORMATS[0]},
        ),
    ]


def comparison_schema() -> Schema:
    """The answer: both sides with their attribution, the summary, and the cells as GeoJSON."""
    side_dataset = {
        "type": "object",
        "properties": {
            name: string(f"The dataset's {name}.", nullable=name == "citation")
            for name in ("slug", "title", "knowledge_kind", "licence", "citation", "steward")
        },
    }
    side = {
        "type": "object",
        "properties": {
            "label": string("A plain name for the side."),
            "datasets": {"type": "array", "items": side_dataset},
            "observations": number("integer", "Observations on this side with a public geometry or not.", 0),
            "generalised": number("integer", "How many of them are generalised.", 0),
            "left_out_private": number("integer", "Private observations left out.", 0),
        },
    }
    pair = {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}
    summary = {
        "type": "object",
        "properties": {
            "classes": {
                "type": "object",
                "properties": {name: number("integer", f"Cells classed {name}.", 0) for name in CLASSES},
            },
            "jaccard": number("number", "Cells where both report presence over cells where either does.", 0, 1, True),
            "overlap_coefficient": number("number", "Shared presence cells over the smaller side's.", 0, 1, True),
            "coverage": pair,
            "presence_cells": pair,
            "sentences": {"type": "array", "items": {"type": "string"}, "description": "The result in words."},
        },
    }
    cells = {"type": "object", "description": "A GeoJSON FeatureCollection of grid cells with each side's counts."}
    return {
        "type": "object",
        "required": ["cell_m", "shape", "sides", "summary", "cells"],
        "properties": {
            "cell_m": number("number", "The cell size used."),
            "shape": enum(SHAPES, "The cell shape used."),
            "sides": {"type": "object", "properties": {"a": side, "b": side}},
            "summary": summary,
            "cells": cells,
        },
    }


def get_comparison() -> Schema:
    return {
        "tags": ["comparisons"],
        "operationId": "getComparison",
        "summary": "Compare two selections cell by cell",
        "description": "Symmetric: neither side is the reference. Uses public geometry only.",
        "security": [{}, {"bearerAuth": []}, {"cookieAuth": []}],
        "parameters": comparison_parameters(),
        "responses": {
            "200": {
                "description": "The comparison, in the format asked for.",
                "content": {
                    "application/json": {"schema": ref("schemas", "Comparison")},
                    "application/geo+json": {"schema": {"type": "object", "description": "The cells."}},
                    "text/csv": {"schema": {"type": "string", "description": "One row per cell."}},
                },
            },
            **errors("400", "401"),
        },
    }
