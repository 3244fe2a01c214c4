"""Read side of forms: a dataset's current form, a given version, and the SQL naming a record's sensitive fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, record_sql, viewer_params
from fieldapp.forms.models import DatasetForm
from fieldapp.i18n import _, current_language


def current_form(session: Session, dataset_id: int) -> DatasetForm | None:
    """The latest published version of a dataset's form, or None when it has only the common fields."""
    return session.scalar(
        select(DatasetForm).where(DatasetForm.dataset_id == dataset_id).order_by(DatasetForm.version.desc()).limit(1)
    )


def recordable_forms(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """The current form of every dataset the viewer may record into (access.record_sql), in one query."""
    rows = session.execute(
        text(
            "SELECT d.slug, f.version, f.published_at, f.definition FROM dataset d"
            " LEFT JOIN LATERAL (SELECT sf.version, sf.published_at, sf.definition FROM dataset_form sf"
            "   WHERE sf.dataset_id = d.id ORDER BY sf.version DESC LIMIT 1) f ON true"
            f" WHERE {record_sql(viewer, 'd')} ORDER BY d.slug"
        ),
        viewer_params(viewer),
    )
    return [
        {
            "dataset": r.slug,
            "form": None
            if r.version is None
            else {"version": r.version, "published_at": r.published_at.isoformat(), **r.definition},
        }
        for r in rows
    ]


def form_version(session: Session, dataset_id: int, version: int | None) -> DatasetForm | None:
    if version is None:
        return None
    return session.scalar(
        select(DatasetForm).where(DatasetForm.dataset_id == dataset_id, DatasetForm.version == version)
    )


def form_json(form: DatasetForm | None) -> dict[str, Any] | None:
    if form is None:
        return None
    return {"version": form.version, "published_at": form.published_at.isoformat(), **form.definition}


# The names of the sensitive fields of the form version a record (o) was made with.
SENSITIVE_NAMES_SQL = (
    "ARRAY(SELECT x->>'name' FROM dataset_form sf, jsonb_array_elements(sf.definition->'fields') x"
    " WHERE sf.dataset_id = o.dataset_id AND sf.version = o.form_version AND (x->>'sensitive')::boolean)"
)


def labelled_values(session: Session, observation_id: Any, values: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A record's custom values in its form's order, labelled in the page's language by the form version the
    record was made with (a later version's renamed label or choice never relabels an older record)."""
    if not values:
        return []
    row = session.execute(
        text(
            "SELECT f.definition FROM observation o JOIN dataset_form f"
            " ON f.dataset_id = o.dataset_id AND f.version = o.form_version WHERE o.id = :id"
        ),
        {"id": observation_id},
    ).first()
    definition = row.definition if row else {}
    languages = definition.get("languages") or []
    return [
        {
            "name": field["name"],
            "label": in_language(field["label"], languages, field["name"]),
            "value": _value_text(values[field["name"]], field, languages),
            "unit": field.get("unit"),
        }
        for field in definition.get("fields", [])
        if field["name"] in values
    ]


def _value_text(value: Any, field: dict[str, Any], languages: list[str]) -> Any:
    """A value as words: yes/no, or each choice by its label in that version."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    labels = {c["name"]: in_language(c["label"], languages, c["name"]) for c in field.get("choices", [])}
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), value) if labels else value


def in_language(texts: dict[str, str] | None, languages: list[str], fallback: str) -> str:
    """A label or hint in the page's language, else the form's first language, else any, else the fallback."""
    texts = texts or {}
    for code in (current_language(), *languages[:1]):
        if texts.get(code):
            return texts[code]
    return next((t for t in texts.values() if t), fallback)
