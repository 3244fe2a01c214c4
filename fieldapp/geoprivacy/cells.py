"""The generalisation cell: the size a steward may choose, and the size a record is really shown at."""

from __future__ import annotations

from fieldapp.errors import Invalid

MAX_CELL_M = 100_000


def check_cell(value: int | None, floor_m: int, path: str = "generalise_m") -> None:
    """Refuse a cell finer than the deployment's floor (None: the deployment's default cell)."""
    if value is None or floor_m <= value <= MAX_CELL_M:
        return
    message = f"must be between {floor_m:,} and {MAX_CELL_M:,} m (a finer cell would show the place)"
    raise Invalid(f"Generalisation cell: {message}.", [{"path": path, "message": message}])


def cell_sql(dataset: str = "d", default_param: str = ":default_cell_m") -> str:
    """The cell a dataset's generalised records are shown at, before any sensitive subject widens it."""
    return f"coalesce({dataset}.generalise_m, {default_param})"
