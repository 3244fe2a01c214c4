"""Read side of observations: filtered lists and single records as GeoJSON built in SQL."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from fieldapp.access import (
    ANONYMOUS,
    Viewer,
    actor_credit_sql,
    checked_closed,
    closed_datasets_sql,
    closed_now_sql,
    remembered_closed,
    resolved,
    see_record_sql,
    shared_sql,
    viewer_params,
)
from fieldapp.contributors.attribution import recorded_by_sql
from fieldapp.db import cached_text, in_autocommit, no_jit
from fieldapp.geo.filters import Interval
from fieldapp.geo.geojson import feature_sql, lean_feature_sql
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.observations.columns import DATASET_PROPERTIES, PROPERTY_NAMES, record_columns
from fieldapp.observations.review import corroborated_sql, open_questions_sql
from fieldapp.subjects.queries import subject_match_sql

FROM_SQL = (
    "observation o JOIN dataset d ON d.id = o.dataset_id"
    " LEFT JOIN contributor c ON c.id = o.contributor_id"
    " LEFT JOIN subject s ON s.id = o.subject_id"
)


@dataclass
class ObservationFilter:
    """What a list of observations is narrowed to."""

    bbox: tuple[float, float, float, float] | None = None
    interval: Interval | None = None
    datasets: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    subject: str | None = None
    # Review state: 'open_questions' and/or 'corroborated'.
    review: list[str] = field(default_factory=list)
    # The ids of `datasets`, when looked up first (the planner then knows how many rows they hold).
    dataset_ids: list[int] | None = None
    # Custom field values (name, value as typed): each must hold, on the values the viewer may see.
    field_values: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Counting:
    """How a list counts its matches: `exact` always counts; `auto` counts exactly when that is cheap.

    Cheap means the planner expects at most `exact_max` matches and the count finishes within
    `timeout_ms`; otherwise the planner's estimate is given, flagged as one.
    """

    mode: str = "auto"
    exact_max: int = 20_000
    timeout_ms: int = 15


def observation_feature_sql(viewer: Viewer) -> str:
    return feature_sql("o.id", visible_geometry_sql(viewer), record_columns(viewer))


def where_sql(filters: ObservationFilter, viewer: Viewer, estimate: bool = False) -> tuple[str, dict[str, Any]]:
    """Build the WHERE clause and its parameters for a filter, as seen by a viewer.

    `estimate`: the same clause for the planner's row estimate alone, the bbox tested by its index hint
    (&&) only: PostGIS estimates ST_Intersects as its own && already, so with both the planner counts
    the box's selectivity twice (ten times too few rows for a box holding a tenth of the table), and
    ST_Intersects alone on the gated geometry (a CASE) has no statistics (a hundredth of a percent)."""
    params: dict[str, Any] = viewer_params(viewer)
    # Records their holders withdrew or their dataset's agreement keeps from this viewer are not listed.
    shared = shared_sql(viewer)
    clauses: list[str] = [] if shared == "true" else [shared]
    if filters.bbox:
        params.update(dict(zip(("minx", "miny", "maxx", "maxy"), filters.bbox, strict=True)))
        envelope = "ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)"
        # shared_sql is a clause of its own above: the box is tested on the ungated geometry, which the
        # planner has statistics for (visible_geometry_sql's gated=False).
        geometry = visible_geometry_sql(viewer, gated=False)
        # The bbox tests what the viewer sees, so it cannot probe precise locations.
        index_hint = f"o.public_geom && {envelope}"
        if geometry != "o.public_geom":
            index_hint = f"({index_hint} OR o.geom && {envelope})"
        intersects = f"ST_Intersects({geometry}, {envelope})"
        clauses.append(index_hint if estimate else f"{index_hint} AND {intersects}")
    if filters.interval:
        overlap, times = filters.interval.overlap_sql()
        clauses += overlap
        params.update(times)
    if filters.dataset_ids is not None:
        clauses.append("o.dataset_id = ANY(:dataset_ids)")
        params["dataset_ids"] = filters.dataset_ids
    elif filters.datasets:
        # Dataset ids first, so counting a dataset is an index-only scan of ix_observation_dataset_id.
        clauses.append("o.dataset_id = ANY(ARRAY(SELECT id FROM dataset WHERE slug = ANY(:datasets)))")
        params["datasets"] = filters.datasets
    if filters.kinds:
        clauses.append("d.knowledge_kind = ANY(:kinds)")
        params["kinds"] = filters.kinds
    if filters.subject:
        clauses.append(subject_match_sql())
        params["subject"] = filters.subject
    if "open_questions" in filters.review:
        clauses.append(open_questions_sql())
    if "corroborated" in filters.review:
        clauses.append(corroborated_sql())
    if filters.field_values:
        more, values = field_values_sql(viewer, filters.field_values)
        clauses += more
        params |= values
    return (" AND ".join(clauses) or "true"), params


def field_values_sql(
    viewer: Viewer, pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...], prefix: str = "fv"
) -> tuple[list[str], dict[str, Any]]:
    """Conditions that observation o's custom fields hold these values, tested on the values as the viewer
    sees them (record_columns): a sensitive field the viewer may not see never matches."""
    seen = record_columns(viewer)["fields"]
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for i, (name, wanted) in enumerate(pairs):
        candidates = _typed_values(name, wanted)
        clauses.append(
            "(" + " OR ".join(f"({seen}) @> CAST(:{prefix}{i}_{j} AS jsonb)" for j in range(len(candidates))) + ")"
        )
        params |= {f"{prefix}{i}_{j}": v for j, v in enumerate(candidates)}
    return clauses, params


# A custom field's name (forms.definition.NAME without its anchors).
FIELD_NAME = r"[A-Za-z_][A-Za-z0-9_]{0,63}"


def _typed_values(name: str, wanted: str) -> list[str]:
    """The JSON a stored value may take for a value typed in a query: text, a number, yes/no as a boolean,
    one of a multiple choice's values (a list holding it)."""
    candidates: list[object] = [wanted, [wanted]]
    try:
        number = float(wanted)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        candidates.append(int(number) if number.is_integer() else number)
    if wanted.lower() in ("yes", "true", "no", "false"):
        candidates.append(wanted.lower() in ("yes", "true"))
    return [json.dumps({name: c}) for c in candidates]


