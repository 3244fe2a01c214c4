"""Answering a sensing question: each source's bins, its direction of change, and symmetric sentences.

Sources are datasets (grouped by knowledge kind for the page); a kind's own series adds its datasets'
effort and findings. No source is a reference: each is described by the same rules, sentences list
sources in alphabetical order within each group, so the order of sources changes nothing but order.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import asdict, replace
from typing import Any

import shapely.geometry
import shapely.wkt
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, resolved
from fieldapp.config import current_settings
from fieldapp.errors import bad_parameter
from fieldapp.i18n import _, _l, format_number, format_percent, ngettext
from fieldapp.observations.abundance import class_of
from fieldapp.places.queries import place_area
from fieldapp.sensing import queries
from fieldapp.sensing.question import SensingQuery
from fieldapp.sensing.trend import MIN_BINS, Trend, trend
from fieldapp.transfer.exporters import spreadsheet_safe
from fieldapp.ui import KIND_LABELS
from fieldapp.vocab import KNOWLEDGE_KINDS

# A place of the gazetteer that is a point or a line (a rock, a slipway) is asked about within this reach.
PLACE_REACH_M = 500
STATED = {"increasing": "increase", "decreasing": "decrease", "stable": "no clear direction"}
# The words of a direction's strength (sensing/trend.py STRENGTHS), in the request's language.
STRENGTH_WORDS = {"strong": _l("strong"), "moderate": _l("moderate"), "weak": _l("weak")}


def answer(session: Session, viewer: Viewer, query: SensingQuery) -> dict[str, Any]:
    """Everything the page and the API show for one question."""
    settings = current_settings()
    place = None
    if query.cell:
        wkt, bounds = queries.grid_cell(session, *query.cell, settings.generalise_m, settings.metric_srid)
        query = replace(query, area=wkt, bbox=bounds)
    if query.place is not None:
        found = place_area(session, viewer, query.place, PLACE_REACH_M, settings.metric_srid)
        if found is None or found["wkt"] is None:
            raise bad_parameter("place", f"no place {query.place} that you may see")
        bounds = (found["minx"], found["miny"], found["maxx"], found["maxy"])
        query = replace(query, area=found["wkt"], bbox=bounds)
        place = {"id": query.place, "name": found["name"], "widened_m": PLACE_REACH_M if found["widened"] else None}
    viewer = resolved(session, viewer)  # the closed datasets by id: the grouping is planned in parallel
    rows = queries.bin_rows(session, viewer, query)
    statements = queries.stated_trends(session, viewer, query)
    meta = queries.datasets(session, {r["dataset_id"] for r in rows} | {s["dataset_id"] for s in statements})
    by_dataset: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_dataset[row["dataset_id"]].append(row)
    said: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for statement in statements:
        said[statement["dataset_id"]].append(statement)
    sources = [
        _source(meta[d], _bins(query, by_dataset.get(d, [])), said.get(d, []), query)
        for d in sorted(meta, key=lambda d: (KNOWLEDGE_KINDS.index(meta[d]["knowledge_kind"]), meta[d]["title"]))
    ]
    kinds = [_kind_source(kind, [s for s in sources if s["kind"] == kind], query) for kind in KNOWLEDGE_KINDS]
    return {
        "subject": query.subject,
        "bbox": list(query.bbox),
        "whole_park": query.whole_park,
        "area": shapely.geometry.mapping(shapely.wkt.loads(query.area)) if query.area else None,
        "season": list(query.months),
        "place": place,
        "season_words": queries.season_words(session, query.months) if query.months else None,
        "from": query.first_year,
        "to": query.last_year,
        "bin_years": query.bin_years,
        "bins": query.bins,
        "kinds": [k for k in kinds if k["datasets"]],
        "sources": sources,
        "sentences": sentences(sources, query.bin_years),
    }


def _empty(start: int) -> dict[str, Any]:
    return {
        "bin": start,
        "effort": 0.0,
        "spread": 0.0,
        "present": 0.0,
        "absent": 0.0,
        "reporting_rate": None,
        "median_count": None,
        "counts": 0,
        "abundance": {},
    }


def _bins(query: SensingQuery, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every bin of the axis for one dataset: unknown (no effort) where it did not look."""
    bins = {start: _empty(start) for start in query.bins}
    for row in rows:
        entry = bins[row["bin"]]
        if row["whole_bin"]:
            entry |= {k: row[k] for k in ("effort", "spread", "present", "absent", "counts")}
            entry["median_count"] = None if row["median_count"] is None else float(row["median_count"])
            if row["effort"]:
                entry["reporting_rate"] = row["present"] / row["effort"]
        elif row["scale"] is not None and row["ranks"]:
            entry["abundance"][row["scale"]] = {
                "median_class": class_of(row["scale"], float(row["median_rank"])),
                "median_rank": float(row["median_rank"]),
                "n": row["ranks"],
            }
    return list(bins.values())


