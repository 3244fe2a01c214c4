-- Map aggregates kept per statement (see functions/fieldapp_map_observation_changed.sql).
CREATE TRIGGER observation_map_update AFTER UPDATE ON public.observation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_observation_changed();
