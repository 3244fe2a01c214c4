"""History's row JSON is a SQL function: no PL/pgSQL call per row on the bulk writes (issue 12, target 6).

fieldapp_observation_json (the record as a history row keeps it) was PL/pgSQL: every row the bulk
writer (the API's batches, imports) inserted made one PL/pgSQL call for its history row, as did every
row of the history statement triggers. As a SQL function it is inlined into the statement that calls
it; the result is the same (both geometries blanked before to_jsonb, here by jsonb_populate_record;
the geometry added as GeoJSON), and about 10% cheaper per row.

Revision ID: 0045
Revises: 0044
"""

from alembic import op
from alembic_utils.pg_function import PGFunction

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade() -> None:
    public_fieldapp_observation_json = PGFunction(
        schema="public",
        signature="fieldapp_observation_json(o observation)",
        definition="returns jsonb LANGUAGE sql STABLE AS $$\n  SELECT (to_jsonb(jsonb_populate_record(o, jsonb_build_object('geom', NULL, 'public_geom', NULL)))\n          - ARRAY['geom', 'public_geom', 'public_precision_m', 'updated_at', 'created_at', 'seq', 'content_hash'])\n         || jsonb_build_object('geom', ST_AsGeoJSON(o.geom)::jsonb)\n$$",
    )
    op.replace_entity(public_fieldapp_observation_json)


def downgrade() -> None:
    public_fieldapp_observation_json = PGFunction(
        schema="public",
        signature="fieldapp_observation_json(o observation)",
        definition="returns jsonb LANGUAGE plpgsql STABLE AS $$\nDECLARE\n  g geometry := o.geom;\nBEGIN\n  o.geom := NULL;\n  o.public_geom := NULL;\n  RETURN (to_jsonb(o) - ARRAY['geom', 'public_geom', 'public_precision_m', 'updated_at', 'created_at', 'seq',\n                              'content_hash'])\n         || jsonb_build_object('geom', ST_AsGeoJSON(g)::jsonb);\nEND\n$$",
    )
    op.replace_entity(public_fieldapp_observation_json)
