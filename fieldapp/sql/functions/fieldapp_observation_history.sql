-- Appends who changed what. The actor is set per transaction by the service (fieldapp.db.set_actor);
-- an accepted correction also names who proposed it (fieldapp.proposed_by) and the annotation it
-- came from (fieldapp.annotation_id), so both people are credited.
CREATE OR REPLACE FUNCTION public.fieldapp_observation_history()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;
  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;
  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;
  changes jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changes := fieldapp_observation_json(NEW);
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)) INTO changes
      FROM jsonb_each(fieldapp_observation_json(NEW)) AS n
      JOIN jsonb_each(fieldapp_observation_json(OLD)) AS o USING (key)
     WHERE n.value IS DISTINCT FROM o.value;
    IF changes IS NULL THEN
      RETURN NULL;
    END IF;
  ELSE
    changes := fieldapp_observation_json(OLD);
  END IF;
  INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)
  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          actor, changes, proposer, source_annotation);
  RETURN NULL;
END
$$;
