"""The interface's language on the account: en, fr or pt, or none (the browser's Accept-Language then).

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_account", sa.Column("language", sa.String(length=5), nullable=True))
    op.create_check_constraint(op.f("ck_user_account_language"), "user_account", "language IN ('en', 'fr', 'pt')")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_user_account_language"), "user_account", type_="check")
    op.drop_column("user_account", "language")
