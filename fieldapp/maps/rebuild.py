"""Rebuild a dataset's map aggregates (map_cell, map_dataset_state) from its records, in one transaction.

The triggers keep the aggregates on every write; a rebuild repairs them after work that went around the
triggers (a bulk load with them off, a restore of part of the data, a change of the stored levels). It
locks the dataset's row FOR UPDATE, which waits for the writers into the dataset in flight (each holds
FOR KEY SHARE on it through its foreign key) and holds new ones back until it commits: the counts it writes
are the records' at one instant, and no trigger adds to cells it is replacing.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_POINT = "o.public_geom IS NOT NULL AND ST_Dimension(o.public_geom) = 0"


def rebuild_map_aggregates(session: Session, dataset_id: int) -> int | None:
    """Recount the dataset's cells and shapes and move its tile version on; its public points (None: no dataset).

    Does not commit: the caller commits with whatever else ends the work (a job's outcome).
    """
    locked = session.execute(text("SELECT id FROM dataset WHERE id = :d FOR UPDATE"), {"d": dataset_id}).first()
    if locked is None:
        return None
    session.execute(text("DELETE FROM map_cell WHERE dataset_id = :d"), {"d": dataset_id})
    session.execute(
        text(f"""
        INSERT INTO map_cell (dataset_id, level, cx, cy, n)
        SELECT o.dataset_id, c.level, c.cx, c.cy, count(*)::integer
          FROM observation o CROSS JOIN LATERAL fieldapp_map_cells(o.public_geom) c
         WHERE o.dataset_id = :d AND {_POINT}
         GROUP BY 1, 2, 3, 4"""),
        {"d": dataset_id},
    )
    return session.execute(
        text("""
        INSERT INTO map_dataset_state AS s (dataset_id, points, lines, areas)
        SELECT :d,
               count(*) FILTER (WHERE ST_Dimension(o.public_geom) = 0),
               count(*) FILTER (WHERE ST_Dimension(o.public_geom) = 1),
               count(*) FILTER (WHERE ST_Dimension(o.public_geom) = 2)
          FROM observation o WHERE o.dataset_id = :d AND o.public_geom IS NOT NULL
        ON CONFLICT (dataset_id) DO UPDATE SET version = s.version + 1, points = EXCLUDED.points,
          lines = EXCLUDED.lines, areas = EXCLUDED.areas, changed_at = now()
        RETURNING points"""),
        {"d": dataset_id},
    ).scalar_one()
