-- Subject names show in tiles: a changed or removed subject moves every tile version.
CREATE TRIGGER subject_map_changed AFTER UPDATE OR DELETE ON public.subject
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_all_changed();
