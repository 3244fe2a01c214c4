-- History rows are never updated or deleted (see fieldapp_history_append_only.sql).
CREATE TRIGGER observation_history_append_only BEFORE UPDATE OR DELETE ON public.observation_history
  FOR EACH ROW EXECUTE FUNCTION fieldapp_history_append_only();
