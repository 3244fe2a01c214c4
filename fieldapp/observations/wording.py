"""A record's time in words, to the precision it was recorded with and never finer: "1990s",
"May 2024", "2024-05-02", and the months it recurs in, "April to June". Built in SQL, so the map's
tiles (maps/tiles.py) and the record page say the same thing from one definition."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


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


def describe_time(session: Session, observation_id: uuid.UUID) -> Any:
    """The record's time and season in words (``when``, ``season``), or None if there is no record."""
    return session.execute(
        text(f"SELECT {WHEN_SQL} AS when, {SEASON_SQL} AS season FROM observation o WHERE o.id = :id"),
        {"id": observation_id},
    ).first()
