"""Write side of forms: a dataset's stewards publish a new version of its form (never changing an old one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.access import may_import, viewer_of
from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from fieldapp.errors import Forbidden, Invalid, NotFound
from fieldapp.forms.conditions import fields_named
from fieldapp.forms.definition import FormSchema
from fieldapp.forms.models import DatasetForm
from fieldapp.forms.xlsform import XLSFormError, read_xlsform
from fieldapp.http import load


def dataset_named(session: Session, slug: str) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    return dataset


def publish_form(session: Session, user: User, dataset: Dataset, definition: dict[str, Any]) -> DatasetForm:
    """Add the next version of the dataset's form; records made with earlier versions keep theirs."""
    # The stewards who may import into a dataset decide what its records hold.
    if not may_import(session, viewer_of(user), dataset.id):
        raise Forbidden("Only the dataset's stewards and park staff change its recording form.")
    return add_version(session, dataset, definition, user.contributor_id)


def add_version(session: Session, dataset: Dataset, definition: dict[str, Any], by: int | None) -> DatasetForm:
    """The next version, as checked by the caller (publish_form for people; the CLI for operators)."""
    latest = session.scalar(select(func.max(DatasetForm.version)).where(DatasetForm.dataset_id == dataset.id))
    form = DatasetForm(dataset_id=dataset.id, version=(latest or 0) + 1, definition=definition, published_by=by)
    session.add(form)
    session.flush()
    return form


def import_xlsform(
    session: Session, user: User | None, dataset: Dataset, path: Path, dry_run: bool
) -> tuple[dict[str, Any], list[str], DatasetForm | None]:
    """Read an XLSForm into the next version of the dataset's form (nothing written on a dry run).

    Returns the definition, the report's notes (every row not kept as it is) and the form written.
    """
    try:
        report = read_xlsform(path)
    except XLSFormError as exc:
        raise Invalid(str(exc), [{"path": "file", "message": str(exc)}]) from None
    definition = report.definition
    _drop_dangling_conditions(definition, report.notes)
    if not definition["fields"]:
        raise Invalid("The XLSForm holds no question this platform can keep.", [{"path": "file", "message": "empty"}])
    definition = load(FormSchema(), definition, prefix="file")
    if dry_run:
        return definition, report.notes, None
    if user is None:
        raise Forbidden("Sign in to change a dataset's recording form.")
    return definition, report.notes, publish_form(session, user, dataset, definition)


def _drop_dangling_conditions(definition: dict[str, Any], notes: list[str]) -> None:
    """A condition naming a question that was left out cannot hold: drop it, and say so."""
    names = {f["name"] for f in definition["fields"]}
    for question in definition["fields"]:
        for key in ("relevant", "constraint"):
            missing = fields_named(question[key]) - names if question.get(key) else set()
            if missing:
                notes.append(
                    f"{question['type']} {question['name']!r}: its {key} names {sorted(missing)[0]!r}, which was"
                    " left out; dropped"
                )
                del question[key]
