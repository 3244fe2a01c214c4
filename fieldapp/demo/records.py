"""Deterministic generators of the four demonstration datasets' observations."""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shapely.geometry.base import BaseGeometry

from fieldapp.demo.coast import Coast

SEED = 20240615
SACFOR_WORDS = {"S": "Superabundant", "A": "Abundant", "C": "Common", "F": "Frequent", "O": "Occasional", "R": "Rare"}
NOTES = {
    "volunteer": (
        "Seen from the slipway.",
        "Low spring tide.",
        "Choppy, poor visibility.",
        "Photographed.",
        "Checked with a second warden.",
        None,
        None,
        None,
    ),
    "local": (
        "Best after a run of easterlies.",
        "Fewer than my father used to get here.",
        "Ground shared with the mobile gear in winter.",
        "Good on the neaps.",
        None,
        None,
    ),
    "scientific": ("Visibility 4-6 m.", "Strong tidal stream at the end of the transect.", None, None),
    "historical": ("Entry partly illegible.", "Place named as the bay only.", None),
}
COUNTS = {
    "dolphin": (1, 15),
    "grey_seal": (1, 4),
    "tern": (2, 60),
    "oystercatcher": (5, 200),
    "mullet": (3, 80),
    "cuttlefish": (1, 3),
    "spider_crab": (1, 25),
}
SEASONS = {
    "spider_crab": [4, 5, 6, 7, 8, 9],
    "lobster": [5, 6, 7, 8, 9, 10],
    "brown_crab": [6, 7, 8, 9, 10, 11],
    "scallop": [11, 12, 1, 2, 3],
    "bass": [6, 7, 8, 9, 10],
    "mullet": [5, 6, 7, 8, 9],
    "cuttlefish": [3, 4, 5],
    "ormer": [1, 2, 3, 9, 10, 11, 12],
}
# Sides of the island each subject keeps to in the demo (None: all round).
SECTORS: dict[str, str | None] = {
    "eelgrass": "east",
    "seagrass_beds": "east",
    "sea_fan": "west",
    "energy_rock": "north",
    "fine_sand": "south",
    "tern": "south",
}

Record = dict[str, Any]


def record(
    source_ref: str,
    shape: BaseGeometry,
    subject: str | None,
    subject_text: str,
    observed_start: datetime,
    **values: Any,
) -> Record:
    """One observation with every field present, so a batch insert has the same keys in each row."""
    return {
        "source_ref": source_ref,
        "shape": shape,
        "subject": subject,
        "subject_text": subject_text,
        "observed_start": observed_start,
        "observed_end": None,
        "time_precision": "instant",
        "occurrence_status": "present",
        "count": None,
        "abundance_scale": None,
        "abundance_value": None,
        "abundance_verbatim": None,
        "trend": None,
        "season_months": None,
        "coordinate_uncertainty_m": None,
        "confidence": None,
        "method": None,
        "notes": None,
        "contributor": None,
        "recorded_by_text": None,
        "form_version": None,
        "field_values": None,
        **values,
    }


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _moment(rng: random.Random, first_year: int, last_year: int, months: list[int] | None = None) -> datetime:
    """A daytime moment in the given years (and months); every year here is in the past."""
    year = rng.randint(first_year, last_year)
    month = rng.choice(months or list(range(1, 13)))
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return datetime(year, month, day, rng.randint(6, 19), rng.choice((0, 15, 30, 45)), tzinfo=UTC)


def _sacfor(rng: random.Random, letters: str) -> dict[str, str]:
    letter = rng.choice(letters)
    return {"abundance_scale": "SACFOR", "abundance_value": letter, "abundance_verbatim": SACFOR_WORDS[letter]}


def volunteer(coast: Coast, names: dict[str, list[str]], n: int = 1500) -> list[Record]:
    """Wardens' sightings: points with counts or SACFOR, some absences, some uncertain fixes."""
    rng = random.Random(f"{SEED}-volunteer")
    weights = {
        "oystercatcher": 14,
        "limpet": 12,
        "tern": 10,
        "mullet": 9,
        "ormer": 9,
        "grey_seal": 7,
        "dolphin": 7,
        "eelgrass": 8,
        "spider_crab": 8,
        "cuttlefish": 6,
        "brown_crab": 5,
    }
    sacfor = {"limpet": "SACF", "ormer": "CFOR", "eelgrass": "ACFO", "brown_crab": "FOR"}
    rows = []
    for i in range(1, n + 1):
        subject = _pick(rng, weights)
        months = [5, 6, 7, 8] if subject == "tern" else None
        values: dict[str, Any] = {}
        if rng.random() < 0.08:
            values["occurrence_status"] = "absent"
        elif subject in sacfor:
            values.update(_sacfor(rng, sacfor[subject]))
        else:
            values["count"] = rng.randint(*COUNTS[subject])
        if rng.random() < 0.3:
            values["coordinate_uncertainty_m"] = float(rng.choice((5, 10, 25, 50, 100, 250)))
        rows.append(
            record(
                f"demo-volunteer-{i:04d}",
                coast.point(rng, SECTORS.get(subject)),
                subject,
                rng.choice(names[subject]),
                _moment(rng, 2019, 2024, months),
                confidence=rng.choice(("certain", "certain", "probable", "possible")),
                contributor=f"warden{rng.randint(1, 6)}",
                notes=rng.choice(NOTES["volunteer"]),
                **values,
            )
        )
    return rows


