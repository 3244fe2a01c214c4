-- The day the access gate reads embargoes against (fieldapp.access.dataset_open and its SQL twin):
-- today, unless the connection set fieldapp.today (the tests move the clock with it).
-- Parallel safe (current_setting is): a function left unsafe keeps every query that reads it, the access
-- gate included, out of parallel workers (a million-row /sensing ran 2.5 s instead of about 1).
CREATE OR REPLACE FUNCTION public.fieldapp_today()
RETURNS date LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(nullif(current_setting('fieldapp.today', true), '')::date, current_date)
$$;
