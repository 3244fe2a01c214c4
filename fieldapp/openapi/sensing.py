"""OpenAPI description of GET /sensing: every source's effort, findings and direction of change over time."""

from __future__ import annotations

from fieldapp.openapi.builders import Schema, enum, errors, number, string
from fieldapp.sensing.schemas import BINS, FORMATS
from fieldapp.vocab import KNOWLEDGE_KINDS

DIRECTIONS = ("increase", "decrease", "no clear direction", "too little data")


def sensing_parameters() -> list[Schema]:
    def query(name: str, description: str, schema: Schema | None = None, required: bool = False) -> Schema:
        return {
            "name": name,
            "in": "query",
            "required": required,
            "description": description,
            "schema": schema or {"type": "string"},
        }

    return [
        query("subject", "The subject: any of its names, its scientific name or a habitat code.", required=True),
        query("bbox", "The place as minLon,minLat,maxLon,maxLat (EPSG:4326); default the whole park."),
        query("from", "First year (default 1900).", {"type": "string", "pattern": "^[0-9]{4}$"}),
        query("to", "Last year (default this year).", {"type": "string", "pattern": "^[0-9]{4}$"}),
        query("bin", "Bin width.", {**enum(tuple(BINS), "year, 5years or decade."), "default": "decade"}),
        query("kind", "Only these knowledge kinds (comma-separated).", enum(KNOWLEDGE_KINDS, "A knowledge kind.")),
        query("dataset", "Only these datasets (comma-separated slugs)."),
        query(
            "format", "json, or csv (the per-source, per-bin table).", {**enum(FORMATS, "Format."), "default": "json"}
        ),
    ]


def sensing_schema() -> Schema:
    """The answer: the axis, each kind's and dataset's bins, measures and direction, and the sentences."""
    bin_row = {
        "type": "object",
        "properties": {
            "bin": number("integer", "First year of the bin."),
            "effort": number("number", "Records of anything (records spanning several bins are shared out).", 0),
            "spread": number("number", "The part of effort shared out from records spanning several bins.", 0),
            "present": number("number", "Records of the subject, present.", 0),
            "absent": number("number", "Records of the subject, recorded absent.", 0),
            "reporting_rate": number("number", "present / effort; null where the source did not look.", 0, 1, True),
            "median_count": number("number", "Median count of the subject (records within one bin).", 0, None, True),
            "counts": number("integer", "Counts behind the median.", 0),
            "abundance": {"type": "object", "description": "Median class per abundance scale, with n."},
        },
    }
    source = {
        "type": "object",
        "properties": {
            "level": enum(("dataset", "kind"), "A dataset, or a knowledge kind's datasets together."),
            "kind": enum(KNOWLEDGE_KINDS, "The knowledge kind."),
            "dataset": string("The dataset's slug.", nullable=True),
            "label": string("A plain name for the source."),
            "bins": {"type": "array", "items": bin_row},
            "measures": {"type": "object", "description": "Series per measure with their trend (Mann-Kendall)."},
            "direction": {
                "type": "object",
                "properties": {"direction": enum(DIRECTIONS, "What the source says."), "n": number("integer", "n.")},
            },
            "statements": {"type": "array", "items": {"type": "object"}, "description": "Stated trends."},
        },
    }
    return {
        "type": "object",
        "required": ["subject", "bins", "sources", "kinds", "sentences"],
        "properties": {
            "subject": string("The subject asked for."),
            "bins": {"type": "array", "items": {"type": "integer"}},
            "bin_years": number("integer", "Bin width in years."),
            "sources": {"type": "array", "items": source},
            "kinds": {"type": "array", "items": source},
            "sentences": {"type": "array", "items": {"type": "string"}, "description": "The result in words."},
        },
    }


def get_sensing() -> Schema:
    return {
        "tags": ["sensing"],
        "operationId": "getSensing",
        "summary": "What every source says about change in a subject and place",
        "description": "Symmetric: no source is the reference. Records count as the caller may see them.",
        "security": [{}, {"bearerAuth": []}, {"cookieAuth": []}],
        "parameters": sensing_parameters(),
        "responses": {
            "200": {
                "description": "The table and the directions of change.",
                "content": {
                    "application/json": {"schema": sensing_schema()},
                    "text/csv": {"schema": {"type": "string", "description": "One row per source and bin."}},
                },
            },
            **errors("400", "401"),
        },
    }
