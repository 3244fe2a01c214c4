"""Data agreements per dataset and withdrawn records, both read by the access gate.

dataset_agreement holds the terms a dataset's holders lend it on (purpose, allowed uses,
commercial use, audience, embargo, review date, Traditional Knowledge / Biocultural labels with
the community's own text); access.dataset_open and its SQL twin keep the records of an embargoed
or audience-restricted dataset from those outside it. fieldapp_today() is the day embargoes are
read against. observation.withdrawn_at/withdrawn_by mark a record its contributor withdrew: the
public geometry trigger now blanks a withdrawn record's public geometry, so it leaves the map
aggregates, tiles and comparisons in the same statement.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op
from alembic_utils.pg_function import PGFunction
from sqlalchemy.dialects import postgresql

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TODAY = PGFunction(
    schema="public",
    signature="fieldapp_today()",
    definition="returns date LANGUAGE sql STABLE AS $$\n  SELECT coalesce(nullif(current_setting('fieldapp.today', true), '')::date, current_date)\n$$",
)
_PUBLIC_GEOM_HEAD = "returns trigger LANGUAGE plpgsql AS $$\nBEGIN\n  SELECT p.visibility, p.public_geom, p.public_precision_m\n    INTO NEW.visibility, NEW.public_geom, NEW.public_precision_m\n    FROM fieldapp_public_place(NEW.geom, NEW.visibility, NEW.coordinate_uncertainty_m, NEW.dataset_id,\n                               NEW.subject_id) AS p;\n"
_PUBLIC_GEOM_WITHDRAWN = "  IF NEW.withdrawn_at IS NOT NULL THEN\n    NEW.public_geom := NULL;\n    NEW.public_precision_m := NULL;\n  END IF;\n"
_PUBLIC_GEOM_TAIL = "  IF TG_OP = 'UPDATE' THEN\n    NEW.updated_at := now();\n  END IF;\n  RETURN NEW;\nEND\n$$"


def _public_geom(withdrawn: bool) -> PGFunction:
    body = _PUBLIC_GEOM_HEAD + (_PUBLIC_GEOM_WITHDRAWN if withdrawn else "") + _PUBLIC_GEOM_TAIL
    return PGFunction(schema="public", signature="fieldapp_observation_public_geom()", definition=body)


def upgrade() -> None:
    op.create_entity(TODAY)
    op.create_table(
        "dataset_agreement",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("uses", postgresql.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("commercial", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("audience_groups", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
        sa.Column("embargo_until", sa.Date(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "audience = 'groups' OR cardinality(audience_groups) = 0",
            name=op.f("ck_dataset_agreement_audience_groups"),
        ),
        sa.CheckConstraint(
            "audience IN ('everyone', 'members', 'groups', 'park')", name=op.f("ck_dataset_agreement_audience")
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_dataset_agreement_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_dataset_agreement")),
    )
    op.add_column("observation", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("observation", sa.Column("withdrawn_by", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_observation_withdrawn_by_user_account"),
        "observation",
        "user_account",
        ["withdrawn_by"],
        ["id"],
        ondelete="SET NULL",
    )
    op.replace_entity(_public_geom(withdrawn=True))


def downgrade() -> None:
    op.replace_entity(_public_geom(withdrawn=False))
    op.drop_constraint(op.f("fk_observation_withdrawn_by_user_account"), "observation", type_="foreignkey")
    op.drop_column("observation", "withdrawn_by")
    op.drop_column("observation", "withdrawn_at")
    op.drop_table("dataset_agreement")
    op.drop_entity(TODAY)
