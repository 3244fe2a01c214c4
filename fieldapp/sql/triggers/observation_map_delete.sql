-- Map aggregates kept per statement (see functions/fieldapp_map_observation_changed.sql).
CREATE TRIGGER observation_map_delete AFTER DELETE ON public.observation
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_observation_changed();
