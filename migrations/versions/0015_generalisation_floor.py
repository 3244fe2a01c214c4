"""Generalisation floor: no dataset or subject cell finer than 100 m, existing ones raised to the floor.

A steward could set a 10 m cell, so a "generalised" record showed its place to within about 11 m.
The app now refuses cells finer than Settings.generalise_floor_m (default 1,000 m, never under
100 m); the CHECK constraints hold the hard 100 m. Cells already stored below the deployment's
floor (the fieldapp.generalise_floor_m setting of the migrating connection, else 1,000 m) are
raised to it, and the public geometry of the records they cover is computed again by
fieldapp_public_place, the one definition of the rules. The downgrade restores the old bounds
but not the old, too fine cells.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FLOOR = "greatest(coalesce(nullif(current_setting('fieldapp.generalise_floor_m', true), '')::integer, 1000), 100)"
TABLES = ("dataset", "subject")


def upgrade() -> None:
    op.execute(
        "CREATE TEMPORARY TABLE raised_cells ON COMMIT DROP AS"
        f" SELECT 'dataset' AS kind, id FROM dataset WHERE generalise_m < {FLOOR}"
        f" UNION ALL SELECT 'subject', id FROM subject WHERE generalise_m < {FLOOR}"
    )
    for table in TABLES:
        op.execute(f"UPDATE {table} SET generalise_m = {FLOOR} WHERE generalise_m < {FLOOR}")
        op.drop_constraint(f"ck_{table}_generalise_m", table)
        op.create_check_constraint("generalise_m", table, "generalise_m IS NULL OR generalise_m BETWEEN 100 AND 100000")
    # The public cells change, nothing the history records does: the bulk flag keeps the row triggers out.
    op.execute("SELECT set_config('fieldapp.bulk_write', 'on', true)")
    op.execute(
        "UPDATE observation o SET (public_geom, public_precision_m) = (SELECT p.public_geom, p.public_precision_m"
        " FROM fieldapp_public_place(o.geom, o.visibility, o.coordinate_uncertainty_m, o.dataset_id, o.subject_id) p)"
        " WHERE o.visibility = 'generalised' AND (o.dataset_id IN (SELECT id FROM raised_cells WHERE kind = 'dataset')"
        " OR o.subject_id IN (SELECT id FROM raised_cells WHERE kind = 'subject'))"
    )
    op.execute("SELECT set_config('fieldapp.bulk_write', '', true)")


def downgrade() -> None:
    for table in TABLES:
        op.drop_constraint(f"ck_{table}_generalise_m", table)
        op.create_check_constraint("generalise_m", table, "generalise_m IS NULL OR generalise_m BETWEEN 10 AND 100000")
