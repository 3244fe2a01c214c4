-- A place's public geometry on every write, from the same rules as an observation's
-- (fieldapp_public_place: the dataset may force generalisation, the cell is never finer than the floor).
-- A private fishing mark has none; a withdrawn place has none.
CREATE OR REPLACE FUNCTION public.fieldapp_place_public_geom()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.visibility, p.public_geom, p.public_precision_m
    INTO NEW.visibility, NEW.public_geom, NEW.public_precision_m
    FROM fieldapp_public_place(NEW.geom, NEW.visibility, NULL, NEW.dataset_id, NULL) AS p;
  IF NEW.withdrawn_at IS NOT NULL THEN
    NEW.public_geom := NULL;
    NEW.public_precision_m := NULL;
  END IF;
  RETURN NEW;
END
$$;
