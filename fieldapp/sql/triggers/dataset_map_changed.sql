-- A changed dataset (its title shows in tiles) moves its own tile version.
CREATE TRIGGER dataset_map_changed AFTER UPDATE ON public.dataset
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION fieldapp_map_dataset_changed();
