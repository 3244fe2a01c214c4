-- Computes the public geometry on every write that does not go through the bulk writer
-- (see triggers/observation_public_geom.sql), from the rules in fieldapp_public_place. A withdrawn
-- record has no public geometry, so it leaves the map aggregates, tiles and comparisons at once.
CREATE OR REPLACE FUNCTION public.fieldapp_observation_public_geom()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.visibility, p.public_geom, p.public_precision_m
    INTO NEW.visibility, NEW.public_geom, NEW.public_precision_m
    FROM fieldapp_public_place(NEW.geom, NEW.visibility, NEW.coordinate_uncertainty_m, NEW.dataset_id,
                               NEW.subject_id) AS p;
  IF NEW.withdrawn_at IS NOT NULL THEN
    NEW.public_geom := NULL;
    NEW.public_precision_m := NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;
