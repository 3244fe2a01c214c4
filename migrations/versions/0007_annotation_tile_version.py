"""Annotations move the tile version: tiles carry each record's review tally.

Vector tiles now hold how many people corroborated and questioned each record, and can be
filtered by review state, so adding, answering or removing an annotation changes the tiles of
its observation's dataset: the statement-level trigger moves that dataset's
map_dataset_state.version, from which tiles derive their ETag.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _bump(rows: str) -> str:
    return f"""
    UPDATE map_dataset_state s SET version = s.version + 1, changed_at = now()
     WHERE s.dataset_id IN (SELECT o.dataset_id FROM observation o
                             WHERE o.id IN (SELECT r.observation_id FROM {rows} r));
    """


TRIGGERS = f"""
CREATE FUNCTION fieldapp_map_annotation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_bump("old_rows")}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_bump("new_rows")}
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER annotation_map_insert AFTER INSERT ON annotation
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_annotation_changed();
CREATE TRIGGER annotation_map_update AFTER UPDATE ON annotation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_annotation_changed();
CREATE TRIGGER annotation_map_delete AFTER DELETE ON annotation
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldapp_map_annotation_changed();
"""


def upgrade() -> None:
    op.execute(TRIGGERS)


def downgrade() -> None:
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS annotation_map_{name} ON annotation")
    op.execute("DROP FUNCTION IF EXISTS fieldapp_map_annotation_changed()")
