-- A row as history keeps it: bookkeeping columns left out, geometry as plain GeoJSON. Both
-- geometries are blanked before to_jsonb, which would otherwise convert them with PostGIS's json
-- cast (a spatial_ref_sys lookup each) only for them to be dropped.
CREATE OR REPLACE FUNCTION public.fieldapp_observation_json(o observation)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
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