def list_feature_sql(viewer: Viewer, names: list[str] | tuple[str, ...] | None = None) -> str:
    """A list's Feature: the named properties (default: all but the dataset's own), nulls left out.

    The values come from record_columns(viewer), so a list shows no more than the record's page would.
    """
    columns = record_columns(viewer)
    chosen = names if names is not None else [n for n in PROPERTY_NAMES if n not in DATASET_PROPERTIES]
    return lean_feature_sql("o.id", visible_geometry_sql(viewer), {name: columns[name] for name in chosen})


# Each dataset a page shows, once: what its features would otherwise repeat (title, kind, licence).
_DATASETS_SQL = """coalesce((SELECT json_object_agg(d.slug, json_build_object(
        'title', d.title, 'knowledge_kind', d.knowledge_kind, 'licence', d.licence) ORDER BY d.slug)
    FROM dataset d WHERE d.id IN (SELECT dataset_id FROM shown)), '{}'::json)::text"""


def page_sql(viewer: Viewer, where: str, names: list[str] | tuple[str, ...] | None = None) -> str:
    """The statement of one list page (where_sql's clause for the same viewer), with the datasets closed to
    the viewer as its snapshot sees them (closed_now, for access.checked_closed)."""
    # No shared CTE of every match: materialised, it made each page scan and sort all matches. The page
    # walks seq in index order and stops after limit + 1 rows, building each feature once as it goes
    # (joining the page's seqs back to their rows to build them cost about a sixth more per statement and
    # a sixth of the throughput at 8 clients); the totals come from one pass over the page. The planner
    # may scan a whole-island page with a parallel worker now. The count is its own statement.
    return f"""
        WITH page AS MATERIALIZED (
          SELECT o.seq, o.dataset_id, {list_feature_sql(viewer, names)} AS feature
          FROM {FROM_SQL} WHERE {where} AND o.seq > :after ORDER BY o.seq LIMIT :limit_plus),
        bounds AS MATERIALIZED (SELECT count(*) > :limit AS more, max(seq) AS top FROM page),
        shown AS NOT MATERIALIZED (
          SELECT page.seq, page.dataset_id, page.feature FROM page, bounds
          WHERE NOT bounds.more OR page.seq < bounds.top)
        SELECT (SELECT more FROM bounds) AS more, s.last_seq, s.returned, s.features, s.seqs,
               {_DATASETS_SQL} AS datasets, {closed_now_sql(viewer)} AS closed_now
        FROM (SELECT max(seq) AS last_seq, count(*) AS returned, array_agg(seq) AS seqs,
                     coalesce(json_agg(feature ORDER BY seq), '[]'::json)::text AS features FROM shown) AS s
    """


