-- History is append-only: an UPDATE or DELETE of a history row changes nothing, silently, as the
-- rules of migration 0001 did (DO INSTEAD NOTHING); the statement reports 0 rows. A maintenance
-- task that must rewrite history lifts it inside its transaction:
-- ALTER TABLE observation_history DISABLE TRIGGER observation_history_append_only.
CREATE OR REPLACE FUNCTION public.fieldapp_history_append_only()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NULL;
END;
$$;
