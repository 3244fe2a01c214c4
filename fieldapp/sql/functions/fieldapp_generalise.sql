-- The cells of a fixed square grid in the metric CRS that a geometry touches, back in EPSG:4326.
-- A fixed grid, never a random offset, so repeated records leak nothing more.
CREATE OR REPLACE FUNCTION public.fieldapp_generalise(g geometry, cell_m double precision, metric_srid integer)
RETURNS geometry LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT ST_Transform(ST_SetSRID(ST_Union(c.geom), metric_srid), 4326)
  FROM (SELECT ST_Transform(g, metric_srid) AS mg) AS m,
       LATERAL ST_SquareGrid(cell_m, m.mg) AS c
  WHERE ST_Intersects(c.geom, m.mg)
$$;
