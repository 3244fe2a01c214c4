"""A record's time in words (observations/wording.py): the precision it was recorded with, never
finer, and its months as a run ("April to June") or a list; the same SQL feeds tiles and record pages."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fieldapp.observations.wording import SEASON_SQL, WHEN_SQL

CASES = [
    ("1995-01-01 00:00+00", None, "decade", None, "1990s", None),
    ("1990-01-01 00:00+00", "2009-12-31 00:00+00", "decade", None, "1990s to 2000s", None),
    ("2024-05-02 09:30+00", None, "instant", None, "2024-05-02 09:30", None),
    ("2024-05-02 00:00+00", None, "day", None, "2024-05-02", None),
    ("2024-05-01 00:00+00", "2024-05-31 00:00+00", "month", None, "May 2024", None),
    ("2008-01-01 00:00+00", None, "season", [4, 5, 6], "2008", "April to June"),
    ("2008-01-01 00:00+00", None, "year", [11, 12, 1, 2], "2008", "November to February"),
    ("2008-01-01 00:00+00", None, "year", [6, 4, 8], "2008", "April, June, August"),
    ("2008-01-01 00:00+00", None, "year", [7], "2008", "July"),
    ("2008-01-01 00:00+00", None, "year", list(range(1, 13)), "2008", "Every month"),
    ("2008-01-01 00:00+00", None, "year", [], "2008", None),
]


@pytest.mark.parametrize(("start", "end", "precision", "months", "when", "season"), CASES)
def test_time_in_words(db, start, end, precision, months, when, season):
    db.execute(text("SET LOCAL TimeZone = 'UTC'"))
    row = db.execute(
        text(
            f"SELECT {WHEN_SQL} AS when, {SEASON_SQL} AS season"
            " FROM (SELECT CAST(:start AS timestamptz) AS observed_start,"
            " CAST(:end AS timestamptz) AS observed_end, CAST(:precision AS text) AS time_precision,"
            " CAST(:months AS smallint[]) AS season_months) AS o"
        ),
        {"start": start, "end": end, "precision": precision, "months": months},
    ).one()
    assert (row.when, row.season) == (when, season)
