"""The new-dataset and edit pages: a form's fields to the schema's values, and back for showing again.

Editors name further stewards and invited recorders by choosing among people they can already see
(the listed members of their groups, every member of the groups they run, the dataset's own people),
never by typing an email: an answer that differs by whether an address has an account would tell
any steward who is a member. Park staff, who see every account on /admin/people, may also type emails.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from fieldapp.access import Viewer, admin_group_sql, may_manage_accounts, viewer_params
from fieldapp.accounts.models import User
from fieldapp.accounts.service import normalise_email
from fieldapp.errors import Invalid
from fieldapp.i18n import _

TEXT_FIELDS = ("slug", "title", "description", "knowledge_kind", "method", "licence", "citation")
CHOICE_FIELDS = ("default_visibility", "recording")


def form_values(form: MultiDict, editing: bool) -> dict[str, Any]:
    """The submitted form as the dataset schema's input: lists from checkboxes, people from email lines."""
    values: dict[str, Any] = {name: form.get(name, "") for name in TEXT_FIELDS + CHOICE_FIELDS if name in form}
    if editing:
        values.pop("slug", None)
    values["generalise_m"] = form.get("generalise_m", "").strip() or None
    values["force_generalised"] = form.get("force_generalised") == "on"
    if form.get("steward_id"):
        values["steward_id"] = form["steward_id"]
    values["recording_groups"] = form.getlist("recording_groups") if values.get("recording") == "groups" else []
    values["stewards"] = form.getlist("steward_groups") + form.getlist("steward_people")
    values["recorders"] = form.getlist("recorder_people")
    return values


EMAIL_FIELDS = {"steward_emails": "stewards", "recorder_emails": "recorders"}


def emailed_people(session: Session, viewer: Viewer, form: MultiDict) -> dict[str, list[int]]:
    """The accounts park staff named by email; anyone else is answered alike whatever the addresses."""
    named = {field: form.get(field, "").strip() for field in EMAIL_FIELDS}
    if may_manage_accounts(viewer):
        return {path: emails_to_contributors(session, named[field], path) for field, path in EMAIL_FIELDS.items()}
    for field, path in EMAIL_FIELDS.items():
        if named[field]:
            message = _("choose from the people listed; park staff invite anyone else by email")
            raise Invalid(f"{path}: {message}.", [{"path": path, "message": message}])
    return {path: [] for path in EMAIL_FIELDS.values()}


def people_choices(session: Session, viewer: Viewer, current: list[int]) -> list[Any]:
    """People with accounts an editor may name: the dataset's own, the listed members of the editor's
    groups and every member of the groups they run (all of whom they already see), by name."""
    sql = f"""
        SELECT DISTINCT c.id, c.display_name FROM contributor c
        JOIN user_account u ON u.contributor_id = c.id
        WHERE c.id = ANY(:current) OR c.id IN (
            SELECT m.member_id FROM membership m JOIN membership mine ON mine.group_id = m.group_id
            WHERE mine.member_id = :viewer_contributor AND (m.shown OR {admin_group_sql(viewer, "m.group_id")}))
        ORDER BY c.display_name, c.id
    """
    return list(session.execute(text(sql), viewer_params(viewer) | {"current": current}))


def emails_to_contributors(session: Session, lines: str, path: str) -> list[int]:
    """The contributors of the accounts named one email per line; an unknown email is named back."""
    emails = [normalise_email(e) for e in lines.replace(",", "\n").splitlines() if e.strip()]
    if len(emails) > 500:
        raise Invalid(f"{path}: " + _("at most 500 people"), [{"path": path, "message": _("at most 500 people")}])
    query = select(User.email, User.contributor_id).where(User.email.in_(emails))
    found = {r.email: r.contributor_id for r in session.execute(query)}
    if missing := [e for e in emails if e not in found]:
        message = _("no account for %(email)s (staff can invite them)", email=missing[0])
        raise Invalid(f"{path}: {message}.", [{"path": path, "message": message}])
    return [found[e] for e in emails]


def all_groups(session: Session) -> list[Any]:
    """Every group, by name: stewards choose from them who may record and who co-stewards."""
    return list(
        session.execute(text("SELECT id, display_name FROM contributor WHERE kind = 'group' ORDER BY display_name"))
    )
