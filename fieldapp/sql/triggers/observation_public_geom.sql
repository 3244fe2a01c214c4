-- The public geometry of every row written. The vetted bulk writer (fieldapp.observations.bulk)
-- computes the same columns inline and sets the transaction-local fieldapp.bulk_write to 'on'
-- around its statement; only then is this skipped (in the WHEN clause, so skipped rows queue no
-- trigger event). bench/load.py disables this trigger by name.
CREATE TRIGGER observation_public_geom BEFORE INSERT OR UPDATE ON public.observation
  FOR EACH ROW WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION fieldapp_observation_public_geom();
