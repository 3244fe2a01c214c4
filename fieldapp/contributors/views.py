"""Contributor pages: every person and group as they chose to be credited, and how their knowledge is used."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import text

from fieldapp.access import may_add_person, may_withdraw, speaks_for, viewer_of
from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.contributors import groups, queries
from fieldapp.contributors.service import set_membership_shown
from fieldapp.db import get_session
from fieldapp.errors import FieldAppError, NotFound
from fieldapp.i18n import _, ngettext
from fieldapp.observations.withdrawal import withdraw_records, withdrawal_summary
from fieldapp.ui import KIND_LABELS

bp = Blueprint("contributors", __name__)


@bp.get("/contributors/<int:contributor_id>")
def contributor_page(contributor_id: int):
    session = get_session()
    contributor = queries.profile(session, contributor_id)
    if contributor is None:
        raise NotFound(_("No contributor %(id)s.", id=contributor_id))
    return render_template(
        "contributors/contributor.html",
        contributor=contributor,
        labels=KIND_LABELS,
        memberships=queries.memberships(session, contributor_id),
        datasets=queries.stewarded_datasets(session, contributor_id),
        observations=queries.observation_summary(session, contributor_id, current_viewer()),
        annotations=queries.annotations_by(session, contributor_id),
        used={row["kind"]: row for row in queries.knowledge_used(session, contributor_id)},
        my_membership=_my_membership(session, contributor_id),
        withdrawal=_withdrawal(session, contributor_id),
        seen=_seen(session, contributor_id),
    )


def _seen(session, contributor_id: int) -> list | None:
    """Who has seen their exact locations: for the contributor and the owner of a pseudonym only."""
    user = current_user()
    if user is None or not speaks_for(session, viewer_of(user), contributor_id):
        return None
    return queries.precise_views(session, contributor_id)


def _withdrawal(session, contributor_id: int) -> dict | None:
    """For those who may withdraw this contributor's records: their datasets, withdrawals and earlier exports."""
    user = current_user()
    if user is None or not may_withdraw(session, viewer_of(user), contributor_id):
        return None
    return withdrawal_summary(session, contributor_id) | {
        "datasets": queries.datasets_with_records(session, contributor_id)
    }


@bp.post("/contributors/<int:contributor_id>/withdrawal")
def withdraw(contributor_id: int):
    """Withdraw the contributor's records, all or one dataset's (the form on their page)."""
    user = require_user()
    session = get_session()
    count = withdraw_records(session, user, contributor_id, request.form.get("dataset") or None)
    session.commit()
    flash(
        ngettext(
            "%(num)s record withdrawn: it has left every map, list and export.",
            "%(num)s records withdrawn: they have left every map, list and export.",
            count,
        )
    )
    return redirect(url_for(".contributor_page", contributor_id=contributor_id))


def _my_membership(session, group_id: int) -> bool | None:
    """Whether the signed-in person is listed as a member of this group (None: not a member)."""
    user = current_user()
    if user is None:
        return None
    return session.execute(
        text("SELECT shown FROM membership WHERE group_id = :g AND member_id = :m"),
        {"g": group_id, "m": user.contributor_id},
    ).scalar()


@bp.post("/contributors/<int:group_id>/membership")
def choose_membership_listing(group_id: int):
    """A member chooses whether the group's page lists them (their records credited to the group stay so)."""
    user = require_user()
    session = get_session()
    shown = request.form.get("shown") == "1"
    if not set_membership_shown(session, user.contributor_id, group_id, shown):
        raise NotFound(_("You are not a member of group %(id)s.", id=group_id))
    session.commit()
    flash(_("You are now listed as a member.") if shown else _("You are no longer listed as a member."))
    return redirect(url_for(".contributor_page", contributor_id=group_id))


# --- groups and people to credit ------------------------------------------------------------------


def _groups_page(error: str | None = None, status: int = 200, added: dict | None = None):
    require_user()
    session = get_session()
    viewer = current_viewer()
    search = request.args.get("q", "")[:200]
    facilitator = may_add_person(session, viewer)
    context = {
        "groups": groups.my_groups(session, viewer),
        "facilitator": facilitator,
        "search": search,
        "found": groups.find_people(session, search) if facilitator and search.strip() else [],
        "error": error,
        "added": added,
    }
    return render_template("contributors/groups.html", **context), status


def _reasons(exc: FieldAppError) -> str:
    return "; ".join(f"{d['path']}: {d['message']}" for d in exc.details) or exc.message


@bp.get("/groups")
def groups_page():
    """Your groups (start one), and for facilitators: find people to credit, add someone without an account."""
    return _groups_page()


@bp.post("/groups")
def create_group():
    require_user()
    session = get_session()
    try:
        group = groups.create_group(session, current_viewer(), request.form.get("display_name", ""))
    except FieldAppError as exc:
        session.rollback()
        return _groups_page(_("No group was started: %(reasons)s", reasons=_reasons(exc)), exc.status)
    session.commit()
    flash(_("Your group is started: add its members."))
    return redirect(url_for(".group_members", group_id=group.id), 303)


@bp.post("/groups/people")
def add_person():
    """A facilitator adds a person without an account (an interviewee), with a note of their consent."""
    require_user()
    session = get_session()
    try:
        person = groups.add_person(
            session, current_viewer(), request.form.get("display_name", ""), request.form.get("consent_note", "")
        )
    except FieldAppError as exc:
        session.rollback()
        return _groups_page(_("Nobody was added: %(reasons)s", reasons=_reasons(exc)), exc.status)
    session.commit()
    return _groups_page(added={"id": person.id, "display_name": person.display_name})


@bp.route("/groups/<int:group_id>/members", methods=["GET", "POST"])
def group_members(group_id: int):
    """The group's admins add members (by their account's email) and remove them."""
    require_user()
    session = get_session()
    viewer = current_viewer()
    group = groups.group_for_admin(session, viewer, group_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            groups.add_member(
                session, viewer, group_id, request.form.get("email", ""), request.form.get("admin") == "on"
            )
            session.commit()
            flash(_("Added to the group."))
            return redirect(url_for(".group_members", group_id=group_id), 303)
        except FieldAppError as exc:
            session.rollback()
            error, status = _("Nobody was added: %(reasons)s", reasons=_reasons(exc)), exc.status
    context = {"group": group, "members": groups.members(session, group_id), "error": error}
    return render_template("contributors/members.html", **context), status


@bp.post("/groups/<int:group_id>/members/<int:member_id>/remove")
def remove_group_member(group_id: int, member_id: int):
    require_user()
    session = get_session()
    groups.remove_member(session, current_viewer(), group_id, member_id)
    session.commit()
    flash(_("Removed from the group."))
    return redirect(url_for(".group_members", group_id=group_id), 303)
