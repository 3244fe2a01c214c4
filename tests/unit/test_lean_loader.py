"""LeanLoader gives exactly what schema.load gives: the same data for valid input, the same errors otherwise."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields, post_load, validates_schema

from fieldapp.lean import LeanLoader, _Unsure
from fieldapp.observations.schemas import FeatureSchema

SCHEMA = FeatureSchema()
LOADER = LeanLoader(SCHEMA)


def feature(**properties):
    base = {"dataset": "survey", "subject_text": "Spider crab", "observed_start": "2021-05-04T10:00:00Z"}
    return {
        "type": "Feature",
        "id": "0b6f2c5e-7c0a-4b8e-9a57-2d9d3f0e4a11",
        "geometry": {"type": "Point", "coordinates": [-2.15, 49.19]},
        "properties": {**base, **properties},
    }


def comparable(value):
    """Loaded data with geometries as (WKT, repair note), so two loads can be compared."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if hasattr(value, "shape") and hasattr(value, "repair_note"):
        return (value.shape.wkt, value.repair_note)
    return value


def outcome(load, data):
    try:
        return "loaded", comparable(load(copy.deepcopy(data)))
    except ValidationError as exc:
        return "refused", exc.messages


VALID = [
    feature(),
    feature(count="3"),
    feature(count=3, occurrence_status="absent", visibility="generalised", licence="CC0-1.0"),
    feature(abundance_scale="SACFOR", abundance_value="c"),
    feature(abundance_scale="percent_cover", abundance_value=12.5),
    feature(observed_end="2021-05-04T11:00:00Z", time_precision="day", season_months=[3, 4, 5]),
    feature(recorded_by_text=None, subject_id=None, count=None, notes="by the slipway", method="transect"),
    feature(coordinate_uncertainty_m=12.0, confidence="probable", trend="stable", time_spent_min=30),
    feature(attributes={"a": "b"}, fields={"depth": 3}, source_ref="r1", contributor_id=4, place_id=2),
    {**feature(), "id": None, "bbox": [-2.2, 49.1, -2.1, 49.2]},
    {**feature(), "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}},
]
INVALID = [
    feature(count=-1),
    feature(colour="red"),
    feature(dataset=""),
    feature(abundance_scale="SACFOR"),
    feature(abundance_scale="SACFOR", abundance_value="q"),
    feature(observed_start="2021-05-04T10:00:00Z", observed_end="2020-01-01"),
    feature(observed_start="yesterday"),
    feature(subject_text=None),
    feature(visibility="secret", licence="mine"),
    feature(season_months=[13]),
    feature(coordinate_uncertainty_m=-5),
    {k: v for k, v in feature().items() if k != "geometry"},
    {**feature(), "geometry": None},
    {**feature(), "geometry": {"type": "Point", "coordinates": [200, 0]}},
    {**feature(), "properties": None},
    {**feature(), "properties": []},
    {**feature(), "type": "FeatureCollection"},
    {**feature(), "id": "not a uuid"},
    {**feature(), "extra": 1},
    {k: v for k, v in feature().items() if k != "properties"},
    [],
    "a feature",
]


@pytest.mark.parametrize("data", VALID + INVALID)
def test_the_same_outcome_as_the_schema(data):
    assert outcome(LOADER.load, data) == outcome(SCHEMA.load, data)


@pytest.mark.parametrize("data", VALID)
def test_valid_features_take_the_lean_path(data):
    # The lean path itself loads them (no fallback to schema.load), with the schema's own result.
    assert comparable(LOADER._plan.load(copy.deepcopy(data))) == comparable(SCHEMA.load(copy.deepcopy(data)))


@pytest.mark.parametrize("data", INVALID)
def test_invalid_features_are_left_to_the_schema(data):
    with pytest.raises(_Unsure):
        LOADER._plan.load(copy.deepcopy(data))


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 2**31 + 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "present", "absent", "SACFOR", "c", "D", "2021-05-04", "public", "CC0-1.0", "x" * 301]),
    st.lists(st.integers(0, 13), max_size=3),
    st.dictionaries(st.sampled_from(["a", ""]), st.integers(), max_size=2),
)
KEYS = st.sampled_from(
    [
        "dataset",
        "subject_text",
        "subject_id",
        "count",
        "occurrence_status",
        "abundance_scale",
        "abundance_value",
        "observed_start",
        "observed_end",
        "time_precision",
        "season_months",
        "visibility",
        "licence",
        "attributes",
        "fields",
        "coordinate_uncertainty_m",
        "unknown",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_properties_give_the_same_outcome(changes):
    data = feature()
    data["properties"].update(changes)
    assert outcome(LOADER.load, data) == outcome(SCHEMA.load, data)


def test_schemas_with_hooks_it_does_not_follow_are_refused():
    class Processed(Schema):
        name = fields.String()

        @post_load
        def _make(self, data, **kwargs):
            return data

    class OriginalChecked(Schema):
        name = fields.String()

        @validates_schema(pass_original=True)
        def _check(self, data, original, **kwargs):
            pass

    for schema in (Processed(), OriginalChecked(), FeatureSchema(unknown="include"), FeatureSchema(partial=["id"])):
        with pytest.raises(TypeError):
            LeanLoader(schema)


def test_defaults_and_partial_as_marshmallow():
    class WithDefault(Schema):
        name = fields.String(required=True)
        kind = fields.String(load_default="plain")

    for schema in (WithDefault(), WithDefault(partial=True)):
        for data in ({"name": "a"}, {"kind": "b"}, {}, {"name": "a", "kind": None}):
            assert outcome(LeanLoader(schema).load, data) == outcome(schema.load, data)
