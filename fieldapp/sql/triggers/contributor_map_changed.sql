-- Credited names show in tiles: a changed or removed contributor moves every tile version.
CREATE TRIGGER contributor_map_changed AFTER UPDATE OR DELETE ON public.contributor
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_all_changed();
