"""Read side of the map pages: which datasets a map shows, and a dataset page's facts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, dataset_open_sql
from fieldapp.observations.queries import ObservationFilter
from fieldapp.vocab import KNOWLEDGE_KINDS


def dataset_where_sql(filters: ObservationFilter) -> tuple[str, dict[str, Any]]:
    """The dataset and kind filters as a clause on the dataset table alone (aliased d)."""
    # Not observations' where_sql: its clauses may name the observation row, absent here.
    # A dataset whose agreement keeps its records from the public (embargo, audience) has no public map.
    clauses: list[str] = [dataset_open_sql(ANONYMOUS, "d.id")]
    params: dict[str, Any] = {}
    if filters.datasets:
        clauses.append("d.slug = ANY(:datasets)")
        params["datasets"] = filters.datasets
    if filters.kinds:
        clauses.append("d.knowledge_kind = ANY(:kinds)")
        params["kinds"] = filters.kinds
    return " AND ".join(clauses) or "true", params


def map_datasets(session: Session, filters: ObservationFilter) -> list[dict[str, Any]]:
    """The datasets a map draws: those matching the dataset and kind filters, by kind and title."""
    where, params = dataset_where_sql(filters)
    sql = f"""
        SELECT d.slug, d.title, d.knowledge_kind FROM dataset d WHERE {where}
        ORDER BY array_position(CAST(:kind_order AS text[]), d.knowledge_kind::text),
                 d.title
    """
    return [dict(row._mapping) for row in session.execute(text(sql), params | {"kind_order": list(KNOWLEDGE_KINDS)})]


def all_datasets(session: Session) -> list[dict[str, Any]]:
    """Every dataset's slug and title, for the filter form."""
    sql = "SELECT slug, title, knowledge_kind FROM dataset ORDER BY title"
    return [dict(row._mapping) for row in session.execute(text(sql))]
