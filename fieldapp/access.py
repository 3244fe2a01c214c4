"""Who may do what: each rule once, as a Python predicate with its SQL twin beside it.

Python predicates answer for one object already in hand (reading the tables by SQL, not through
the capabilities' models: this module sits below them all); their SQL twins answer for every row
of a query without a round trip per row. tests/integration/test_access.py proves each pair
agrees on a matrix of viewers and records. SQL twins refer to the bind parameters that
`viewer_params` gives; a literal 'true' or 'false' comes back where the viewer alone decides.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

PRIVILEGED_ROLES = ("staff", "admin")
# Roles that may create datasets (and so become stewards).
CREATOR_ROLES = ("steward", *PRIVILEGED_ROLES)


@dataclass(frozen=True)
class Viewer:
    """Whoever is asking: anonymous, or a user acting as a contributor."""

    user_id: int | None = None
    contributor_id: int | None = None
    role: str | None = None
    # The right staff may give a member to create datasets (user_account.may_create_datasets).
    creates_datasets: bool = False
    # The datasets whose agreement keeps their records from this viewer, looked up by `resolved` (None:
    # not looked up, and the SQL twins read them by a subquery instead).
    closed: tuple[int, ...] | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_privileged(self) -> bool:
        return is_privileged(self)


ANONYMOUS = Viewer()
# Whoever runs a `fieldapp` command on the server: they hold the database already, so they act as an admin.
CLI_OPERATOR = Viewer(role="admin")


class Record(Protocol):
    """What the record rules read of an observation (an ORM object or a result row)."""

    contributor_id: int | None
    entered_by: int | None
    dataset_id: int
    visibility: str
    withdrawn_at: Any


def viewer_of(user: Any) -> Viewer:
    """The viewer a signed-in user is (None: anonymous)."""
    if user is None:
        return ANONYMOUS
    return Viewer(
        user_id=user.id,
        contributor_id=user.contributor_id,
        role=user.role,
        creates_datasets=bool(getattr(user, "may_create_datasets", False)),
    )


def viewer_by_id(session: Session, user_id: int | None) -> Viewer | None:
    """The viewer an account is now (a background job runs as the viewer who asked); None if it is gone."""
    if user_id is None:
        return ANONYMOUS
    row = session.execute(
        text("SELECT id, contributor_id, role FROM user_account WHERE id = :id"), {"id": user_id}
    ).first()
    return None if row is None else Viewer(user_id=row.id, contributor_id=row.contributor_id, role=row.role)


def viewer_params(viewer: Viewer) -> dict[str, int | None]:
    """Bind parameters the SQL twins refer to."""
    return {"viewer_contributor": viewer.contributor_id, "viewer_user": viewer.user_id}


# --- privileged: park staff and admins ---------------------------------------------------------


def is_privileged(viewer: Viewer) -> bool:
    """Staff and admins may see and manage everything."""
    return viewer.role in PRIVILEGED_ROLES


def privileged_sql(viewer: Viewer) -> str:
    return "true" if is_privileged(viewer) else "false"


# --- stewardship: directly, or through a group the contributor belongs to ----------------------


def stewards(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """Is the viewer a steward of this dataset (the one named on it or a further one, directly or
    through a group)?"""
    if viewer.contributor_id is None:
        return False
    sql = (
        "SELECT steward_id FROM dataset WHERE id = :id"
        " UNION SELECT contributor_id FROM dataset_steward WHERE dataset_id = :id"
    )
    for steward_id in session.scalars(text(sql), {"id": dataset_id}):
        if steward_id == viewer.contributor_id or _is_member(session, viewer.contributor_id, steward_id):
            return True
    return False


def stewards_sql(viewer: Viewer, dataset: str = "o.dataset_id") -> str:
    if viewer.contributor_id is None:
        return "false"
    return f"{dataset} IN ({STEWARDED_SQL})"


# The ids of the datasets :viewer_contributor stewards (named on the dataset, or a further steward).
STEWARDED_SQL = (
    "SELECT sd.id FROM dataset sd WHERE sd.steward_id = :viewer_contributor OR sd.steward_id IN"
    " (SELECT sm.group_id FROM membership sm WHERE sm.member_id = :viewer_contributor)"
    " UNION SELECT ds.dataset_id FROM dataset_steward ds WHERE ds.contributor_id = :viewer_contributor"
    " OR ds.contributor_id IN (SELECT sm.group_id FROM membership sm WHERE sm.member_id = :viewer_contributor)"
)


def stewarded_dataset_ids(session: Session, viewer: Viewer) -> set[int]:
    """Every dataset the viewer stewards."""
    if viewer.contributor_id is None:
        return set()
    return set(session.scalars(text(STEWARDED_SQL), viewer_params(viewer)))


def _is_member(session: Session, member_id: int, group_id: int) -> bool:
    sql = "SELECT EXISTS (SELECT 1 FROM membership WHERE group_id = :group AND member_id = :member)"
    return bool(session.scalar(text(sql), {"group": group_id, "member": member_id}))


# --- records: manage (see precisely, change, delete) and see ----------------------------------


def may_manage(session: Session, viewer: Viewer, record: Record) -> bool:
    """May the viewer see this observation precisely, change and delete it?"""
    if viewer.is_anonymous:
        return False
    if is_privileged(viewer):
        return True
    if record.contributor_id is not None and record.contributor_id == viewer.contributor_id:
        return True
    if record.entered_by is not None and record.entered_by == viewer.user_id:
        return True
    return stewards(session, viewer, record.dataset_id)


def manage_sql(viewer: Viewer, alias: str = "o") -> str:
    if viewer.is_anonymous:
        return "false"
    if is_privileged(viewer):
        return "true"
    return (
        f"({alias}.contributor_id = :viewer_contributor OR {alias}.entered_by = :viewer_user"
        f" OR {stewards_sql(viewer, f'{alias}.dataset_id')})"
    )


def may_see_precise(session: Session, viewer: Viewer, record: Record) -> bool:
    """May the viewer see the record's precise location and all that is derived from it?"""
    if not is_shared(session, viewer, record):
        return False
    return record.visibility == "public" or sees_exact(session, viewer, record)


