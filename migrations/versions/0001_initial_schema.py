"""Initial schema: the shared record model.

Every kind of knowledge in one observation table; the public geometry and the
history are written by triggers so that no write path can forget them.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 07:59:56.778864
"""

from alembic import op
import sqlalchemy as sa
import geoalchemy2
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The cells of a fixed square grid in the metric CRS that a geometry touches, back in
# EPSG:4326. A fixed grid, never a random offset, so repeated records leak nothing more.
GENERALISE = """
CREATE FUNCTION fieldapp_generalise(g geometry, cell_m double precision, metric_srid integer)
RETURNS geometry LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT ST_Transform(ST_SetSRID(ST_Union(c.geom), metric_srid), 4326)
  FROM (SELECT ST_Transform(g, metric_srid) AS mg) AS m,
       LATERAL ST_SquareGrid(cell_m, m.mg) AS c
  WHERE ST_Intersects(c.geom, m.mg)
$$
"""

# Computes the public geometry on every write. A subject or dataset may force
# generalisation; the cell is the largest of the sizes that apply.
PUBLIC_GEOM_TRIGGER = """
CREATE FUNCTION fieldapp_observation_public_geom() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  metric_srid integer := coalesce(nullif(current_setting('fieldapp.metric_srid', true), '')::integer, 3109);
  default_cell integer := coalesce(nullif(current_setting('fieldapp.generalise_m', true), '')::integer, 1000);
  dataset_cell integer;
  dataset_forces boolean;
  subject_cell integer;
  cell double precision;
BEGIN
  SELECT generalise_m, force_generalised INTO dataset_cell, dataset_forces
    FROM dataset WHERE id = NEW.dataset_id;
  IF NEW.subject_id IS NOT NULL THEN
    SELECT generalise_m INTO subject_cell FROM subject WHERE id = NEW.subject_id;
  END IF;
  IF NEW.visibility = 'public' AND (dataset_forces OR subject_cell IS NOT NULL) THEN
    NEW.visibility := 'generalised';
  END IF;
  cell := greatest(coalesce(dataset_cell, default_cell), coalesce(subject_cell, 0));
  IF NEW.visibility = 'public' THEN
    NEW.public_geom := NEW.geom;
    NEW.public_precision_m := NEW.coordinate_uncertainty_m;
  ELSIF NEW.visibility = 'generalised' THEN
    NEW.public_geom := fieldapp_generalise(NEW.geom, cell, metric_srid);
    NEW.public_precision_m := cell;
  ELSE
    NEW.public_geom := NULL;
    NEW.public_precision_m := NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER observation_public_geom BEFORE INSERT OR UPDATE ON observation
  FOR EACH ROW EXECUTE FUNCTION fieldapp_observation_public_geom();
"""

# Appends who changed what. The actor is set per transaction by the service
# (fieldapp.db.set_actor); derived and bookkeeping columns are left out.
HISTORY_TRIGGER = """
CREATE FUNCTION fieldapp_observation_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor integer := nullif(current_setting('fieldapp.actor_id', true), '')::integer;
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
  INSERT INTO observation_history (observation_id, action, actor_id, changes)
  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          actor, changes);
  RETURN NULL;
END
$$;
CREATE TRIGGER observation_history AFTER INSERT OR UPDATE OR DELETE ON observation
  FOR EACH ROW EXECUTE FUNCTION fieldapp_observation_history();
CREATE RULE observation_history_no_update AS ON UPDATE TO observation_history DO INSTEAD NOTHING;
CREATE RULE observation_history_no_delete AS ON DELETE TO observation_history DO INSTEAD NOTHING;
"""

FUNCTIONS_AND_TRIGGERS = [GENERALISE, PUBLIC_GEOM_TRIGGER, HISTORY_TRIGGER]

DROP_FUNCTIONS_AND_TRIGGERS = """
DROP TRIGGER IF EXISTS observation_history ON observation;
DROP TRIGGER IF EXISTS observation_public_geom ON observation;
DROP FUNCTION IF EXISTS fieldapp_observation_history();
DROP FUNCTION IF EXISTS fieldapp_observation_public_geom();
DROP FUNCTION IF EXISTS fieldapp_generalise(geometry, double precision, integer);
"""


