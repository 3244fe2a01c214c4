"""Write side of datasets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from fieldapp.access import (
    Viewer,
    may_create_dataset,
    may_edit_dataset,
    may_set_agreement,
    may_steward_as,
    viewer_of,
)
from fieldapp.accounts.models import User
from fieldapp.contributors.models import Contributor
from fieldapp.datasets.models import Dataset, DatasetAgreement, DatasetRecorder, DatasetSteward
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.geoprivacy.cells import check_cell
from fieldapp.i18n import _


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
    _check_steward(session, viewer_of(user), steward_id)
    people = {name: values.pop(name) for name in PEOPLE if name in values}
    _check_recording_groups(session, values.get("recording", "open"), values.get("recording_groups") or [])
    dataset = Dataset(**values, steward_id=steward_id)
    session.add(dataset)
    session.flush()
    _set_people(session, dataset, people)
    return dataset


# The fields that name people and groups: kept in their own tables, checked by _set_people.
PEOPLE = ("stewards", "recorders")
# Changing these changes every shared record's public geometry.
_PLACE_RULES = ("generalise_m", "force_generalised")


def update_dataset(
    session: Session,
    actor: Viewer,
    slug: str,
    values: dict[str, Any],
    floor_m: int,
    inline_max: int | None = None,
) -> Dataset:
    """Change a dataset's description, licence, stewards or who may record (its stewards and park staff;
    the page, PATCH /api/v1/datasets/{slug} and `fieldapp datasets edit` alike).

    A new generalisation cell (or forcing it) recomputes the public geometry of its shared records in
    this transaction; with `inline_max` (a web request), only for up to that many records."""
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    if not may_edit_dataset(session, actor, dataset.id):
        raise Forbidden(_("Only the dataset's stewards and park staff edit it."))
    if "generalise_m" in values:
        check_cell(values["generalise_m"], floor_m)
    if values.get("steward_id") not in (None, dataset.steward_id):
        _check_steward(session, actor, values["steward_id"])
    people = {name: values.pop(name) for name in PEOPLE if name in values}
    if values.get("recording", dataset.recording) != "groups" and "recording" in values:
        values.setdefault("recording_groups", [])
    replace = any(name in values and values[name] != getattr(dataset, name) for name in _PLACE_RULES)
    if replace and inline_max is not None:
        _check_inline(session, dataset, inline_max)
    for name, value in values.items():
        setattr(dataset, name, value)
    dataset.updated_at = func.now()
    _check_recording_groups(session, dataset.recording, dataset.recording_groups)
    session.flush()
    _set_people(session, dataset, people)
    if replace:
        # The row trigger recomputes each record's public place from the dataset's new rules.
        session.execute(
            text("UPDATE observation SET visibility = visibility WHERE dataset_id = :id AND visibility <> 'private'"),
            {"id": dataset.id},
        )
    return dataset


def _check_inline(session: Session, dataset: Dataset, inline_max: int) -> None:
    """Refuse a new cell for more shared records than a request recomputes (counting stops past the bound)."""
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM observation WHERE dataset_id = :id AND visibility <> 'private' LIMIT :n) s"
    )
    if session.scalar(text(sql), {"id": dataset.id, "n": inline_max + 1}) > inline_max:
        message = _(
            "more than %(n)s shared records would be recomputed, more than the web does at once;"
            " ask the server's operator (fieldapp datasets edit %(slug)s)",
            n=inline_max,
            slug=dataset.slug,
        )
        raise Conflict(f"generalise_m: {message}.", [{"path": "generalise_m", "message": message}])


def _check_recording_groups(session: Session, recording: str, groups: list[int]) -> None:
    if groups and recording != "groups":
        message = _("name groups only when recording is 'groups'")
        raise Invalid(f"recording_groups: {message}.", [{"path": "recording_groups", "message": message}])
    known = set(session.scalars(select(Contributor.id).where(Contributor.id.in_(groups), Contributor.kind == "group")))
    if missing := [g for g in groups if g not in known]:
        message = _("no group %(id)s", id=missing[0])
        raise Invalid(f"recording_groups: {message}.", [{"path": "recording_groups", "message": message}])


def _set_people(session: Session, dataset: Dataset, people: dict[str, list[int]]) -> None:
    """Replace its further stewards (people with accounts, or groups) and its invited recorders (accounts)."""
    if dataset.recording == "groups" and not dataset.recording_groups:
        message = _("name at least one group when recording is 'groups'")
        raise Invalid(f"recording_groups: {message}.", [{"path": "recording_groups", "message": message}])
    _check_recording_groups(session, dataset.recording, dataset.recording_groups)
    if "stewards" in people:
        ids = _people_or_groups(session, people["stewards"], "stewards")
        session.execute(delete(DatasetSteward).where(DatasetSteward.dataset_id == dataset.id))
        session.add_all(DatasetSteward(dataset_id=dataset.id, contributor_id=c) for c in ids if c != dataset.steward_id)
    if "recorders" in people:
        users = _accounts(session, people["recorders"], "recorders")
        session.execute(delete(DatasetRecorder).where(DatasetRecorder.dataset_id == dataset.id))
        session.add_all(DatasetRecorder(dataset_id=dataset.id, user_id=u) for u in users)
    session.flush()


def _people_or_groups(session: Session, ids: list[int], path: str) -> list[int]:
    """Groups, or people who have an account (never a pseudonym, nor someone known only by name)."""
    sql = (
        "SELECT c.id FROM contributor c WHERE c.id = ANY(:ids) AND (c.kind = 'group'"
        " OR EXISTS (SELECT 1 FROM user_account u WHERE u.contributor_id = c.id))"
    )
    known = set(session.scalars(text(sql), {"ids": list(ids)}))
    if missing := [c for c in ids if c not in known]:
        message = _("contributor %(id)s is neither a group nor a person with an account", id=missing[0])
        raise Invalid(f"{path}: {message}.", [{"path": path, "message": message}])
    return sorted(set(ids))


def _accounts(session: Session, contributor_ids: list[int], path: str) -> list[int]:
    """The accounts acting as these contributors."""
    query = select(User.contributor_id, User.id).where(User.contributor_id.in_(contributor_ids))
    rows = {r.contributor_id: r.id for r in session.execute(query)}
    if missing := [c for c in contributor_ids if c not in rows]:
        message = _("contributor %(id)s has no account", id=missing[0])
        raise Invalid(f"{path}: {message}.", [{"path": path, "message": message}])
    return sorted(set(rows.values()))


def dataset_people(session: Session, dataset_id: int) -> dict[str, list[int]]:
    """Its further stewards and invited recorders, as contributor ids (for the edit page and form)."""
    stewards = session.scalars(select(DatasetSteward.contributor_id).where(DatasetSteward.dataset_id == dataset_id))
    recorders = session.scalars(
        select(User.contributor_id)
        .join(DatasetRecorder, DatasetRecorder.user_id == User.id)
        .where(DatasetRecorder.dataset_id == dataset_id)
    )
    return {"stewards": sorted(stewards), "recorders": sorted(recorders)}


def _check_steward(session: Session, actor: Viewer, steward_id: int) -> None:
    if session.get(Contributor, steward_id) is None:
        raise Invalid(f"No contributor {steward_id}.", [{"path": "steward_id", "message": "unknown contributor"}])
    if not may_steward_as(session, actor, steward_id):
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
