"""The comparison's query arguments: two selections, a grid cell size and shape, an output format."""

from __future__ import annotations

from fieldapp.comparison.selection import Selection, parse_selection
from fieldapp.errors import bad_parameter
from fieldapp.geo.filters import reject_unknown

PARAMETERS = {
    "a",
    "b",
    "subject",
    "a_subject",
    "b_subject",
    "datetime",
    "a_datetime",
    "b_datetime",
    "cell_m",
    "shape",
    "format",
}
FORMATS = ("json", "geojson", "csv")
MIN_CELL_M, MAX_CELL_M = 100, 10_000
SHAPES = ("square", "hex")


def parse_comparison(args) -> tuple[Selection, Selection, float, str]:
    """Read both sides and the grid from query arguments, saying which parameter is wrong."""
    reject_unknown(args, PARAMETERS)
    sides = []
    for side in ("a", "b"):
        subject = args.get(f"{side}_subject") or args.get("subject")
        when_parameter = f"{side}_datetime" if args.get(f"{side}_datetime") else "datetime"
        sides.append(parse_selection(side, args.get(side), subject, args.get(when_parameter), when_parameter))
    a, b = sides
    if a.key() == b.key():
        raise bad_parameter("b", "side B is the same selection as side A; choose two different selections")
    try:
        cell_m = float(args.get("cell_m", "1000"))
    except ValueError:
        raise bad_parameter("cell_m", f"{args.get('cell_m')!r} is not a number of metres") from None
    if not MIN_CELL_M <= cell_m <= MAX_CELL_M:
        raise bad_parameter("cell_m", f"choose a cell size from {MIN_CELL_M} to {MAX_CELL_M:,} metres")
    shape = args.get("shape", "square")
    if shape not in SHAPES:
        raise bad_parameter("shape", "use 'square' or 'hex'")
    return a, b, cell_m, shape
