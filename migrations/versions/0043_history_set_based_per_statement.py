"""History set-based per statement: three statement triggers with transition tables replace the row trigger.

observation_history_insert, _update and _delete hand the statement's rows (new_rows, old_rows) to
fieldapp_observation_history_rows, which writes their history rows with one INSERT ... SELECT each,
with the same content the row trigger wrote (create: the record; update: what changed, nothing when
nothing did; delete: the record) and the same actor, proposer and annotation. The PL/pgSQL call per row
goes (issue 12, target 6). The bulk writer still writes its own history in its statement and is
skipped by the triggers' WHEN, as it was by the row trigger's.

Revision ID: 0043
Revises: 0042
"""

from alembic import op
from alembic_utils.pg_function import PGFunction
from alembic_utils.pg_trigger import PGTrigger

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    public_fieldapp_observation_history_rows = PGFunction(
        schema="public",
        signature="fieldapp_observation_history_rows()",
        definition="returns trigger LANGUAGE plpgsql AS $$\nDECLARE\n  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;\n  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;\n  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;\nBEGIN\n  IF TG_OP = 'INSERT' THEN\n    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n    SELECT n.id, 'create', actor, fieldapp_observation_json(n::observation), proposer, source_annotation\n      FROM new_rows n ORDER BY n.seq;\n  ELSIF TG_OP = 'UPDATE' THEN\n    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n    SELECT n.id, 'update', actor, c.changes, proposer, source_annotation\n      FROM new_rows n JOIN old_rows o ON o.id = n.id\n     CROSS JOIN LATERAL (\n       SELECT jsonb_object_agg(nj.key, jsonb_build_object('from', oj.value, 'to', nj.value)) AS changes\n         FROM jsonb_each(fieldapp_observation_json(n::observation)) AS nj\n         JOIN jsonb_each(fieldapp_observation_json(o::observation)) AS oj USING (key)\n        WHERE nj.value IS DISTINCT FROM oj.value) AS c\n     WHERE c.changes IS NOT NULL\n     ORDER BY n.seq;\n  ELSE\n    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n    SELECT o.id, 'delete', actor, fieldapp_observation_json(o::observation), proposer, source_annotation\n      FROM old_rows o ORDER BY o.seq;\n  END IF;\n  RETURN NULL;\nEND\n$$",
    )
    op.create_entity(public_fieldapp_observation_history_rows)

    public_observation_observation_history_delete = PGTrigger(
        schema="public",
        signature="observation_history_delete",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER DELETE ON public.observation REFERENCING OLD TABLE AS old_rows\n  FOR EACH STATEMENT WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')\n  EXECUTE FUNCTION fieldapp_observation_history_rows()",
    )
    op.create_entity(public_observation_observation_history_delete)

    public_observation_observation_history_insert = PGTrigger(
        schema="public",
        signature="observation_history_insert",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER INSERT ON public.observation REFERENCING NEW TABLE AS new_rows\n  FOR EACH STATEMENT WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')\n  EXECUTE FUNCTION fieldapp_observation_history_rows()",
    )
    op.create_entity(public_observation_observation_history_insert)

    public_observation_observation_history_update = PGTrigger(
        schema="public",
        signature="observation_history_update",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER UPDATE ON public.observation REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows\n  FOR EACH STATEMENT WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')\n  EXECUTE FUNCTION fieldapp_observation_history_rows()",
    )
    op.create_entity(public_observation_observation_history_update)

    public_observation_observation_history = PGTrigger(
        schema="public",
        signature="observation_history",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER INSERT OR DELETE OR UPDATE ON public.observation FOR EACH ROW WHEN ((current_setting('fieldapp.bulk_write'::text, true) IS DISTINCT FROM 'on'::text)) EXECUTE FUNCTION fieldapp_observation_history()",
    )
    op.drop_entity(public_observation_observation_history)

    public_fieldapp_observation_history = PGFunction(
        schema="public",
        signature="fieldapp_observation_history()",
        definition="returns trigger\n LANGUAGE plpgsql\nAS $function$\nDECLARE\n  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;\n  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;\n  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;\n  changes jsonb;\nBEGIN\n  IF TG_OP = 'INSERT' THEN\n    changes := fieldapp_observation_json(NEW);\n  ELSIF TG_OP = 'UPDATE' THEN\n    SELECT jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)) INTO changes\n      FROM jsonb_each(fieldapp_observation_json(NEW)) AS n\n      JOIN jsonb_each(fieldapp_observation_json(OLD)) AS o USING (key)\n     WHERE n.value IS DISTINCT FROM o.value;\n    IF changes IS NULL THEN\n      RETURN NULL;\n    END IF;\n  ELSE\n    changes := fieldapp_observation_json(OLD);\n  END IF;\n  INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,\n          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,\n          actor, changes, proposer, source_annotation);\n  RETURN NULL;\nEND\n$function$",
    )
    op.drop_entity(public_fieldapp_observation_history)


