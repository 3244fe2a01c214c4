"""numberMatched: what the list's bounded count costs per filter, against the exact count it replaces.

Both run in-process through the app's own builders (observations.queries.where_sql and count_matches)
on the bench database, as the anonymous viewer, with the deployment's default bounds. The baseline is
the exact count (count=exact, what every list ran before): the same WHERE clause, counted to the end.
"""

from __future__ import annotations

import time

from bench.api_read import centred_bbox
from bench.database import READ_SLUG, settings_for
from bench.load import JERSEY_BBOX
from bench.timing import summary
from fieldapp.access import ANONYMOUS
from fieldapp.config import Settings
from fieldapp.db import Database
from fieldapp.geo.filters import parse_datetime
from fieldapp.observations.queries import (
    Counting,
    ObservationFilter,
    count_matches,
    estimate_sql,
    where_sql,
    with_dataset_ids,
)

TARGET_MS = 30.0


def filters(total: int) -> dict[str, ObservationFilter]:
    """The filters a client sends, from none to the costly ones (a subject match reads every row)."""
    return {
        "no filter": ObservationFilter(),
        "whole-island bbox": ObservationFilter(bbox=JERSEY_BBOX),
        "bbox of ~10,000": ObservationFilter(bbox=centred_bbox((10_000 / max(total, 1)) ** 0.5)),
        "dataset": ObservationFilter(datasets=[READ_SLUG]),
        "kind": ObservationFilter(kinds=["volunteer"]),
        "subject": ObservationFilter(subject="Calidris alba"),
        "datetime + bbox": ObservationFilter(bbox=centred_bbox(0.5), interval=parse_datetime("2018-01-01/2019-12-31")),
    }


def measure(url: str, total: int, repeat: int, warmup: int) -> list[dict]:
    """Per filter: the bounded count's median (and what it gave), and the exact count's."""
    defaults = Settings()
    auto = Counting("auto", defaults.count_exact_max, defaults.count_exact_ms)
    database = Database(settings_for(url))
    results = []
    with database.session() as session:
        for name, chosen in filters(total).items():
            chosen = with_dataset_ids(session, chosen)
            where, params = where_sql(chosen, ANONYMOUS)
            estimate_where = estimate_sql(session, chosen, ANONYMOUS)
            timings: dict[str, list[float]] = {"auto": [], "exact": []}
            given: dict[str, tuple[int, bool]] = {}
            for run in range(warmup + repeat):
                for mode, counting in (("auto", auto), ("exact", Counting("exact"))):
                    started = time.perf_counter()
                    given[mode] = count_matches(session, where, params, counting, estimate_where)
                    if run >= warmup:
                        timings[mode].append(time.perf_counter() - started)
                session.rollback()
            results.append(
                {
                    "filter": name,
                    "auto": summary(timings["auto"]) | {"matched": given["auto"][0], "estimated": given["auto"][1]},
                    "exact": summary(timings["exact"]) | {"matched": given["exact"][0]},
                }
            )
    database.engine.dispose()
    return results