def precise_sql(viewer: Viewer, alias: str = "o") -> str:
    exact = exact_sql(viewer, alias)
    shared = shared_sql(viewer, alias)
    if exact == "true" and shared == "true":
        return "true"
    return f"({shared} AND ({alias}.visibility = 'public' OR {exact}))"


def sees_exact(session: Session, viewer: Viewer, record: Record) -> bool:
    """Does the viewer get the record's exact geometry rather than its public one? Those who manage it,
    and for a generalised record, those granted precise access to its dataset."""
    if may_manage(session, viewer, record):
        return True
    return record.visibility == "generalised" and has_grant(session, viewer, record.dataset_id)


def exact_sql(viewer: Viewer, alias: str = "o") -> str:
    manage = manage_sql(viewer, alias)
    granted = granted_sql(viewer, f"{alias}.dataset_id")
    if manage == "true" or granted == "false":
        return manage
    return f"({manage} OR ({alias}.visibility = 'generalised' AND {granted}))"


# --- access on request: a steward's grant of precise access to a dataset, for a limited time ------

# The datasets :viewer_user holds a grant for today.
GRANTED_SQL = (
    "SELECT ag.dataset_id FROM access_grant ag WHERE ag.user_id = :viewer_user AND ag.status = 'granted'"
    " AND ag.expires_on > fieldapp_today()"
)


