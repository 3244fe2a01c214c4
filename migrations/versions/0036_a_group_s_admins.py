"""A group's admins: membership.role ('member' or 'admin'); only admins withdraw the group's records (issue 15).

Until now any member could withdraw everything credited to the group. Existing memberships stay
'member': a group's admins are named afterwards (`fieldapp users group-role EMAIL GROUP_ID`), so nobody gains the
right by the upgrade.

Revision ID: 0036
Revises: 0035
"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("membership", sa.Column("role", sa.String(length=16), server_default="member", nullable=False))
    op.create_check_constraint("role", "membership", "role IN ('member', 'admin')")


def downgrade() -> None:
    op.drop_constraint("role", "membership", type_="check")
    op.drop_column("membership", "role")
