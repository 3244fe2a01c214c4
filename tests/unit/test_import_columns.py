"""The importer's column lists come from one: the row builder's staging columns (transfer/rows.py)."""

from __future__ import annotations

from fieldapp.transfer import importer, rows


def test_a_reimport_updates_exactly_the_record_columns_the_row_builder_stages():
    staged_only = {"row_no", "lon", "lat", "source_ref"}
    assert set(rows.RECORD_COLUMNS) == set(rows.STAGE_COLUMNS) - staged_only
    # One list, derived: a column added to the row builder is inserted, compared and updated at once.
    assert ("subject_id", *rows.RECORD_COLUMNS) == importer._UPDATED
    for column in rows.RECORD_COLUMNS:
        assert f"s.{column}" in importer._STAGED, column
        assert f"{column} = staged.{column}" in importer._UPDATE, column
