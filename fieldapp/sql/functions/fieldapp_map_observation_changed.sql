-- Keeps the map aggregates on every write to observation, set-based per statement (the transition
-- tables old_rows and new_rows): public point counts per grid cell in map_cell, shape counts and
-- the tile version per dataset in map_dataset_state. Rows leaving are subtracted, rows arriving
-- added, and emptied cells removed, so a bulk COPY costs one grouped upsert. A record counts by the
-- kind of geometry the public sees (a generalised point is its cell, an area), never its hidden one.
CREATE OR REPLACE FUNCTION public.fieldapp_map_observation_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO map_cell AS m (dataset_id, level, cx, cy, n)
    SELECT r.dataset_id, c.level, c.cx, c.cy, (-1 * count(*))::integer
      FROM old_rows r CROSS JOIN LATERAL fieldapp_map_cells(r.public_geom) c
     WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 0
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (dataset_id, level, cx, cy) DO UPDATE SET n = m.n + EXCLUDED.n;
    INSERT INTO map_dataset_state AS s (dataset_id, points, lines, areas)
    SELECT r.dataset_id,
           -1 * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 0),
           -1 * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 1),
           -1 * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 2)
      FROM old_rows r GROUP BY 1 ORDER BY 1
    ON CONFLICT (dataset_id) DO UPDATE SET version = s.version + 1, points = s.points + EXCLUDED.points,
      lines = s.lines + EXCLUDED.lines, areas = s.areas + EXCLUDED.areas, changed_at = now();
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO map_cell AS m (dataset_id, level, cx, cy, n)
    SELECT r.dataset_id, c.level, c.cx, c.cy, (1 * count(*))::integer
      FROM new_rows r CROSS JOIN LATERAL fieldapp_map_cells(r.public_geom) c
     WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 0
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (dataset_id, level, cx, cy) DO UPDATE SET n = m.n + EXCLUDED.n;
    INSERT INTO map_dataset_state AS s (dataset_id, points, lines, areas)
    SELECT r.dataset_id,
           1 * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 0),
           1 * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 1),
           1 * count(*) FILTER (WHERE r.public_geom IS NOT NULL AND ST_Dimension(r.public_geom) = 2)
      FROM new_rows r GROUP BY 1 ORDER BY 1
    ON CONFLICT (dataset_id) DO UPDATE SET version = s.version + 1, points = s.points + EXCLUDED.points,
      lines = s.lines + EXCLUDED.lines, areas = s.areas + EXCLUDED.areas, changed_at = now();
  END IF;
  DELETE FROM map_cell WHERE n <= 0;
  RETURN NULL;
END
$$;
