"""The field rules agree everywhere: the API schema, the importer and the database refuse the same values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from marshmallow import ValidationError
from pyproj import CRS
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fieldapp import rules
from fieldapp.observations.schemas import PropertiesSchema
from fieldapp.transfer.mapping import Mapping
from fieldapp.transfer.readers import Record
from fieldapp.transfer.rows import RowBuilder
from fieldapp.transfer.values import ValueProblem
from tests.factories import JERSEY_POINT

# Importer target -> the column name a file would use for it.
COLUMNS = {"subject": "subject", "time": "date", "end_time": "end", "count": "count", "uncertainty": "accuracy"}
# Schema property -> importer target, for the properties both take.
IMPORTED = {
    "subject_text": "subject",
    "observed_start": "time",
    "count": "count",
    "coordinate_uncertainty_m": "uncertainty",
}


def far_future() -> str:
    return (datetime.now(UTC) + rules.FUTURE_TOLERANCE + timedelta(hours=2)).isoformat()


def near_future() -> str:
    return (datetime.now(UTC) + rules.FUTURE_TOLERANCE - timedelta(hours=2)).isoformat()


# (rule, property, value past the limit, value at the limit)
LIMITS = [
    ("earliest date", "observed_start", "0999-12-31T23:59:59+00:00", "1000-01-01T00:00:00+00:00"),
    ("year 1 at +14:00", "observed_start", "0001-01-01T00:00:00+14:00", "1000-01-01T00:00:00+00:00"),
    ("future date", "observed_start", far_future, near_future),
    ("uncertainty 100 km", "coordinate_uncertainty_m", 100_000.5, 100_000),
    ("count below zero", "count", -1, 0),
    ("count above int4", "count", rules.INT4_MAX + 1, rules.INT4_MAX),
    ("time spent", "time_spent_min", 24 * 60 + 1, 24 * 60),
    ("subject length", "subject_text", "x" * 301, "x" * 300),
    ("notes length", "notes", "x" * 20_001, "x" * 20_000),
    ("method length", "method", "x" * 5_001, "x" * 5_000),
]


def schema_refuses(name: str, value: Any) -> bool:
    try:
        PropertiesSchema().load({"dataset": "d", "subject_text": "crab", name: value})
    except ValidationError as exc:
        assert name in exc.messages, exc.messages
        return True
    return False


def importer_refuses(name: str, value: Any) -> bool | None:
    """None where the importer has no column for the property."""
    target = IMPORTED.get(name)
    if target is None:
        return None
    builder = RowBuilder(
        Mapping(
            columns={t: COLUMNS[t] for t in ("subject", "time", "count", "uncertainty")}
            | {"latitude": "lat", "longitude": "lon"}
        ),
        CRS.from_epsg(4326),
        "dmy",
        datetime(2024, 1, 1, tzinfo=UTC),
        "default",
        "CC-BY-4.0",
        set(),
    )
    values = {"subject": "crab", "lat": JERSEY_POINT[1], "lon": JERSEY_POINT[0], COLUMNS[target]: str(value)}
    try:
        builder.build(Record(number=1, ref="row:1", values=values))
    except ValueProblem:
        return True
    return False


def database_refuses(db, dataset_id: int, name: str, value: Any) -> bool:
    values = {"subject_text": "crab", "observed_start": "2024-01-01T00:00:00Z", name: value}
    columns = ", ".join(values)
    params = ", ".join(f"CAST(:{k} AS timestamptz)" if k.startswith("observed") else f":{k}" for k in values)
    nested = db.begin_nested()
    try:
        db.execute(
            text(
                "INSERT INTO observation (id, dataset_id, occurrence_status, time_precision, visibility, licence,"
                f" geom, attributes, {columns}) VALUES (gen_random_uuid(), :dataset_id, 'present', 'instant', 'public',"
                f" 'CC-BY-4.0', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), '{{}}', {params})"
            ),
            {"dataset_id": dataset_id, "lon": JERSEY_POINT[0], "lat": JERSEY_POINT[1], **values},
        )
    except DBAPIError:
        nested.rollback()
        return True
    nested.rollback()
    return False


@pytest.mark.parametrize(("name", "beyond", "within"), [c[1:] for c in LIMITS], ids=[c[0] for c in LIMITS])
def test_schema_importer_and_database_agree_on_each_limit(db, dataset, name, beyond, within):
    beyond = beyond() if callable(beyond) else beyond
    within = within() if callable(within) else within
    assert schema_refuses(name, beyond), f"the API schema accepts {name}={beyond!r}"
    assert importer_refuses(name, beyond) in (True, None), f"the importer accepts {name}={beyond!r}"
    assert database_refuses(db, dataset.id, name, beyond), f"the database accepts {name}={beyond!r}"
    assert not schema_refuses(name, within), f"the API schema refuses {name}={within!r}"
    assert importer_refuses(name, within) in (False, None), f"the importer refuses {name}={within!r}"
    assert not database_refuses(db, dataset.id, name, within), f"the database refuses {name}={within!r}"


def test_a_fractional_count_is_refused_not_truncated():
    assert schema_refuses("count", 1.5)
    assert importer_refuses("count", 1.5)
    assert PropertiesSchema().load({"dataset": "d", "subject_text": "crab", "count": 2.0})["count"] == 2
