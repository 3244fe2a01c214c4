-- The map_cell grid cells a geometry falls in, one per stored level. A cell at level L is one Web
-- Mercator tile at zoom L (EPSG:3857: half-extent 20037508.342789244 m, full width
-- 40075016.68557849 m, as ST_TileEnvelope uses); tiles at zoom z read level z + 5 (32 x 32 cells
-- per tile), regrouped from the nearest stored level at or above it (fieldapp.maps.tiles
-- STORED_LEVELS must list the same levels).
CREATE OR REPLACE FUNCTION public.fieldapp_map_cells(g geometry)
RETURNS TABLE (level smallint, cx integer, cy integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT l.level::smallint,
         least(greatest(floor((ST_X(p.m) + 20037508.342789244) / (40075016.68557849 / (1 << l.level))), 0),
               (1 << l.level) - 1)::integer,
         least(greatest(floor((20037508.342789244 - ST_Y(p.m)) / (40075016.68557849 / (1 << l.level))), 0),
               (1 << l.level) - 1)::integer
  FROM (SELECT ST_Transform(ST_PointOnSurface(g), 3857) AS m) AS p,
       unnest(ARRAY[5, 8, 11, 14, 17]) AS l(level)
$$;