def has_grant(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """Does the viewer hold a granted, unexpired request for precise access to this dataset?"""
    if viewer.is_anonymous:
        return False
    sql = f"SELECT EXISTS (SELECT 1 FROM ({GRANTED_SQL}) g WHERE g.dataset_id = :dataset)"
    return bool(session.scalar(text(sql), viewer_params(viewer) | {"dataset": dataset_id}))


def granted_sql(viewer: Viewer, dataset: str = "o.dataset_id") -> str:
    return "false" if viewer.is_anonymous else f"{dataset} IN ({GRANTED_SQL})"


def may_decide_grant(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """The dataset's stewards and park staff grant or refuse requests for precise access to it."""
    return may_import(session, viewer, dataset_id)


def may_see_record(session: Session, viewer: Viewer, record: Record) -> bool:
    """May the viewer see the record at all (its page, annotations, photos)? Private ones are hidden."""
    if not is_shared(session, viewer, record):
        return False
    return record.visibility != "private" or may_manage(session, viewer, record)


def see_record_sql(viewer: Viewer, alias: str = "o") -> str:
    manage = manage_sql(viewer, alias)
    shared = shared_sql(viewer, alias)
    if manage == "true" and shared == "true":
        return "true"
    return f"({shared} AND ({alias}.visibility <> 'private' OR {manage}))"


# --- what its holders share: withdrawal and the dataset's agreement (audience, embargo) ---------


def is_shared(session: Session, viewer: Viewer, record: Record) -> bool:
    """Do the record's holders share it with this viewer? A withdrawn record, or one in a dataset
    whose agreement keeps it from the viewer, is shown only to its contributor (and park staff)."""
    if record.contributor_id is not None and speaks_for(session, viewer, record.contributor_id):
        return True
    return record.withdrawn_at is None and dataset_open(session, viewer, record.dataset_id)


def shared_sql(viewer: Viewer, alias: str = "o") -> str:
    """The SQL twin of is_shared: every output of records filters with it (through see_record_sql,
    precise_sql, visible_geometry_sql or observations.queries.where_sql)."""
    own = speaks_for_sql(viewer, f"{alias}.contributor_id")
    if own == "true":
        return "true"
    kept = f"({alias}.withdrawn_at IS NULL AND {dataset_open_sql(viewer, f'{alias}.dataset_id')})"
    return kept if own == "false" else f"({kept} OR coalesce({own}, false))"


def dataset_open(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """Does the dataset's agreement let the viewer see its records (its audience, after its embargo)?

    Its stewards and park staff always may; without an agreement, everyone may. Before the embargo
    date only the dataset's existence and credit are public, to its audience too."""
    if is_privileged(viewer) or stewards(session, viewer, dataset_id):
        return True
    sql = (
        "SELECT audience, audience_groups, coalesce(embargo_until > fieldapp_today(), false) AS embargoed"
        " FROM dataset_agreement WHERE dataset_id = :id"
    )
    agreement = session.execute(text(sql), {"id": dataset_id}).first()
    if agreement is None:
        return True
    if agreement.embargoed:
        return False
    if agreement.audience == "everyone" or has_grant(session, viewer, dataset_id):
        return True
    if agreement.audience == "park" or viewer.is_anonymous:
        return False
    if agreement.audience == "members":
        return True
    groups = agreement.audience_groups or []
    return viewer.contributor_id is not None and any(_is_member(session, viewer.contributor_id, g) for g in groups)


def dataset_open_sql(viewer: Viewer, dataset: str = "o.dataset_id") -> str:
    if is_privileged(viewer):
        return "true"
    if viewer.closed is not None:  # named by id: the planner then estimates the rows it lets through
        if not viewer.closed:
            return "true"
        return f"NOT ({dataset} = ANY('{{{','.join(str(int(i)) for i in viewer.closed)}}}'::bigint[]))"
    return f"NOT ({dataset} = ANY(ARRAY({closed_datasets_sql(viewer)})))"


def resolved(session: Session, viewer: Viewer) -> Viewer:
    """The viewer with the datasets closed to them looked up (one small query), so every SQL twin built
    for it names them as a constant array rather than a subquery. The planner cannot know a subquery's
    result: it estimated `<> ALL(ARRAY(...))` as a quarter of the rows or fewer, and a million-row
    grouping then ran in one process instead of in parallel. The same rows pass either way; build the
    statement in the same transaction or request as the lookup (an agreement changed in between would
    not be seen until the next one)."""
    if is_privileged(viewer) or viewer.closed is not None:
        return viewer
    closed = session.scalars(text(closed_datasets_sql(viewer)), viewer_params(viewer))
    return replace(viewer, closed=tuple(sorted({int(i) for i in closed})))


# The datasets last found closed to each viewer, per process (remembered_closed): a guess that saves the
# lookup's round trip, never trusted unchecked.
_CLOSED_SEEN: dict[tuple[Any, ...], tuple[int, ...]] = {}
_CLOSED_SEEN_MAX = 10_000


def _viewer_key(viewer: Viewer) -> tuple[Any, ...]:
    return (viewer.user_id, viewer.contributor_id, viewer.role, viewer.creates_datasets)


def remembered_closed(viewer: Viewer) -> Viewer | None:
    """The viewer with the datasets last found closed to them in this process (None if never looked up).

    A guess: an agreement, a grant or a membership may have changed since. Only a statement that also
    reads closed_now_sql and compares (checked_closed) may use it, and it runs again with what it read
    when they differ; so what it returns follows the gate as of its own snapshot, as `resolved` would."""
    if is_privileged(viewer) or viewer.closed is not None:
        return viewer
    closed = _CLOSED_SEEN.get(_viewer_key(viewer))
    return None if closed is None else replace(viewer, closed=closed)


def checked_closed(viewer: Viewer, closed_now: list[int] | None) -> Viewer | None:
    """None when the statement built for `viewer` read the same closed datasets as it was built with;
    else the viewer with those it read (remembered for the next request), to build the statement again."""
    if is_privileged(viewer):
        return None
    now = tuple(sorted({int(i) for i in closed_now or ()}))
    if len(_CLOSED_SEEN) >= _CLOSED_SEEN_MAX:
        _CLOSED_SEEN.clear()
    _CLOSED_SEEN[_viewer_key(viewer)] = now
    return None if now == viewer.closed else replace(viewer, closed=now)


def closed_now_sql(viewer: Viewer) -> str:
    """The datasets closed to the viewer as the statement's own snapshot sees them, for checked_closed."""
    if is_privileged(viewer):
        return "NULL::bigint[]"
    return f"ARRAY({closed_datasets_sql(viewer)})"


def closed_datasets_sql(viewer: Viewer) -> str:
    """The ids of the datasets whose agreement keeps their records from this (unprivileged) viewer."""
    if viewer.is_anonymous:
        audience = "ca.audience = 'everyone'"
    else:
        audience = (
            "(ca.audience IN ('everyone', 'members') OR (ca.audience = 'groups' AND EXISTS (SELECT 1 FROM"
            " membership cm WHERE cm.member_id = :viewer_contributor AND cm.group_id = ANY(ca.audience_groups))))"
        )
    if not viewer.is_anonymous:  # a grant of precise access opens an audience, never an embargo
        audience = f"({audience} OR ca.dataset_id IN ({GRANTED_SQL}))"
    closed = (
        f"SELECT ca.dataset_id FROM dataset_agreement ca WHERE (ca.embargo_until > fieldapp_today() OR NOT {audience})"
    )
    if viewer.contributor_id is None:
        return closed
    return f"{closed} AND ca.dataset_id NOT IN ({STEWARDED_SQL})"


# --- contributors: speaking for one (oneself, one's pseudonym) --------------------------------


def speaks_for(session: Session, viewer: Viewer, contributor_id: int) -> bool:
    """Is the viewer this contributor, the owner of this pseudonym, or staff (sees their private records)?"""
    if viewer.is_anonymous:
        return False
    if is_privileged(viewer) or viewer.contributor_id == contributor_id:
        return True
    owner = session.scalar(text("SELECT owner_user_id FROM contributor WHERE id = :id"), {"id": contributor_id})
    return owner is not None and owner == viewer.user_id


def speaks_for_sql(viewer: Viewer, contributor: str = "c.id") -> str:
    if viewer.is_anonymous:
        return "false"
    if is_privileged(viewer):
        return "true"
    return (
        f"({contributor} = :viewer_contributor OR EXISTS (SELECT 1 FROM contributor sp"
        f" WHERE sp.id = {contributor} AND sp.owner_user_id = :viewer_user))"
    )


def may_credit(session: Session, viewer: Viewer, contributor_id: int) -> bool:
    """May the viewer credit a record or an annotation to this contributor: themselves, their own
    pseudonyms or a group they belong to? Credit is not a privilege: staff follow the same rule."""
    if viewer.is_anonymous:
        return False
    if contributor_id == viewer.contributor_id:
        return True
    sql = (
        "SELECT EXISTS (SELECT 1 FROM contributor WHERE id = :contributor AND owner_user_id = :viewer_user)"
        " OR EXISTS (SELECT 1 FROM membership WHERE group_id = :contributor AND member_id = :viewer_contributor)"
    )
    return bool(session.scalar(text(sql), viewer_params(viewer) | {"contributor": contributor_id}))


def credit_sql(viewer: Viewer, contributor: str = "c.id") -> str:
    if viewer.is_anonymous:
        return "false"
    return actor_credit_sql(contributor, ":viewer_user", ":viewer_contributor")


def actor_credit_sql(contributor: str, user: str, own_contributor: str) -> str:
    """credit_sql for an actor named by SQL expressions (e.g. the account of a history row), not the viewer."""
    return (
        f"({contributor} = {own_contributor} OR EXISTS (SELECT 1 FROM contributor k WHERE k.id = {contributor}"
        f" AND (k.owner_user_id = {user} OR EXISTS (SELECT 1 FROM membership m"
        f" WHERE m.group_id = k.id AND m.member_id = {own_contributor}))))"
    )


def may_withdraw(session: Session, viewer: Viewer, contributor_id: int) -> bool:
    """May the viewer withdraw the records credited to this contributor? The person, the owner of a
    pseudonym, and for a group its admins alone (a member credits the group but does not decide for it).
    Withdrawal is not a privilege: staff follow the same rule."""
    if viewer.is_anonymous:
        return False
    if contributor_id == viewer.contributor_id:
        return True
    owner = "SELECT EXISTS (SELECT 1 FROM contributor WHERE id = :contributor AND owner_user_id = :viewer_user)"
    if session.scalar(text(owner), viewer_params(viewer) | {"contributor": contributor_id}):
        return True
    return _is_group_admin(session, viewer, contributor_id)


def may_steward_as(session: Session, viewer: Viewer, contributor_id: int) -> bool:
    """May the viewer make this contributor a dataset's steward (themselves, their group; staff: anyone)?"""
    if viewer.is_anonymous:
        return False
    if is_privileged(viewer) or contributor_id == viewer.contributor_id:
        return True
    return viewer.contributor_id is not None and _is_member(session, viewer.contributor_id, contributor_id)


def may_create_dataset(viewer: Viewer) -> bool:
    """Stewards, staff and admins create datasets, and members staff gave the right to."""
    return viewer.role in CREATOR_ROLES or (not viewer.is_anonymous and viewer.creates_datasets)


def may_edit_dataset(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """The dataset's stewards and park staff edit its description, licence, stewards and recording."""
    return may_import(session, viewer, dataset_id)


# --- recording: who may record into a dataset ---------------------------------------------------


def may_record(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """May the viewer record into this dataset (the page, the API, an import, moving a record there)?

    Any member may record into an open dataset; its stewards may restrict it to the members of named
    groups or to the people they invited. Its stewards and park staff always may."""
    if viewer.is_anonymous:
        return False
    if is_privileged(viewer) or stewards(session, viewer, dataset_id):
        return True
    row = session.execute(
        text("SELECT recording, recording_groups FROM dataset WHERE id = :id"), {"id": dataset_id}
    ).first()
    if row is None:
        return False
    if row.recording == "open":
        return True
    if row.recording == "groups":
        groups = row.recording_groups or []
        return viewer.contributor_id is not None and any(_is_member(session, viewer.contributor_id, g) for g in groups)
    sql = "SELECT EXISTS (SELECT 1 FROM dataset_recorder WHERE dataset_id = :id AND user_id = :user)"
    return bool(session.scalar(text(sql), {"id": dataset_id, "user": viewer.user_id}))


def record_sql(viewer: Viewer, dataset: str = "d") -> str:
    """The SQL twin of may_record, on a dataset row aliased `dataset`."""
    if viewer.is_anonymous:
        return "false"
    if is_privileged(viewer):
        return "true"
    groups = (
        f"({dataset}.recording = 'groups' AND EXISTS (SELECT 1 FROM membership rm"
        f" WHERE rm.member_id = :viewer_contributor AND rm.group_id = ANY({dataset}.recording_groups)))"
    )
    invited = (
        f"({dataset}.recording = 'invited' AND EXISTS (SELECT 1 FROM dataset_recorder rr"
        f" WHERE rr.dataset_id = {dataset}.id AND rr.user_id = :viewer_user))"
    )
    return f"({dataset}.recording = 'open' OR {groups} OR {invited} OR {stewards_sql(viewer, f'{dataset}.id')})"


# --- accounts: park staff run them --------------------------------------------------------------


def may_manage_accounts(viewer: Viewer) -> bool:
    """Staff and admins list accounts, change roles, deactivate, reset passwords and invite people.
    Only an admin makes or unmakes an admin."""
    return is_privileged(viewer)


def may_give_role(viewer: Viewer, role: str) -> bool:
    """May the viewer give (or take away) this role? Staff give any role but admin; admins any."""
    if not is_privileged(viewer):
        return False
    return role != "admin" or viewer.role == "admin"


# --- imports -----------------------------------------------------------------------------------


def may_import(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """The dataset's stewards and park staff may import into it."""
    return is_privileged(viewer) or stewards(session, viewer, dataset_id)


def import_sql(viewer: Viewer, dataset: str = "d.id") -> str:
    return "true" if is_privileged(viewer) else stewards_sql(viewer, dataset)


def may_set_agreement(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """The dataset's stewards and park staff attach and change its data agreement."""
    return may_import(session, viewer, dataset_id)


def may_prefer_name(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """The dataset's stewards and park staff choose the name their dataset prefers for a subject."""
    return may_import(session, viewer, dataset_id)


def may_facilitate(session: Session, viewer: Viewer, dataset_id: int) -> bool:
    """The dataset's stewards and park staff may enter records on behalf of other people."""
    return may_import(session, viewer, dataset_id)


def may_see_job(viewer: Viewer, job_user_id: int | None) -> bool:
    """Whoever started an import job, and park staff, may follow it."""
    if viewer.is_anonymous:
        return False
    return is_privileged(viewer) or job_user_id == viewer.user_id


def job_sql(viewer: Viewer, alias: str = "j") -> str:
    if viewer.is_anonymous:
        return "false"
    return "true" if is_privileged(viewer) else f"{alias}.user_id = :viewer_user"


def may_fetch_export(viewer: Viewer, job_user_id: int | None, by_anonymous: bool) -> bool:
    """An export job and its file are its requester's alone (it holds what they may see, no more):
    staff are no exception. An anonymous visitor's export holds public data only; its unguessable id is its key.
    (A signed-in requester's job whose account was deleted since is nobody's.)"""
    if by_anonymous:
        return True
    return job_user_id is not None and job_user_id == viewer.user_id


# --- projects: their stewards, like a dataset's -----------------------------------------------


def may_create_project(viewer: Viewer) -> bool:
    """Whoever may create datasets may start a project (its partners then join it)."""
    return may_create_dataset(viewer)


def stewards_project(session: Session, viewer: Viewer, project_id: int) -> bool:
    """May the viewer edit the project and publish its protocol: its steward (directly or through a
    group), or park staff?"""
    if viewer.is_anonymous:
        return False
    if is_privileged(viewer):
        return True
    steward_id = session.scalar(text("SELECT steward_id FROM project WHERE id = :id"), {"id": project_id})
    if steward_id is None or viewer.contributor_id is None:
        return False
    return steward_id == viewer.contributor_id or _is_member(session, viewer.contributor_id, steward_id)


def project_steward_sql(viewer: Viewer, project: str = "p") -> str:
    if viewer.is_anonymous:
        return "false"
    if is_privileged(viewer):
        return "true"
    return (
        f"({project}.steward_id = :viewer_contributor OR {project}.steward_id IN"
        " (SELECT pm.group_id FROM membership pm WHERE pm.member_id = :viewer_contributor))"
    )


def may_discuss(viewer: Viewer) -> bool:
    """Any signed-in member may comment on a protocol or propose a wording: the discussion is open."""
    return not viewer.is_anonymous


# --- groups: their admins run them ------------------------------------------------------------------


def may_admin_group(session: Session, viewer: Viewer, group_id: int) -> bool:
    """A group's admins (and park staff) add and remove its members and name its admins."""
    if viewer.is_anonymous:
        return False
    if is_privileged(viewer):
        return True
    return _is_group_admin(session, viewer, group_id)


def _is_group_admin(session: Session, viewer: Viewer, group_id: int) -> bool:
    """Is the viewer one of the group's admins (membership.role)? Shared by may_admin_group and may_withdraw."""
    sql = "SELECT EXISTS (SELECT 1 FROM membership WHERE group_id = :g AND member_id = :m AND role = 'admin')"
    return bool(session.scalar(text(sql), {"g": group_id, "m": viewer.contributor_id}))


def admin_group_sql(viewer: Viewer, group: str = "c.id") -> str:
    if viewer.is_anonymous:
        return "false"
    if is_privileged(viewer):
        return "true"
    return (
        f"EXISTS (SELECT 1 FROM membership ga WHERE ga.group_id = {group}"
        " AND ga.member_id = :viewer_contributor AND ga.role = 'admin')"
    )


def may_create_group(viewer: Viewer) -> bool:
    """Any signed-in member may start a group (a fishers' association, a survey team) and is its first admin."""
    return not viewer.is_anonymous


def may_add_person(session: Session, viewer: Viewer) -> bool:
    """Facilitators (stewards of any dataset, park staff) add a person without an account to credit."""
    if viewer.is_anonymous:
        return False
    return is_privileged(viewer) or bool(stewarded_dataset_ids(session, viewer))
