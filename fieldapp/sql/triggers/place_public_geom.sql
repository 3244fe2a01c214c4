-- The public geometry of every place written (see functions/fieldapp_place_public_geom.sql).
CREATE TRIGGER place_public_geom BEFORE INSERT OR UPDATE ON public.place
  FOR EACH ROW EXECUTE FUNCTION fieldapp_place_public_geom();
