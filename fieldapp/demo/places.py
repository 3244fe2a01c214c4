"""Demonstration gazetteer: real places around Jersey's coast with their well-established names, and
SYNTHETIC fishing marks credited to the demo fishers' association, generalised (two private)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.datasets.models import Dataset
from fieldapp.demo.catalogue import SYNTHETIC, DemoDataset
from fieldapp.places.models import Place, PlaceName

PLACES_DATASET = DemoDataset(
    slug="demo-coast-places",
    knowledge_kind="local",
    title="Place names of Jersey's coast (demonstration)",
    description="A few dozen places around Jersey's coast with the English, French and Jèrriais names that are "
    "well established, to show the gazetteer. Positions are approximate: DEMONSTRATION data, not for navigation.",
    method="Names and approximate positions gathered for the demonstration.",
    licence="CC-BY-4.0",
    citation="Place names of Jersey's coast (demonstration gazetteer). fieldapp demo.",
    steward="steward",
)
# (key, kind, (lon, lat), names as (name, language)); the first name labels the map. Approximate positions.
PLACES: tuple[tuple[str, str, tuple[float, float], tuple[tuple[str, str], ...]], ...] = (
    ("greve-de-lecq", "bay", (-2.1985, 49.2478), (("Grève de Lecq", "fr"),)),
    ("st-ouens-bay", "bay", (-2.2380, 49.2170), (("St Ouen's Bay", "en"), ("La Baie d'St Ouën", "nrf"))),
    ("gorey", "harbour", (-2.0175, 49.1990), (("Gorey", "en"), ("Gouray", "fr"), ("Gouray", "nrf"))),
    ("mont-orgueil", "headland", (-2.0190, 49.2003), (("Mont Orgueil", "fr"),)),
    ("rozel", "bay", (-2.0480, 49.2392), (("Rozel", "fr"),)),
    ("bouley-bay", "bay", (-2.0765, 49.2405), (("Bouley Bay", "en"),)),
    ("bonne-nuit", "bay", (-2.1240, 49.2515), (("Bonne Nuit", "fr"),)),
    ("st-aubin", "harbour", (-2.1675, 49.1886), (("St Aubin", "en"), ("Saint-Aubin", "fr"))),
    ("portelet", "bay", (-2.1770, 49.1712), (("Portelet", "fr"),)),
    ("plemont", "bay", (-2.2285, 49.2585), (("Plémont", "fr"),)),
    ("grosnez", "headland", (-2.2465, 49.2575), (("Grosnez", "fr"),)),
    ("la-rocque", "harbour", (-2.0330, 49.1640), (("La Rocque", "fr"),)),
    ("seymour-tower", "rock", (-2.0230, 49.1595), (("Seymour Tower", "en"),)),
    ("ecrehous", "island", (-1.9320, 49.2855), (("Les Écréhous", "fr"), ("The Ecrehous", "en"))),
    ("minquiers", "island", (-2.0585, 48.9750), (("Les Minquiers", "fr"), ("The Minkies", "en"))),
    ("elizabeth-castle", "island", (-2.1270, 49.1760), (("Elizabeth Castle", "en"), ("Château Élizabeth", "fr"))),
    ("la-corbiere", "headland", (-2.2470, 49.1787), (("La Corbière", "fr"),)),
    ("st-brelades-bay", "bay", (-2.2000, 49.1805), (("St Brelade's Bay", "en"), ("Baie de Saint-Brélade", "fr"))),
    ("ouaisne", "bay", (-2.2090, 49.1785), (("Ouaisné", "fr"),)),
    ("green-island", "island", (-2.0655, 49.1690), (("Green Island", "en"), ("La Motte", "fr"))),
    ("havre-des-pas", "beach", (-2.0990, 49.1770), (("Havre des Pas", "fr"),)),
    ("archirondel", "bay", (-2.0215, 49.2150), (("Archirondel", "fr"),)),
    ("anne-port", "bay", (-2.0195, 49.2070), (("Anne Port", "en"),)),
    ("st-catherines", "harbour", (-2.0125, 49.2210), (("St Catherine's Breakwater", "en"),)),
    ("sorel-point", "headland", (-2.1580, 49.2620), (("Sorel Point", "en"),)),
    ("letacq", "slipway", (-2.2445, 49.2385), (("L'Étacq", "fr"),)),
    ("st-helier-harbour", "harbour", (-2.1150, 49.1780), (("St Helier Harbour", "en"), ("Port de Saint-Hélier", "fr"))),
)
# SYNTHETIC fishing marks (made-up names and places), in the fishers' knowledge dataset, credited to the association.
MARKS: tuple[tuple[str, tuple[float, float], str, str], ...] = (
    ("mark-north-ledge", (-2.1650, 49.2790), "generalised", "North ledge pots (synthetic)"),
    ("mark-east-bank", (-1.9900, 49.2350), "generalised", "East bank drift (synthetic)"),
    ("mark-rozel-gully", (-2.0400, 49.2560), "generalised", "Rozel gully (synthetic)"),
    ("mark-south-rocks", (-2.0700, 49.1500), "generalised", "South rocks string (synthetic)"),
    ("mark-west-reef", (-2.2700, 49.2000), "private", "West reef hole (synthetic)"),
    ("mark-minkies-edge", (-2.0300, 49.0100), "private", "Minkies edge (synthetic)"),
)
FISHERS_DATASET = "demo-fishers-knowledge"


def ensure_places(session: Session, contributors: dict[str, int], places_dataset: Dataset) -> str:
    """Add the gazetteer's places and the synthetic marks that are not there yet (idempotent by source_ref)."""
    fishers_dataset = session.scalar(select(Dataset).where(Dataset.slug == FISHERS_DATASET))
    wanted: list[dict[str, Any]] = [
        {
            "dataset": places_dataset,
            "ref": key,
            "kind": kind,
            "at": at,
            "visibility": "public",
            "credit": contributors["steward"],
            "names": names,
        }
        for key, kind, at, names in PLACES
    ]
    if fishers_dataset is not None:
        wanted += [
            {
                "dataset": fishers_dataset,
                "ref": key,
                "kind": "fishing_mark",
                "at": at,
                "visibility": visibility,
                "credit": contributors["fishers"],
                "names": ((name, "en"),),
            }
            for key, at, visibility, name in MARKS
        ]
    made = 0
    for spec in wanted:
        known = select(Place.id).where(Place.dataset_id == spec["dataset"].id, Place.source_ref == spec["ref"])
        if session.scalar(known) is not None:
            continue
        lon, lat = spec["at"]
        session.add(
            Place(
                dataset_id=spec["dataset"].id,
                contributor_id=spec["credit"],
                kind=spec["kind"],
                geom=f"SRID=4326;POINT({lon} {lat})",
                visibility=spec["visibility"],
                source_ref=spec["ref"],
                names=[PlaceName(name=n, language=lang, contributor_id=spec["credit"]) for n, lang in spec["names"]],
            )
        )
        made += 1
    session.flush()
    return (
        f"Gazetteer: {len(PLACES)} places of the coast, {len(MARKS)} SYNTHETIC fishing marks; {made} new. {SYNTHETIC}"
    )
