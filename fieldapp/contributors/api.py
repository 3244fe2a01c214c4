"""JSON API for contributors: a user's own pseudonyms."""

from __future__ import annotations

import json

from flask import Blueprint, Response, url_for

from fieldapp.access import may_withdraw, speaks_for, viewer_of
from fieldapp.accounts.auth import require_user
from fieldapp.contributors.schemas import (
    ContributorPathSchema,
    PseudonymReadSchema,
    PseudonymSchema,
    WithdrawalReadSchema,
    WithdrawalSchema,
)
from fieldapp.contributors.service import create_pseudonym
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.http import load, read_json
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
