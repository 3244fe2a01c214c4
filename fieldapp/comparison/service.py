"""Running a comparison: the grid statement, its summary and sides, and a note of the use made of the data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.comparison.queries import CSV_HEADER, Limits, compare, dataset_ids, estimate_work
from fieldapp.comparison.selection import Selection, selection_parameters
from fieldapp.comparison.summary import label, side_datasets, summarise
from fieldapp.config import Settings
from fieldapp.errors import bad_parameter
from fieldapp.geo.geojson import feature_collection
from fieldapp.usage import record_usage


@dataclass(frozen=True)
class Grid:
    """The cells both sides are counted in: size in metres, square or hex, in the deployment's metric CRS."""

    cell_m: float
    shape: str
    metric_srid: int
    # How much work a run may do (None: unbounded, for the CLI and benchmarks).
    limits: Limits | None = None
    # How long a page's stored cells are kept for its map, in hours.
    keep_h: int = 24


def grid_for(cell_m: float, shape: str, settings: Settings) -> Grid:
    """The grid a request asked for, with the deployment's CRS and work limits."""
    limits = Limits(settings.comparison_max_work, settings.comparison_timeout_s)
    return Grid(cell_m, shape, settings.metric_srid, limits, settings.comparison_keep_h)


def run_comparison(
    session: Session,
    a: Selection,
    b: Selection,
    grid: Grid,
    user_id: int | None,
    cells_format: str = "geojson",
    commit: bool = True,
) -> dict[str, Any]:
    """Compare two selections; everything a page or the API shows, cells as GeoJSON or CSV text, or
    stored for vector tiles (`tiles`: `run_id` names them, `cells` holds their number and box)."""
    cell_m, shape = grid.cell_m, grid.shape
    run_id = _new_run(session, grid) if cells_format == "tiles" else None
    result = compare(session, a, b, cell_m, shape, grid.metric_srid, cells_format, grid.limits, run_id)
    tallies = json.loads(result["tallies"] or "{}")
    for side in ("a", "b"):
        if side not in tallies:
            raise bad_parameter(side, "this selection holds no observations; widen it")
    _log_use(session, a, b, grid, user_id, json.loads(result["dataset_counts"] or "{}"), commit)
    datasets = {"a": side_datasets(session, a), "b": side_datasets(session, b)}
    labels = {side: label(sel, datasets[side]) for side, sel in (("a", a), ("b", b))}
    return {
        "cell_m": cell_m,
        "shape": shape,
        "sides": {side: {"label": labels[side], "datasets": datasets[side], **tallies[side]} for side in ("a", "b")},
        "summary": summarise(result, labels["a"], labels["b"]),
        "cells": result["features"],
        **({"run_id": run_id} if run_id else {}),
    }


def _new_run(session: Session, grid: Grid) -> str:
    """A run to keep the page's cells under; runs older than the grid's keep time go first."""
    session.execute(
        text("DELETE FROM comparison_run WHERE created_at < now() - make_interval(hours => :hours)"),
        {"hours": grid.keep_h},
    )
    run = session.execute(
        text("INSERT INTO comparison_run (cell_m, shape) VALUES (:cell_m, :shape) RETURNING id::text"),
        {"cell_m": grid.cell_m, "shape": grid.shape},
    )
    return run.scalar_one()


def _log_use(
    session: Session,
    a: Selection,
    b: Selection,
    grid: Grid,
    user_id: int | None,
    counts: dict[str, int],
    commit: bool = True,
) -> None:
    """Remember the run and the datasets it drew on, so their contributors can see their knowledge used."""
    parameters = {
        "a": selection_parameters(a),
        "b": selection_parameters(b),
        "cell_m": grid.cell_m,
        "shape": grid.shape,
    }
    record_usage(session, "comparison", user_id, parameters, {int(d): n for d, n in counts.items()})
    if commit:  # a job commits the log with its outcome
        session.commit()


def work_of(session: Session, a: Selection, b: Selection, grid: Grid) -> int:
    """The grid join's cell-and-vertex tests for this comparison (what decides if it runs in a job)."""
    ids = {"a": dataset_ids(session, "a", a), "b": dataset_ids(session, "b", b)}
    return estimate_work(session, a, b, ids, [grid.cell_m], grid.shape, grid.metric_srid)[float(grid.cell_m)]


def answer_body(outcome: dict[str, Any], fmt: str) -> tuple[str, str, dict[str, str]]:
    """The API's answer for a comparison's outcome in a format: (body, media type, headers)."""
    cells = outcome.pop("cells")
    if fmt == "csv":
        attachment = {"Content-Disposition": 'attachment; filename="comparison-cells.csv"'}
        return CSV_HEADER + "\n" + cells + ("\n" if cells else ""), "text/csv", attachment
    if fmt == "geojson":
        body = feature_collection(cells, comparison=json.loads(json.dumps(outcome, default=str)))
        attachment = {"Content-Disposition": 'attachment; filename="comparison-cells.geojson"'}
        return body, "application/geo+json", attachment
    body = json.dumps(outcome, default=str)
    return body[:-1] + ', "cells": ' + feature_collection(cells) + "}", "application/json", {}
