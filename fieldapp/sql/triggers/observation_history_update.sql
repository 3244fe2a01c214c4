-- History of every update statement, set-based (see functions/fieldapp_observation_history_rows.sql).
-- The bulk writer adds its own history rows in the same statement and is skipped here (its
-- transaction-local fieldapp.bulk_write is 'on' while it runs; see observation_public_geom.sql).
CREATE TRIGGER observation_history_update AFTER UPDATE ON public.observation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION fieldapp_observation_history_rows();
