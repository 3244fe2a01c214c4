-- Map aggregates kept per statement (see functions/fieldapp_map_observation_changed.sql).
CREATE TRIGGER observation_map_insert AFTER INSERT ON public.observation
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_observation_changed();
