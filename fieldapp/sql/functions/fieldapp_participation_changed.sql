-- Keeps participation_month (records and volunteer minutes per month added, dataset and
-- contributor) on every write to observation, set-based per statement, so the participation page
-- never scans raw observations. contributor_key is the contributor credited, or minus the user who
-- entered the record when nobody is credited, or 0. A withdrawn record is not counted: its
-- withdrawal (an update) takes it out, as it leaves every other output.
CREATE OR REPLACE FUNCTION public.fieldapp_participation_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)
    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),
           -1 * count(*), -1 * coalesce(sum(r.time_spent_min), 0), -1 * count(r.time_spent_min)
      FROM old_rows r WHERE r.withdrawn_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE
      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,
          timed = p.timed + EXCLUDED.timed;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)
    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),
           1 * count(*), 1 * coalesce(sum(r.time_spent_min), 0), 1 * count(r.time_spent_min)
      FROM new_rows r WHERE r.withdrawn_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE
      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,
          timed = p.timed + EXCLUDED.timed;
  END IF;
  DELETE FROM participation_month WHERE observations <= 0;
  RETURN NULL;
END
$$;
