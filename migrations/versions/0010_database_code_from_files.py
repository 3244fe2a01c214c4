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
from alembic_utils.pg_trigger import PGTrigger

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


# Files removed since (0043: history is kept per statement): their text at this revision.
REMOVED_SINCE = {
    "fieldapp_observation_history": """
CREATE OR REPLACE FUNCTION public.fieldapp_observation_history()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;
  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;
  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;
  changes jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changes := fieldapp_observation_json(NEW);
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)) INTO changes
      FROM jsonb_each(fieldapp_observation_json(NEW)) AS n
      JOIN jsonb_each(fieldapp_observation_json(OLD)) AS o USING (key)
     WHERE n.value IS DISTINCT FROM o.value;
    IF changes IS NULL THEN
      RETURN NULL;
    END IF;
  ELSE
    changes := fieldapp_observation_json(OLD);
  END IF;
  INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)
  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          actor, changes, proposer, source_annotation);
  RETURN NULL;
END
$$;
""",
    "observation_history": """
CREATE TRIGGER observation_history AFTER INSERT OR UPDATE OR DELETE ON public.observation
  FOR EACH ROW WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION fieldapp_observation_history();
""",
}


def _as_at_0010(entity):
    name = entity_name(entity)
    return PGFunction.from_sql(AS_AT_0010[name].strip()) if name in AS_AT_0010 else entity


def _entities_at_0010() -> list:
    """The entities of NAMES as they were: functions first, then triggers (a trigger needs its function)."""
    present = [_as_at_0010(e) for e in entities(tuple(n for n in NAMES if n not in REMOVED_SINCE))]
    functions = [e for e in present if isinstance(e, PGFunction)]
    triggers = [e for e in present if not isinstance(e, PGFunction)]
    removed_functions = [PGFunction.from_sql(REMOVED_SINCE["fieldapp_observation_history"].strip())]
    removed_triggers = [PGTrigger.from_sql(REMOVED_SINCE["observation_history"].strip())]
    return [*functions, *removed_functions, *triggers, *removed_triggers]


def upgrade() -> None:
    # This reads today's files, which may later name columns that later migrations add: as pg_dump
    # does, SQL-language bodies are not checked against the schema while they load.
    op.execute("SET LOCAL check_function_bodies = off")
    for entity in _entities_at_0010():
        op.replace_entity(entity)
    op.execute("RESET check_function_bodies")


def downgrade() -> None:
    pass
