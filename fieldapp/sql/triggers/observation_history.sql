-- History of every row written; the bulk writer adds its own history rows in the same statement
-- and skips this (see observation_public_geom.sql). bench/load.py disables this trigger by name.
CREATE TRIGGER observation_history AFTER INSERT OR UPDATE OR DELETE ON public.observation
  FOR EACH ROW WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION fieldapp_observation_history();
