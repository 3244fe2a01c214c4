-- A name folded for matching: lower case, accents removed (unaccent with its dictionary named, so the
-- function may be IMMUTABLE and PARALLEL SAFE). "Grève", "greve" and "GRÈVE" fold to the same text;
-- subjects.queries and places.queries match names in every language through it.
CREATE OR REPLACE FUNCTION public.fieldapp_fold(t text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(public.unaccent('public.unaccent'::regdictionary, t))
$$;
