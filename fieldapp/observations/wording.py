"""A record's time in words, to the precision it was recorded with and never finer: "1990s",
"May 2024", "2024-05-02", and the months it recurs in, "April to June". Built in SQL, so the map's
tiles (maps/tiles.py) and the record page say the same thing from one definition."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.i18n import _, decade, format_locale, month_name, month_range


def _moment_sql(column: str) -> str:
    return (
        f"CASE o.time_precision WHEN 'decade' THEN (extract(year FROM {column})::integer / 10 * 10)::text || 's'"
        f" ELSE to_char({column}, CASE o.time_precision WHEN 'instant' THEN 'YYYY-MM-DD HH24:MI'"
        " WHEN 'day' THEN 'YYYY-MM-DD' WHEN 'month' THEN 'FMMonth YYYY' ELSE 'YYYY' END) END"
    )


# "1990s", "2024-05-02 to 2024-05-09"; an end that reads the same as the start is left out.
WHEN_SQL = f"""concat_ws(' to ', {_moment_sql("o.observed_start")},
    CASE WHEN o.observed_end IS NOT NULL AND {_moment_sql("o.observed_end")} <> {_moment_sql("o.observed_start")}
      THEN {_moment_sql("o.observed_end")} END)"""


def _moment_code_sql(column: str) -> str:
    """The same moment as digits, to the same precision: "1990" (a decade), "2024-05", "2024-05-02"."""
    return (
        f"CASE o.time_precision WHEN 'decade' THEN (extract(year FROM {column})::integer / 10 * 10)::text"
        f" ELSE to_char({column}, CASE o.time_precision WHEN 'instant' THEN 'YYYY-MM-DD HH24:MI'"
        " WHEN 'day' THEN 'YYYY-MM-DD' WHEN 'month' THEN 'YYYY-MM' ELSE 'YYYY' END) END"
    )


# The time as codes for the browser to word in the page's language (the map's popups, from the shared
# tiles): "<precision>|<start>|<end>", no finer than WHEN_SQL says it ("decade|1990|", "month|2024-05|2024-06").
_START_CODE, _END_CODE = _moment_code_sql("o.observed_start"), _moment_code_sql("o.observed_end")
WHEN_CODE_SQL = f"""concat_ws('|', CASE WHEN o.time_precision IN ('instant', 'day', 'month', 'decade')
      THEN o.time_precision ELSE 'year' END, {_START_CODE},
    CASE WHEN o.observed_end IS NOT NULL AND {_END_CODE} <> {_START_CODE} THEN {_END_CODE} ELSE '' END)"""
# The season's months as digits ("4,5,6"), NULL when none: what SEASON_SQL words.
SEASON_CODE_SQL = """CASE WHEN coalesce(cardinality(o.season_months), 0) = 0 THEN NULL
    ELSE (SELECT string_agg(m::text, ',' ORDER BY m)
      FROM (SELECT DISTINCT m FROM unnest(o.season_months) AS m WHERE m BETWEEN 1 AND 12) AS months) END"""

_MONTH = "to_char(make_date(2000, m, 1), 'FMMonth')"
_STARTS_RUN = "NOT ((m + 10) % 12 + 1 = ANY(o.season_months))"  # the month before is not in the season
_ENDS_RUN = "NOT (m % 12 + 1 = ANY(o.season_months))"  # nor the month after
# The months of every year: one run of months as "April to June" (across the new year too:
# "November to February"), else each month named ("April, June, August"); NULL when none.
SEASON_SQL = f"""CASE WHEN coalesce(cardinality(o.season_months), 0) = 0 THEN NULL
    ELSE (SELECT CASE WHEN count(*) = 12 THEN 'Every month'
        WHEN count(*) > 1 AND count(*) FILTER (WHERE {_STARTS_RUN}) = 1 THEN
          to_char(make_date(2000, min(m) FILTER (WHERE {_STARTS_RUN}), 1), 'FMMonth') || ' to '
          || to_char(make_date(2000, min(m) FILTER (WHERE {_ENDS_RUN}), 1), 'FMMonth')
        ELSE string_agg({_MONTH}, ', ' ORDER BY m) END
      FROM (SELECT DISTINCT m FROM unnest(o.season_months) AS m WHERE m BETWEEN 1 AND 12) AS months) END"""


# The same words made in the request's language (the record page; the SQL above is English, for tiles):
# SQL gives the moments as digits on the database's clock, Python puts them into words with Babel.
_PARTS_SQL = """SELECT o.time_precision AS precision, o.season_months AS months,
    to_char(o.observed_start, 'YYYY-MM-DD HH24:MI') AS start_text,
    to_char(o.observed_end, 'YYYY-MM-DD HH24:MI') AS end_text
  FROM observation o WHERE o.id = :id"""


@dataclass(frozen=True)
class TimeWords:
    when: str
    season: str | None


def moment_words(stamp: str, precision: str) -> str:
    """One moment ("YYYY-MM-DD HH:MI" on the database's clock) to the precision it was recorded with."""
    year, month = int(stamp[:4]), int(stamp[5:7])
    if precision == "decade":
        return decade(year)
    if precision == "instant":
        return stamp[:16]
    if precision == "day":
        return stamp[:10]
    if precision == "month":
        return format_skeleton("yMMMM", date(year, month, 1), locale=format_locale())
    return str(year)


def when_words(start: str, end: str | None, precision: str) -> str:
    """ "1990s", "2024-05-02 to 2024-05-09", "mai 2024"; an end that reads the same as the start is left out."""
    first = moment_words(start, precision)
    last = moment_words(end, precision) if end else None
    return _("%(first)s to %(last)s", first=first, last=last) if last and last != first else first


def season_words(months: list[int] | None) -> str | None:
    """The months of every year: one run as "April to June" (across the new year too), else each named."""
    chosen = sorted({m for m in months or [] if 1 <= m <= 12})
    if not chosen:
        return None
    if len(chosen) == 12:
        return _("Every month")
    starts = [m for m in chosen if (m + 10) % 12 + 1 not in chosen]
    if len(chosen) > 1 and len(starts) == 1:
        ends = [m for m in chosen if m % 12 + 1 not in chosen]
        return month_range(starts[0], ends[0])
    return ", ".join(month_name(m) for m in chosen)


def describe_time(session: Session, observation_id: uuid.UUID) -> TimeWords | None:
    """The record's time and season in words in the request's language, or None if there is no record."""
    row = session.execute(text(_PARTS_SQL), {"id": observation_id}).first()
    if row is None:
        return None
    return TimeWords(when_words(row.start_text, row.end_text, row.precision), season_words(row.months))
