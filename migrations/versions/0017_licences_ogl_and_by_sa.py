"""Licences: the Open Government Licence v3.0 (OGL-UK-3.0) and CC-BY-SA-4.0 join the vocabulary.

OGL-UK-3.0 is the licence of the UK survey layers users import; CC-BY-SA-4.0 is common for
community data. The lists are written out here (not read from fieldapp.vocab) so that this
migration keeps meaning what it meant when a later one changes the vocabulary again.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD = ("CC0-1.0", "CC-BY-4.0", "CC-BY-NC-4.0", "restricted")
NEW = ("CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "OGL-UK-3.0", "restricted")
TABLES = ("dataset", "observation")


def _check(codes: tuple[str, ...]) -> str:
    return "licence IN (" + ", ".join(f"'{code}'" for code in codes) + ")"


def upgrade() -> None:
    for table in TABLES:
        op.drop_constraint(f"ck_{table}_licence", table)
        op.create_check_constraint("licence", table, _check(NEW))


def downgrade() -> None:
    # Records under the new licences cannot be kept under the old constraint: say so instead of guessing.
    for table in TABLES:
        op.execute(
            f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM {table} WHERE licence IN ('CC-BY-SA-4.0', 'OGL-UK-3.0')) THEN"
            f" RAISE EXCEPTION '{table} rows use CC-BY-SA-4.0 or OGL-UK-3.0: change their licence first'; END IF; END $$"
        )
        op.drop_constraint(f"ck_{table}_licence", table)
        op.create_check_constraint("licence", table, _check(OLD))
