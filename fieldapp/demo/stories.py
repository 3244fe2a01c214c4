"""SYNTHETIC stories of change for /sensing: where the sources agree, and where they differ.

- Eelgrass, agreeing: a repeat survey finds it at 13 then 5 of its 20 stations (2004-2024),
  fishers describe a decrease since the 1990s, and the historical notebooks (the main demo's
  decade records) show it was common once.
- Spider crab, differing: the same survey reports it on fewer transects each repeat, while the
  wardens' counts rise every year since 2018 and fishers say it comes earlier and stays longer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

from fieldapp.demo.coast import Coast
from fieldapp.demo.records import SEED, Record, record

REPEATS = (2004, 2009, 2014, 2019, 2024)
STATIONS = 20
# Stations (of 20) where each repeat found the subject.
EELGRASS_FOUND = (13, 11, 9, 7, 5)
SPIDER_CRAB_FOUND = (12, 10, 9, 7, 5)
# The wardens' median count of spider crab per visit, 2018 onwards.
WARDEN_COUNTS = {2018: 3, 2019: 4, 2020: 4, 2021: 6, 2022: 7, 2023: 9, 2024: 10, 2025: 12}


def survey(coast: Coast, names: dict[str, list[str]]) -> list[Record]:
    """Five repeats of 20 drop-camera stations (eelgrass or the sand found instead) and 20 crab transects."""
    rng = random.Random(f"{SEED}-story-survey")
    rows = []
    common = {"time_precision": "day", "contributor": "survey_team", "confidence": "certain"}
    for year, eelgrass, crab in zip(REPEATS, EELGRASS_FOUND, SPIDER_CRAB_FOUND, strict=True):
        for station in range(STATIONS):
            day = datetime(year, 7, 1 + station, 11, tzinfo=UTC)
            found = station < eelgrass
            subject = "eelgrass" if found else "fine_sand"
            rows.append(
                record(
                    f"story-survey-{year}-station-{station:02d}",
                    coast.line(rng, 60, 120, "east", bends=0),
                    subject,
                    names[subject][0],
                    day,
                    method="Repeat drop-camera station (SYNTHETIC story).",
                    **common,
                )
            )
            rows.append(
                record(
                    f"story-survey-{year}-transect-{station:02d}",
                    coast.line(rng, 200, 400, "west"),
                    "spider_crab",
                    names["spider_crab"][0],
                    day,
                    occurrence_status="present" if station < crab else "absent",
                    method="Repeat diver transect (SYNTHETIC story).",
                    **common,
                )
            )
    return rows


def wardens(coast: Coast, names: dict[str, list[str]]) -> list[Record]:
    """Wardens' spider crab counts, rising year on year since 2018, and their counts of other shore life."""
    rng = random.Random(f"{SEED}-story-wardens")
    rows = []
    for year, median in WARDEN_COUNTS.items():
        for visit in range(7):
            subject = "spider_crab" if visit < 5 else rng.choice(("limpet", "oystercatcher"))
            count = max(1, median + (visit - 2)) if subject == "spider_crab" else rng.randint(2, 40)
            rows.append(
                record(
                    f"story-wardens-{year}-{visit}",
                    coast.point(rng, "south"),
                    subject,
                    names[subject][0],
                    datetime(year, 5 + visit, 10, 9, tzinfo=UTC),
                    time_precision="day",
                    count=count,
                    contributor=f"warden{1 + visit % 6}",
                    confidence="certain",
                )
            )
    return rows


# (subject, trend, first year, last year, note) as fishers told them.
STATEMENTS = (
    ("eelgrass", "decreasing", 1990, 2020, "The meadows off Gorey are half what they were in the nineties."),
    ("eelgrass", "decreasing", 1995, 2022, "Fewer seagrass beds each year where we set the pots."),
    ("eelgrass", "decreasing", 2000, 2023, "The grass has gone from the inner bank."),
    ("spider_crab", "increasing", 2000, 2023, "They come earlier and stay longer than in the nineties."),
    ("spider_crab", "increasing", 2005, 2024, "More every spring on the south-west grounds."),
)


def fishers(coast: Coast, names: dict[str, list[str]]) -> list[Record]:
    """Fishers' statements of change, each over the years it speaks about, drawn as the area it concerns."""
    rng = random.Random(f"{SEED}-story-fishers")
    return [
        record(
            f"story-fishers-{i}",
            coast.patch(rng, 400, 900, "east" if subject == "eelgrass" else "west"),
            subject,
            names[subject][-1],
            datetime(first, 1, 1, tzinfo=UTC),
            observed_end=datetime(last, 12, 31, 23, 59, 59, tzinfo=UTC),
            time_precision="year",
            trend=trend,
            contributor="fishers",
            confidence="probable",
            notes=note,
            method="Told in a mapping interview (SYNTHETIC story).",
        )
        for i, (subject, trend, first, last, note) in enumerate(STATEMENTS, start=1)
    ]


# The pot logs' bilingual recording form (the demo project's protocol, version 2).
POT_LOG_FORM = {
    "title": "Spider crab pot log",
    "languages": ["en", "fr"],
    "fields": [
        {
            "name": "pots",
            "type": "integer",
            "label": {"en": "Pots hauled", "fr": "Casiers relevés"},
            "min": 0,
            "max": 500,
            "required": True,
        },
        {
            "name": "soak_hours",
            "type": "decimal",
            "unit": "h",
            "label": {"en": "Soak time", "fr": "Temps d'immersion"},
            "min": 0,
            "max": 240,
        },
        {
            "name": "berried",
            "type": "boolean",
            "label": {"en": "Berried females seen?", "fr": "Femelles grainées ?"},
            "relevant": "${pots} > 0",
        },
        {
            "name": "sea_state",
            "type": "integer",
            "label": {"en": "Sea state (Beaufort)", "fr": "État de la mer (Beaufort)"},
            "hint": {"en": "0 calm to 12 hurricane", "fr": "0 calme à 12 ouragan"},
            "min": 0,
            "max": 12,
        },
    ],
}


def pot_logs(coast: Coast, names: dict[str, list[str]]) -> list[Record]:
    """Fishers' own pot logs on the form above, 2025 season: counts rise to June and fall after, berried from May."""
    rng = random.Random(f"{SEED}-story-pots")
    rows = []
    for month in range(3, 11):
        for trip in range(4):
            peak = 12 - 2 * abs(month - 6)
            values = {
                "pots": rng.randint(20, 60),
                "soak_hours": float(rng.choice((18, 24, 36, 48))),
                "berried": month >= 5,
                "sea_state": rng.randint(1, 5),
            }
            rows.append(
                record(
                    f"story-pots-2025-{month:02d}-{trip}",
                    coast.point(rng, "west"),
                    "spider_crab",
                    names["spider_crab"][-1],
                    datetime(2025, month, 3 + 7 * trip, 7, tzinfo=UTC),
                    time_precision="day",
                    count=max(0, peak + rng.randint(-2, 2)),
                    contributor="fishers",
                    form_version=1,
                    field_values=values,
                    method="Pot log (SYNTHETIC story).",
                )
            )
    return rows


STORIES: dict[str, Callable[[Coast, dict[str, list[str]]], list[Record]]] = {
    "story-pot-logs": pot_logs,
    "story-repeat-survey": survey,
    "story-wardens-counts": wardens,
    "story-fishers-change": fishers,
}
