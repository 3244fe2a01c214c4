-- Annotations move their dataset's tile version (see functions/fieldapp_map_annotation_changed.sql).
CREATE TRIGGER annotation_map_insert AFTER INSERT ON public.annotation
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_annotation_changed();
