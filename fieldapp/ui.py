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
# Lazy: each is translated when shown, in the request's language (fieldapp/i18n.py).
KIND_LABELS = {
    "local": _l("Local knowledge"),
    "volunteer": _l("Volunteer records"),
    "scientific": _l("Scientific surveys"),
    "historical": _l("Historical records"),
}
# The kind as one word beside a record ("local", "volunteer"...).
KIND_WORDS = {
    "local": _l("local"),
    "volunteer": _l("volunteer"),
    "scientific": _l("scientific"),
    "historical": _l("historical"),
}
LEGEND_NOTE = _l(
    "Colours tell where the knowledge comes from (its kind), never how good it is: "
    "every kind is drawn with the same sizes, lines and opacity."
)
# The review filter's choices (the list API's review states), worded for every kind alike.
REVIEW_LABELS = {
    "open_questions": _l("Has open questions"),
    "corroborated": _l("Corroborated"),
}
GENERALISED_NOTE = _l("Dashed squares: location generalised to a grid cell to protect the place.")


@dataclass(frozen=True)
class AnnotationWords:
    """One kind of annotation in each phrase that names it."""

    choice: str  # the annotation form's option
    says: str  # after the author's name on a record page
    done: str  # the tally sentence: "<done> by 3 people"
    remark: str  # exported remarks: "<remark> <name> (<date>)" (English: a Darwin Core field's text)
    many: str  # a chart's series
    colour: str  # that series' colour


# What each kind of place is called on pages and map labels (vocab.PLACE_KINDS).
PLACE_KIND_LABELS = {
    "bay": _l("bay"),
    "beach": _l("beach"),
    "reef": _l("reef"),
    "rock": _l("rock"),
    "slipway": _l("slipway"),
    "harbour": _l("harbour"),
    "headland": _l("headland"),
    "island": _l("island"),
    "fishing_mark": _l("fishing mark"),
    "other": _l("place"),
}
# The choices of the form that annotates a name of a subject (the tally and exports use ANNOTATION_WORDS).
NAME_ANNOTATION_CHOICES = {
    "corroborate": _l("I know this name too"),
    "question": _l("I question this name"),
    "context": _l("Context (where, who says it)"),
}
ANNOTATION_WORDS = {
    "corroborate": AnnotationWords(
        _l("I have seen this too"),
        _l("has seen this too"),
        _l("corroborated"),
        "Corroborated by",
        _l("Corroborations"),
        "#1b9e77",
    ),
    "question": AnnotationWords(
        _l("A question"), _l("asks"), _l("questioned"), "Questioned by", _l("Questions"), "#d95f02"
    ),
    "context": AnnotationWords(
        _l("Context"), _l("adds context"), _l("given context"), "Context from", _l("Context"), "#7570b3"
    ),
    "correction": AnnotationWords(
        _l("A correction"),
        _l("proposes a new"),
        _l("offered corrections"),
        "Correction proposed by",
        _l("Proposed corrections"),
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
    """One legend entry per knowledge kind, in the vocabulary's order (labels in the request's language)."""
    return [{"kind": k, "label": str(KIND_LABELS[k]), "colour": KIND_COLOURS[k]} for k in KNOWLEDGE_KINDS]


def kind_label(kind: str) -> str:
    """A knowledge kind's label ("Local knowledge"), translated; the code itself if unknown."""
    return str(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def kind_word(kind: str) -> str:
    """A knowledge kind as one word ("local"), translated; the code itself if unknown."""
    return str(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


# The vocabulary's codes as a person reads them, by group (`word("visibility", "public")` in templates).
CODE_WORDS = {
    "visibility": {"public": _l("public"), "generalised": _l("generalised"), "private": _l("private")},
    "use": {"park_management": _l("park management"), "research": _l("research"), "education": _l("education")},
    "audience": {
        "everyone": _l("everyone"),
        "members": _l("signed-in members"),
        "groups": _l("members of the named groups"),
        "park": _l("the park's staff"),
    },
    "recording": {
        "open": _l("Any member may record into it"),
        "groups": _l("Only members of the groups chosen below"),
        "invited": _l("Only the people named below"),
    },
    "status": {"present": _l("present"), "absent": _l("absent")},
    "trend": {"increasing": _l("increasing"), "stable": _l("stable"), "decreasing": _l("decreasing")},
    "confidence": {"certain": _l("certain"), "probable": _l("probable"), "possible": _l("possible")},
    "precision": {
        "instant": _l("exact time"),
        "day": _l("that day"),
        "month": _l("that month"),
        "season": _l("a season"),
        "year": _l("that year"),
        "decade": _l("that decade"),
    },
    "co_producer": {
        "community": _l("the community"),
        "professionals": _l("professionals"),
        "both": _l("the community and professionals"),
    },
    "field": {"subject": _l("subject"), "date": _l("date"), "quantity": _l("quantity"), "place": _l("place")},
    "annotation_status": {"open": _l("open"), "accepted": _l("accepted"), "answered": _l("answered")},
    "grant": {"requested": _l("requested"), "granted": _l("granted"), "refused": _l("refused")},
    "consent_way": {
        "online": _l("online"),
        "in_person": _l("in person"),
        "paper": _l("on paper"),
        "verbal": _l("spoken"),
    },
    "history": {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted")},
    "role": {"member": _l("member"), "steward": _l("steward"), "staff": _l("staff"), "admin": _l("administrator")},
    "job": {
        "queued": _l("queued"),
        "running": _l("running"),
        "succeeded": _l("succeeded"),
        "failed": _l("failed"),
        "cancelled": _l("cancelled"),
    },
}


def word(group: str, code: str | None) -> str:
    """A code of the vocabulary as words in the request's language; the code itself when it has none."""
    if code is None:
        return ""
    found = CODE_WORDS.get(group, {}).get(code)
    return str(found) if found is not None else str(code)
