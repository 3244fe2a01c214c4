-- A row as history keeps it: bookkeeping columns left out, geometry as plain GeoJSON. A SQL function,
-- which the planner inlines into the statement calling it, so the bulk writes and the history
-- statement triggers make no PL/pgSQL call per row (issue 12, target 6; it was PL/pgSQL until
-- migration 0045, with the same result). Both geometries are blanked (jsonb_populate_record) before
-- to_jsonb, which would otherwise convert them with PostGIS's json cast (a spatial_ref_sys lookup
-- each) only for them to be dropped.
CREATE OR REPLACE FUNCTION public.fieldapp_observation_json(o observation)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT (to_jsonb(jsonb_populate_record(o, jsonb_build_object('geom', NULL, 'public_geom', NULL)))
          - ARRAY['geom', 'public_geom', 'public_precision_m', 'updated_at', 'created_at', 'seq', 'content_hash'])
         || jsonb_build_object('geom', ST_AsGeoJSON(o.geom)::jsonb)
$$;
