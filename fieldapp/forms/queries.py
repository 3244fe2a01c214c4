"""Read side of forms: a dataset's current form, a given version, and the SQL naming a record's sensitive fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.forms.models import DatasetForm


def current_form(session: Session, dataset_id: int) -> DatasetForm | None:
    """The latest published version of a dataset's form, or None when it has only the common fields."""
    return session.scalar(
        select(DatasetForm).where(DatasetForm.dataset_id == dataset_id).order_by(DatasetForm.version.desc()).limit(1)
    )


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
