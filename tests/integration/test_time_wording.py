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


@pytest.mark.parametrize(("start", "end", "precision", "months", "when", "season"), CASES)
def test_the_record_pages_words_are_the_tiles_words_in_english(app, db, start, end, precision, months, when, season):
    # The record page words the time in Python, in the request's language; in English it says what the SQL says.
    from fieldapp.observations.wording import season_words, when_words

    db.execute(text("SET LOCAL TimeZone = 'UTC'"))
    stamps = db.execute(
        text(
            "SELECT to_char(CAST(:start AS timestamptz), 'YYYY-MM-DD HH24:MI') AS s,"
            " to_char(CAST(:end AS timestamptz), 'YYYY-MM-DD HH24:MI') AS e"
        ),
        {"start": start, "end": end},
    ).one()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert (when_words(stamps.s, stamps.e, precision), season_words(months)) == (when, season)


@pytest.mark.parametrize(
    ("language", "when", "season"),
    [("fr", "mai 2024 à juin 2024", "avril à juin"), ("pt", "maio de 2024 a junho de 2024", "abril a junho")],
)
def test_the_record_pages_words_follow_the_language(app, language, when, season):
    from fieldapp.observations.wording import season_words, when_words

    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert when_words("2024-05-01 00:00", "2024-06-30 00:00", "month") == when
        assert season_words([4, 5, 6]) == season


# The codes the shared tiles carry for the popups to word in the page's language: no finer than the words.
CODES = [
    ("1995-01-01 00:00+00", None, "decade", None, "decade|1990|", None),
    ("1990-01-01 00:00+00", "2009-12-31 00:00+00", "decade", None, "decade|1990|2000", None),
    ("2024-05-02 09:30+00", None, "instant", None, "instant|2024-05-02 09:30|", None),
    ("2024-05-01 00:00+00", "2024-05-31 00:00+00", "month", None, "month|2024-05|", None),
    ("2008-03-04 00:00+00", None, "season", [6, 4, 5], "year|2008|", "4,5,6"),
    ("2008-03-04 00:00+00", None, "year", [], "year|2008|", None),
]


@pytest.mark.parametrize(("start", "end", "precision", "months", "when", "season"), CODES)
def test_time_as_codes_for_the_tiles(db, start, end, precision, months, when, season):
    from fieldapp.observations.wording import SEASON_CODE_SQL, WHEN_CODE_SQL

    db.execute(text("SET LOCAL TimeZone = 'UTC'"))
    row = db.execute(
        text(
            f"SELECT {WHEN_CODE_SQL} AS when, {SEASON_CODE_SQL} AS season"
            " FROM (SELECT CAST(:start AS timestamptz) AS observed_start,"
            " CAST(:end AS timestamptz) AS observed_end, CAST(:precision AS text) AS time_precision,"
            " CAST(:months AS smallint[]) AS season_months) AS o"
        ),
        {"start": start, "end": end, "precision": precision, "months": months},
    ).one()
    assert (row.when, row.season) == (when, season)
