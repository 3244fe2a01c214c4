-- Participation rollup kept per statement (see functions/fieldapp_participation_changed.sql).
CREATE TRIGGER observation_participation_update AFTER UPDATE ON public.observation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_participation_changed();
