"""The comparison's palette and words: one hue per side, a third for agreement, grey for absence."""

from __future__ import annotations

from fieldapp.i18n import _

SIDE_A, SIDE_B, AGREE, ABSENT = "#c51b7d", "#4d9221", "#2166ac", "#969696"

# Style per class. Swapping A and B swaps the styles exactly, so neither side looks like the reference.
CLASS_STYLES: dict[str, dict[str, object]] = {
    "both_present": {"fillColor": AGREE, "color": AGREE},
    "only_a": {"fillColor": SIDE_A, "color": SIDE_A},
    "only_b": {"fillColor": SIDE_B, "color": SIDE_B},
    "a_present_b_absent": {"fillColor": SIDE_A, "color": ABSENT, "dashArray": "4 3"},
    "b_present_a_absent": {"fillColor": SIDE_B, "color": ABSENT, "dashArray": "4 3"},
    "both_absent": {"fillColor": ABSENT, "color": ABSENT, "dashArray": "4 3"},
    "only_a_absent": {"fillColor": "#ffffff", "color": SIDE_A, "dashArray": "4 3"},
    "only_b_absent": {"fillColor": "#ffffff", "color": SIDE_B, "dashArray": "4 3"},
}
COMMON_STYLE: dict[str, object] = {"weight": 1, "opacity": 0.9, "fillOpacity": 0.55}


def class_words(label_a: str, label_b: str) -> dict[str, str]:
    """The legend's words for each class, naming the sides the same way."""
    return {
        "both_present": _("Both report presence"),
        "only_a": _("Only %(side)s reports presence", side=label_a),
        "only_b": _("Only %(side)s reports presence", side=label_b),
        "a_present_b_absent": _("%(a)s reports presence where %(b)s recorded absence", a=label_a, b=label_b),
        "b_present_a_absent": _("%(a)s reports presence where %(b)s recorded absence", a=label_b, b=label_a),
        "both_absent": _("Both recorded absence"),
        "only_a_absent": _("Only %(side)s looked, and recorded absence", side=label_a),
        "only_b_absent": _("Only %(side)s looked, and recorded absence", side=label_b),
    }


def cell_style(cls: str) -> dict[str, object]:
    return COMMON_STYLE | CLASS_STYLES[cls]
