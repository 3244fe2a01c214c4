"""Set-based insertion of new observations: public geometry and history written by one statement.

The row triggers on observation (public geometry, history) cost a PL/pgSQL call, two lookups and
a queued event per row. This statement does the same work for a whole batch: the effective
visibility, public_geom and public_precision_m come from fieldapp_public_place (migration 0006,
the one definition of the rules, which the row trigger calls too), and the history rows from a
data-modifying CTE with fieldapp_observation_json, the history trigger's own function. Only
while this statement runs is the transaction-local GUC fieldapp.bulk_write 'on', which is what
lets the row triggers skip; any other write still goes through them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.db import no_jit

# What the history trigger reads from the transaction, with its expressions.
_HISTORY_CONTEXT = {
    "actor_id": "nullif(current_setting('fieldapp.actor_id', true), '')::integer",
    "proposed_by": "nullif(current_setting('fieldapp.proposed_by', true), '')::integer",
    "annotation_id": "nullif(current_setting('fieldapp.annotation_id', true), '')::bigint",
}
_SET_FLAG = text("SELECT set_config('fieldapp.bulk_write', 'on', true)")
_CLEAR_FLAG = text("SELECT set_config('fieldapp.bulk_write', '', true)")


def insert_sql(columns: list[str], source: str, conflict: str, returning: str) -> str:
    """The bulk statement: `source` is a SELECT giving `columns` (with the requested visibility).

    `conflict` is the ON CONFLICT target, e.g. "(id)"; conflicting rows are skipped. `returning`
    is "ids" (the new ids) or "count" (how many were inserted).
    """
    plain = [c for c in columns if c != "visibility"]
    names = ", ".join([*plain, "visibility", "public_geom", "public_precision_m"])
    picked = ", ".join([*(f"src.{c}" for c in plain), "p.visibility", "p.public_geom", "p.public_precision_m"])
    context_names = ", ".join(_HISTORY_CONTEXT)
    context_values = ", ".join(_HISTORY_CONTEXT.values())
    final = "SELECT (written).id FROM ins" if returning == "ids" else "SELECT count(*) FROM ins"
    return f"""
WITH ins AS (
  INSERT INTO observation ({names})
  SELECT {picked}
    FROM ({source}) AS src
    CROSS JOIN LATERAL fieldapp_public_place(src.geom, src.visibility, src.coordinate_uncertainty_m,
                                             src.dataset_id, src.subject_id) AS p
  ON CONFLICT {conflict} DO NOTHING
  RETURNING observation AS written
), history AS (
  INSERT INTO observation_history (observation_id, action, changes, {context_names})
  SELECT (written).id, 'create', fieldapp_observation_json(written), {context_values} FROM ins
)
{final}"""


def run(session: Session, statement: str, params: dict[str, Any]) -> list[Any]:
    """Execute a statement from insert_sql with the row triggers' bulk flag on, then clear it."""
    session.execute(_SET_FLAG)
    with no_jit(session):
        result = list(session.execute(text(statement), params).scalars())
    # Clear it before anything else runs in this transaction. If the statement failed, the
    # transaction (or savepoint) is rolled back, and that undoes the flag with it.
    session.execute(_CLEAR_FLAG)
    return result
