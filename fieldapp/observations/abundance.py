"""Abundance scales: which values each scale allows, and their canonical form."""

from __future__ import annotations

import math
from typing import Any

from fieldapp import rules
from fieldapp.i18n import _

# Words people write for each letter, so a verbatim "Common" is stored as C with its words kept.
_SACFOR = {
    "S": "superabundant",
    "A": "abundant",
    "C": "common",
    "F": "frequent",
    "O": "occasional",
    "R": "rare",
    "P": "present",
}
_DAFOR = {"D": "dominant", "A": "abundant", "F": "frequent", "O": "occasional", "R": "rare"}
_DOMIN = ["+"] + [str(n) for n in range(1, 11)]

HELP = {
    "SACFOR": "Superabundant, Abundant, Common, Frequent, Occasional, Rare (P = present). "
    "The grade depends on cover or density and on the organism's size.",
    "DAFOR": "Dominant, Abundant, Frequent, Occasional, Rare: a quick estimate of cover.",
    "DOMIN": "Domin cover scale: + (a single individual) and 1 (under 4%, few) to 10 (91-100% cover).",
    "percent_cover": "Percentage of the ground covered, 0 to 100.",
}


# What each class scale accepts, as data: every accepted spelling (lower case) and the class it
# stands for, and the refusal. normalise() reads it here; the recording page gets the same table
# (page_rules) to check a value on the phone before it is saved, offline included.
CLASS_SCALES: dict[str, dict[str, Any]] = {
    "SACFOR": {
        "accepts": {**{k.lower(): k for k in _SACFOR}, **{w: k for k, w in _SACFOR.items()}},
        "refusal": "'{value}' is not on the SACFOR scale; use one of " + ", ".join(_SACFOR) + ".",
    },
    "DAFOR": {
        "accepts": {**{k.lower(): k for k in _DAFOR}, **{w: k for k, w in _DAFOR.items()}},
        "refusal": "'{value}' is not on the DAFOR scale; use one of " + ", ".join(_DAFOR) + ".",
    },
    "DOMIN": {"accepts": {v: v for v in _DOMIN}, "refusal": "'{value}' is not on the DOMIN scale; use +, or 1 to 10."},
}
PERCENT_COVER: dict[str, Any] = {
    "minimum": 0,
    "maximum": 100,
    "not_number": "'{value}' is not a percentage.",
    "outside": "{value} is outside 0 to 100 percent.",
}
VERBATIM_REFUSAL = "Write the abundance value in at most {maximum} characters."


def help_words() -> dict[str, str]:
    """HELP in the request's language, for the recording page."""
    return {
        "SACFOR": _(
            "Superabundant, Abundant, Common, Frequent, Occasional, Rare (P = present). "
            "The grade depends on cover or density and on the organism's size."
        ),
        "DAFOR": _("Dominant, Abundant, Frequent, Occasional, Rare: a quick estimate of cover."),
        "DOMIN": _("Domin cover scale: + (a single individual) and 1 (under 4%%, few) to 10 (91-100%% cover)."),
        "percent_cover": _("Percentage of the ground covered, 0 to 100."),
    }


def page_rules() -> dict[str, Any]:
    """The scales' rules as data for the recording page (the same tables normalise() reads), its refusals in
    the request's language ("{value}" is filled in by the page)."""
    classes = {
        scale: {
            "accepts": table["accepts"],
            "refusal": _(
                "'{value}' is not on the %(scale)s scale; use one of %(values)s.",
                scale=scale,
                values=", ".join(_SACFOR if scale == "SACFOR" else _DAFOR),
            )
            if scale != "DOMIN"
            else _("'{value}' is not on the DOMIN scale; use +, or 1 to 10."),
        }
        for scale, table in CLASS_SCALES.items()
    }
    percent = PERCENT_COVER | {
        "not_number": _("'{value}' is not a percentage."),
        "outside": _("{value} is outside 0 to 100 percent."),
    }
    maximum = rules.TEXT_MAX["abundance_verbatim"]
    return {
        "classes": classes,
        "percent_cover": percent,
        "verbatim_max": maximum,
        "verbatim_refusal": _("Write the abundance value in at most %(maximum)s characters.", maximum=maximum),
    }


def normalise(scale: str, value: object) -> str:
    """Return the canonical value on the scale, or raise ValueError saying what is allowed."""
    text = str(value).strip()
    if scale in CLASS_SCALES:
        found = CLASS_SCALES[scale]["accepts"].get(text.lower())
        if found is None:
            raise ValueError(CLASS_SCALES[scale]["refusal"].format(value=text))
        return str(found)
    if scale == "percent_cover":
        try:
            number = float(text)
            if not math.isfinite(number):  # float() reads 'nan' and 'inf', which are no percentage
                raise ValueError
        except ValueError:
            raise ValueError(str(PERCENT_COVER["not_number"]).format(value=text)) from None
        if not PERCENT_COVER["minimum"] <= number <= PERCENT_COVER["maximum"]:
            raise ValueError(str(PERCENT_COVER["outside"]).format(value=text))
        return f"{number:g}"
    raise ValueError(f"Unknown abundance scale {scale!r}.")


# Each ordinal scale's classes from least to most, so a median class can be taken (P, "present", has
# no place on the order). Percent cover is a number and is its own order.
ORDERED = {
    "SACFOR": ("R", "O", "F", "C", "A", "S"),
    "DAFOR": ("R", "O", "F", "A", "D"),
    "DOMIN": tuple(_DOMIN),
}


def rank_sql(alias: str = "o") -> str:
    """A record's abundance as a number that sorts like the scale: class position, or percent cover."""
    cases = " ".join(
        f"WHEN '{scale}' THEN array_position(ARRAY[{', '.join(repr(c) for c in classes)}], {alias}.abundance_value)"
        for scale, classes in ORDERED.items()
    )
    return (
        f"(CASE {alias}.abundance_scale {cases} WHEN 'percent_cover' THEN CAST({alias}.abundance_value AS numeric) END)"
    )


def class_of(scale: str, rank: float) -> str:
    """The class a rank stands for (rank_sql's inverse); percent cover stays a number."""
    if scale in ORDERED:
        return ORDERED[scale][int(rank) - 1]
    return f"{rank:g}%"
