"""Write side of datasets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.access import may_create_dataset, may_set_agreement, may_steward_as, viewer_of
from fieldapp.accounts.models import User
from fieldapp.contributors.models import Contributor
from fieldapp.datasets.models import Dataset, DatasetAgreement
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.geoprivacy.cells import check_cell


def create_dataset(session: Session, user: User, values: dict[str, Any], floor_m: int) -> Dataset:
    """Create a dataset stewarded by the user, or by a group they belong to (staff: anyone).

    Its generalisation cell may not be finer than `floor_m`, the deployment's floor.
    """
    if not may_create_dataset(viewer_of(user)):
        raise Forbidden("Only stewards and park staff create datasets; ask park staff to make you a steward.")
    if session.scalar(select(Dataset.id).where(Dataset.slug == values["slug"])) is not None:
        raise Conflict(
            f"A dataset called {values['slug']!r} already exists.", [{"path": "slug", "message": "already taken"}]
        )
    check_cell(values.get("generalise_m"), floor_m)
    steward_id = values.pop("steward_id", None) or user.contributor_id
    _check_steward(session, user, steward_id)
    dataset = Dataset(**values, steward_id=steward_id)
    session.add(dataset)
    session.flush()
    return dataset


def _check_steward(session: Session, user: User, steward_id: int) -> None:
    if session.get(Contributor, steward_id) is None:
        raise Invalid(f"No contributor {steward_id}.", [{"path": "steward_id", "message": "unknown contributor"}])
    if not may_steward_as(session, viewer_of(user), steward_id):
        raise Forbidden("You may steward a dataset yourself or through a group you belong to.")


def set_agreement(session: Session, user: User, slug: str, values: dict[str, Any]) -> DatasetAgreement:
    """Attach or replace a dataset's agreement (its stewards and park staff); the gate reads it at once."""
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    if not may_set_agreement(session, viewer_of(user), dataset.id):
        raise Forbidden("Only the dataset's stewards and park staff set its agreement.")
    groups = values.get("audience_groups") or []
    if groups and values.get("audience") != "groups":
        raise Invalid("Name groups only for the audience 'groups'.", [{"path": "audience_groups", "message": "unused"}])
    known = set(session.scalars(select(Contributor.id).where(Contributor.id.in_(groups), Contributor.kind == "group")))
    if missing := [g for g in groups if g not in known]:
        raise Invalid("Not groups.", [{"path": "audience_groups", "message": f"no group {missing[0]}"}])
    agreement = session.get(DatasetAgreement, dataset.id) or DatasetAgreement(dataset_id=dataset.id)
    for name, value in values.items():
        setattr(agreement, name, value)
    agreement.uses = sorted(set(values.get("uses") or []))
    agreement.updated_at = func.now()
    session.add(agreement)
    # The agreement changes what tiles hold: the dataset's tile version moves (see dataset_map_changed).
    dataset.updated_at = func.now()
    session.flush()
    return agreement
