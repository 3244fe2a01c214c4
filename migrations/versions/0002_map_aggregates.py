"""Map aggregates: point counts per grid cell and a change counter per dataset.

Low-zoom vector tiles read their counts from map_cell, kept up to date on every
write by statement-level triggers (one grouped upsert per statement, so a bulk
COPY costs one pass), so no tile at zoom 12 or below scans raw observations.
map_dataset_state.version changes whenever anything a tile shows changes; tiles
derive their ETag from it.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Web Mercator half-extent and full width in metres (EPSG:3857), as ST_TileEnvelope uses.
HALF = 20037508.342789244
WORLD = 40075016.685578488
# Stored grid levels: a cell at level L is one tile at zoom L; tiles at zoom z read level
# z + 5 (32 x 32 cells per tile), regrouped from the nearest stored level at or above it.
LEVELS = (5, 8, 11, 14, 17)

TABLES = """
CREATE TABLE map_dataset_state (
  dataset_id integer NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  points bigint NOT NULL DEFAULT 0,
  lines bigint NOT NULL DEFAULT 0,
  areas bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pk_map_dataset_state PRIMARY KEY (dataset_id),
  CONSTRAINT fk_map_dataset_state_dataset_id_dataset FOREIGN KEY (dataset_id)
    REFERENCES dataset (id) ON DELETE CASCADE
);
CREATE TABLE map_cell (
  dataset_id integer NOT NULL,
  level smallint NOT NULL,
  cx integer NOT NULL,
  cy integer NOT NULL,
  n integer NOT NULL,
  CONSTRAINT pk_map_cell PRIMARY KEY (dataset_id, level, cx, cy),
  CONSTRAINT fk_map_cell_dataset_id_dataset FOREIGN KEY (dataset_id)
    REFERENCES dataset (id) ON DELETE CASCADE
);
-- Emptied cells are found through this small index and removed at the end of each statement.
CREATE INDEX ix_map_cell_empty ON map_cell (dataset_id) WHERE n <= 0;
-- Lines and areas are few beside points: at low zooms they are read through this index only.
CREATE INDEX ix_observation_public_geom_shapes ON observation USING gist (public_geom)
  WHERE ST_Dimension(geom) > 0;
"""

CELLS_FUNCTION = f"""
CREATE FUNCTION fieldapp_map_cells(g geometry) RETURNS TABLE (level smallint, cx integer, cy integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT l.level::smallint,
         least(greatest(floor((ST_X(p.m) + {HALF}) / ({WORLD} / (1 << l.level))), 0),
               (1 << l.level) - 1)::integer,
         least(greatest(floor(({HALF} - ST_Y(p.m)) / ({WORLD} / (1 << l.level))), 0),
               (1 << l.level) - 1)::integer
  FROM (SELECT ST_Transform(ST_PointOnSurface(g), 3857) AS m) AS p,
       unnest(ARRAY{list(LEVELS)}) AS l(level)
$$;
"""


def _apply(rows: str, sign: int) -> str:
    """SQL adding (sign 1) or removing (sign -1) a transition table's rows from the aggregates."""
    return f"""
    INSERT INTO map_cell AS m (dataset_id, level, cx, cy, n)
    SELECT r.dataset_id, c.level, c.cx, c.cy, ({sign} * count(*))::integer
      FROM {rows} r CROSS JOIN LATERAL fieldapp_map_cells(r.public_geom) c
     WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.geom) = 0
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (dataset_id, level, cx, cy) DO UPDATE SET n = m.n + EXCLUDED.n;
    INSERT INTO map_dataset_state AS s (dataset_id, points, lines, areas)
    SELECT r.dataset_id,
           {sign} * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.geom) = 0),
           {sign} * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.geom) = 1),
           {sign} * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.geom) = 2)
      FROM {rows} r GROUP BY 1 ORDER BY 1
    ON CONFLICT (dataset_id) DO UPDATE SET version = s.version + 1, points = s.points + EXCLUDED.points,
      lines = s.lines + EXCLUDED.lines, areas = s.areas + EXCLUDED.areas, changed_at = now();
    """


OBSERVATION_TRIGGERS = f"""
CREATE FUNCTION fieldapp_map_observation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_apply("old_rows", -1)}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_apply("new_rows", 1)}
  END IF;
  DELETE FROM map_cell WHERE n <= 0;
  RETURN NULL;
END
$$;
CREATE TRIGGER observation_map_insert AFTER INSERT ON observation
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_observation_changed();
CREATE TRIGGER observation_map_update AFTER UPDATE ON observation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_observation_changed();
CREATE TRIGGER observation_map_delete AFTER DELETE ON observation
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_observation_changed();
"""

# Tiles also show dataset titles, credited names and subject names: a change to any of
# them changes tiles, so it moves the version (of one dataset, or of all: these are rare).
RELATED_TRIGGERS = """
CREATE FUNCTION fieldapp_map_dataset_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE map_dataset_state SET version = version + 1, changed_at = now() WHERE dataset_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER dataset_map_changed AFTER UPDATE ON dataset
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldapp_map_dataset_changed();
CREATE FUNCTION fieldapp_map_all_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE map_dataset_state SET version = version + 1, changed_at = now();
  RETURN NULL;
END
$$;
CREATE TRIGGER contributor_map_changed AFTER UPDATE OR DELETE ON contributor
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_all_changed();
CREATE TRIGGER subject_map_changed AFTER UPDATE OR DELETE ON subject
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_all_changed();
CREATE TRIGGER subject_name_map_changed AFTER INSERT OR UPDATE OR DELETE ON subject_name
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_all_changed();
"""

BACKFILL = _apply("observation", 1)

DROP = """
DROP TRIGGER IF EXISTS subject_name_map_changed ON subject_name;
DROP TRIGGER IF EXISTS subject_map_changed ON subject;
DROP TRIGGER IF EXISTS contributor_map_changed ON contributor;
DROP TRIGGER IF EXISTS dataset_map_changed ON dataset;
DROP TRIGGER IF EXISTS observation_map_delete ON observation;
DROP TRIGGER IF EXISTS observation_map_update ON observation;
DROP TRIGGER IF EXISTS observation_map_insert ON observation;
DROP FUNCTION IF EXISTS fieldapp_map_all_changed();
DROP FUNCTION IF EXISTS fieldapp_map_dataset_changed();
DROP FUNCTION IF EXISTS fieldapp_map_observation_changed();
DROP FUNCTION IF EXISTS fieldapp_map_cells(geometry);
DROP INDEX IF EXISTS ix_observation_public_geom_shapes;
DROP TABLE IF EXISTS map_cell;
DROP TABLE IF EXISTS map_dataset_state;
"""


def upgrade() -> None:
    for statement in (TABLES, CELLS_FUNCTION, OBSERVATION_TRIGGERS, RELATED_TRIGGERS, BACKFILL):
        op.execute(statement)


def downgrade() -> None:
    op.execute(DROP)
