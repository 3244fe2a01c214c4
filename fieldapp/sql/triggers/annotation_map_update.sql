-- Annotations move their dataset's tile version (see functions/fieldapp_map_annotation_changed.sql).
CREATE TRIGGER annotation_map_update AFTER UPDATE ON public.annotation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_annotation_changed();
