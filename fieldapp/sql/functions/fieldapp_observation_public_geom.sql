-- Computes the public geometry on every write that does not go through the bulk writer
-- (see triggers/observation_public_geom.sql), from the rules in fieldapp_public_place.
CREATE OR REPLACE FUNCTION public.fieldapp_observation_public_geom()
RETURNS trigger LANGUAGE plpgsql AS $$
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
