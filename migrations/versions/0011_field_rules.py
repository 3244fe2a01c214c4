"""Field rules as CHECK constraints: dates, uncertainty, counts, time spent and free-text lengths.

The bounds come from fieldapp/rules.py, the one home of field limits, which also feeds the API
schemas and the importer, so a value one of them refuses the database refuses too. Dates are held
to EARLIEST .. now + FUTURE_TOLERANCE: PostgreSQL accepts dates Python cannot read (year 1 at
+14:00 is stored as 1 BC, and every read of it then fails). The future bound uses
clock_timestamp(), which only grows, so a stored row never turns invalid.

A database that already holds rows outside the bounds gets the constraints NOT VALID (new and
changed rows are checked; the old ones stay readable for staff to correct) instead of a failed
upgrade; a clean database gets them validated. Changing a rule later needs a new migration that
drops and re-adds its constraint.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from fieldapp import rules

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Constraints this migration replaces, with their old text for the downgrade.
OLD = {
    "count": "count IS NULL OR count >= 0",
    "uncertainty": "coordinate_uncertainty_m IS NULL OR coordinate_uncertainty_m >= 0",
    "time_spent_min": "time_spent_min IS NULL OR time_spent_min >= 0",
}


def checks() -> dict[str, str]:
    """Every constraint this migration adds, by name, as rules.py writes it."""
    return {
        "count": rules.COUNT.check(),
        "uncertainty": rules.UNCERTAINTY.check(),
        "time_spent_min": rules.TIME_SPENT.check(),
        "observed_start_range": rules.date_check("observed_start"),
        "observed_end_range": rules.date_check("observed_end"),
        **{f"{column}_length": rules.text_check(column) for column in rules.CHECKED_TEXT},
    }


def upgrade() -> None:
    conn = op.get_bind()
    for name in OLD:
        op.drop_constraint(op.f(f"ck_observation_{name}"), "observation", type_="check")
    for name, condition in checks().items():
        conn.execute(
            sa.text(f"ALTER TABLE observation ADD CONSTRAINT ck_observation_{name} CHECK ({condition}) NOT VALID")
        )
        if not conn.scalar(sa.text(f"SELECT EXISTS (SELECT 1 FROM observation WHERE NOT ({condition}))")):
            conn.execute(sa.text(f"ALTER TABLE observation VALIDATE CONSTRAINT ck_observation_{name}"))


def downgrade() -> None:
    for name in checks():
        op.drop_constraint(op.f(f"ck_observation_{name}"), "observation", type_="check")
    for name, condition in OLD.items():
        op.create_check_constraint(op.f(f"ck_observation_{name}"), "observation", condition)
