"""Comparison cells kept for vector tiles: the comparison page no longer inlines every cell.

A comparison by knowledge kind over a large imported layer made a 17.5 MB page (every cell in
the folium script). The page now stores its run's classified cells (in Web Mercator, with a GiST
index) and its map draws them as vector tiles; runs older than Settings.comparison_keep_h go.

Revision ID: 0016
Revises: 0015
"""

from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comparison_run",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("cell_m", sa.Float(), nullable=False),
        sa.Column("shape", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_run")),
    )
    op.create_index(op.f("ix_comparison_run_created_at"), "comparison_run", ["created_at"], unique=False)
    op.create_geospatial_table(
        "comparison_cell",
        sa.Column("run_id", sa.UUID(), nullable=False),
        sa.Column("i", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("j", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("class", sa.String(length=24), nullable=False),
        sa.Column("a_present", sa.BigInteger(), nullable=False),
        sa.Column("a_absent", sa.BigInteger(), nullable=False),
        sa.Column("b_present", sa.BigInteger(), nullable=False),
        sa.Column("b_absent", sa.BigInteger(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POLYGON",
                srid=3857,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["comparison_run.id"], name=op.f("fk_comparison_cell_run_id_comparison_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "i", "j", name=op.f("pk_comparison_cell")),
    )
    op.create_geospatial_index(
        "ix_comparison_cell_geom", "comparison_cell", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )


def downgrade() -> None:
    op.drop_geospatial_index(
        "ix_comparison_cell_geom", table_name="comparison_cell", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("comparison_cell")
    op.drop_index(op.f("ix_comparison_run_created_at"), table_name="comparison_run")
    op.drop_table("comparison_run")
