"""Read side of the recording and record pages: form choices, record facts, safe history."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, is_privileged, record_sql, stewarded_dataset_ids, viewer_of, viewer_params
from fieldapp.accounts.models import User
from fieldapp.contributors.queries import pseudonyms_of
from fieldapp.geoprivacy.cells import cell_sql
from fieldapp.observations.columns import PRECISE_FIELDS
from fieldapp.observations.queries import history

# History fields that hold or reveal a precise location.
# A form's sensitive values are withheld like the place; history keeps no per-field sensitivity, so
# every custom value change is shown only to those who may see the record precisely.
LOCATION_FIELDS = {"geom", "field_values", *PRECISE_FIELDS}


def form_choices(session: Session, user: User, default_cell_m: int) -> dict[str, Any]:
    """Datasets, whom the user may credit (self, pseudonyms, groups) and whom facilitators enter for.

    Each dataset says the real size of the cell its generalised records are shown at.
    """
    viewer = viewer_of(user)
    # Only the datasets the user may record into (access.may_record).
    datasets = [
        dict(r._mapping)
        for r in session.execute(
            text(
                "SELECT d.id, d.slug, d.title, d.knowledge_kind, d.licence, d.default_visibility, d.force_generalised,"
                f" {cell_sql('d')} AS cell_m FROM dataset d WHERE {record_sql(viewer, 'd')}"
                " ORDER BY d.knowledge_kind, d.title"
            ),
            {"default_cell_m": default_cell_m} | viewer_params(viewer),
        )
    ]
    groups = [
        dict(r._mapping)
        for r in session.execute(
            text(
                "SELECT c.id, c.display_name FROM membership m JOIN contributor c ON c.id = m.group_id"
                " WHERE m.member_id = :me ORDER BY c.display_name"
            ),
            {"me": user.contributor_id},
        )
    ]
    stewarded = stewarded_dataset_ids(session, viewer)
    facilitator = is_privileged(viewer) or bool(stewarded)
    others = []
    if facilitator:
        others = [
            dict(r._mapping)
            for r in session.execute(
                text(
                    # Pseudonyms belong to their owners alone: nobody else may record under them.
                    "SELECT id, display_name, kind FROM contributor WHERE id <> :me AND owner_user_id IS NULL"
                    " ORDER BY display_name LIMIT 2000"
                ),
                {"me": user.contributor_id},
            )
        ]
    default = default_dataset(session, user, datasets)
    return {
        "datasets": datasets,
        "groups": groups,
        "pseudonyms": pseudonyms_of(session, user.id),
        "others": others,
        "default_dataset_id": default,
        "stewarded": sorted(stewarded),
        "facilitator": facilitator,
    }


def default_dataset(session: Session, user: User, datasets: list[dict[str, Any]]) -> int | None:
    """The dataset the form starts on: the one the user last recorded into, else the one they chose
    (their account's usual dataset), else a volunteer dataset; never a historical or scientific one
    by accident (None: the user must choose)."""
    offered = {d["id"] for d in datasets}
    # Credited to the user or one of their pseudonyms: contributor_id is indexed, entered_by is not.
    last = session.execute(
        text(
            "SELECT dataset_id FROM observation WHERE entered_by = :user AND contributor_id IN"
            " (SELECT id FROM contributor WHERE id = :me OR owner_user_id = :user)"
            " ORDER BY created_at DESC LIMIT 1"
        ),
        {"user": user.id, "me": user.contributor_id},
    ).scalar()
    if last is not None and last in offered:
        return int(last)
    if user.default_dataset_id in offered:
        return user.default_dataset_id
    volunteer = [d for d in datasets if d["knowledge_kind"] == "volunteer" and not d["force_generalised"]]
    volunteer = volunteer or [d for d in datasets if d["knowledge_kind"] == "volunteer"]
    return int(volunteer[0]["id"]) if volunteer else None


def record_facts(session: Session, observation_id: uuid.UUID) -> Any:
    """Who may manage a record, and its dataset's page facts."""
    return session.execute(
        text(
            "SELECT o.contributor_id, o.entered_by, o.dataset_id, o.visibility, o.withdrawn_at,"
            " d.description AS dataset_description"
            " FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE o.id = :id"
        ),
        {"id": observation_id},
    ).first()


def safe_history(session: Session, viewer: Viewer, observation_id: uuid.UUID, precise: bool) -> list[dict[str, Any]]:
    """The history as this viewer may read it: full for those allowed, else without any location."""
    rows = []
    for row in history(session, observation_id):
        changes = row.changes or {}
        if not precise:
            changes = {k: v for k, v in changes.items() if k not in LOCATION_FIELDS}
        rows.append(
            {
                "action": row.action,
                "at": row.at,
                "actor": row.actor,
                "proposer": row.proposer,
                "changes": {k: _short(v) for k, v in sorted(changes.items())},
            }
        )
    return rows


def _short(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{_short(value['from'])} → {_short(value['to'])}"
    if value is None:
        return "empty"
    text_value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text_value if len(text_value) <= 200 else text_value[:197] + "..."
