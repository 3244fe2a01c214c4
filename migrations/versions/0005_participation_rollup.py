"""Participation rollup kept on write, and a cheaper history trigger.

participation_month holds records and volunteer minutes per month (when added),
dataset and contributor, maintained by statement-level triggers (one grouped upsert per
statement), so the participation page never scans raw observations. The history trigger
now writes geometry with ST_AsGeoJSON instead of PostGIS's json cast (which adds a crs
member and costs about 50 times more); the stored change is the same GeoJSON geometry.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ROLLUP = """
CREATE TABLE participation_month (
  month date NOT NULL,
  dataset_id integer NOT NULL,
  -- The contributor credited, or minus the user who entered it when nobody is credited, or 0.
  contributor_key integer NOT NULL,
  observations bigint NOT NULL DEFAULT 0,
  minutes bigint NOT NULL DEFAULT 0,
  timed bigint NOT NULL DEFAULT 0,
  CONSTRAINT pk_participation_month PRIMARY KEY (month, dataset_id, contributor_key),
  CONSTRAINT fk_participation_month_dataset_id_dataset FOREIGN KEY (dataset_id)
    REFERENCES dataset (id) ON DELETE CASCADE
);
INSERT INTO participation_month (month, dataset_id, contributor_key, observations, minutes, timed)
SELECT date_trunc('month', created_at)::date, dataset_id, coalesce(contributor_id, -entered_by, 0),
       count(*), coalesce(sum(time_spent_min), 0), count(time_spent_min)
FROM observation GROUP BY 1, 2, 3;
"""


def _apply(rows: str, sign: int) -> str:
    return f"""
    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)
    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),
           {sign} * count(*), {sign} * coalesce(sum(r.time_spent_min), 0), {sign} * count(r.time_spent_min)
      FROM {rows} r GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE
      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,
          timed = p.timed + EXCLUDED.timed;
    """


TRIGGERS = f"""
CREATE FUNCTION fieldapp_participation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_apply("old_rows", -1)}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_apply("new_rows", 1)}
  END IF;
  DELETE FROM participation_month WHERE observations <= 0;
  RETURN NULL;
END
$$;
CREATE TRIGGER observation_participation_insert AFTER INSERT ON observation
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_participation_changed();
CREATE TRIGGER observation_participation_update AFTER UPDATE ON observation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_participation_changed();
CREATE TRIGGER observation_participation_delete AFTER DELETE ON observation
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_participation_changed();
"""

# The row as history keeps it: bookkeeping columns left out, geometry as plain GeoJSON.
HISTORY = """
CREATE FUNCTION fieldapp_observation_json(o observation) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT (to_jsonb(o) - ARRAY['geom', 'public_geom', 'public_precision_m', 'updated_at', 'created_at', 'seq',
                              'content_hash'])
         || jsonb_build_object('geom', ST_AsGeoJSON(o.geom)::jsonb)
$$;
CREATE OR REPLACE FUNCTION fieldapp_observation_history() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


def upgrade() -> None:
    op.execute(ROLLUP)
    op.execute(TRIGGERS)
    op.execute(HISTORY)


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER observation_participation_insert ON observation;"
        " DROP TRIGGER observation_participation_update ON observation;"
        " DROP TRIGGER observation_participation_delete ON observation;"
        " DROP FUNCTION fieldapp_participation_changed(); DROP TABLE participation_month;"
    )
