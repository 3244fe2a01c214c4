-- Participation rollup kept per statement (see functions/fieldapp_participation_changed.sql).
CREATE TRIGGER observation_participation_delete AFTER DELETE ON public.observation
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_participation_changed();
