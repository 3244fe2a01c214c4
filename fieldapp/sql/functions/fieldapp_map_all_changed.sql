-- Tiles show credited names and subject names: a change to any of them moves every dataset's tile
-- version (these changes are rare).
CREATE OR REPLACE FUNCTION public.fieldapp_map_all_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE map_dataset_state SET version = version + 1, changed_at = now();
  RETURN NULL;
END
$$;
