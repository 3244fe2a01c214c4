-- Tiles show dataset titles: a change to a dataset moves its tile version (tiles derive their ETag from it).
CREATE OR REPLACE FUNCTION public.fieldapp_map_dataset_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE map_dataset_state SET version = version + 1, changed_at = now() WHERE dataset_id = NEW.id;
  RETURN NULL;
END
$$;
