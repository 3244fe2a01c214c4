"""Write side of annotations: adding them, answering them, accepting proposed corrections."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import may_credit, may_manage, may_see_record, viewer_of
from fieldapp.accounts.models import User
from fieldapp.annotations.models import Annotation
from fieldapp.annotations.schemas import to_patch
from fieldapp.contributors.attribution import acting_credit
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.i18n import _
from fieldapp.notifications.service import notify_annotation, notify_answer
from fieldapp.observations.models import Observation
from fieldapp.observations.service import update_observation
from fieldapp.places.models import Place, PlaceName
from fieldapp.subjects.models import SubjectName


def find_observation(session: Session, observation_id: uuid.UUID) -> Observation:
    observation = session.get(Observation, observation_id)
    if observation is None:
        raise NotFound(f"No observation {observation_id}.")
    return observation


def add_annotation(session: Session, user: User, observation_id: uuid.UUID, values: dict[str, Any]) -> Annotation:
    """Annotate any observation one can see, whatever its knowledge kind and whoever one is."""
    observation = find_observation(session, observation_id)
    if not may_see_record(session, viewer_of(user), observation):
        raise Forbidden("This record is private: only its contributor, its stewards and park staff can annotate it.")
    contributor_id = values.pop("contributor_id", None) or acting_credit(
        session, user.contributor_id, user.id, observation.contributor_id
    )
    if not may_credit(session, viewer_of(user), contributor_id):
        raise Invalid(
            "You may credit yourself, your pseudonyms or a group you belong to.",
            [{"path": "contributor_id", "message": f"you are not contributor {contributor_id} nor in it"}],
        )
    linked = values.get("linked_observation_id")
    if linked is not None and session.get(Observation, linked) is None:
        raise Invalid(
            f"No observation {linked} to link.", [{"path": "linked_observation_id", "message": "unknown observation"}]
        )
    annotation = Annotation(
        observation_id=observation.id, author_user_id=user.id, contributor_id=contributor_id, **values
    )
    session.add(annotation)
    session.flush()
    notify_annotation(session, observation.id, annotation.id, annotation.kind, user.id)
    return annotation


def add_name_annotation(session: Session, user: User, name_id: int, values: dict[str, Any]) -> Annotation:
    """Corroborate, question or add context to a name of a subject: the same review as records, kept as data."""
    name = session.get(SubjectName, name_id) if 0 < name_id < 2**31 else None
    if name is None:
        raise NotFound(_("No name %(id)s.", id=name_id))
    return _annotate_name(session, user, name, values)


def add_place_name_annotation(
    session: Session, user: User, place_id: int, name_id: int, values: dict[str, Any]
) -> Annotation:
    """Corroborate, question or add context to a name of a place one may see (the gate of records: a private
    fishing mark's names are annotated by those who may see it, and for anyone else they do not exist)."""
    name = session.get(PlaceName, name_id) if 0 < name_id < 2**31 else None
    place = session.get(Place, place_id) if name is not None and name.place_id == place_id else None
    if name is None or place is None or not may_see_record(session, viewer_of(user), place):
        raise NotFound(_("No place %(id)s for you.", id=place_id))
    return _annotate_name(session, user, name, values)


def _annotate_name(session: Session, user: User, name: SubjectName | PlaceName, values: dict[str, Any]) -> Annotation:
    """The one rule for annotating a name, of a subject or of a place: credited as the author may credit."""
    contributor_id = values.pop("contributor_id", None) or acting_credit(
        session, user.contributor_id, user.id, name.contributor_id
    )
    if not may_credit(session, viewer_of(user), contributor_id):
        raise Invalid(
            _("You may credit yourself, your pseudonyms or a group you belong to."),
            [{"path": "contributor_id", "message": _("you are not contributor %(id)s nor in it", id=contributor_id)}],
        )
    target = {"place_name_id": name.id} if isinstance(name, PlaceName) else {"subject_name_id": name.id}
    annotation = Annotation(author_user_id=user.id, contributor_id=contributor_id, **target, **values)
    session.add(annotation)
    session.flush()
    return annotation


def respond(
    session: Session, user: User, observation_id: uuid.UUID, annotation_id: int, action: str, response: str
) -> Annotation:
    """The record's contributor or its stewards accept a correction or answer an annotation; it stays."""
    annotation = session.get(Annotation, annotation_id, with_for_update=True)
    if annotation is None or annotation.observation_id != observation_id:
        raise NotFound(f"No annotation {annotation_id} on observation {observation_id}.")
    observation = find_observation(session, observation_id)
    if not may_manage(session, viewer_of(user), observation):
        raise Forbidden("Only the record's contributor, its dataset's stewards and park staff respond to annotations.")
    if annotation.status != "open":
        raise Conflict(f"This annotation was already {annotation.status}.")
    if action == "accept":
        _accept(session, user, annotation, observation.id)
    elif not response.strip():
        raise Invalid("Write an answer.", [{"path": "response", "message": "empty"}])
    annotation.status = "accepted" if action == "accept" else "answered"
    annotation.response = response.strip() or None
    annotation.responded_by = acting_credit(session, user.contributor_id, user.id, observation.contributor_id)
    annotation.responded_at = datetime.now(UTC)
    session.flush()
    notify_answer(session, annotation.id, user.id)
    return annotation


def _accept(session: Session, user: User, annotation: Annotation, observation_id: uuid.UUID) -> None:
    if annotation.kind != "correction" or annotation.field is None or annotation.proposed_value is None:
        raise Invalid(
            "Only a proposed correction can be accepted; answer the others.",
            [{"path": "action", "message": "not a correction"}],
        )
    patch = to_patch(annotation.field, annotation.proposed_value)
    # The history trigger credits the proposer beside the person who accepted.
    session.execute(
        text("SELECT set_config('fieldapp.proposed_by', :c, true), set_config('fieldapp.annotation_id', :a, true)"),
        {"c": str(annotation.contributor_id), "a": str(annotation.id)},
    )
    update_observation(session, user, observation_id, patch)
