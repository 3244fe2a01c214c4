"""Co-production: annotations, credit for accepted corrections, time spent, and a usage log.

The history trigger now also records who proposed a change (fieldapp.proposed_by) and
the annotation it came from, so an accepted correction credits both people.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

HISTORY_FUNCTION = """
CREATE OR REPLACE FUNCTION fieldapp_observation_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;
  proposer integer := nullif(current_setting('fieldapp.proposed_by', true), '')::integer;
  source_annotation bigint := nullif(current_setting('fieldapp.annotation_id', true), '')::bigint;
  skipped text[] := ARRAY['public_geom', 'public_precision_m', 'updated_at', 'created_at', 'seq', 'content_hash'];
  changes jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changes := to_jsonb(NEW) - skipped;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)) INTO changes
      FROM jsonb_each(to_jsonb(NEW) - skipped) AS n
      JOIN jsonb_each(to_jsonb(OLD)) AS o USING (key)
     WHERE n.value IS DISTINCT FROM o.value;
    IF changes IS NULL THEN
      RETURN NULL;
    END IF;
  ELSE
    changes := to_jsonb(OLD) - skipped;
  END IF;
  INSERT INTO observation_history (observation_id, action, actor_id, changes, proposed_by, annotation_id)
  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          actor, changes, proposer, source_annotation);
  RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.add_column("observation", sa.Column("time_spent_min", sa.Integer(), nullable=True))
    op.create_check_constraint("time_spent_min", "observation", "time_spent_min IS NULL OR time_spent_min >= 0")
    op.add_column("observation_history", sa.Column("proposed_by", sa.Integer(), nullable=True))
    op.add_column("observation_history", sa.Column("annotation_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "annotation",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("observation_id", sa.UUID(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("linked_observation_id", sa.UUID(), nullable=True),
        sa.Column("field", sa.String(length=16), nullable=True),
        sa.Column("proposed_value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('corroborate', 'question', 'context', 'correction')", name=op.f("ck_annotation_kind")
        ),
        sa.CheckConstraint("status IN ('open', 'accepted', 'answered')", name=op.f("ck_annotation_status")),
        sa.CheckConstraint(
            "field IS NULL OR field IN ('subject', 'date', 'quantity', 'place')", name=op.f("ck_annotation_field")
        ),
        sa.CheckConstraint("(kind = 'correction') = (field IS NOT NULL)", name=op.f("ck_annotation_correction_field")),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_annotation_author_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contributor_id"], ["contributor.id"], name=op.f("fk_annotation_contributor_id_contributor")
        ),
        sa.ForeignKeyConstraint(
            ["linked_observation_id"],
            ["observation.id"],
            name=op.f("fk_annotation_linked_observation_id_observation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_annotation_observation_id_observation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by"], ["contributor.id"], name=op.f("fk_annotation_responded_by_contributor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation")),
    )
    op.create_index(op.f("ix_annotation_observation_id"), "annotation", ["observation_id"])
    op.create_index(op.f("ix_annotation_contributor_id"), "annotation", ["contributor_id"])
    op.create_index(op.f("ix_annotation_created_at"), "annotation", ["created_at"])
    op.create_table(
        "usage_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("parameters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('export', 'comparison')", name=op.f("ck_usage_event_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_usage_event_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_event")),
    )
    op.create_index(op.f("ix_usage_event_at"), "usage_event", ["at"])
    op.create_table(
        "usage_dataset",
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_usage_dataset_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["usage_event.id"], name=op.f("fk_usage_dataset_event_id_usage_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "dataset_id", name=op.f("pk_usage_dataset")),
    )
    op.create_index(op.f("ix_usage_dataset_dataset_id"), "usage_dataset", ["dataset_id"])
    op.execute(HISTORY_FUNCTION)


def downgrade() -> None:
    op.drop_table("usage_dataset")
    op.drop_table("usage_event")
    op.drop_table("annotation")
    op.drop_column("observation_history", "annotation_id")
    op.drop_column("observation_history", "proposed_by")
    op.drop_constraint("ck_observation_time_spent_min", "observation")
    op.drop_column("observation", "time_spent_min")
