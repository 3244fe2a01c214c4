"""The SYNTHETIC demonstration project: a spider crab season study co-designed by fishers and scientists.

Its protocol was discussed (a fisher's pseudonym-free comments, the association's proposal), published,
revised and published again; eight synthetic participants (accounts that cannot sign in) checked in
on joining and six months later, enough for the wellbeing aggregates of five or more to show.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.accounts.models import User
from fieldapp.accounts.service import create_user
from fieldapp.datasets.models import Dataset
from fieldapp.projects.models import (
    Project,
    ProjectDataset,
    ProjectPartner,
    ProtocolComment,
    ProtocolShaper,
    ProtocolVersion,
    WellbeingCheckin,
)

SLUG = "demo-spider-crab-season"
SYNTHETIC_NOTE = "SYNTHETIC demonstration project: not a real study."
DATASETS = (
    "story-pot-logs",
    "story-fishers-change",
    "story-repeat-survey",
    "story-wardens-counts",
    "demo-fishers-knowledge",
)
VERSIONS = (
    "For each pot hauled between March and October: the number of spider crab, and the soak time in hours.",
    "For each pot hauled between March and October: the number of spider crab, how many are berried females,"
    " the soak time in hours and the sea state (Beaufort). Fishers record on their own boats; the park's"
    " scientists visit two boats a month to record alongside them.",
)
COMMENTS = (
    ("fishers", "Count berried females apart: that is what tells us the season has turned.", 1),
    ("fisher1", "Add the sea state. After a blow the pots fill differently.", 1),
    ("survey_team", "Agreed on both; we will ride along twice a month so our counts can be compared.", 1),
    ("fisher2", "Could we note the bait too? Mackerel and scad fish differently.", None),
)
# Each participant's (joining, six months later) answers: life satisfaction, worthwhile, happiness, anxiety.
CHECKINS = (
    ((6, 7, 6, 4), (7, 8, 7, 3)),
    ((7, 7, 7, 3), (7, 8, 7, 3)),
    ((5, 6, 5, 5), (6, 8, 6, 4)),
    ((8, 8, 7, 2), (8, 9, 8, 2)),
    ((6, 6, 6, 4), (7, 7, 6, 3)),
    ((7, 8, 6, 3), (7, 9, 7, 2)),
    ((5, 7, 6, 5), (6, 8, 6, 4)),
    ((6, 7, 7, 3), (7, 8, 7, 3)),
)


def ensure_project(session: Session, users: dict[str, User], contributors: dict[str, int]) -> str:
    """Create the demo project once; a second load finds it and changes nothing."""
    if session.scalar(select(Project.id).where(Project.slug == SLUG)) is not None:
        return f"Project {SLUG}: already loaded."
    project = Project(
        slug=SLUG,
        title="Spider crab season study (SYNTHETIC demo)",
        purpose="When spider crab arrive on the inshore grounds, how long they stay and when the berried females"
        " come, counted by fishers on their own boats and by the park's scientists alongside them. " + SYNTHETIC_NOTE,
        designed_by="both",
        delivered_by="both",
        steward_id=contributors["survey_team"],
        draft_protocol=VERSIONS[-1],
    )
    session.add(project)
    session.flush()
    partners = (
        ("fishers", "Co-designers: they fish the grounds and record on their boats"),
        ("survey_team", "Co-designers: survey design, ride-along counts and analysis"),
    )
    session.add_all(ProjectPartner(project_id=project.id, contributor_id=contributors[k], role=r) for k, r in partners)
    ids = session.scalars(select(Dataset.id).where(Dataset.slug.in_(DATASETS)))
    session.add_all(ProjectDataset(project_id=project.id, dataset_id=d) for d in ids)
    _protocol(session, project, users, contributors)
    _checkins(session, project)
    session.flush()
    return f"Project {SLUG}: 2 protocol versions, {len(COMMENTS)} comments, {len(CHECKINS)} wellbeing participants."


def _protocol(session: Session, project: Project, users: dict[str, User], contributors: dict[str, int]) -> None:
    """Two published versions, shaped by the comments settled into them; one comment still open."""
    versions = []
    for number, text in enumerate(VERSIONS, start=1):
        version = ProtocolVersion(
            project_id=project.id,
            number=number,
            text=text,
            published_by=contributors["survey_team"],
            published_at=datetime(2024 + number, 2, 1, tzinfo=UTC),
        )
        session.add(version)
        session.flush()
        versions.append(version)
    session.add_all(ProtocolShaper(version_id=versions[0].id, contributor_id=c) for c in {contributors["survey_team"]})
    shaped = {contributors[k] for k, _, settled in COMMENTS if settled} | {contributors["survey_team"]}
    session.add_all(ProtocolShaper(version_id=versions[1].id, contributor_id=c) for c in sorted(shaped))
    for key, body, settled in COMMENTS:
        author = users.get(key)
        session.add(
            ProtocolComment(
                project_id=project.id,
                author_user_id=author.id if author else users["steward"].id,
                contributor_id=contributors[key],
                body=body,
                settled_in=versions[settled].id if settled is not None else None,
            )
        )


def _checkins(session: Session, project: Project) -> None:
    """Eight synthetic participants (accounts that cannot sign in), on joining and six months later."""
    for i, answers in enumerate(CHECKINS, start=1):
        person = create_user(session, f"participant{i}@demo.fieldapp.test", name=f"Demo participant {i} (synthetic)")
        for when, (life, worth, happy, anxious) in zip(("2025-03-01", "2025-09-01"), answers, strict=True):
            session.add(
                WellbeingCheckin(
                    project_id=project.id,
                    user_id=person.id,
                    at=datetime.fromisoformat(when).replace(tzinfo=UTC),
                    life_satisfaction=life,
                    worthwhile=worth,
                    happiness=happy,
                    anxiety=anxious,
                )
            )
