"""The comparison's palette and words: one hue per side, a third for agreement, grey for absence."""

from __future__ import annotations

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
        "both_present": "Both report presence",
        "only_a": f"Only {label_a} reports presence",
        "only_b": f"Only {label_b} reports presence",
        "a_present_b_absent": f"{label_a} reports presence where {label_b} recorded absence",
        "b_present_a_absent": f"{label_b} reports presence where {label_a} recorded absence",
        "both_absent": "Both recorded absence",
        "only_a_absent": f"Only {label_a} looked, and recorded absence",
        "only_b_absent": f"Only {label_b} looked, and recorded absence",
    }


def cell_style(cls: str) -> dict[str, object]:
    return COMMON_STYLE | CLASS_STYLES[cls]
