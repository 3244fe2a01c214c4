"""Set-based bulk writes: the public-geometry rules in one SQL function, and row triggers that a
vetted bulk statement may skip.

fieldapp_public_place holds the geoprivacy rules once (effective visibility, public geometry and
its precision), for the row trigger and for fieldapp.observations.bulk, which writes whole batches
with those columns computed inline and their history rows in the same statement. That statement
sets the transaction-local GUC fieldapp.bulk_write around itself; the two row triggers skip only
while it is 'on' (checked in their WHEN clauses, so skipped rows queue no trigger event). Every
other write (ORM, raw SQL, psql) still goes through the triggers.

fieldapp_observation_json (history's view of a row) now blanks both geometries before to_jsonb:
to_jsonb converted them with PostGIS's json cast (a spatial_ref_sys lookup each) only for them to
be dropped, about two thirds of the history's cost. The stored JSON is the same.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# A single-SELECT SQL table function, so the planner inlines it into the bulk statement (joins
# instead of per-row calls). A subject or dataset may force generalisation of a public record;
# the cell is the largest of the sizes that apply.
PUBLIC_PLACE = """
CREATE FUNCTION fieldapp_public_place(g geometry, requested text, uncertainty double precision,
                                      dataset_ref integer, subject_ref integer)
RETURNS TABLE (visibility text, public_geom geometry, public_precision_m double precision)
LANGUAGE sql STABLE AS $$
  SELECT r.visibility,
         CASE r.visibility WHEN 'public' THEN g
                           WHEN 'generalised' THEN fieldapp_generalise(g, r.cell, r.metric_srid) END,
         CASE r.visibility WHEN 'public' THEN uncertainty WHEN 'generalised' THEN r.cell END
  FROM (SELECT CASE WHEN requested = 'public' AND (d.force_generalised OR s.generalise_m IS NOT NULL)
                    THEN 'generalised' ELSE requested END AS visibility,
               greatest(coalesce(d.generalise_m,
                                 coalesce(nullif(current_setting('fieldapp.generalise_m', true), '')::integer,
                                          1000)),
                        coalesce(s.generalise_m, 0))::double precision AS cell,
               coalesce(nullif(current_setting('fieldapp.metric_srid', true), '')::integer, 3109) AS metric_srid
          FROM (SELECT) AS one
          LEFT JOIN dataset d ON d.id = dataset_ref
          LEFT JOIN subject s ON s.id = subject_ref) AS r
$$;
"""

PUBLIC_GEOM_FUNCTION = """
CREATE OR REPLACE FUNCTION fieldapp_observation_public_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.visibility, p.public_geom, p.public_precision_m
    INTO NEW.visibility, NEW.public_geom, NEW.public_precision_m
    FROM fieldapp_public_place(NEW.geom, NEW.visibility, NEW.coordinate_uncertainty_m, NEW.dataset_id,
                               NEW.subject_id) AS p;
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;
"""

HISTORY_JSON = """
CREATE OR REPLACE FUNCTION fieldapp_observation_json(o observation) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
  g geometry := o.geom;
BEGIN
  o.geom := NULL;
  o.public_geom := NULL;
  RETURN (to_jsonb(o) - ARRAY['geom', 'public_geom', 'public_precision_m', 'updated_at', 'created_at', 'seq',
                              'content_hash'])
         || jsonb_build_object('geom', ST_AsGeoJSON(g)::jsonb);
END
$$;
"""

# Same names, order and events as before (bench/load.py disables them by name), plus the WHEN.
SKIPPABLE = "current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on'"
TRIGGERS = f"""
DROP TRIGGER observation_public_geom ON observation;
CREATE TRIGGER observation_public_geom BEFORE INSERT OR UPDATE ON observation
  FOR EACH ROW WHEN ({SKIPPABLE}) EXECUTE FUNCTION fieldapp_observation_public_geom();
DROP TRIGGER observation_history ON observation;
CREATE TRIGGER observation_history AFTER INSERT OR UPDATE OR DELETE ON observation
  FOR EACH ROW WHEN ({SKIPPABLE}) EXECUTE FUNCTION fieldapp_observation_history();
"""

# 0001's trigger function, as it was before this migration.
OLD_PUBLIC_GEOM_FUNCTION = """
CREATE OR REPLACE FUNCTION fieldapp_observation_public_geom() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  metric_srid integer := coalesce(nullif(current_setting('fieldapp.metric_srid', true), '')::integer, 3109);
  default_cell integer := coalesce(nullif(current_setting('fieldapp.generalise_m', true), '')::integer, 1000);
  dataset_cell integer;
  dataset_forces boolean;
  subject_cell integer;
  cell double precision;
BEGIN
  SELECT generalise_m, force_generalised INTO dataset_cell, dataset_forces
    FROM dataset WHERE id = NEW.dataset_id;
  IF NEW.subject_id IS NOT NULL THEN
    SELECT generalise_m INTO subject_cell FROM subject WHERE id = NEW.subject_id;
  END IF;
  IF NEW.visibility = 'public' AND (dataset_forces OR subject_cell IS NOT NULL) THEN
    NEW.visibility := 'generalised';
  END IF;
  cell := greatest(coalesce(dataset_cell, default_cell), coalesce(subject_cell, 0));
  IF NEW.visibility = 'public' THEN
    NEW.public_geom := NEW.geom;
    NEW.public_precision_m := NEW.coordinate_uncertainty_m;
  ELSIF NEW.visibility = 'generalised' THEN
    NEW.public_geom := fieldapp_generalise(NEW.geom, cell, metric_srid);
    NEW.public_precision_m := cell;
  ELSE
    NEW.public_geom := NULL;
    NEW.public_precision_m := NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;
"""

# 0005's definition.
OLD_HISTORY_JSON = """
CREATE OR REPLACE FUNCTION fieldapp_observation_json(o observation) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT (to_jsonb(o) - ARRAY['geom', 'public_geom', 'public_precision_m', 'updated_at', 'created_at', 'seq',
                              'content_hash'])
         || jsonb_build_object('geom', ST_AsGeoJSON(o.geom)::jsonb)
$$;
"""

OLD_TRIGGERS = """
DROP TRIGGER observation_public_geom ON observation;
CREATE TRIGGER observation_public_geom BEFORE INSERT OR UPDATE ON observation
  FOR EACH ROW EXECUTE FUNCTION fieldapp_observation_public_geom();
DROP TRIGGER observation_history ON observation;
CREATE TRIGGER observation_history AFTER INSERT OR UPDATE OR DELETE ON observation
  FOR EACH ROW EXECUTE FUNCTION fieldapp_observation_history();
"""


def upgrade() -> None:
    op.execute(PUBLIC_PLACE)
    op.execute(PUBLIC_GEOM_FUNCTION)
    op.execute(HISTORY_JSON)
    op.execute(TRIGGERS)


def downgrade() -> None:
    op.execute(OLD_TRIGGERS)
    op.execute(OLD_PUBLIC_GEOM_FUNCTION)
    op.execute(OLD_HISTORY_JSON)
    op.execute("DROP FUNCTION fieldapp_public_place(geometry, text, double precision, integer, integer)")
