"""Write side of projects: create and edit (stewards), comment (any member), publish a version (stewards)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from fieldapp.access import (
    is_privileged,
    may_create_project,
    may_credit,
    may_discuss,
    may_steward_as,
    stewards,
    stewards_project,
    viewer_of,
)
from fieldapp.accounts.models import User
from fieldapp.contributors.models import Contributor
from fieldapp.datasets.models import Dataset
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.i18n import _
from fieldapp.projects.models import (
    Project,
    ProjectDataset,
    ProjectPartner,
    ProtocolComment,
    ProtocolShaper,
    ProtocolVersion,
    WellbeingCheckin,
)
from fieldapp.rules import WELLBEING_INTERVAL_DAYS

_FIELDS = ("title", "purpose", "designed_by", "delivered_by", "draft_protocol")


def find(session: Session, slug: str) -> Project:
    project = session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise NotFound(_("No project %(slug)s.", slug=repr(slug)))
    return project


def create_project(session: Session, user: User, values: dict[str, Any]) -> Project:
    """A new project stewarded by the user or a group of theirs, with its partners and datasets."""
    if not may_create_project(viewer_of(user)):
        raise Forbidden(_("Stewards and park staff start projects; ask park staff to make you a steward."))
    if session.scalar(select(Project.id).where(Project.slug == values["slug"])) is not None:
        raise Conflict(
            _("A project called %(slug)s exists.", slug=repr(values["slug"])),
            [{"path": "slug", "message": _("already taken")}],
        )
    steward_id = values.get("steward_id") or user.contributor_id
    _check_contributor(session, steward_id, "steward_id")
    if not may_steward_as(session, viewer_of(user), steward_id):
        raise Forbidden(_("You may steward a project yourself or through a group you belong to."))
    project = Project(slug=values["slug"], steward_id=steward_id, **{k: values[k] for k in _FIELDS if k in values})
    session.add(project)
    session.flush()
    _set_partners(session, project, values["partners"])
    _set_datasets(session, user, project, values["datasets"])
    return project


def edit_project(session: Session, user: User, project: Project, values: dict[str, Any]) -> None:
    """Change what the stewards may change; partners and datasets are replaced when given."""
    _require_steward(session, user, project)
    for name in _FIELDS:
        if name in values:
            setattr(project, name, values[name])
    if "steward_id" in values:
        _check_contributor(session, values["steward_id"], "steward_id")
        if not may_steward_as(session, viewer_of(user), values["steward_id"]):
            raise Forbidden(_("You may hand a project to yourself or a group you belong to."))
        project.steward_id = values["steward_id"]
    if "partners" in values:
        _set_partners(session, project, values["partners"])
    if "datasets" in values:
        _set_datasets(session, user, project, values["datasets"])
    session.flush()


def comment(session: Session, user: User, project: Project, values: dict[str, Any]) -> ProtocolComment:
    """A comment or proposed wording on the protocol, credited as its author chose."""
    viewer = viewer_of(user)
    if not may_discuss(viewer):
        raise Forbidden(_("Sign in to take part in the discussion."))
    credit = values.get("contributor_id") or user.contributor_id
    if not may_credit(session, viewer, credit):
        raise Forbidden(
            _("Credit a comment to yourself, a pseudonym of yours or a group you belong to."),
            [{"path": "contributor_id", "message": _("not a credit of yours")}],
        )
    note = ProtocolComment(
        project_id=project.id,
        author_user_id=user.id,
        contributor_id=credit,
        body=values["body"],
        proposed_text=values.get("proposed_text") or None,
    )
    session.add(note)
    session.flush()
    return note


def publish(session: Session, user: User, project: Project, text: str | None) -> ProtocolVersion:
    """Publish the draft (or the text given) as the next version, crediting whoever shaped it since the last."""
    _require_steward(session, user, project)
    wording = text if text is not None else project.draft_protocol
    if not wording.strip():
        raise Invalid(_("The protocol is empty: write the draft first."), [{"path": "text", "message": _("empty")}])
    latest = select(func.max(ProtocolVersion.number)).where(ProtocolVersion.project_id == project.id)
    number = (session.scalar(latest) or 0) + 1
    version = ProtocolVersion(project_id=project.id, number=number, text=wording, published_by=user.contributor_id)
    session.add(version)
    session.flush()
    open_comments = select(ProtocolComment.contributor_id).where(
        ProtocolComment.project_id == project.id, ProtocolComment.settled_in.is_(None)
    )
    shapers = set(session.scalars(open_comments)) | {user.contributor_id}
    session.add_all(ProtocolShaper(version_id=version.id, contributor_id=c) for c in sorted(shapers))
    session.execute(
        update(ProtocolComment)
        .where(ProtocolComment.project_id == project.id, ProtocolComment.settled_in.is_(None))
        .values(settled_in=version.id)
    )
    project.draft_protocol = wording
    session.flush()
    return version


def check_in(session: Session, user: User, project: Project, answers: dict[str, int]) -> WellbeingCheckin:
    """Store one person's wellbeing answers (opt-in), at most once per WELLBEING_INTERVAL_DAYS."""
    last = session.scalar(
        select(func.max(WellbeingCheckin.at)).where(
            WellbeingCheckin.project_id == project.id, WellbeingCheckin.user_id == user.id
        )
    )
    now = datetime.now(UTC)
    if last is not None and now - last < timedelta(days=WELLBEING_INTERVAL_DAYS):
        after = (last + timedelta(days=WELLBEING_INTERVAL_DAYS)).date().isoformat()
        raise Conflict(
            _(
                "You checked in on %(day)s: the next check-in is welcome from %(after)s.",
                day=last.date().isoformat(),
                after=after,
            ),
            [{"path": "(body)", "message": _("checked in recently")}],
        )
    checkin = WellbeingCheckin(project_id=project.id, user_id=user.id, **answers)
    session.add(checkin)
    session.flush()
    return checkin


