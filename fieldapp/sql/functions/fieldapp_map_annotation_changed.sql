-- Tiles carry each record's review tally and can be filtered by review state: adding, answering or
-- removing an annotation moves the tile version of its observation's dataset.
CREATE OR REPLACE FUNCTION public.fieldapp_map_annotation_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE map_dataset_state s SET version = s.version + 1, changed_at = now()
     WHERE s.dataset_id IN (SELECT o.dataset_id FROM observation o
                             WHERE o.id IN (SELECT r.observation_id FROM old_rows r));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE map_dataset_state s SET version = s.version + 1, changed_at = now()
     WHERE s.dataset_id IN (SELECT o.dataset_id FROM observation o
                             WHERE o.id IN (SELECT r.observation_id FROM new_rows r));
  END IF;
  RETURN NULL;
END
$$;