def list_observations(
    session: Session,
    viewer: Viewer,
    filters: ObservationFilter,
    limit: int,
    after: int | None,
    names: list[str] | tuple[str, ...] | None = None,
    counting: Counting | None = None,
) -> dict[str, Any]:
    """One page of matching observations: the features array and the datasets they name as JSON text,
    how many match (`matched`, and `estimated` when that is the planner's estimate), and paging facts."""
    counting = counting or Counting()
    filters = with_dataset_ids(session, filters)
    # The datasets closed to the viewer as this process last saw them, checked by the page statement itself
    # (closed_now): one round trip instead of a lookup and then the page. Built again if they changed.
    viewer = remembered_closed(viewer) or resolved(session, viewer)
    with no_jit(session):
        for attempt in range(3):
            if attempt == 2:  # they changed under two statements in a row: the gate's subquery form, unchecked
                viewer = replace(viewer, closed=None)
            where, params = where_sql(filters, viewer)
            params.update({"after": after or 0, "limit": limit, "limit_plus": limit + 1})
            row = session.execute(cached_text(page_sql(viewer, where, names)), params).one()
            changed = None if attempt == 2 else checked_closed(viewer, row.closed_now)
            if changed is None:
                break
            viewer = changed
        if not after and not row.more:  # the first page holds every match: nothing left to count
            matched, estimated = row.returned, False
        else:
            estimate_where = estimate_sql(session, filters, viewer)
            matched, estimated = count_matches(session, where, params, counting, estimate_where)
    return {
        "matched": matched,
        "estimated": estimated,
        "returned": row.returned,
        "features": row.features,
        "datasets": row.datasets,
        "next_after": row.last_seq if row.more else None,
        # The page's records, for the log of exact views (observations.seen.log_list_view).
        "seqs": row.seqs or [],
    }


def estimate_sql(session: Session, filters: ObservationFilter, viewer: Viewer) -> str:
    """The WHERE clause the planner's row estimate reads: where_sql's estimate, with the datasets whose
    agreement keeps their records from this viewer named by id (looked up first) instead of by a
    subquery, whose result the planner cannot know: it estimated `<> ALL(unknown)` as one row."""
    where, _ = where_sql(filters, viewer, estimate=True)
    subquery = f"ARRAY({closed_datasets_sql(viewer)})"
    if subquery not in where:
        return where
    closed = session.scalars(text(closed_datasets_sql(viewer)), viewer_params(viewer)).all()
    return where.replace(subquery, "ARRAY[" + ",".join(str(int(i)) for i in closed) + "]::bigint[]")


def with_dataset_ids(session: Session, filters: ObservationFilter) -> ObservationFilter:
    """The filter with its datasets and kinds as the ids of the datasets they name (one small lookup).

    The same rows match; the planner then estimates them from the observations' own statistics, and a
    count reads ix_observation_dataset_id alone instead of joining every row to its dataset."""
    if filters.dataset_ids is not None or not (filters.datasets or filters.kinds):
        return filters
    conditions = ["slug = ANY(:slugs)"] if filters.datasets else []
    conditions += ["knowledge_kind = ANY(:kinds)"] if filters.kinds else []
    sql = f"SELECT id FROM dataset WHERE {' AND '.join(conditions)} ORDER BY id"
    ids = session.scalars(text(sql), {"slugs": filters.datasets, "kinds": filters.kinds})
    return replace(filters, datasets=[], kinds=[], dataset_ids=list(ids))


