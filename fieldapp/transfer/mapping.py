"""Which source column feeds which observation field: detected by usual names, overridable by the user."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fieldapp.errors import Invalid
from fieldapp.transfer.report_lines import Line, quoted

# Usual column names for each target, best first (compared lower-case, without punctuation);
# Darwin Core terms come first so archives map exactly.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "id": ("occurrenceid", "sourceref", "gbifid", "recordid", "id", "objectid", "globalid", "uuid", "fid"),
    "subject": (
        "scientificname",
        "species",
        "taxon",
        "taxonname",
        "subject",
        "subjecttext",
        "vernacularname",
        "commonname",
        "habitat",
        "biotope",
        "feature",
        "protectedfeature",
        "name",
    ),
    "time": (
        "eventdate",
        "observedstart",
        "datetime",
        "date",
        "time",
        "timestamp",
        "observed",
        "observedon",
        "dateobserved",
        "surveydate",
        "sampledate",
        "recorded",
        "when",
        "begin",
    ),
    "end_time": ("observedend", "enddate", "end"),
    "count": ("individualcount", "count", "number", "quantity", "total"),
    "abundance": ("organismquantity", "abundance", "sacfor", "dafor", "domin", "percentcover", "cover"),
    "abundance_scale": ("organismquantitytype", "abundancescale", "scale"),
    "recorded_by": ("recordedby", "recordedbytext", "recorder", "observer", "observers", "surveyor", "collector"),
    "licence": ("license", "licence", "licenceuri", "licenseuri"),
    "status": ("occurrencestatus", "status", "presence"),
    "uncertainty": ("coordinateuncertaintyinmeters", "coordinateuncertaintym", "uncertainty", "accuracy"),
    "latitude": ("decimallatitude", "latitude", "lat", "y", "northing"),
    "longitude": ("decimallongitude", "longitude", "lon", "long", "lng", "x", "easting"),
    "wkt": ("wkt", "footprintwkt", "geometry", "geom", "thegeom", "shape"),
}
TARGETS = tuple(CANDIDATES)
# Columns that hold a position: never kept in attributes, where a generalised record would leak it.
POSITION_COLUMNS = {
    "decimallatitude",
    "decimallongitude",
    "latitude",
    "longitude",
    "lat",
    "lon",
    "long",
    "lng",
    "x",
    "y",
    "easting",
    "northing",
    "wkt",
    "footprintwkt",
    "geometry",
    "geom",
    "thegeom",
    "shape",
    "verbatimcoordinates",
    "verbatimlatitude",
    "verbatimlongitude",
    "coordinates",
    "point",
    "location",
    "gridreference",
    "gridref",
    "osgridref",
    "verbatimsrs",
    "lonlat",
    "latlon",
    "pointx",
    "pointy",
}


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class Mapping:
    """Target field -> source column, or a constant value given by the user ('=value')."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    detected: set[str] = field(default_factory=set)

    def field_targets(self) -> dict[str, str]:
        """Form field name -> mapping target, for every field mapped to a column or a constant."""
        targets = [*self.columns, *self.constants]
        return {t[len(FIELD_PREFIX) :]: t for t in targets if t.startswith(FIELD_PREFIX)}

    def describe(self) -> dict[str, Line]:
        """The mapping as the report shows it."""
        shown = {
            t: Line("column_detected" if t in self.detected else "column_given", column=quoted(c))
            for t, c in self.columns.items()
        }
        shown.update({t: Line("constant", value=quoted(v)) for t, v in self.constants.items()})
        return dict(sorted(shown.items()))


# A dataset form's custom field as a mapping target: field:<name>.
FIELD_PREFIX = "field:"
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def is_field_target(target: str) -> bool:
    return target.startswith(FIELD_PREFIX) and bool(_FIELD_NAME.match(target[len(FIELD_PREFIX) :]))


def parse_overrides(pairs: list[str] | dict[str, str] | None) -> dict[str, str]:
    """Read 'target=column' pairs (or a dict); 'target=' turns detection off, 'target==text' is a constant."""
    if not pairs:
        return {}
    items = pairs.items() if isinstance(pairs, dict) else [_split(p) for p in pairs]
    result: dict[str, str] = {}
    for target, column in items:
        if target not in TARGETS and not is_field_target(target):
            raise Invalid(
                f"Unknown mapping target {target!r}; use one of {', '.join(TARGETS)}, or field:<name> for a field"
                " of the dataset's form.",
                [{"path": "map", "message": f"unknown target {target!r}"}],
            )
        result[target] = column
    return result


def _split(pair: str) -> tuple[str, str]:
    target, sep, column = pair.partition("=")
    if not sep:
        raise Invalid(
            f"A mapping is written target=column, not {pair!r}.", [{"path": "map", "message": f"{pair!r} has no '='"}]
        )
    return target.strip(), column.strip()


def detect(columns: list[str], overrides: dict[str, str], field_names: tuple[str, ...] = ()) -> Mapping:
    """Map targets to columns by their usual names (a form's fields by theirs), then apply the user's overrides."""
    by_name: dict[str, str] = {}
    for column in columns:
        by_name.setdefault(normalise(column), column)
    mapping = Mapping()
    used: set[str] = set()
    for target, names in CANDIDATES.items():
        if target in overrides:
            continue
        for name in names:
            found = by_name.get(name)
            if found is not None and found not in used:
                mapping.columns[target] = found
                mapping.detected.add(target)
                used.add(found)
                break
    if "subject" not in mapping.columns and "subject" not in overrides:
        _subject_by_suffix(columns, mapping, used)
    for name in field_names:
        target, found = FIELD_PREFIX + name, by_name.get(normalise(name))
        if target not in overrides and found is not None and found not in used:
            mapping.columns[target] = found
            mapping.detected.add(target)
            used.add(found)
    _apply_overrides(columns, overrides, mapping)
    return mapping


def _subject_by_suffix(columns: list[str], mapping: Mapping, used: set[str]) -> None:
    """Survey layers often name their label column '<something>_NAME' (MCZ_NAME, JNCCName)."""
    for column in columns:
        if column not in used and normalise(column).endswith("name"):
            mapping.columns["subject"] = column
            mapping.detected.add("subject")
            return


def _apply_overrides(columns: list[str], overrides: dict[str, str], mapping: Mapping) -> None:
    for target, value in overrides.items():
        if value.startswith("="):
            mapping.constants[target] = value[1:]
        elif value == "":
            continue  # detection switched off for this target
        elif value in columns:
            mapping.columns[target] = value
        else:
            raise Invalid(
                f"The file has no column {value!r} to map to {target}; its columns are: {', '.join(columns[:40])}.",
                [{"path": f"map.{target}", "message": f"no column {value!r}"}],
            )


def position_columns(columns: list[str], mapping: Mapping) -> set[str]:
    """The columns to leave out of attributes because they hold a position."""
    mapped = {c for t in ("latitude", "longitude", "wkt") if (c := mapping.columns.get(t)) is not None}
    return mapped | {c for c in columns if normalise(c) in POSITION_COLUMNS}
