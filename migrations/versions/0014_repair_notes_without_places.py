"""Repair notes without coordinates: strip the place GEOS wrote into stored notes.

GEOS's validity reason ends with where the problem is ("Self-intersection[-2.12 49.20]"), and
notes were built from it, so a generalised or private record's note carried its precise place.
fieldapp.geo.repair now writes notes from a fixed vocabulary; this strips the bracketed place
from every stored note, in the observations and in their history. Not reversible (the places
are gone on purpose): the downgrade leaves the cleaned notes.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PLACE = r"'\s*\[[^]]*\]'"


def upgrade() -> None:
    # The bulk flag keeps the row triggers out: nothing about the record changes but its note's place.
    op.execute("SELECT set_config('fieldapp.bulk_write', 'on', true)")
    op.execute(
        f"UPDATE observation SET repair_note = regexp_replace(repair_note, {PLACE}, '', 'g')"
        " WHERE repair_note LIKE '%[%'"
    )
    op.execute("SELECT set_config('fieldapp.bulk_write', '', true)")
    # History is append-only (a rule turns updates into nothing): lifted for this cleaning alone.
    _append_only("DISABLE")
    op.execute(
        "UPDATE observation_history SET changes = jsonb_set(changes, '{repair_note}',"
        f" to_jsonb(regexp_replace(changes->>'repair_note', {PLACE}, '', 'g')))"
        " WHERE jsonb_typeof(changes->'repair_note') = 'string' AND changes->>'repair_note' LIKE '%[%'"
    )
    # An update's history holds {"from": ..., "to": ...} for a changed note.
    for side in ("from", "to"):
        op.execute(
            f"UPDATE observation_history SET changes = jsonb_set(changes, '{{repair_note,{side}}}',"
            f" to_jsonb(regexp_replace(changes->'repair_note'->>'{side}', {PLACE}, '', 'g')))"
            f" WHERE jsonb_typeof(changes->'repair_note'->'{side}') = 'string'"
            f" AND changes->'repair_note'->>'{side}' LIKE '%[%'"
        )
    _append_only("ENABLE")


def _append_only(action: str) -> None:
    """Lift or restore the append-only guard: the rule of 0001 here, the trigger 0019 replaced it with
    when this cleaning is run again on a later schema (as its test does)."""
    op.execute(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_rules WHERE rulename = 'observation_history_no_update') THEN"
        f" ALTER TABLE observation_history {action} RULE observation_history_no_update;"
        f" ELSE ALTER TABLE observation_history {action} TRIGGER observation_history_append_only; END IF; END $$"
    )


def downgrade() -> None:
    pass
