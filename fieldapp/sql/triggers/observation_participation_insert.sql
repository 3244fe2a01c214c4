-- Participation rollup kept per statement (see functions/fieldapp_participation_changed.sql).
CREATE TRIGGER observation_participation_insert AFTER INSERT ON public.observation
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_participation_changed();
