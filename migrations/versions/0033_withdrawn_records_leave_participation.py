"""Withdrawn records leave the participation rollup, as they leave every other output (issue 15).

The trigger function counts only records not withdrawn, so a withdrawal (an update) takes its
records out of participation_month; the rollup is rebuilt from observation once, without the records
withdrawn before now.

Revision ID: 0033
Revises: 0032
"""

from alembic import op
from alembic_utils.pg_function import PGFunction

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

REBUILD = """
    DELETE FROM participation_month;
    INSERT INTO participation_month (month, dataset_id, contributor_key, observations, minutes, timed)
    SELECT date_trunc('month', created_at)::date, dataset_id, coalesce(contributor_id, -entered_by, 0),
           count(*), coalesce(sum(time_spent_min), 0), count(time_spent_min)
      FROM observation WHERE {kept} GROUP BY 1, 2, 3
"""


def upgrade() -> None:
    public_fieldapp_participation_changed = PGFunction(
        schema="public",
        signature="fieldapp_participation_changed()",
        definition="returns trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)\n    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),\n           -1 * count(*), -1 * coalesce(sum(r.time_spent_min), 0), -1 * count(r.time_spent_min)\n      FROM old_rows r WHERE r.withdrawn_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3\n    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE\n      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,\n          timed = p.timed + EXCLUDED.timed;\n  END IF;\n  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)\n    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),\n           1 * count(*), 1 * coalesce(sum(r.time_spent_min), 0), 1 * count(r.time_spent_min)\n      FROM new_rows r WHERE r.withdrawn_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3\n    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE\n      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,\n          timed = p.timed + EXCLUDED.timed;\n  END IF;\n  DELETE FROM participation_month WHERE observations <= 0;\n  RETURN NULL;\nEND\n$$",
    )
    op.replace_entity(public_fieldapp_participation_changed)
    op.execute(REBUILD.format(kept="withdrawn_at IS NULL"))


def downgrade() -> None:
    public_fieldapp_participation_changed = PGFunction(
        schema="public",
        signature="fieldapp_participation_changed()",
        definition="returns trigger\n LANGUAGE plpgsql\nAS $function$\nBEGIN\n  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)\n    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),\n           -1 * count(*), -1 * coalesce(sum(r.time_spent_min), 0), -1 * count(r.time_spent_min)\n      FROM old_rows r GROUP BY 1, 2, 3 ORDER BY 1, 2, 3\n    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE\n      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,\n          timed = p.timed + EXCLUDED.timed;\n  END IF;\n  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n    INSERT INTO participation_month AS p (month, dataset_id, contributor_key, observations, minutes, timed)\n    SELECT date_trunc('month', r.created_at)::date, r.dataset_id, coalesce(r.contributor_id, -r.entered_by, 0),\n           1 * count(*), 1 * coalesce(sum(r.time_spent_min), 0), 1 * count(r.time_spent_min)\n      FROM new_rows r GROUP BY 1, 2, 3 ORDER BY 1, 2, 3\n    ON CONFLICT (month, dataset_id, contributor_key) DO UPDATE\n      SET observations = p.observations + EXCLUDED.observations, minutes = p.minutes + EXCLUDED.minutes,\n          timed = p.timed + EXCLUDED.timed;\n  END IF;\n  DELETE FROM participation_month WHERE observations <= 0;\n  RETURN NULL;\nEND\n$function$",
    )
    op.replace_entity(public_fieldapp_participation_changed)
    op.execute(REBUILD.format(kept="true"))