def _require_steward(session: Session, user: User, project: Project) -> None:
    if not stewards_project(session, viewer_of(user), project.id):
        raise Forbidden(_("Only the project's stewards and park staff change it; comment to propose a change."))


def _check_contributor(session: Session, contributor_id: int, path: str) -> None:
    if session.get(Contributor, contributor_id) is None:
        raise Invalid(
            _("No contributor %(id)s.", id=contributor_id), [{"path": path, "message": _("unknown contributor")}]
        )


def _set_partners(session: Session, project: Project, partners: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    for i, partner in enumerate(partners):
        _check_contributor(session, partner["contributor_id"], f"partners.{i}.contributor_id")
        if partner["contributor_id"] in seen:
            raise Invalid(_("A partner is named twice."), [{"path": f"partners.{i}", "message": _("named twice")}])
        seen.add(partner["contributor_id"])
    session.execute(delete(ProjectPartner).where(ProjectPartner.project_id == project.id))
    session.add_all(ProjectPartner(project_id=project.id, **p) for p in partners)


def _set_datasets(session: Session, user: User, project: Project, slugs: list[str]) -> None:
    """A project gathers datasets its stewards steward (their records keep their own sharing rules)."""
    viewer = viewer_of(user)
    ids = []
    for i, slug in enumerate(dict.fromkeys(slugs)):
        dataset_id = session.scalar(select(Dataset.id).where(Dataset.slug == slug))
        if dataset_id is None:
            raise Invalid(
                _("No dataset %(slug)s.", slug=repr(slug)),
                [{"path": f"datasets.{i}", "message": _("unknown dataset")}],
            )
        if not (is_privileged(viewer) or stewards(session, viewer, dataset_id)):
            raise Forbidden(
                _("Only the stewards of %(slug)s may add it to a project.", slug=repr(slug)),
                [{"path": f"datasets.{i}", "message": _("not a dataset you steward")}],
            )
        ids.append(dataset_id)
    session.execute(delete(ProjectDataset).where(ProjectDataset.project_id == project.id))
    session.add_all(ProjectDataset(project_id=project.id, dataset_id=d) for d in ids)
