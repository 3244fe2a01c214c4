"""Write side of subjects: a name given by anyone signed in, credited; a dataset's preferred name, by its stewards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import may_credit, may_prefer_name, viewer_of
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.i18n import _
from fieldapp.subjects.models import PreferredName, Subject, SubjectName


def add_name(session: Session, user: Any, subject_id: int, values: dict[str, Any]) -> SubjectName:
    """Add a name to a subject, credited to the account or to whom it may credit (a pseudonym, its group)."""
    if not 0 < subject_id < 2**31 or session.get(Subject, subject_id) is None:
        raise NotFound(_("No subject %(id)s.", id=subject_id))
    contributor_id = values.get("contributor_id") or user.contributor_id
    if not may_credit(session, viewer_of(user), contributor_id):
        raise Invalid(
            _("You may credit yourself, your pseudonyms or a group you belong to."),
            [{"path": "contributor_id", "message": _("you are not contributor %(id)s nor in it", id=contributor_id)}],
        )
    name, community = values["name"].strip(), (values.get("community") or "").strip() or None
    if not name:
        raise Invalid(_("Write the name."), [{"path": "name", "message": _("empty")}])
    same = text(
        "SELECT EXISTS (SELECT 1 FROM subject_name WHERE subject_id = :s AND name = :n AND language = :l"
        " AND community IS NOT DISTINCT FROM :c)"
    )
    if session.scalar(same, {"s": subject_id, "n": name, "l": values["language"], "c": community}):
        raise Conflict(
            _(
                "This subject already has the name “%(name)s” in %(language)s: corroborate it instead.",
                name=name,
                language=values["language"],
            )
        )
    added = SubjectName(
        subject_id=subject_id,
        name=name,
        language=values["language"],
        community=community,
        contributor_id=contributor_id,
        added_by=user.id,
    )
    session.add(added)
    session.flush()
    return added


def find_name(session: Session, name_id: int) -> SubjectName:
    name = session.get(SubjectName, name_id) if 0 < name_id < 2**31 else None
    if name is None:
        raise NotFound(_("No name %(id)s.", id=name_id))
    return name


def prefer_name(session: Session, user: Any, name_id: int, dataset_slug: str) -> PreferredName:
    """Make a name the dataset's preferred one for its subject (replacing the dataset's earlier choice)."""
    name = find_name(session, name_id)
    dataset_id = session.scalar(text("SELECT id FROM dataset WHERE slug = :s"), {"s": dataset_slug})
    if dataset_id is None:
        raise Invalid(
            _("No dataset “%(slug)s”.", slug=dataset_slug), [{"path": "dataset", "message": _("unknown dataset")}]
        )
    if not may_prefer_name(session, viewer_of(user), dataset_id):
        raise Forbidden(_("Only the dataset's stewards and park staff choose its preferred names."))
    chosen = session.get(PreferredName, (dataset_id, name.subject_id))
    if chosen is None:
        chosen = PreferredName(dataset_id=dataset_id, subject_id=name.subject_id, subject_name_id=name.id)
        session.add(chosen)
    chosen.subject_name_id = name.id
    chosen.chosen_by = user.contributor_id
    session.flush()
    return chosen