def _series(bins: list[dict[str, Any]], value) -> tuple[list[int], list[float]]:
    pairs = [(b["bin"], value(b)) for b in bins]
    kept = [(year, v) for year, v in pairs if v is not None]
    return [y for y, _ in kept], [v for _, v in kept]


def _informative(bins: list[dict[str, Any]]) -> bool:
    """A source that only ever records this subject has a rate of 1 wherever it looked: no information."""
    return any(b["effort"] > b["present"] + b["absent"] + 1e-9 for b in bins)


def _measures(bins: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each measure's series and trend: reporting rate, counts, and the commonest abundance scale."""
    measures: dict[str, dict[str, Any]] = {}
    years, rates = _series(bins, lambda b: b["reporting_rate"])
    if _informative(bins):
        measures["reporting_rate"] = {"years": years, "values": rates}
    years, counts = _series(bins, lambda b: b["median_count"])
    if counts:
        measures["count"] = {"years": years, "values": counts}
    scales = Counter(scale for b in bins for scale in b["abundance"])
    if scales:
        scale = scales.most_common(1)[0][0]
        years, ranks = _series(bins, lambda b: b["abundance"].get(scale, {}).get("median_rank"))
        measures["abundance"] = {"years": years, "values": ranks, "scale": scale}
    for measure in measures.values():
        measure["trend"] = asdict(trend(measure["years"], measure["values"]))
    return measures


def _statement_trend(statements: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not statements:
        return None
    said = Counter(STATED[s["trend"]] for s in statements)
    direction, n = said.most_common(1)[0]
    if len(said) > 1 and said.most_common(2)[1][1] == n:
        direction = "no clear direction"  # as many say one thing as another
    return {
        "direction": direction,
        "n": len(statements),
        "first_year": min(s["observed_start"].year for s in statements),
        "last_year": max(s["observed_end"].year for s in statements),
    }


def _direction(measures: dict[str, dict[str, Any]], stated: dict[str, Any] | None, looked: int) -> dict[str, Any]:
    """The source's voice: its quantity when it has enough bins, else its reporting rate, else its statements."""
    for name in ("count", "abundance", "reporting_rate"):
        measure = measures.get(name)
        if measure and measure["trend"]["n"] >= MIN_BINS:
            years, values = measure["years"], measure["values"]
            return {
                "measure": name,
                **measure["trend"],
                "first_year": years[0],
                "last_year": years[-1],
                "first": values[0],
                "last": values[-1],
                "scale": measure.get("scale"),
            }
    if stated:
        return {"measure": "statements", **stated}
    return {"measure": None, **asdict(Trend("too little data", looked))}


def _source(dataset: dict[str, Any], bins, statements, query: SensingQuery) -> dict[str, Any]:
    measures = _measures(bins)
    stated = _statement_trend(statements)
    return {
        "level": "dataset",
        "dataset": dataset["slug"],
        "kind": dataset["knowledge_kind"],
        "label": f"{dataset['title']} ({str(KIND_LABELS[dataset['knowledge_kind']]).lower()})",
        "title": dataset["title"],
        "bins": bins,
        "measures": measures,
        "statements": [_statement(s) for s in statements],
        "stated": stated,
        "direction": _direction(measures, stated, sum(1 for b in bins if b["effort"])),
    }


def _statement(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "trend": s["trend"],
        "from": s["observed_start"].date().isoformat(),
        "to": s["observed_end"].date().isoformat(),
        "time_precision": s["time_precision"],
        "season_months": s["season_months"],
        "season": s["season"],
        "credit": s["credit"],
    }


def _kind_source(kind: str, datasets: list[dict[str, Any]], query: SensingQuery) -> dict[str, Any]:
    """A kind's series: its datasets' effort and findings added per bin (quantities stay per dataset)."""
    bins = [_empty(start) for start in query.bins]
    for source in datasets:
        for total, b in zip(bins, source["bins"], strict=True):
            for key in ("effort", "spread", "present", "absent"):
                total[key] += b[key]
    for total in bins:
        if total["effort"]:
            total["reporting_rate"] = total["present"] / total["effort"]
    years, rates = _series(bins, lambda b: b["reporting_rate"])
    measures = {}
    if _informative(bins):
        measures["reporting_rate"] = {"years": years, "values": rates, "trend": asdict(trend(years, rates))}
    return {
        "level": "kind",
        "kind": kind,
        "label": str(KIND_LABELS[kind]),
        "datasets": [s["dataset"] for s in datasets],
        "bins": bins,
        "measures": measures,
    }


def _bin_count(bin_years: int, n: int) -> str:
    """A number of bins of the question's width, in words: "5 years", "5 5-year bins", "5 decades"."""
    if bin_years == 1:
        return ngettext("%(num)s year", "%(num)s years", n)
    if bin_years == 10:
        return ngettext("%(num)s decade", "%(num)s decades", n)
    return ngettext("%(num)s %(width)s-year bin", "%(num)s %(width)s-year bins", n, width=bin_years)


def _describe(source: dict[str, Any], bin_years: int) -> str:
    """One source's finding in words (in the request's language), with its n."""
    d = source["direction"]
    label = source["label"]
    if d["measure"] == "statements":
        return ngettext(
            "%(source)s: %(num)s statement about %(first)s to %(last)s",
            "%(source)s: %(num)s statements about %(first)s to %(last)s",
            d["n"],
            source=label,
            first=d["first_year"],
            last=d["last_year"],
        )
    if d["measure"] is None:
        return _("%(source)s (n=%(bins)s with records)", source=label, bins=_bin_count(bin_years, d["n"]))
    span = {"start": d["first_year"], "end": d["last_year"]}
    if d["measure"] == "reporting_rate":
        change = _(
            "reporting rate %(first)s to %(last)s between %(start)s and %(end)s",
            first=format_percent(d["first"]),
            last=format_percent(d["last"]),
            **span,
        )
    elif d["measure"] == "count":
        change = _(
            "median count %(first)s to %(last)s between %(start)s and %(end)s",
            first=format_number(d["first"]),
            last=format_number(d["last"]),
            **span,
        )
    else:
        scale = d["scale"]
        change = _(
            "median %(scale)s class %(first)s to %(last)s between %(start)s and %(end)s",
            scale=scale,
            first=class_of(scale, d["first"]),
            last=class_of(scale, d["last"]),
            **span,
        )
    bins = _bin_count(bin_years, d["n"])
    if d.get("strength"):
        return _(
            "%(source)s: %(change)s (n=%(bins)s, %(strength)s evidence, p=%(p)s)",
            source=label,
            change=change,
            bins=bins,
            strength=str(STRENGTH_WORDS.get(d["strength"], d["strength"])),
            p=format_number(round(d["p"], 2), 2),
        )
    return _("%(source)s: %(change)s (n=%(bins)s)", source=label, change=change, bins=bins)


def sentences(sources: list[dict[str, Any]], bin_years: int) -> list[str]:
    """Plain sentences: which sources agree about the direction, which differ, which say too little."""
    groups: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        groups[source["direction"]["direction"]].append(_describe(source, bin_years))
    for items in groups.values():
        items.sort()
    out = []
    down, up = groups.get("decrease", []), groups.get("increase", [])
    if down and up:
        out.append(_("The sources differ about the direction of change."))
    for direction, items in (("decrease", down), ("increase", up)):
        listed = "; ".join(items)
        if len(items) > 1 and not (down and up):
            if direction == "increase":
                out.append(_("%(num)s sources agree on an increase: %(items)s.", num=len(items), items=listed))
            else:
                out.append(_("%(num)s sources agree on a decrease: %(items)s.", num=len(items), items=listed))
        elif items:
            if direction == "increase":
                out.append(
                    ngettext("%(items)s shows an increase.", "%(items)s show an increase.", len(items), items=listed)
                )
            else:
                out.append(
                    ngettext("%(items)s shows a decrease.", "%(items)s show a decrease.", len(items), items=listed)
                )
    if groups.get("no clear direction"):
        out.append(_("No clear direction: %(items)s.", items="; ".join(groups["no clear direction"])))
    if groups.get("too little data"):
        out.append(_("Too little data to say: %(items)s.", items="; ".join(groups["too little data"])))
    if not sources:
        out.append(_("No source has records in this place and period that you may see."))
    return out


CSV_COLUMNS = (
    "source",
    "kind",
    "dataset",
    "bin",
    "effort",
    "spread",
    "present",
    "absent",
    "reporting_rate",
    "median_count",
    "counts",
    "abundance",
)


def csv_table(result: dict[str, Any]) -> str:
    """The per-source, per-bin table as CSV (the same numbers the page and the API give)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for source in [*result["kinds"], *result["sources"]]:
        for b in source["bins"]:
            abundance = "; ".join(f"{k} {a['median_class']} (n={a['n']})" for k, a in b["abundance"].items())
            writer.writerow(
                [
                    spreadsheet_safe(source["label"]),
                    source["kind"],
                    source.get("dataset") or "",
                    b["bin"],
                    round(b["effort"], 3),
                    round(b["spread"], 3),
                    round(b["present"], 3),
                    round(b["absent"], 3),
                    "" if b["reporting_rate"] is None else round(b["reporting_rate"], 4),
                    "" if b["median_count"] is None else b["median_count"],
                    b["counts"],
                    abundance,
                ]
            )
    return out.getvalue()
