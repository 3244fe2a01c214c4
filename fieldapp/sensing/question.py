"""A sensing question: a subject (any of its names) in a box, an area or a cell, over whole years cut into bins."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SensingQuery:
    """One question: a subject (any of its names) in a box over whole years, in bins of `bin_years`."""

    subject: str
    bbox: tuple[float, float, float, float]
    first_year: int
    last_year: int
    bin_years: int
    kinds: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    # True when the box is the park's, not one the user drew.
    whole_park: bool = True
    # A drawn area (WKT, EPSG:4326; `bbox` is then its bounds) or a point whose grid cell is the place.
    area: str | None = None
    cell: tuple[float, float] | None = None
    # A place of the gazetteer (its id): its area as the viewer may see it, a point or line widened.
    place: int | None = None
    # Season months (1-12): only records that claim to lie within them; empty for the whole year.
    months: tuple[int, ...] = ()

    @property
    def bins(self) -> list[int]:
        """The first year of every bin, aligned to multiples of the bin width (1990, 2000, ...)."""
        first = self.first_year - self.first_year % self.bin_years
        return list(range(first, self.last_year + 1, self.bin_years))
