-- The geoprivacy rules in one place: a record's effective visibility, public geometry and its
-- precision. A subject or dataset may force generalisation of a public record; the cell is the
-- largest of the sizes that apply, and never finer than the floor whatever a row or a connection
-- says: the deployment's floor, which the app sets on every connection as fieldapp.generalise_floor_m
-- (Settings.generalise_floor_m; 1,000 m where a connection did not set it), and never under 100 m,
-- the hard floor of the CHECK constraints and config.HARD_GENERALISE_FLOOR_M. Used by the observation_public_geom row trigger and, inline,
-- by the bulk writer (fieldapp.observations.bulk): a single-SELECT SQL table function, so the
-- planner inlines it into the bulk statement (joins instead of per-row calls).
CREATE OR REPLACE FUNCTION public.fieldapp_public_place(g geometry, requested text, uncertainty double precision, dataset_ref integer, subject_ref integer)
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
                        coalesce(s.generalise_m, 0),
                        coalesce(nullif(current_setting('fieldapp.generalise_floor_m', true), '')::integer, 1000),
                        100)::double precision AS cell,
               coalesce(nullif(current_setting('fieldapp.metric_srid', true), '')::integer, 3109) AS metric_srid
          FROM (SELECT) AS one
          LEFT JOIN dataset d ON d.id = dataset_ref
          LEFT JOIN subject s ON s.id = subject_ref) AS r
$$;
