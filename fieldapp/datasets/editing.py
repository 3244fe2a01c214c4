"""The new-dataset and edit pages: a form's fields to the schema's values, and back for showing again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

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
    values["stewards"] = form.getlist("steward_groups")
    return values


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


def people_emails(session: Session, contributor_ids: list[int]) -> str:
    """The accounts' emails, one per line, for showing a dataset's people in its form again."""
    rows = session.scalars(
        text("SELECT email FROM user_account WHERE contributor_id = ANY(:ids) ORDER BY email"), {"ids": contributor_ids}
    )
    return "\n".join(rows)


def all_groups(session: Session) -> list[Any]:
    """Every group, by name: stewards choose from them who may record and who co-stewards."""
    return list(
        session.execute(text("SELECT id, display_name FROM contributor WHERE kind = 'group' ORDER BY display_name"))
    )
