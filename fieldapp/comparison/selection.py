"""Parsing one side of a comparison: datasets or a knowledge kind, narrowed by subject and time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, shared_sql
from fieldapp.errors import bad_parameter
from fieldapp.geo.filters import Interval, parse_datetime
from fieldapp.observations.queries import field_values_sql
from fieldapp.observations.schemas import parse_field_values
from fieldapp.subjects.queries import subject_match_sql
from fieldapp.vocab import KNOWLEDGE_KINDS


@dataclass(frozen=True)
class Selection:
    """One side: either datasets (by slug) or a knowledge kind, optionally narrowed."""

    datasets: tuple[str, ...] = ()
    kind: str | None = None
    subject: str | None = None
    interval: Interval | None = None
    # Custom field values (name, value) each record of the side must hold.
    fields: tuple[tuple[str, str], ...] = ()

    def key(self) -> tuple:
        return (tuple(sorted(self.datasets)), self.kind, (self.subject or "").lower(), self.interval, self.fields)


def selection_parameters(selection: Selection) -> dict:
    """A side as plain JSON, for the usage log."""
    interval = selection.interval
    return {
        "datasets": list(selection.datasets),
        "kind": selection.kind,
        "subject": selection.subject,
        "datetime": None if interval is None else [str(interval.start), str(interval.end)],
        "fields": [f"{name}:{value}" for name, value in selection.fields],
    }


def parse_selection(
    parameter: str,
    raw: str | None,
    subject: str | None,
    when: str | None,
    when_parameter: str = "datetime",
    field_values: str | None = None,
    field_parameter: str = "field",
) -> Selection:
    """Parse 'kind:local' or 'dataset:slug[,slug]' (or just 'slug[,slug]'), narrowed by subject, time and
    custom field values ('name:value[,name:value]')."""
    if not raw or not raw.strip():
        raise bad_parameter(parameter, "choose datasets ('dataset:slug,slug') or a knowledge kind ('kind:local')")
    prefix, _, rest = raw.strip().partition(":")
    if not rest:
        prefix, rest = "dataset", raw.strip()
    interval = parse_datetime(when, when_parameter) if when else None
    subject = subject.strip() if subject and subject.strip() else None
    fields = tuple(parse_field_values(field_values, field_parameter)) if field_values else ()
    if prefix == "kind":
        if rest not in KNOWLEDGE_KINDS:
            raise bad_parameter(parameter, f"unknown knowledge kind {rest!r}; use one of {', '.join(KNOWLEDGE_KINDS)}")
        return Selection(kind=rest, subject=subject, interval=interval, fields=fields)
    if prefix == "dataset":
        slugs = tuple(dict.fromkeys(s.strip() for s in rest.split(",") if s.strip()))
        if not slugs:
            raise bad_parameter(parameter, "name at least one dataset")
        return Selection(datasets=slugs, subject=subject, interval=interval, fields=fields)
    raise bad_parameter(parameter, f"start with 'dataset:' or 'kind:', not {prefix!r}")


def dataset_ids(session: Session, parameter: str, selection: Selection) -> list[int]:
    """The ids of the datasets a side draws on; unknown slugs are an error naming the parameter."""
    if selection.kind:
        return list(
            session.execute(text("SELECT id FROM dataset WHERE knowledge_kind = :k"), {"k": selection.kind}).scalars()
        )
    found: dict[str, int] = dict(
        session.execute(
            text("SELECT slug, id FROM dataset WHERE slug = ANY(:s)"), {"s": list(selection.datasets)}
        ).all()
    )
    missing = [s for s in selection.datasets if s not in found]
    if missing:
        raise bad_parameter(parameter, f"no dataset {', '.join(repr(m) for m in missing)}")
    return list(found.values())


def selection_where(selection: Selection, side: str, ids: list[int]) -> tuple[str, dict[str, object]]:
    """SQL conditions on observation o for one side, with parameters prefixed by the side.

    Datasets are given by id so the planner can estimate each side's size from its statistics.
    """
    # Comparisons show what anonymous visitors may see: nothing withdrawn or kept by an agreement.
    clauses = [f"o.dataset_id = ANY(:{side}_ids)", shared_sql(ANONYMOUS)]
    params: dict[str, object] = {f"{side}_ids": ids}
    if selection.subject:
        clauses.append(subject_match_sql(param=f"{side}_subject"))
        params[f"{side}_subject"] = selection.subject
    if selection.interval:
        overlap, times = selection.interval.overlap_sql(prefix=f"{side}_")
        clauses += overlap
        params.update(times)
    if selection.fields:
        # As anonymous visitors see the values: a sensitive field never narrows a comparison.
        more, values = field_values_sql(ANONYMOUS, selection.fields, prefix=f"{side}_fv")
        clauses += more
        params.update(values)
    return " AND ".join(clauses), params
