"""Turning the comparison's cell counts into the summary and its symmetric sentences."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.comparison.queries import CLASSES
from fieldapp.comparison.selection import Selection
from fieldapp.i18n import _, format_number, ngettext
from fieldapp.ui import KIND_LABELS


def side_datasets(session: Session, selection: Selection) -> list[dict[str, Any]]:
    """The datasets one side draws on, with their attribution and licence."""
    sql = """
        SELECT d.slug, d.title, d.knowledge_kind, d.licence, d.citation, c.display_name AS steward
        FROM dataset d JOIN contributor c ON c.id = d.steward_id
        WHERE (cardinality(CAST(:slugs AS text[])) > 0 AND d.slug = ANY(:slugs))
           OR (CAST(:kind AS text) IS NOT NULL AND d.knowledge_kind = :kind)
        ORDER BY d.title
    """
    rows = session.execute(text(sql), {"slugs": list(selection.datasets), "kind": selection.kind})
    return [dict(r._mapping) for r in rows]


def label(selection: Selection, datasets: list[dict[str, Any]]) -> str:
    """A plain name for a side: its datasets' titles or its knowledge kind."""
    name = str(KIND_LABELS[selection.kind]) if selection.kind else " + ".join(d["title"] for d in datasets)
    return f"{name} ({selection.subject})" if selection.subject else name


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def summarise(result: dict[str, Any], label_a: str, label_b: str) -> dict[str, Any]:
    """Counts per class, overlap indices, coverage and sentences, in words that favour neither side."""
    found = json.loads(result["classes"])
    classes = {name: found.get(name, 0) for name in CLASSES}
    both = classes["both_present"]
    union = result["presence_a"] + result["presence_b"] - both
    return {
        "classes": classes,
        "jaccard": _ratio(both, union),
        "overlap_coefficient": _ratio(both, min(result["presence_a"], result["presence_b"])),
        "coverage": {"a": result["coverage_a"], "b": result["coverage_b"]},
        "presence_cells": {"a": result["presence_a"], "b": result["presence_b"]},
        "sentences": sentences(classes, label_a, label_b),
    }


def _cells(n: int) -> str:
    return ngettext("%(count)s cell", "%(count)s cells", n, count=format_number(n))


def sentences(classes: dict[str, int], label_a: str, label_b: str) -> list[str]:
    """The comparison in words, in the request's language; swapping the sides swaps only their names."""
    lines = [
        _(
            "%(a)s and %(b)s both report presence in %(both)s; %(a)s alone reports it in %(only_a)s; "
            "%(b)s alone in %(only_b)s.",
            a=label_a,
            b=label_b,
            both=_cells(classes["both_present"]),
            only_a=_cells(classes["only_a"]),
            only_b=_cells(classes["only_b"]),
        )
    ]
    if classes["a_present_b_absent"] or classes["b_present_a_absent"]:
        lines.append(
            _(
                "They differ in %(cells)s: %(a)s reports presence where %(b)s recorded absence in %(a_not_b)s, "
                "and the reverse in %(b_not_a)s.",
                cells=_cells(classes["a_present_b_absent"] + classes["b_present_a_absent"]),
                a=label_a,
                b=label_b,
                a_not_b=_cells(classes["a_present_b_absent"]),
                b_not_a=_cells(classes["b_present_a_absent"]),
            )
        )
    if classes["both_absent"]:
        lines.append(_("Both recorded absence in %(cells)s.", cells=_cells(classes["both_absent"])))
    lines.append(_("Cells that neither side looked at are not counted, and neither side is the reference."))
    return lines
