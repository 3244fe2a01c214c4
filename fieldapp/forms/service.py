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
from fieldapp.forms.xlsform import ImportReport, Note, XLSFormError, read_xlsform
from fieldapp.http import load
from fieldapp.i18n import _


def dataset_named(session: Session, slug: str) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    return dataset


def publish_form(session: Session, user: User, dataset: Dataset, definition: dict[str, Any]) -> DatasetForm:
    """Add the next version of the dataset's form; records made with earlier versions keep theirs."""
    # The stewards who may import into a dataset decide what its records hold.
    if not may_import(session, viewer_of(user), dataset.id):
        raise Forbidden(_("Only the dataset's stewards and park staff change its recording form."))
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
) -> tuple[dict[str, Any], list[Note], DatasetForm | None]:
    """Read an XLSForm into the next version of the dataset's form (nothing written on a dry run).

    Returns the definition, the report's notes (every row not kept as it is) and the form written.
    A user must be one of the dataset's stewards even for a dry run; None is an operator (the CLI),
    who may only dry-run here and publishes with add_version.
    """
    if user is not None and not may_import(session, viewer_of(user), dataset.id):
        raise Forbidden(_("Only the dataset's stewards and park staff change its recording form."))
    try:
        report = read_xlsform(path)
    except XLSFormError as exc:
        raise Invalid(str(exc), [{"path": "file", "message": str(exc)}]) from None
    definition = report.definition
    _drop_dangling_conditions(report)
    if not definition["fields"]:
        message = _("The XLSForm holds no question this platform can keep.")
        raise Invalid(message, [{"path": "file", "message": message}])
    definition = load(FormSchema(), definition, prefix="file")
    if dry_run:
        return definition, report.left, None
    if user is None:
        raise Forbidden(_("Sign in to change a dataset's recording form."))
    return definition, report.left, publish_form(session, user, dataset, definition)


def _drop_dangling_conditions(report: ImportReport) -> None:
    """A condition naming a question that was left out cannot hold: drop it, and say so."""
    names = {f["name"] for f in report.definition["fields"]}
    for question in report.definition["fields"]:
        for key in ("relevant", "constraint"):
            missing = fields_named(question[key]) - names if question.get(key) else set()
            if missing:
                report.note(
                    question["type"],
                    question["name"],
                    _(
                        "its %(column)s names %(name)s, which was left out; dropped",
                        column=key,
                        name=repr(sorted(missing)[0]),
                    ),
                )
                del question[key]
