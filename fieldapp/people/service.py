"""Staff's work on accounts: list them, change a role, deactivate, reset a password, invite someone.

Every function takes the actor as an access.Viewer and asks access.py whether it may; the command
line acts as access.CLI_OPERATOR (whoever runs it on the server holds the database already).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, may_give_role, may_manage_accounts
from fieldapp.accounts.links import issue_link
from fieldapp.accounts.models import User
from fieldapp.accounts.service import create_user, end_all_sessions, normalise_email
from fieldapp.datasets.models import Dataset, DatasetSteward
from fieldapp.errors import Forbidden, Invalid, NotFound
from fieldapp.i18n import _
from fieldapp.vocab import ROLES

INVITE_MAIL = """Hello,

{actor} has invited you to fieldapp, the park's shared record of what people know about the coast,
as {role}{datasets}.

Choose your password here (the link works once, for {hours} hours):
{link}
"""
RESET_MAIL = """Hello,

Park staff have made you a link to choose a new password for fieldapp (it works once, for {hours} hours):
{link}

If you did not ask for it, you can ignore this message: your password stays as it is.
"""
# Accounts listed per page of /admin/people (a search narrows them).
LISTED = 200


def _require_staff(actor: Viewer) -> None:
    if not may_manage_accounts(actor):
        raise Forbidden(_("Only park staff manage accounts."))


def list_accounts(session: Session, actor: Viewer, search: str = "") -> list[dict[str, Any]]:
    """Accounts by email, matching the search in their email or name: role, state, tokens."""
    _require_staff(actor)
    sql = """
        SELECT u.id, u.email, c.display_name, u.role, u.active, u.may_create_datasets, u.created_at,
               u.password_hash IS NOT NULL AS has_password,
               (SELECT count(*) FROM api_token t WHERE t.user_id = u.id) AS tokens
        FROM user_account u JOIN contributor c ON c.id = u.contributor_id
        WHERE :search = '' OR u.email ILIKE '%' || :search || '%' OR c.display_name ILIKE '%' || :search || '%'
        ORDER BY u.email LIMIT :limit
    """
    pattern = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [dict(r._mapping) for r in session.execute(text(sql), {"search": pattern, "limit": LISTED})]


def get_account(session: Session, actor: Viewer, user_id: int) -> User:
    _require_staff(actor)
    user = session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound(_("No account %(id)s.", id=user_id), [{"path": "user_id", "message": _("no such account")}])
    return user


def find_account(session: Session, actor: Viewer, email: str) -> User:
    _require_staff(actor)
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(
            _("No account for %(email)s.", email=email), [{"path": "email", "message": _("unknown account")}]
        )
    return user


def _check_over(actor: Viewer, user: User, role: str | None = None) -> None:
    """Staff act on accounts below admin and never on their own standing; admins on any other account."""
    if user.id == actor.user_id:
        raise Forbidden(_("You cannot change your own role or deactivate yourself; ask another member of staff."))
    for wanted in (user.role, role or user.role):
        if not may_give_role(actor, wanted):
            raise Forbidden(_("Only an admin gives, takes away or acts on the admin role."))


def set_role(session: Session, actor: Viewer, user: User, role: str) -> None:
    """Give the account another role (roles grant rights, never epistemic authority)."""
    _require_staff(actor)
    if role not in ROLES:
        raise Invalid(
            _("Unknown role %(role)s.", role=role),
            [{"path": "role", "message": _("use one of %(roles)s", roles=", ".join(ROLES))}],
        )
    _check_over(actor, user, role)
    user.role = role
    session.flush()


def set_active(session: Session, actor: Viewer, user: User, active: bool) -> None:
    """Deactivate (its sessions end, its tokens stop working, it cannot sign in) or reactivate an account."""
    _require_staff(actor)
    _check_over(actor, user)
    user.active = active
    if not active:
        end_all_sessions(session, user)
    session.flush()


def set_creator(session: Session, actor: Viewer, user: User, allowed: bool) -> None:
    """Give or take a member's right to create datasets."""
    _require_staff(actor)
    user.may_create_datasets = allowed
    session.flush()


def reset_link(session: Session, actor: Viewer, user: User, hours: int) -> str:
    """A one-time link for the account to set a new password (its earlier reset links stop working)."""
    _require_staff(actor)
    _check_over(actor, user)
    return issue_link(session, user, "reset", hours, actor.user_id)


def invite(
    session: Session, actor: Viewer, email: str, name: str, role: str, dataset_ids: list[int], hours: int
) -> tuple[User, str]:
    """Make an account without a password, with a role and the datasets it stewards; return it and the
    one-time link with which the invitee sets their own password."""
    _require_staff(actor)
    if not may_give_role(actor, role):
        raise Forbidden(_("Only an admin invites an admin."), [{"path": "role", "message": _("admin needs an admin")}])
    user = create_user(session, email, role=role, name=name.strip() or None)
    known = set(session.scalars(select(Dataset.id).where(Dataset.id.in_(dataset_ids))))
    if missing := [d for d in dataset_ids if d not in known]:
        raise Invalid(_("Unknown dataset."), [{"path": "datasets", "message": _("no dataset %(id)s", id=missing[0])}])
    session.add_all(DatasetSteward(dataset_id=d, contributor_id=user.contributor_id) for d in sorted(known))
    session.flush()
    return user, issue_link(session, user, "invite", hours, actor.user_id)


def dataset_ids(session: Session, slugs: list[str]) -> list[int]:
    """The ids of the datasets named by slug (an invitation's datasets to steward, from the API and CLI)."""
    found = {r.slug: r.id for r in session.execute(select(Dataset.slug, Dataset.id).where(Dataset.slug.in_(slugs)))}
    if missing := [s for s in slugs if s not in found]:
        raise Invalid(_("Unknown dataset."), [{"path": "datasets", "message": _("no dataset %(id)s", id=missing[0])}])
    return [found[s] for s in slugs]


def invitation_mail(session: Session, actor_name: str, role: str, ids: list[int], hours: int, link: str):
    """The invitation's subject and text (the page, the API and the CLI send the same)."""
    titles = session.scalars(select(Dataset.title).where(Dataset.id.in_(ids)).order_by(Dataset.title)).all()
    stewarding = f", to steward {', '.join(titles)}" if titles else ""
    body = INVITE_MAIL.format(actor=actor_name, role=role, datasets=stewarding, hours=hours, link=link)
    return "You are invited to fieldapp", body


def reset_mail(hours: int, link: str) -> tuple[str, str]:
    """The password reset's subject and text."""
    return "Choose a new fieldapp password", RESET_MAIL.format(hours=hours, link=link)
