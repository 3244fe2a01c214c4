"""Groups run by their admins (create, add and remove members), and people without an account whom a
facilitator adds to credit, with a note of their consent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, admin_group_sql, may_add_person, may_admin_group, may_create_group, viewer_params
from fieldapp.contributors.models import Contributor, Membership
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.i18n import _
from fieldapp.rules import CONSENT_NOTE_MAX, CONTRIBUTOR_NAME_MAX


def _name(raw: str, path: str = "display_name") -> str:
    name = " ".join((raw or "").split())
    if not name or len(name) > CONTRIBUTOR_NAME_MAX:
        message = _("give a name of 1 to %(n)s characters", n=CONTRIBUTOR_NAME_MAX)
        raise Invalid(f"{path}: {message}.", [{"path": path, "message": message}])
    return name


def create_group(session: Session, viewer: Viewer, name: str) -> Contributor:
    """Start a group; its creator is its first member and admin (listed)."""
    if not may_create_group(viewer) or viewer.contributor_id is None:
        raise Forbidden(_("Sign in to start a group."))
    group = Contributor(kind="group", display_name=_name(name))
    session.add(group)
    session.flush()
    session.add(Membership(group_id=group.id, member_id=viewer.contributor_id, shown=True, role="admin"))
    session.flush()
    return group


def group_for_admin(session: Session, viewer: Viewer, group_id: int) -> Contributor:
    group = session.get(Contributor, group_id) if 0 < group_id < 2**31 else None
    if group is None or group.kind != "group":
        raise NotFound(_("No group %(id)s.", id=group_id))
    if not may_admin_group(session, viewer, group_id):
        raise Forbidden(_("Only the group's admins add and remove its members."))
    return group


def add_member(session: Session, viewer: Viewer, group_id: int, email: str, admin: bool) -> None:
    """Add the person with this account's email to the group (listed until they choose otherwise)."""
    group_for_admin(session, viewer, group_id)
    member = session.execute(
        text("SELECT contributor_id FROM user_account WHERE email = :e"), {"e": email.strip().lower()}
    ).scalar()
    if member is None:
        message = _("no account with this email (staff can invite them)")
        raise Invalid(f"email: {message}.", [{"path": "email", "message": message}])
    if session.get(Membership, (group_id, member)) is not None:
        raise Conflict(_("Already a member."), [{"path": "email", "message": _("already a member")}])
    session.add(Membership(group_id=group_id, member_id=member, shown=True, role="admin" if admin else "member"))
    session.flush()


def remove_member(session: Session, viewer: Viewer, group_id: int, member_id: int) -> None:
    """Remove a member; the last admin stays (a group always has someone to run it)."""
    group_for_admin(session, viewer, group_id)
    membership = session.get(Membership, (group_id, member_id))
    if membership is None:
        raise NotFound(_("Not a member."), [{"path": "member_id", "message": _("not a member")}])
    admins = session.scalar(select(func.count()).where(Membership.group_id == group_id, Membership.role == "admin"))
    if membership.role == "admin" and admins == 1:
        raise Conflict(
            _("The group's last admin stays: name another admin first."),
            [{"path": "member_id", "message": _("last admin")}],
        )
    session.execute(delete(Membership).where(Membership.group_id == group_id, Membership.member_id == member_id))
    session.flush()


def members(session: Session, group_id: int) -> list[dict[str, Any]]:
    """Every member (listed or not) for the group's admins: name, admin, listed."""
    sql = """
        SELECT c.id, c.display_name, m.role = 'admin' AS admin, m.shown
        FROM membership m JOIN contributor c ON c.id = m.member_id WHERE m.group_id = :g ORDER BY c.display_name
    """
    return [dict(r._mapping) for r in session.execute(text(sql), {"g": group_id})]


def my_groups(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """The groups the viewer belongs to, and whether they run each."""
    sql = f"""
        SELECT c.id, c.display_name, {admin_group_sql(viewer, "c.id")} AS runs, m.shown
        FROM membership m JOIN contributor c ON c.id = m.group_id
        WHERE m.member_id = :viewer_contributor ORDER BY c.display_name
    """
    return [dict(r._mapping) for r in session.execute(text(sql), viewer_params(viewer))]


def add_person(session: Session, viewer: Viewer, name: str, consent_note: str) -> Contributor:
    """A facilitator adds a person without an account, credited as they asked, with a note of their consent."""
    if not may_add_person(session, viewer):
        raise Forbidden(_("Stewards and park staff add people to credit."))
    note = (consent_note or "").strip()
    if not note or len(note) > CONSENT_NOTE_MAX:
        message = _("say how and when they agreed to be credited (1 to %(n)s characters)", n=CONSENT_NOTE_MAX)
        raise Invalid(f"consent_note: {message}.", [{"path": "consent_note", "message": message}])
    person = Contributor(kind="person", display_name=_name(name), added_by=viewer.user_id, consent_note=note)
    session.add(person)
    session.flush()
    return person


def find_people(session: Session, search: str, limit: int = 50) -> list[dict[str, Any]]:
    """People and groups to credit whose name contains the search (never a pseudonym)."""
    pattern = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = """
        SELECT id, display_name, kind FROM contributor
        WHERE owner_user_id IS NULL AND display_name ILIKE '%' || :q || '%' ORDER BY display_name LIMIT :limit
    """
    return [dict(r._mapping) for r in session.execute(text(sql), {"q": pattern, "limit": limit})]
