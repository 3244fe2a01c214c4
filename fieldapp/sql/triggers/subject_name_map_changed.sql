-- Subject names show in tiles: any change to them moves every tile version.
CREATE TRIGGER subject_name_map_changed AFTER INSERT OR UPDATE OR DELETE ON public.subject_name
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_all_changed();
