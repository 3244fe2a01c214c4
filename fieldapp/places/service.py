"""Write side of places: a place named by anyone who may record into its dataset, credited, gated like a record."""

from __future__ import annotations

from typing import Any

import shapely
from geoalchemy2.shape import from_shape
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import may_credit, may_record, may_see_record, viewer_of
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.geo.crs import STORAGE_SRID
from fieldapp.i18n import _
from fieldapp.places.models import Place, PlaceName


def dataset_for(session: Session, slug: str) -> Any:
    row = session.execute(text("SELECT id, default_visibility FROM dataset WHERE slug = :s"), {"s": slug}).first()
    if row is None:
        raise Invalid(
            _("No dataset “%(slug)s”.", slug=slug), [{"path": "properties.dataset", "message": _("unknown dataset")}]
        )
    return row


def create_place(session: Session, user: Any, feature: dict[str, Any], source_ref: str | None = None) -> Place:
    """Add a place with its names to a dataset the user may record into; its public geometry follows the gate."""
    props = feature["properties"]
    dataset = dataset_for(session, props["dataset"])
    viewer = viewer_of(user)
    if not may_record(session, viewer, dataset.id):
        raise Forbidden(_("You may not add to this dataset: ask its stewards."))
    contributor_id = props.get("contributor_id") or user.contributor_id
    if not may_credit(session, viewer, contributor_id):
        raise Invalid(
            _("You may credit yourself, your pseudonyms or a group you belong to."),
            [
                {
                    "path": "properties.contributor_id",
                    "message": _("you are not contributor %(id)s nor in it", id=contributor_id),
                }
            ],
        )
    place = Place(
        dataset_id=dataset.id,
        contributor_id=contributor_id,
        entered_by=user.id,
        kind=props["kind"],
        geom=from_shape(shapely.force_2d(feature["geometry"].shape), srid=STORAGE_SRID),
        visibility=props.get("visibility") or dataset.default_visibility,
        source_ref=source_ref,
        names=[
            PlaceName(
                name=n["name"].strip(),
                language=n["language"],
                community=(n.get("community") or "").strip() or None,
                contributor_id=contributor_id,
                added_by=user.id,
            )
            for n in props["names"]
        ],
    )
    session.add(place)
    session.flush()
    return place


def add_place_name(session: Session, user: Any, place_id: int, values: dict[str, Any]) -> PlaceName:
    """Give a place one may see another name (in a language or a community's usage), credited as one chooses."""
    viewer = viewer_of(user)
    place = session.get(Place, place_id) if 0 < place_id < 2**31 else None
    if place is None or not may_see_record(session, viewer, place):
        raise NotFound(_("No place %(id)s for you.", id=place_id))
    contributor_id = values.get("contributor_id") or user.contributor_id
    if not may_credit(session, viewer, contributor_id):
        raise Invalid(
            _("You may credit yourself, your pseudonyms or a group you belong to."),
            [{"path": "contributor_id", "message": _("you are not contributor %(id)s nor in it", id=contributor_id)}],
        )
    name, community = values["name"].strip(), (values.get("community") or "").strip() or None
    if any(n.name == name and n.language == values["language"] and n.community == community for n in place.names):
        raise Conflict(
            _("This place already has the name “%(name)s” in %(language)s.", name=name, language=values["language"])
        )
    added = PlaceName(
        place_id=place.id,
        name=name,
        language=values["language"],
        community=community,
        contributor_id=contributor_id,
        added_by=user.id,
    )
    session.add(added)
    session.flush()
    return added
