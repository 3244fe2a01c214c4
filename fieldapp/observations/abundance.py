"""Abundance scales: which values each scale allows, and their canonical form."""

from __future__ import annotations

import math

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


def normalise(scale: str, value: object) -> str:
    """Return the canonical value on the scale, or raise ValueError saying what is allowed."""
    text = str(value).strip()
    if scale in ("SACFOR", "DAFOR"):
        letters = _SACFOR if scale == "SACFOR" else _DAFOR
        upper = text.upper()
        if upper in letters:
            return upper
        for letter, word in letters.items():
            if text.lower() == word:
                return letter
        raise ValueError(f"{text!r} is not on the {scale} scale; use one of {', '.join(letters)}.")
    if scale == "DOMIN":
        if text in _DOMIN:
            return text
        raise ValueError(f"{text!r} is not on the DOMIN scale; use +, or 1 to 10.")
    if scale == "percent_cover":
        try:
            number = float(text)
            if not math.isfinite(number):  # float() reads 'nan' and 'inf', which are no percentage
                raise ValueError
        except ValueError:
            raise ValueError(f"{text!r} is not a percentage.") from None
        if not 0 <= number <= 100:
            raise ValueError(f"{text} is outside 0 to 100 percent.")
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
