"""The database's own code comes from files: every SQL function and trigger is (re)created from fieldapp/sql.

Until now their text lived only in migrations 0001-0007 (later ones replacing earlier ones), so the
current body of a function could only be found by reading them in order. Each is now one file,
fieldapp/sql/functions/<name>.sql or fieldapp/sql/triggers/<name>.sql, and this migration makes the
database match those files. The bodies are 0008's: only the three that Python templates had
assembled (the map, participation and annotation aggregate functions) are re-indented, so nothing
behaves differently and downgrading has nothing to undo.

A later change to a file comes with its own migration (`alembic revision --autogenerate` writes the
replace_entity operation, with the new text frozen in it); `alembic check` and the test suite fail
while the database and the files differ.

Revision ID: 0010
Revises: 0009
"""

from alembic import op
from alembic_utils import reversible_op  # noqa: F401  (registers op.replace_entity)

from alembic_utils.pg_function import PGFunction

from fieldapp.sql import entities, entity_name

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The files that existed at this revision: a file added later is created by the migration that adds it.
NAMES = (
    "fieldapp_generalise",
    "fieldapp_map_all_changed",
    "fieldapp_map_annotation_changed",
    "fieldapp_map_cells",
    "fieldapp_map_dataset_changed",
    "fieldapp_map_observation_changed",
    "fieldapp_observation_history",
    "fieldapp_observation_json",
    "fieldapp_observation_public_geom",
    "fieldapp_participation_changed",
    "fieldapp_public_place",
    "annotation_map_delete",
    "annotation_map_insert",
    "annotation_map_update",
    "contributor_map_changed",
    "dataset_map_changed",
    "observation_history",
    "observation_map_delete",
    "observation_map_insert",
    "observation_map_update",
    "observation_participation_delete",
    "observation_participation_insert",
    "observation_participation_update",
    "observation_public_geom",
    "subject_map_changed",
    "subject_name_map_changed",
)

# Files changed since whose text now reads a column a later migration adds (0033: withdrawn_at, from
# 0024), and which a migration between runs (0014 updates observations): their text at this revision.
AS_AT_0010 = {
    "fieldapp_participation_changed": """
CREATE OR REPLACE FUNCTION public.fieldapp_participation_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)
    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),
           -1 * count(*), -1 * coalesce(sum(r.time_spent_min), 0), -1 * count(r.time_spent_min)
      FROM old_rows r GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE
      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,
          timed = p.timed + EXCLUDED.timed;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)
    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),
           1 * count(*), 1 * coalesce(sum(r.time_spent_min), 0), 1 * count(r.time_spent_min)
      FROM new_rows r GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE
      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,
          timed = p.timed + EXCLUDED.timed;
  END IF;
  DELETE FROM participation_month WHERE observations <= 0;
  RETURN NULL;
END
$$
""",
}


def _as_at_0010(entity):
    name = entity_name(entity)
    return PGFunction.from_sql(AS_AT_0010[name].strip()) if name in AS_AT_0010 else entity


def upgrade() -> None:
    # This reads today's files, which may later name columns that later migrations add: as pg_dump
    # does, SQL-language bodies are not checked against the schema while they load.
    op.execute("SET LOCAL check_function_bodies = off")
    for entity in entities(NAMES):
        op.replace_entity(_as_at_0010(entity))
    op.execute("RESET check_function_bodies")


def downgrade() -> None:
    pass
