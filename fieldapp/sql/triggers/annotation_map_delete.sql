-- Annotations move their dataset's tile version (see functions/fieldapp_map_annotation_changed.sql).
CREATE TRIGGER annotation_map_delete AFTER DELETE ON public.annotation
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_annotation_changed();