def downgrade() -> None:
    public_fieldapp_observation_history = PGFunction(
        schema="public",
        signature="fieldapp_observation_history()",
        definition="returns trigger\n LANGUAGE plpgsql\nAS $function$\nDECLARE\n  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;\n  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;\n  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;\n  changes jsonb;\nBEGIN\n  IF TG_OP = 'INSERT' THEN\n    changes := fieldapp_observation_json(NEW);\n  ELSIF TG_OP = 'UPDATE' THEN\n    SELECT jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)) INTO changes\n      FROM jsonb_each(fieldapp_observation_json(NEW)) AS n\n      JOIN jsonb_each(fieldapp_observation_json(OLD)) AS o USING (key)\n     WHERE n.value IS DISTINCT FROM o.value;\n    IF changes IS NULL THEN\n      RETURN NULL;\n    END IF;\n  ELSE\n    changes := fieldapp_observation_json(OLD);\n  END IF;\n  INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,\n          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,\n          actor, changes, proposer, source_annotation);\n  RETURN NULL;\nEND\n$function$",
    )
    op.create_entity(public_fieldapp_observation_history)

    public_observation_observation_history = PGTrigger(
        schema="public",
        signature="observation_history",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER INSERT OR DELETE OR UPDATE ON public.observation FOR EACH ROW WHEN ((current_setting('fieldapp.bulk_write'::text, true) IS DISTINCT FROM 'on'::text)) EXECUTE FUNCTION fieldapp_observation_history()",
    )
    op.create_entity(public_observation_observation_history)

    public_observation_observation_history_update = PGTrigger(
        schema="public",
        signature="observation_history_update",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER UPDATE ON public.observation REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows\n  FOR EACH STATEMENT WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')\n  EXECUTE FUNCTION fieldapp_observation_history_rows()",
    )
    op.drop_entity(public_observation_observation_history_update)

    public_observation_observation_history_insert = PGTrigger(
        schema="public",
        signature="observation_history_insert",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER INSERT ON public.observation REFERENCING NEW TABLE AS new_rows\n  FOR EACH STATEMENT WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')\n  EXECUTE FUNCTION fieldapp_observation_history_rows()",
    )
    op.drop_entity(public_observation_observation_history_insert)

    public_observation_observation_history_delete = PGTrigger(
        schema="public",
        signature="observation_history_delete",
        on_entity="public.observation",
        is_constraint=False,
        definition="AFTER DELETE ON public.observation REFERENCING OLD TABLE AS old_rows\n  FOR EACH STATEMENT WHEN (current_setting('fieldapp.bulk_write', true) IS DISTINCT FROM 'on')\n  EXECUTE FUNCTION fieldapp_observation_history_rows()",
    )
    op.drop_entity(public_observation_observation_history_delete)

    public_fieldapp_observation_history_rows = PGFunction(
        schema="public",
        signature="fieldapp_observation_history_rows()",
        definition="returns trigger LANGUAGE plpgsql AS $$\nDECLARE\n  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;\n  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;\n  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;\nBEGIN\n  IF TG_OP = 'INSERT' THEN\n    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n    SELECT n.id, 'create', actor, fieldapp_observation_json(n::observation), proposer, source_annotation\n      FROM new_rows n ORDER BY n.seq;\n  ELSIF TG_OP = 'UPDATE' THEN\n    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n    SELECT n.id, 'update', actor, c.changes, proposer, source_annotation\n      FROM new_rows n JOIN old_rows o ON o.id = n.id\n     CROSS JOIN LATERAL (\n       SELECT jsonb_object_agg(nj.key, jsonb_build_object('from', oj.value, 'to', nj.value)) AS changes\n         FROM jsonb_each(fieldapp_observation_json(n::observation)) AS nj\n         JOIN jsonb_each(fieldapp_observation_json(o::observation)) AS oj USING (key)\n        WHERE nj.value IS DISTINCT FROM oj.value) AS c\n     WHERE c.changes IS NOT NULL\n     ORDER BY n.seq;\n  ELSE\n    INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)\n    SELECT o.id, 'delete', actor, fieldapp_observation_json(o::observation), proposer, source_annotation\n      FROM old_rows o ORDER BY o.seq;\n  END IF;\n  RETURN NULL;\nEND\n$$",
    )
    op.drop_entity(public_fieldapp_observation_history_rows)