def count_matches(
    session: Session, where: str, params: dict[str, Any], counting: Counting, estimate_where: str | None = None
) -> tuple[int, bool]:
    """How many observations match, and whether that is an estimate (see Counting).

    The bounded path costs the planning of one EXPLAIN (of `estimate_where`, else `where`: see
    where_sql's estimate) plus at most `timeout_ms` of counting, however many rows the table holds and
    whatever the filter."""

    def matching(clause: str) -> str:
        # Joins the filter does not need would turn the count's index-only scan into a full table scan.
        return f"SELECT 1 FROM {FROM_SQL if 'd.' in clause else 'observation o'} WHERE {clause}"

    count = f"SELECT count(*) FROM ({matching(where)}) AS m"
    if counting.mode == "exact":
        return session.execute(text(count), params).scalar_one(), False
    estimate = _planned_rows(session, matching(estimate_where or where), params)
    if estimate > counting.exact_max:
        return estimate, True
    if in_autocommit(session):
        return _bounded_count_in_autocommit(session, count, params, counting.timeout_ms, estimate)
    savepoint = session.begin_nested()
    try:
        # Local to the savepoint, which is rolled back either way (a count changes nothing).
        session.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(counting.timeout_ms)})
        return session.execute(text(count), params).scalar_one(), False
    except exc.OperationalError as error:
        if not _cancelled(error):
            raise
        return estimate, True
    finally:
        savepoint.rollback()


def _planned_rows(session: Session, sql: str, params: dict[str, Any]) -> int:
    """The planner's row estimate for a statement, planned for these very parameters.

    Sent unprepared: psycopg prepares a statement it sees often, and PostgreSQL then may plan it once
    for any parameters, estimating a bbox it does not know as a hundredth of a percent of the table."""
    connection = session.connection()
    compiled = text(f"EXPLAIN (FORMAT JSON) {sql}").compile(dialect=connection.dialect)
    with connection.connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(str(compiled), params, prepare=False)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(0, round(plan[0]["Plan"]["Plan Rows"]))


def _bounded_count_in_autocommit(
    session: Session, count: str, params: dict[str, Any], timeout_ms: int, estimate: int
) -> tuple[int, bool]:
    """The bounded count with no transaction to hold a local setting: the connection's own, restored after."""
    before = session.execute(
        text("SELECT current_setting('statement_timeout') AS before, set_config('statement_timeout', :ms, false)"),
        {"ms": str(timeout_ms)},
    ).scalar_one()
    try:
        return session.execute(text(count), params).scalar_one(), False
    except exc.OperationalError as error:
        if not _cancelled(error):
            raise
        return estimate, True
    finally:
        session.execute(text("SELECT set_config('statement_timeout', :before, false)"), {"before": before})


def _cancelled(error: exc.OperationalError) -> bool:
    return getattr(error.orig, "sqlstate", None) == "57014"  # query_canceled: the count ran out of time


def get_observation_feature(session: Session, viewer: Viewer, observation_id: uuid.UUID) -> str | None:
    """One observation as a GeoJSON Feature (text), as this viewer may see it."""
    sql = f"SELECT ({observation_feature_sql(viewer)})::text FROM {FROM_SQL} WHERE o.id = :id AND {shared_sql(viewer)}"
    return session.execute(text(sql), {"id": observation_id, **viewer_params(viewer)}).scalar()


def recent_public(session: Session, limit: int = 10) -> list[Any]:
    """The newest public observations for the home page."""
    sql = f"""
        SELECT o.id, coalesce(s.scientific_name, o.subject_text) AS subject, o.subject_text,
               o.observed_start, o.time_precision, d.title AS dataset_title, d.slug AS dataset,
               d.knowledge_kind, {recorded_by_sql()} AS recorded_by, o.contributor_id, o.licence
        FROM {FROM_SQL} WHERE {see_record_sql(ANONYMOUS)} ORDER BY o.seq DESC LIMIT :limit
    """
    return list(session.execute(text(sql), {"limit": limit}))


def history(session: Session, observation_id: uuid.UUID) -> list[Any]:
    """The change history of one observation, oldest first (precise data: callers check the policy).

    A change by the owner of the pseudonym or a member of the group the record is credited to is shown
    under that credit, so the history never names the account behind it."""
    under_credit = actor_credit_sql("o.contributor_id", "h.actor_id", "u.contributor_id")
    sql = f"""
        SELECT h.action, h.at, h.changes,
               coalesce(pn.display_name, c.display_name, 'system') AS actor, p.display_name AS proposer
        FROM observation_history h
        LEFT JOIN user_account u ON u.id = h.actor_id LEFT JOIN contributor c ON c.id = u.contributor_id
        LEFT JOIN observation o ON o.id = h.observation_id
        LEFT JOIN contributor pn ON pn.id = o.contributor_id AND {under_credit}
        LEFT JOIN contributor p ON p.id = h.proposed_by
        WHERE h.observation_id = :id ORDER BY h.id
    """
    return list(session.execute(text(sql), {"id": observation_id}))
