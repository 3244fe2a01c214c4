"""Who sees what: the one place that decides whether a viewer may read precise geometry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

PRIVILEGED_ROLES = ("staff", "admin")


@dataclass(frozen=True)
class Viewer:
    """Whoever is asking: anonymous, or a user acting as a contributor."""

    user_id: int | None = None
    contributor_id: int | None = None
    role: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_privileged(self) -> bool:
        return self.role in PRIVILEGED_ROLES


ANONYMOUS = Viewer()

# The datasets a contributor stewards, directly or through a group they belong to.
_STEWARDED = (
    "SELECT d.id FROM dataset d WHERE d.steward_id = :viewer_contributor"
    " OR d.steward_id IN (SELECT m.group_id FROM membership m WHERE m.member_id = :viewer_contributor)"
)


def precise_allowed_sql(viewer: Viewer, alias: str = "o") -> str:
    """A SQL boolean: may this viewer see the precise geometry of observation `alias`?"""
    if viewer.is_anonymous:
        return "false"
    if viewer.is_privileged:
        return "true"
    return (
        f"({alias}.contributor_id = :viewer_contributor OR {alias}.entered_by = :viewer_user"
        f" OR {alias}.dataset_id IN ({_STEWARDED}))"
    )


def visible_geometry_sql(viewer: Viewer, alias: str = "o") -> str:
    """The geometry this viewer gets: precise where allowed, otherwise the public geometry."""
    allowed = precise_allowed_sql(viewer, alias)
    if allowed == "false":
        return f"{alias}.public_geom"
    if allowed == "true":
        return f"{alias}.geom"
    return f"CASE WHEN {allowed} THEN {alias}.geom ELSE {alias}.public_geom END"


def viewer_params(viewer: Viewer) -> dict[str, int | None]:
    """Bind parameters the SQL above refers to."""
    return {"viewer_contributor": viewer.contributor_id, "viewer_user": viewer.user_id}


def stewards_dataset(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """Is the viewer a steward of this dataset (directly or through a group)?"""
    if viewer.is_anonymous:
        return False
    sql = text(f"SELECT :dataset_id IN ({_STEWARDED})")
    return bool(session.execute(sql, {"dataset_id": dataset_id, **viewer_params(viewer)}).scalar())


def may_manage(
    session: Session, viewer: Viewer, contributor_id: int | None, entered_by: int | None, dataset_id: int
) -> bool:
    """May the viewer see precisely, change and delete this observation?"""
    if viewer.is_anonymous:
        return False
    if viewer.is_privileged:
        return True
    if contributor_id is not None and contributor_id == viewer.contributor_id:
        return True
    if entered_by is not None and entered_by == viewer.user_id:
        return True
    return stewards_dataset(session, viewer, dataset_id)