def _season(rng: random.Random, months: list[int]) -> tuple[datetime, datetime]:
    """One year's fishing season; a season that wraps past December ends the next year."""
    year = rng.randint(2016, 2023)
    start = datetime(year, months[0], 1, tzinfo=UTC)
    end_year = year + 1 if months[-1] < months[0] else year
    last_day = calendar.monthrange(end_year, months[-1])[1]
    return start, datetime(end_year, months[-1], last_day, 23, 59, 59, tzinfo=UTC)


def local(coast: Coast, names: dict[str, list[str]], n_areas: int = 200, n_lines: int = 100) -> list[Record]:
    """Fishers' grounds (areas) and pot strings or drift lines, with seasons and trends."""
    rng = random.Random(f"{SEED}-local")
    weights = {
        "spider_crab": 10,
        "lobster": 9,
        "brown_crab": 7,
        "scallop": 5,
        "bass": 6,
        "mullet": 3,
        "cuttlefish": 4,
        "ormer": 3,
    }
    rows = []
    for i in range(1, n_areas + n_lines + 1):
        subject = _pick(rng, weights)
        if i <= n_areas:
            shape = coast.patch(rng, 400, 1200, SECTORS.get(subject))
        else:
            shape = coast.line(rng, 300, 1500, SECTORS.get(subject), bends=2)
        start, end = _season(rng, SEASONS[subject])
        rows.append(
            record(
                f"demo-local-{i:04d}",
                shape,
                subject,
                rng.choice(names[subject]),
                start,
                observed_end=end,
                time_precision="season",
                season_months=SEASONS[subject],
                trend=rng.choice(("decreasing", "decreasing", "stable", "increasing")),
                confidence=rng.choice(("certain", "probable")),
                contributor="fishers",
                method="Drawn on a chart in a mapping interview.",
                notes=rng.choice(NOTES["local"]),
            )
        )
    return rows


def scientific(
    coast: Coast, names: dict[str, list[str]], n_transects: int = 500, n_habitats: int = 300
) -> list[Record]:
    """Survey transects with SACFOR per species, and EUNIS habitat polygons."""
    rng = random.Random(f"{SEED}-scientific")
    species = {
        "spider_crab": 9,
        "lobster": 6,
        "brown_crab": 6,
        "sea_fan": 6,
        "ormer": 5,
        "eelgrass": 7,
        "scallop": 5,
        "cuttlefish": 3,
    }
    habitats = {"coarse_sediment": 4, "fine_sand": 4, "energy_rock": 3, "seagrass_beds": 3}
    rows = []
    for i in range(1, n_transects + n_habitats + 1):
        months = [6, 7, 8, 9]
        common = {
            "confidence": rng.choice(("certain", "probable")),
            "contributor": "survey_team",
            "time_precision": "day",
            "notes": rng.choice(NOTES["scientific"]),
        }
        if i <= n_transects:
            subject = _pick(rng, species)
            shape = coast.line(rng, 200, 600, SECTORS.get(subject), bends=rng.randint(0, 1))
            absent = rng.random() < 0.1
            values = {"occurrence_status": "absent"} if absent else _sacfor(rng, "ACFOR")
            method = "Diver transect; SACFOR (MNCR) abundance within 1 m either side of the line."
        else:
            subject = _pick(rng, habitats)
            shape = coast.patch(rng, 150, 600, SECTORS.get(subject))
            values = {}
            method = "Habitat polygon interpreted from drop-camera stations; EUNIS classification."
        rows.append(
            record(
                f"demo-scientific-{i:04d}",
                shape,
                subject,
                rng.choice(names[subject]),
                _moment(rng, 2021, 2024, months),
                method=method,
                **common,
                **values,
            )
        )
    return rows


def historical(coast: Coast, names: dict[str, list[str]], n: int = 400) -> list[Record]:
    """Notebook records dated to the decade, placed to the bay with a wide uncertainty."""
    rng = random.Random(f"{SEED}-historical")
    weights = {
        "ormer": 10,
        "eelgrass": 6,
        "bass": 6,
        "lobster": 6,
        "sea_fan": 4,
        "tern": 5,
        "grey_seal": 3,
        "oystercatcher": 5,
    }
    rows = []
    for i in range(1, n + 1):
        subject = _pick(rng, weights)
        decade = rng.choice(range(1920, 1990, 10))
        beds = subject == "eelgrass" and rng.random() < 0.4
        shape = coast.patch(rng, 300, 900, "east") if beds else coast.point(rng, SECTORS.get(subject))
        values = _sacfor(rng, "SACFO") if rng.random() < 0.5 else {}
        rows.append(
            record(
                f"demo-historical-{i:04d}",
                shape,
                subject,
                rng.choice(names[subject]),
                datetime(decade, 1, 1, tzinfo=UTC),
                observed_end=datetime(decade + 9, 12, 31, 23, 59, 59, tzinfo=UTC),
                time_precision="decade",
                coordinate_uncertainty_m=None if beds else float(rng.choice((500, 1000, 2000))),
                confidence=rng.choice(("probable", "possible")),
                contributor="archive",
                recorded_by_text=f"Naturalist's notebook {rng.randint(1, 12)} (synthetic)",
                notes=rng.choice(NOTES["historical"]),
                **values,
            )
        )
    return rows


GENERATORS: dict[str, Callable[[Coast, dict[str, list[str]]], list[Record]]] = {
    "volunteer": volunteer,
    "local": local,
    "scientific": scientific,
    "historical": historical,
}
