"""Read side of annotations: a record's annotations in time order, and a neutral tally sentence."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, viewer_params
from fieldapp.i18n import _, ngettext
from fieldapp.observations.columns import proposed_value_sql
from fieldapp.ui import ANNOTATION_WORDS


def annotations_json(session: Session, viewer: Viewer, observation_id: uuid.UUID) -> str:
    """The annotations of one observation, oldest first, each with its author's credit line.

    A proposed place is precise data: columns.proposed_value_sql shows it only to those who manage the record.
    """
    sql = f"""
        SELECT coalesce(json_agg(json_build_object(
                 'id', a.id, 'kind', a.kind, 'body', a.body, 'field', a.field,
                 'proposed_value', {proposed_value_sql(viewer)},
                 'linked_observation_id', a.linked_observation_id,
                 'status', a.status, 'response', a.response,
                 'author', json_build_object('id', c.id, 'display_name', c.display_name, 'kind', c.kind),
                 'responded_by', CASE WHEN r.id IS NULL THEN NULL
                                      ELSE json_build_object('id', r.id, 'display_name', r.display_name) END,
                 'responded_at', a.responded_at, 'created_at', a.created_at)
               ORDER BY a.created_at, a.id), '[]'::json)::text
        FROM annotation a JOIN contributor c ON c.id = a.contributor_id
        JOIN observation o ON o.id = a.observation_id
        LEFT JOIN contributor r ON r.id = a.responded_by
        WHERE a.observation_id = :id
    """
    return session.execute(text(sql), viewer_params(viewer) | {"id": observation_id}).scalar_one()


def tally_sentence(tally: dict[str, int]) -> str:
    """'Corroborated by 3 people, questioned by 1 person.' — the same words whoever the people are."""
    parts = [
        ngettext("%(done)s by %(num)s person", "%(done)s by %(num)s people", n, done=str(ANNOTATION_WORDS[k].done))
        for k, n in tally.items()
        if n and k in ANNOTATION_WORDS
    ]
    return (", ".join(parts) + ".").capitalize() if parts else _("No annotations yet.")


def record_annotations(session: Session, viewer: Viewer, observation_id: uuid.UUID) -> list[dict[str, Any]]:
    """The annotations of one record as Python values, for its page."""
    return json.loads(annotations_json(session, viewer, observation_id))
