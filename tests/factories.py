"""Builders of users, datasets and observation features for tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fieldapp.accounts.models import User
from fieldapp.accounts.service import create_user, issue_token
from fieldapp.contributors.models import Contributor, Membership
from fieldapp.datasets.models import Dataset

# A point on Jersey's south coast (St Aubin's Bay).
JERSEY_POINT = (-2.1542, 49.1869)


@dataclass
class Account:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Factory:
    def __init__(self, session: Session):
        self.session = session
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def account(self, role: str = "member", name: str | None = None, password: str | None = None) -> Account:
        n = self._next()
        user = create_user(
            self.session,
            f"user{n}-{uuid.uuid4().hex[:6]}@example.org",
            role=role,
            name=name or f"User {n}",
            password=password,
        )
        token = issue_token(self.session, user)
        self.session.commit()
        return Account(user, token)

    def group(self, name: str, members: list[Account] = (), admins: list[Account] = ()) -> Contributor:
        group = Contributor(kind="group", display_name=name)
        self.session.add(group)
        self.session.flush()
        for member in members:
            self.session.add(Membership(group_id=group.id, member_id=member.user.contributor_id))
        for admin in admins:
            self.session.add(Membership(group_id=group.id, member_id=admin.user.contributor_id, role="admin"))
        self.session.commit()
        return group

    def dataset(self, steward: Account | Contributor, **values: Any) -> Dataset:
        n = self._next()
        steward_id = steward.user.contributor_id if isinstance(steward, Account) else steward.id
        fields = {
            "slug": f"dataset-{n}-{uuid.uuid4().hex[:6]}",
            "title": f"Dataset {n}",
            "knowledge_kind": "volunteer",
            "licence": "CC-BY-4.0",
            "default_visibility": "public",
        }
        dataset = Dataset(**(fields | values), steward_id=steward_id)
        self.session.add(dataset)
        self.session.commit()
        return dataset


def feature(
    dataset: str, geometry: dict | None = None, feature_id: str | None = None, **properties: Any
) -> dict[str, Any]:
    """A GeoJSON Feature for POST /api/v1/observations."""
    body: dict[str, Any] = {
        "type": "Feature",
        "geometry": geometry or {"type": "Point", "coordinates": list(JERSEY_POINT)},
        "properties": {"dataset": dataset, "subject_text": "spider crab", **properties},
    }
    if feature_id is not None:
        body["id"] = feature_id
    return body
