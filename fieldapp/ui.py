"""The interface's vocabulary: the hue and label of each knowledge kind, map styles, review and annotation words."""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.i18n import _l
from fieldapp.vocab import KNOWLEDGE_KINDS

# ColorBrewer Dark2: four hues of equal lightness and saturation, none brighter than another,
# and readable by the commonest colour-vision deficiencies. The same values are in site.css.
KIND_COLOURS = {
    "local": "#1b9e77",
    "volunteer": "#d95f02",
    "scientific": "#7570b3",
    "historical": "#a6761d",
}
KIND_LABELS = {
    "local": "Local knowledge",
    "volunteer": "Volunteer records",
    "scientific": "Scientific surveys",
    "historical": "Historical records",
}
LEGEND_NOTE = (
    "Colours tell where the knowledge comes from (its kind), never how good it is: "
    "every kind is drawn with the same sizes, lines and opacity."
)
# The review filter's choices (the list API's review states), worded for every kind alike.
REVIEW_LABELS = {
    "open_questions": "Has open questions",
    "corroborated": "Corroborated",
}
GENERALISED_NOTE = "Dashed squares: location generalised to a grid cell to protect the place."


@dataclass(frozen=True)
class AnnotationWords:
    """One kind of annotation in each phrase that names it."""

    choice: str  # the annotation form's option
    says: str  # after the author's name on a record page
    done: str  # the tally sentence: "<done> by 3 people"
    remark: str  # exported remarks: "<remark> <name> (<date>)"
    many: str  # a chart's series
    colour: str  # that series' colour


# The choices of the form that annotates a name of a subject (the tally and exports use ANNOTATION_WORDS).
NAME_ANNOTATION_CHOICES = {
    "corroborate": _l("I know this name too"),
    "question": _l("I question this name"),
    "context": _l("Context (where, who says it)"),
}
ANNOTATION_WORDS = {
    "corroborate": AnnotationWords(
        "I have seen this too", "has seen this too", "corroborated", "Corroborated by", "Corroborations", "#1b9e77"
    ),
    "question": AnnotationWords("A question", "asks", "questioned", "Questioned by", "Questions", "#d95f02"),
    "context": AnnotationWords("Context", "adds context", "given context", "Context from", "Context", "#7570b3"),
    "correction": AnnotationWords(
        "A correction",
        "proposes a new",
        "offered corrections",
        "Correction proposed by",
        "Proposed corrections",
        "#e7298a",
    ),
}

# Shared by every kind: only the hue differs.
WEIGHT = 2
OPACITY = 0.9
FILL_OPACITY = 0.3
POINT_RADIUS = 5
# Generalised records: a dashed outline over a faint fill, whatever their kind.
GENERALISED_DASH = "4 4"
GENERALISED_FILL_OPACITY = 0.08
# Low-zoom counts: circle radius grows with log10(count) from the point radius, capped.
COUNT_RADIUS_STEP, COUNT_RADIUS_MAX = 4, 18

# Draw order is by geometry type, never by kind: areas under lines under points.
PANES = {"area": ("fieldapp-areas", 410), "line": ("fieldapp-lines", 420), "point": ("fieldapp-points", 430)}
OUTLINE_STYLE = {"color": "#444444", "weight": 1, "fillColor": "#f2efe9", "fillOpacity": 0.5, "interactive": False}


def kind_style(kind: str) -> dict[str, object]:
    """The Leaflet path style of one knowledge kind (identical to the others but for the hue)."""
    if kind not in KNOWLEDGE_KINDS:
        raise ValueError(f"unknown knowledge kind {kind!r}")
    colour = KIND_COLOURS[kind]
    return {
        "color": colour,
        "fillColor": colour,
        "weight": WEIGHT,
        "opacity": OPACITY,
        "fillOpacity": FILL_OPACITY,
        "radius": POINT_RADIUS,
        "fill": True,
    }


def generalised_style(kind: str) -> dict[str, object]:
    """The style of a record whose location is generalised to a grid cell."""
    return kind_style(kind) | {"dashArray": GENERALISED_DASH, "fillOpacity": GENERALISED_FILL_OPACITY}


def legend_items() -> list[dict[str, str]]:
    """One legend entry per knowledge kind, in the vocabulary's order."""
    return [{"kind": k, "label": KIND_LABELS[k], "colour": KIND_COLOURS[k]} for k in KNOWLEDGE_KINDS]
