"""JSON API for staff's work on accounts: the /admin/people pages' service, by token."""

from __future__ import annotations

from flask import Blueprint, jsonify

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.db import get_session
from fieldapp.http import load, read_json
from fieldapp.openapi import JSON, WRITE, answer, operation
from fieldapp.people import service
from fieldapp.people.schemas import (
    PeopleArgsSchema,
    PeopleListSchema,
    PersonPatchSchema,
    PersonPathSchema,
    PersonSchema,
)

bp = Blueprint("people_api", __name__)


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
    return jsonify({"people": service.list_accounts(get_session(), current_viewer(), args["q"])})


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
