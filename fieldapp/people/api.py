"""JSON API for staff's work on accounts: the /admin/people pages' service, by token."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.http import load, read_json
from fieldapp.mail import deliver
from fieldapp.openapi import JSON, WRITE, NoArgs, answer, operation
from fieldapp.people import service
from fieldapp.people.schemas import (
    InvitationReadSchema,
    InvitationSchema,
    PasswordResetSchema,
    PeopleArgsSchema,
    PeopleListSchema,
    PersonPatchSchema,
    PersonPathSchema,
    PersonSchema,
)

bp = Blueprint("people_api", __name__)
# An answer that may carry a one-time link is kept by no cache.
NO_STORE = {"Cache-Control": "no-store"}


def _person(session, actor, user_id: int) -> dict:
    user = service.get_account(session, actor, user_id)
    return next(a for a in service.list_accounts(session, actor, user.email) if a["id"] == user.id)


@bp.get("/people")
@operation(
    "listPeople",
    "accounts",
    "Accounts by email, with role and state (park staff and admins only)",
    description=f"At most {service.LISTED}; `q` narrows by email or name.",
    security=WRITE,
    args=PeopleArgsSchema,
    answers={200: answer("The accounts.", PeopleListSchema)},
    errors=(400, 401, 403),
)
def list_people(args: dict):
    require_user()
    # Through the schema: the account's time in ISO 8601 as documented (jsonify would write an HTTP date).
    return jsonify(
        PeopleListSchema().dump({"people": service.list_accounts(get_session(), current_viewer(), args["q"])})
    )


@bp.get("/people/<int:user_id>")
@operation(
    "getPerson",
    "accounts",
    "One account, with role and state (park staff and admins only)",
    security=WRITE,
    args=NoArgs,
    path=PersonPathSchema,
    answers={200: answer("The account.", PersonSchema)},
    errors=(400, 401, 403, 404),
)
def get_person(user_id: int):
    require_user()
    return jsonify(PersonSchema().dump(_person(get_session(), current_viewer(), user_id)))


@bp.patch("/people/<int:user_id>")
@operation(
    "updatePerson",
    "accounts",
    "Change an account's role, active state or right to create datasets (park staff and admins only)",
    description="Staff act on accounts below admin and never on their own standing; admins on any other account.",
    security=WRITE,
    path=PersonPathSchema,
    body={JSON: PersonPatchSchema},
    answers={200: answer("The account as it now is.", PersonSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def update_person(user_id: int):
    require_user()
    actor = current_viewer()
    values = load(PersonPatchSchema(), read_json())
    session = get_session()
    user = service.get_account(session, actor, user_id)
    if "role" in values:
        service.set_role(session, actor, user, values["role"])
    if "active" in values:
        service.set_active(session, actor, user, values["active"])
    if "may_create_datasets" in values:
        service.set_creator(session, actor, user, values["may_create_datasets"])
    session.commit()
    return jsonify(PersonSchema().dump(_person(session, actor, user_id)))


def _link_answer(email: str, letter: tuple[str, str], link: str) -> dict:
    """Email the one-time link when the server sends mail; otherwise give it in the answer, to pass on."""
    settings = current_settings()
    sent = deliver(settings, email, *letter) == "sent"
    return {"emailed": sent, "link": None if sent else link, "hours": settings.link_hours}


@bp.post("/invitations")
@operation(
    "invitePerson",
    "accounts",
    "Invite someone by email with a role and datasets to steward (park staff and admins only)",
    description="Makes an account without a password; the invitee chooses theirs through a one-time link, "
    "emailed when the server sends mail (FIELDAPP_SMTP_URL), else in the answer. Only admins invite admins.",
    security=WRITE,
    body={JSON: InvitationSchema},
    answers={201: answer("Invited.", InvitationReadSchema, location="The account's URL.")},
    errors=(400, 401, 403, 409, 413, 422),
)
def invite_person():
    require_user()
    actor = current_viewer()
    values = load(InvitationSchema(), read_json())
    session = get_session()
    hours = current_settings().link_hours
    ids = service.dataset_ids(session, values["datasets"])
    user, secret = service.invite(session, actor, values["email"], values["name"], values["role"], ids, hours)
    session.commit()
    link = url_for("accounts.set_password", token=secret, _external=True)
    letter = service.invitation_mail(session, require_user().contributor.display_name, values["role"], ids, hours, link)
    body = _link_answer(user.email, letter, link) | {"person": _person(session, actor, user.id)}
    location = url_for(".get_person", user_id=user.id, _external=True)
    return jsonify(InvitationReadSchema().dump(body)), 201, {"Location": location} | NO_STORE


@bp.post("/people/<int:user_id>/password-reset")
@operation(
    "resetPassword",
    "accounts",
    "Make a one-time link with which the account sets a new password (park staff and admins only)",
    description="Its earlier reset links stop working. Emailed when the server sends mail, else in the answer.",
    security=WRITE,
    path=PersonPathSchema,
    answers={200: answer("The link, or that it was emailed.", PasswordResetSchema)},
    errors=(400, 401, 403, 404),
)
def reset_password(user_id: int):
    require_user()
    actor = current_viewer()
    session = get_session()
    user = service.get_account(session, actor, user_id)
    hours = current_settings().link_hours
    secret = service.reset_link(session, actor, user, hours)
    session.commit()
    link = url_for("accounts.set_password", token=secret, _external=True)
    body = _link_answer(user.email, service.reset_mail(hours, link), link) | {
        "person": _person(session, actor, user_id)
    }
    return jsonify(PasswordResetSchema().dump(body)), 200, NO_STORE
