-- The day the access gate reads embargoes against (fieldapp.access.dataset_open and its SQL twin):
-- today, unless the connection set fieldapp.today (the tests move the clock with it).
CREATE OR REPLACE FUNCTION public.fieldapp_today()
RETURNS date LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('fieldapp.today', true), '')::date, current_date)
$$;