def upgrade() -> None:
    op.create_table(
        "contributor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("orcid", sa.String(length=19), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('person', 'group')", name=op.f("ck_contributor_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor")),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index(op.f("ix_login_failure_at"), "login_failure", ["at"], unique=False)
    op.create_index(op.f("ix_login_failure_email"), "login_failure", ["email"], unique=False)
    op.create_table(
        "observation_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("observation_id", sa.UUID(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("action IN ('create', 'update', 'delete')", name=op.f("ck_observation_history_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_history")),
    )
    op.create_index(
        op.f("ix_observation_history_observation_id"), "observation_history", ["observation_id"], unique=False
    )
    op.create_table(
        "subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scientific_name", sa.String(length=200), nullable=True),
        sa.Column("aphia_id", sa.Integer(), nullable=True),
        sa.Column("gbif_key", sa.Integer(), nullable=True),
        sa.Column("eunis_code", sa.String(length=32), nullable=True),
        sa.Column("generalise_m", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('taxon', 'habitat', 'other')", name=op.f("ck_subject_kind")),
        sa.CheckConstraint(
            "generalise_m IS NULL OR generalise_m BETWEEN 10 AND 100000", name=op.f("ck_subject_generalise_m")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject")),
    )
    op.create_index(op.f("ix_subject_eunis_code"), "subject", ["eunis_code"], unique=False)
    op.create_index(op.f("ix_subject_scientific_name"), "subject", ["scientific_name"], unique=False)
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("knowledge_kind", sa.String(length=16), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("steward_id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(length=16), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("default_visibility", sa.String(length=16), nullable=False),
        sa.Column("generalise_m", sa.Integer(), nullable=True),
        sa.Column("force_generalised", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "default_visibility IN ('public', 'generalised', 'private')", name=op.f("ck_dataset_default_visibility")
        ),
        sa.CheckConstraint(
            "knowledge_kind IN ('local', 'volunteer', 'scientific', 'historical')",
            name=op.f("ck_dataset_knowledge_kind"),
        ),
        sa.CheckConstraint(
            "licence IN ('CC0-1.0', 'CC-BY-4.0', 'CC-BY-NC-4.0', 'restricted')", name=op.f("ck_dataset_licence")
        ),
        sa.CheckConstraint(
            "generalise_m IS NULL OR generalise_m BETWEEN 10 AND 100000", name=op.f("ck_dataset_generalise_m")
        ),
        sa.ForeignKeyConstraint(["steward_id"], ["contributor.id"], name=op.f("fk_dataset_steward_id_contributor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset")),
        sa.UniqueConstraint("slug", name=op.f("uq_dataset_slug")),
    )
    op.create_index(op.f("ix_dataset_knowledge_kind"), "dataset", ["knowledge_kind"], unique=False)
    op.create_index(op.f("ix_dataset_steward_id"), "dataset", ["steward_id"], unique=False)
    op.create_table(
        "membership",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["contributor.id"], name=op.f("fk_membership_group_id_contributor"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["contributor.id"], name=op.f("fk_membership_member_id_contributor"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_membership")),
    )
    op.create_table(
        "subject_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=True),
        sa.Column("contributor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contributor_id"], ["contributor.id"], name=op.f("fk_subject_name_contributor_id_contributor")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_subject_name_subject_id_subject"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_name")),
    )
    op.create_index(op.f("ix_subject_name_name"), "subject_name", ["name"], unique=False)
    op.create_index(op.f("ix_subject_name_subject_id"), "subject_name", ["subject_id"], unique=False)
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        sa.Column("default_dataset_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("role IN ('member', 'steward', 'staff', 'admin')", name=op.f("ck_user_account_role")),
        sa.ForeignKeyConstraint(
            ["contributor_id"], ["contributor.id"], name=op.f("fk_user_account_contributor_id_contributor")
        ),
        sa.ForeignKeyConstraint(
            ["default_dataset_id"],
            ["dataset.id"],
            name=op.f("fk_user_account_default_dataset_id_dataset"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)
    op.create_geospatial_table(
        "observation",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("contributor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_text", sa.String(length=500), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_text", sa.String(length=300), nullable=True),
        sa.Column("occurrence_status", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("abundance_scale", sa.String(length=16), nullable=True),
        sa.Column("abundance_value", sa.String(length=16), nullable=True),
        sa.Column("abundance_verbatim", sa.String(length=100), nullable=True),
        sa.Column("trend", sa.String(length=16), nullable=True),
        sa.Column("observed_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("observed_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("time_precision", sa.String(length=8), nullable=False),
        sa.Column("season_months", postgresql.ARRAY(sa.SmallInteger()), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("coordinate_uncertainty_m", sa.Float(), nullable=True),
        sa.Column("visibility", sa.String(length=12), nullable=False),
        sa.Column(
            "public_geom",
            Geometry(srid=4326, dimension=2, spatial_index=False, from_text="ST_GeomFromEWKT", name="geometry"),
            nullable=True,
        ),
        sa.Column("public_precision_m", sa.Float(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=True),
        sa.Column("method", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("attributes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("licence", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=True),
        sa.Column("repair_note", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "abundance_scale IS NULL OR abundance_scale IN ('SACFOR', 'DAFOR', 'DOMIN', 'percent_cover')",
            name=op.f("ck_observation_abundance_scale"),
        ),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence IN ('certain', 'probable', 'possible')",
            name=op.f("ck_observation_confidence"),
        ),
        sa.CheckConstraint(
            "licence IN ('CC0-1.0', 'CC-BY-4.0', 'CC-BY-NC-4.0', 'restricted')", name=op.f("ck_observation_licence")
        ),
        sa.CheckConstraint("occurrence_status IN ('present', 'absent')", name=op.f("ck_observation_occurrence_status")),
        sa.CheckConstraint(
            "time_precision IN ('instant', 'day', 'month', 'season', 'year', 'decade')",
            name=op.f("ck_observation_time_precision"),
        ),
        sa.CheckConstraint(
            "trend IS NULL OR trend IN ('increasing', 'stable', 'decreasing')", name=op.f("ck_observation_trend")
        ),
        sa.CheckConstraint(
            "visibility IN ('public', 'generalised', 'private')", name=op.f("ck_observation_visibility")
        ),
        sa.CheckConstraint(
            "(abundance_scale IS NULL) = (abundance_value IS NULL)", name=op.f("ck_observation_abundance_pair")
        ),
        sa.CheckConstraint("ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name=op.f("ck_observation_geom_valid")),
        sa.CheckConstraint(
            "coordinate_uncertainty_m IS NULL OR coordinate_uncertainty_m >= 0", name=op.f("ck_observation_uncertainty")
        ),
        sa.CheckConstraint("count IS NULL OR count >= 0", name=op.f("ck_observation_count")),
        sa.CheckConstraint(
            "observed_end IS NULL OR observed_end >= observed_start", name=op.f("ck_observation_interval")
        ),
        sa.CheckConstraint(
            "season_months <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12]::smallint[]", name=op.f("ck_observation_season_months")
        ),
        sa.CheckConstraint("subject_id IS NOT NULL OR subject_text IS NOT NULL", name=op.f("ck_observation_subject")),
        sa.ForeignKeyConstraint(
            ["contributor_id"], ["contributor.id"], name=op.f("fk_observation_contributor_id_contributor")
        ),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_observation_dataset_id_dataset")),
        sa.ForeignKeyConstraint(
            ["entered_by"],
            ["user_account.id"],
            name=op.f("fk_observation_entered_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], name=op.f("fk_observation_subject_id_subject")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
        sa.UniqueConstraint("dataset_id", "source_ref", name=op.f("uq_observation_dataset_id_source_ref")),
        sa.UniqueConstraint("seq", name=op.f("uq_observation_seq")),
    )
    op.create_index(op.f("ix_observation_contributor_id"), "observation", ["contributor_id"], unique=False)
    op.create_index(op.f("ix_observation_dataset_id"), "observation", ["dataset_id"], unique=False)
    op.create_geospatial_index(
        "ix_observation_geom", "observation", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index("ix_observation_observed", "observation", ["observed_start", "observed_end"], unique=False)
    op.create_geospatial_index(
        "ix_observation_public_geom",
        "observation",
        ["public_geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_observation_subject_id"), "observation", ["subject_id"], unique=False)
    op.create_geospatial_table(
        "media",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("observation_id", sa.UUID(), nullable=False),
        sa.Column("stored_path", sa.String(length=500), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("exif_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "exif_geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("public_path", sa.String(length=500), nullable=True),
        sa.Column("thumb_path", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["observation_id"], ["observation.id"], name=op.f("fk_media_observation_id_observation"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
    )
    op.create_index(op.f("ix_media_observation_id"), "media", ["observation_id"], unique=False)

    for statement in FUNCTIONS_AND_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    op.execute(DROP_FUNCTIONS_AND_TRIGGERS)
    op.drop_index(op.f("ix_media_observation_id"), table_name="media")
    op.drop_geospatial_table("media")
    op.drop_index(op.f("ix_observation_subject_id"), table_name="observation")
    op.drop_geospatial_index(
        "ix_observation_public_geom", table_name="observation", postgresql_using="gist", column_name="public_geom"
    )
    op.drop_index("ix_observation_observed", table_name="observation")
    op.drop_geospatial_index(
        "ix_observation_geom", table_name="observation", postgresql_using="gist", column_name="geom"
    )
    op.drop_index(op.f("ix_observation_dataset_id"), table_name="observation")
    op.drop_index(op.f("ix_observation_contributor_id"), table_name="observation")
    op.drop_geospatial_table("observation")
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")
    op.drop_table("api_token")
    op.drop_table("user_account")
    op.drop_index(op.f("ix_subject_name_subject_id"), table_name="subject_name")
    op.drop_index(op.f("ix_subject_name_name"), table_name="subject_name")
    op.drop_table("subject_name")
    op.drop_table("membership")
    op.drop_index(op.f("ix_dataset_steward_id"), table_name="dataset")
    op.drop_index(op.f("ix_dataset_knowledge_kind"), table_name="dataset")
    op.drop_table("dataset")
    op.drop_index(op.f("ix_subject_scientific_name"), table_name="subject")
    op.drop_index(op.f("ix_subject_eunis_code"), table_name="subject")
    op.drop_table("subject")
    op.drop_index(op.f("ix_observation_history_observation_id"), table_name="observation_history")
    op.drop_table("observation_history")
    op.drop_index(op.f("ix_login_failure_email"), table_name="login_failure")
    op.drop_index(op.f("ix_login_failure_at"), table_name="login_failure")
    op.drop_table("login_failure")
    op.drop_table("contributor")
