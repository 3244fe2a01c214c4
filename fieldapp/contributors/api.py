"""JSON API for contributors: a user's own pseudonyms."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, url_for

from fieldapp.access import may_add_person, may_withdraw, speaks_for, viewer_of
from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.contributors import groups
from fieldapp.contributors.schemas import (
    ContributorPathSchema,
    GroupInputSchema,
    GroupMemberInputSchema,
    GroupMemberPathSchema,
    GroupPathSchema,
    GroupReadSchema,
    MembershipInputSchema,
    MyGroupListSchema,
    PeopleToCreditArgsSchema,
    PeopleToCreditListSchema,
    PersonToCreditInputSchema,
    PersonToCreditSchema,
    PseudonymReadSchema,
    PseudonymSchema,
    WithdrawalReadSchema,
    WithdrawalSchema,
)
from fieldapp.contributors.service import create_pseudonym, set_membership_shown
from fieldapp.db import get_session
from fieldapp.errors import Forbidden, NotFound
from fieldapp.http import load, read_json
from fieldapp.i18n import _
from fieldapp.observations.withdrawal import withdraw_records, withdrawal_summary
from fieldapp.openapi import JSON, READ, WRITE, NoArgs, answer, operation

bp = Blueprint("contributors_api", __name__)
_pseudonym_schema = PseudonymSchema()
_withdrawal_schema = WithdrawalSchema()


@bp.post("/contributors/pseudonyms")
@operation(
    "createPseudonym",
    "contributors",
    "Create (or find) one of your own pseudonyms",
    description="A person-contributor owned by the signed-in account, which it may credit "
    "records and annotations to. Idempotent on the name (case-insensitive): the same name "
    "again answers 200 with the same id. Its page never shows the account behind it.",
    security=WRITE,
    body={JSON: PseudonymSchema},
    answers={
        200: answer("You already had a pseudonym of this name.", PseudonymReadSchema),
        201: answer("Created.", PseudonymReadSchema, location="The pseudonym's public page."),
    },
    errors=(400, 401, 413, 422),
)
def create_pseudonym_route():
    """Create a pseudonym of the signed-in user; the same name again answers 200 with the same id."""
    user = require_user()
    values = load(_pseudonym_schema, read_json())
    session = get_session()
    pseudonym, created = create_pseudonym(session, user.id, user.contributor.display_name, values["display_name"])
    session.commit()
    body = {"id": pseudonym.id, "display_name": pseudonym.display_name, "kind": pseudonym.kind}
    location = url_for("contributors.contributor_page", contributor_id=pseudonym.id, _external=True)
    return Response(
        json.dumps(body), status=201 if created else 200, mimetype="application/json", headers={"Location": location}
    )


@bp.post("/contributors/<int:contributor_id>/withdrawal")
@operation(
    "withdrawRecords",
    "contributors",
    "Withdraw the records credited to a contributor (all, or one dataset's)",
    description="The person, the owner of a pseudonym, or a group's members for the group. Withdrawn records "
    "leave every output at once (lists, maps, tiles, OGC, exports, comparisons) and stay in history. The answer "
    "lists the exports made while they were shared, so the stewards can tell their recipients.",
    security=WRITE,
    path=ContributorPathSchema,
    body={JSON: WithdrawalSchema},
    answers={200: answer("Withdrawn.", WithdrawalReadSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def withdraw(contributor_id: int):
    user = require_user()
    values = load(_withdrawal_schema, read_json())
    session = get_session()
    count = withdraw_records(session, user, contributor_id, values["dataset"])
    session.commit()
    return _summary(session, contributor_id, count)


@bp.get("/contributors/<int:contributor_id>/withdrawal")
@operation(
    "getWithdrawal",
    "contributors",
    "Read a contributor's withdrawn records and the exports made while they were shared",
    security=READ,
    args=NoArgs,
    path=ContributorPathSchema,
    answers={200: answer("Their withdrawals.", WithdrawalReadSchema)},
    errors=(400, 401, 404),
)
def get_withdrawal(contributor_id: int):
    user = require_user()
    session = get_session()
    viewer = viewer_of(user)
    if not (speaks_for(session, viewer, contributor_id) or may_withdraw(session, viewer, contributor_id)):
        raise NotFound(f"No withdrawals of contributor {contributor_id} for you.")
    return _summary(session, contributor_id, 0)


def _summary(session, contributor_id: int, count: int) -> Response:
    body = {"withdrawn_now": count} | withdrawal_summary(session, contributor_id)
    return Response(WithdrawalReadSchema().dumps(body), mimetype="application/json")


# --- groups: the /groups pages' rules (contributors/groups.py, access.may_admin_group) by API (issue 13) --------


def _group_body(session, group) -> dict:
    return {"id": group.id, "display_name": group.display_name, "members": groups.members(session, group.id)}


@bp.get("/groups")
@operation(
    "listMyGroups",
    "contributors",
    "The groups you belong to, whether you run each and whether it lists you",
    security=WRITE,
    args=NoArgs,
    answers={200: answer("Your groups.", MyGroupListSchema)},
    errors=(400, 401),
)
def list_my_groups():
    require_user()
    return jsonify({"groups": groups.my_groups(get_session(), current_viewer())})


@bp.post("/groups")
@operation(
    "createGroup",
    "contributors",
    "Start a group: you are its first member and admin",
    security=WRITE,
    body={JSON: GroupInputSchema},
    answers={201: answer("Started.", GroupReadSchema, location="The group's URL in this API.")},
    errors=(400, 401, 403, 413, 422),
)
def create_group_route():
    require_user()
    values = load(GroupInputSchema(), read_json())
    session = get_session()
    group = groups.create_group(session, current_viewer(), values["display_name"])
    session.commit()
    location = url_for(".get_group", group_id=group.id, _external=True)
    return jsonify(_group_body(session, group)), 201, {"Location": location}


@bp.get("/groups/<int:group_id>")
@operation(
    "getGroup",
    "contributors",
    "A group with every member, listed or not (its admins only)",
    security=WRITE,
    args=NoArgs,
    path=GroupPathSchema,
    answers={200: answer("The group.", GroupReadSchema)},
    errors=(400, 401, 403, 404),
)
def get_group(group_id: int):
    require_user()
    session = get_session()
    return jsonify(_group_body(session, groups.group_for_admin(session, current_viewer(), group_id)))


@bp.post("/groups/<int:group_id>/members")
@operation(
    "addGroupMember",
    "contributors",
    "Add a person by their account's email (the group's admins only)",
    security=WRITE,
    path=GroupPathSchema,
    body={JSON: GroupMemberInputSchema},
    answers={201: answer("Added; the group as it now is.", GroupReadSchema)},
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def add_group_member(group_id: int):
    require_user()
    values = load(GroupMemberInputSchema(), read_json())
    session = get_session()
    viewer = current_viewer()
    groups.add_member(session, viewer, group_id, values["email"], values["admin"])
    session.commit()
    return jsonify(_group_body(session, groups.group_for_admin(session, viewer, group_id))), 201


@bp.delete("/groups/<int:group_id>/members/<int:member_id>")
@operation(
    "removeGroupMember",
    "contributors",
    "Remove a member (the group's admins only; the last admin stays)",
    security=WRITE,
    path=GroupMemberPathSchema,
    answers={204: answer("Removed.")},
    errors=(400, 401, 403, 404, 409),
)
def remove_group_member(group_id: int, member_id: int):
    require_user()
    session = get_session()
    groups.remove_member(session, current_viewer(), group_id, member_id)
    session.commit()
    return "", 204


@bp.put("/groups/<int:group_id>/membership")
@operation(
    "setMyGroupListing",
    "contributors",
    "Choose whether the group's page lists you (your records credited to it stay so)",
    security=WRITE,
    path=GroupPathSchema,
    body={JSON: MembershipInputSchema},
    answers={200: answer("Your choice as stored.", MembershipInputSchema)},
    errors=(400, 401, 404, 413, 422),
)
def set_my_group_listing(group_id: int):
    user = require_user()
    values = load(MembershipInputSchema(), read_json())
    session = get_session()
    if not set_membership_shown(session, user.contributor_id, group_id, values["shown"]):
        raise NotFound(_("You are not a member of group %(id)s.", id=group_id))
    session.commit()
    return jsonify({"shown": values["shown"]})


@bp.get("/contributors/to-credit")
@operation(
    "findPeopleToCredit",
    "contributors",
    "Find people and groups to credit by name (facilitators: stewards and park staff)",
    description="Never a pseudonym. At most 50.",
    security=WRITE,
    args=PeopleToCreditArgsSchema,
    answers={200: answer("The people and groups found.", PeopleToCreditListSchema)},
    errors=(400, 401, 403),
)
def find_people_to_credit(args: dict):
    require_user()
    session = get_session()
    if not may_add_person(session, current_viewer()):
        raise Forbidden(_("Stewards and park staff add people to credit."))
    return jsonify({"people": groups.find_people(session, args["q"])})


@bp.post("/contributors/people")
@operation(
    "addPersonToCredit",
    "contributors",
    "Add a person without an account, with a note of their consent (facilitators: stewards and park staff)",
    security=WRITE,
    body={JSON: PersonToCreditInputSchema},
    answers={201: answer("Added.", PersonToCreditSchema, location="The person's public page.")},
    errors=(400, 401, 403, 413, 422),
)
def add_person_to_credit():
    require_user()
    values = load(PersonToCreditInputSchema(), read_json())
    session = get_session()
    person = groups.add_person(session, current_viewer(), values["display_name"], values["consent_note"])
    session.commit()
    body = {"id": person.id, "display_name": person.display_name, "kind": person.kind}
    location = url_for("contributors.contributor_page", contributor_id=person.id, _external=True)
    return jsonify(body), 201, {"Location": location}
