-- Appends who changed what, set-based per statement: the three observation_history_* statement
-- triggers hand it the statement's rows as transition tables (new_rows, old_rows), so a statement
-- writing a million rows runs three INSERT ... SELECT, not a PL/pgSQL call per row. The actor is set
-- per transaction by the service (fieldapp.db.set_actor); an accepted correction also names who
-- proposed it (fieldapp.proposed_by) and the annotation it came from (fieldapp.annotation_id), so
-- both people are credited. An update that changes nothing the history shows adds no row.
CREATE OR REPLACE FUNCTION public.fieldapp_observation_history_rows()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;
  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;
  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)
    SELECT n.id, 'create', actor, fieldapp_observation_json(n::observation), proposer, source_annotation
      FROM new_rows n ORDER BY n.seq;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)
    SELECT n.id, 'update', actor, c.changes, proposer, source_annotation
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     CROSS JOIN LATERAL (
       SELECT jsonb_object_agg(nj.key, jsonb_build_object('from', oj.value, 'to', nj.value)) AS changes
         FROM jsonb_each(fieldapp_observation_json(n::observation)) AS nj
         JOIN jsonb_each(fieldapp_observation_json(o::observation)) AS oj USING (key)
        WHERE nj.value IS DISTINCT FROM oj.value) AS c
     WHERE c.changes IS NOT NULL
     ORDER BY n.seq;
  ELSE
    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)
    SELECT o.id, 'delete', actor, fieldapp_observation_json(o::observation), proposer, source_annotation
      FROM old_rows o ORDER BY o.seq;
  END IF;
  RETURN NULL;
END
$$;
