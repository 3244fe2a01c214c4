"""Write side of forms: a dataset's stewards publish a new version of its form (never changing an old one)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.access import may_import, viewer_of
from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from fieldapp.errors import Forbidden, NotFound
from fieldapp.forms.models import DatasetForm


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
    latest = session.scalar(select(func.max(DatasetForm.version)).where(DatasetForm.dataset_id == dataset.id))
    form = DatasetForm(
        dataset_id=dataset.id, version=(latest or 0) + 1, definition=definition, published_by=user.contributor_id
    )
    session.add(form)
    session.flush()
    return form
