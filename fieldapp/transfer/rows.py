"""Turn one source record into one observation row: geometry reprojected and repaired, values read."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from fieldapp import rules
from fieldapp.errors import Invalid
from fieldapp.forms.values import check_values
from fieldapp.geo.crs import JERSEY_BBOX, STORAGE_SRID
from fieldapp.geo.repair import Unrepairable, repair
from fieldapp.geo.repair import problem as geometry_problem
from fieldapp.observations.abundance import normalise as normalise_abundance
from fieldapp.transfer.identity import Identity
from fieldapp.transfer.mapping import Mapping, normalise
from fieldapp.transfer.readers import Record
from fieldapp.transfer.report_lines import Line, quoted, text_line
from fieldapp.transfer.values import (
    ValueProblem,
    parse_coordinate,
    parse_count,
    parse_licence,
    parse_status,
    parse_when,
)

WGS84 = CRS.from_epsg(STORAGE_SRID)
# The staging table's columns, in the order build() returns them.
STAGE_COLUMNS = (
    "row_no",
    "source_ref",
    "subject_text",
    "recorded_by_text",
    "count",
    "abundance_scale",
    "abundance_value",
    "abundance_verbatim",
    "occurrence_status",
    "observed_start",
    "observed_end",
    "time_precision",
    "lon",
    "lat",
    "geom",
    "coordinate_uncertainty_m",
    "licence",
    "attributes",
    "form_version",
    "field_values",
    # Last: the importer reads a built row's repair note as row[-1].
    "repair_note",
)
# The observation columns a staged row fills, in STAGE_COLUMNS order: the importer inserts, compares
# and updates exactly these (with the subject it links), so a column added here reaches them all.
# The others only stage: the row's number, its position before the geometry is built, and the
# source's reference (which identifies the record, so a re-import never changes it).
RECORD_COLUMNS = tuple(c for c in STAGE_COLUMNS if c not in ("row_no", "source_ref", "lon", "lat"))
_SCALE_BY_COLUMN = {
    "sacfor": "SACFOR",
    "dafor": "DAFOR",
    "domin": "DOMIN",
    "percentcover": "percent_cover",
    "cover": "percent_cover",
}
_DECIMAL = re.compile(r"-?\d+\.\d{3,}")
_LIMITS = {
    name: rules.TEXT_MAX[name] for name in ("subject_text", "recorded_by_text", "abundance_verbatim", "source_ref")
}


def resolve_crs(source_crs: str | None, override: str | None, has_geometry: bool) -> tuple[CRS, Line]:
    """The CRS to read coordinates in, and how it was chosen."""
    if override:
        try:
            return CRS.from_user_input(override), Line("crs_given", crs=override)
        except Exception:  # pyproj raises its own CRSError, and others for odd input
            raise Invalid(
                Line("unknown_crs", crs=quoted(override)),
                [{"path": "crs", "message": f"unknown CRS {override!r}"}],
            ) from None
    if source_crs:
        crs = CRS.from_user_input(source_crs)
        return crs, Line("crs_from_file", crs=crs.to_string(), name=crs.name)
    if has_geometry:
        raise Invalid(
            Line("missing_crs"),
            [{"path": "crs", "message": "missing: the file has no CRS"}],
        )
    return WGS84, Line("crs_assumed")


@dataclass
class Counters:
    """What happened often enough to be a warning rather than a line per row."""

    default_time: int = 0
    default_subject: int = 0
    unknown_licence: int = 0
    outside_aoi: int = 0
    outside_crs_area: int = 0
    withheld_values: int = 0
    unscaled_abundance: int = 0
    dropped_z: int = 0
    # Rows whose own licence differs from the dataset's, by licence.
    other_licences: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def note(self, name: str, row: int) -> None:
        setattr(self, name, getattr(self, name) + 1)
        rows = self.examples.setdefault(name, [])
        if len(rows) < 5:
            rows.append(row)


class RowBuilder:
    """Builds staging rows for one import; every problem raises ValueProblem with its reason."""

    def __init__(
        self,
        mapping: Mapping,
        crs: CRS,
        date_order: str,
        default_time: datetime,
        default_subject: str,
        dataset_licence: str,
        dropped_columns: set[str],
        form: tuple[int, dict[str, Any]] | None = None,
    ):
        self.mapping = mapping
        # The dataset's current form (version, definition), whose fields mapped columns fill.
        self.form = form
        self.transformer = (
            None if crs.equals(WGS84, ignore_axis_order=True) else Transformer.from_crs(crs, WGS84, always_xy=True)
        )
        area = crs.area_of_use
        self.crs_area = area.bounds if area else None
        self.date_order = date_order
        self.default_time = default_time
        self.default_subject = default_subject
        self.dataset_licence = dataset_licence
        self.dropped = dropped_columns
        self.counters = Counters()
        # How records are named (set by the importer): the file's own ids, else rows of this source.
        self.identity = Identity(sha256="")
        # The record's position, to keep free text that quotes it out of attributes.
        self.anchor: tuple[float, float] = (0.0, 0.0)
        self.scale_from_column = _SCALE_BY_COLUMN.get(normalise(mapping.columns.get("abundance", "")))

    def value(self, values: dict[str, Any], target: str) -> Any:
        if target in self.mapping.constants:
            return self.mapping.constants[target] or None
        column = self.mapping.columns.get(target)
        return values.get(column) if column else None

    def build(self, record: Record) -> tuple:
        """The staging row for a record, in STAGE_COLUMNS order."""
        if record.problem:
            raise ValueProblem(text_line(record.problem))
        values = record.values
        lon, lat, geom, note = self.geometry(record)
        start, end, precision = self.when(values, record.number)
        scale, abundance, verbatim = self.abundance(values, record.number)
        count = self.value(values, "count")
        status = self.value(values, "status")
        uncertainty = self.value(values, "uncertainty")
        row = {
            "source_ref": self.identity.reference(_text(self.value(values, "id")), record.ref),
            "subject_text": self.subject(values, record.number),
            "recorded_by_text": _text(self.value(values, "recorded_by")),
            "abundance_verbatim": verbatim,
        }
        for name, limit in _LIMITS.items():
            if (value := row[name]) is not None and len(value) > limit:
                raise ValueProblem(Line("too_long", name=name, limit=limit))
        return (
            record.number,
            row["source_ref"],
            row["subject_text"],
            row["recorded_by_text"],
            parse_count(count) if count not in (None, "") else None,
            scale,
            abundance,
            verbatim,
            parse_status(status) if status not in (None, "") else "present",
            start,
            end,
            precision,
            lon,
            lat,
            geom,
            _uncertainty(uncertainty),
            self.licence(values, record.number),
            self.attributes(values, record.number),
            self.form[0] if self.form else None,
            self.field_values(values),
            note,
        )

    def field_values(self, values: dict[str, Any]) -> str | None:
        """The form's fields as the mapping fills them, checked as the API checks them (JSON text)."""
        if self.form is None:
            return None
        raw = {name: self.value(values, target) for name, target in self.mapping.field_targets().items()}
        clean, problems = check_values(self.form[1], {k: v for k, v in raw.items() if v not in (None, "")}, "field")
        if problems:
            said = [text_line(f"{p['path']}: {p['message']}") for p in problems]
            raise ValueProblem(Line("field_problems", problems=said))
        return json.dumps(clean)

    def subject(self, values: dict[str, Any], row: int) -> str:
        text = _text(self.value(values, "subject"))
        if text:
            return text
        self.counters.note("default_subject", row)
        return self.default_subject

    def when(self, values: dict[str, Any], row: int) -> tuple[datetime, datetime | None, str]:
        start, end, precision = self._when(values, row)
        for code, value in (("date_refused", start), ("end_date_refused", end)):
            if value is not None and (problem := rules.date_problem(value)):
                raise ValueProblem(Line(code, value=value.isoformat(), problem=text_line(problem)))
        return start, end, precision

    def _when(self, values: dict[str, Any], row: int) -> tuple[datetime, datetime | None, str]:
        raw = self.value(values, "time")
        if raw in (None, ""):
            self.counters.note("default_time", row)
            return self.default_time, None, "day"
        when = parse_when(str(raw), self.date_order)
        end_raw = self.value(values, "end_time")
        end = when.end
        if end_raw not in (None, ""):
            end = parse_when(str(end_raw), self.date_order).start
            if end < when.start:
                raise ValueProblem(Line("end_before_start", end=quoted(end_raw), start=quoted(raw)))
        return when.start, end, when.precision

    def abundance(self, values: dict[str, Any], row: int) -> tuple[str | None, str | None, str | None]:
        raw = _text(self.value(values, "abundance"))
        if raw is None:
            return None, None, None
        scale = _text(self.value(values, "abundance_scale")) or self.scale_from_column
        scale = {"percentage": "percent_cover", "percent": "percent_cover"}.get((scale or "").lower(), scale)
        if scale is None or scale.upper() not in ("SACFOR", "DAFOR", "DOMIN", "PERCENT_COVER"):
            self.counters.note("unscaled_abundance", row)
            return None, None, raw[:100]
        scale = "percent_cover" if scale.upper() == "PERCENT_COVER" else scale.upper()
        try:
            return scale, normalise_abundance(scale, raw), raw[:100]
        except ValueError as exc:
            raise ValueProblem(text_line(exc)) from None

    def licence(self, values: dict[str, Any], row: int) -> str:
        raw = self.value(values, "licence")
        if raw in (None, ""):
            return self.dataset_licence
        code = parse_licence(raw)
        if code is None:
            self.counters.note("unknown_licence", row)
            return self.dataset_licence
        if code != self.dataset_licence:
            self.counters.other_licences[code] = self.counters.other_licences.get(code, 0) + 1
        return code

    def attributes(self, values: dict[str, Any], row: int) -> str:
        lon, lat = self.anchor
        kept = {}
        for name, value in values.items():
            if value is None or name in self.dropped:
                continue
            if isinstance(value, str) and _mentions_position(value, lon, lat):
                self.counters.note("withheld_values", row)
                continue
            kept[name] = value
        return json.dumps(kept, ensure_ascii=False, default=str)

    def geometry(self, record: Record) -> tuple[float | None, float | None, str | None, str | None]:
        """(lon, lat) for a plain point in EPSG:4326, else hex EWKB; and the repair note."""
        shape = record.geometry
        if shape is None:
            if record.missing_geometry:
                raise ValueProblem(Line("no_geometry"))
            shape = self._shape_from_columns(record.values)
            if isinstance(shape, tuple):
                self.anchor = shape
                return (*shape, None, None)
        return self._checked(shape)

    def _shape_from_columns(self, values: dict[str, Any]) -> BaseGeometry | tuple[float, float]:
        wkt = self.value(values, "wkt")
        if wkt not in (None, ""):
            try:
                return shapely.from_wkt(str(wkt))
            except shapely.errors.GEOSException as exc:
                raise ValueProblem(Line("unreadable_wkt", why=text_line(exc))) from None
        raw_lat, raw_lon = self.value(values, "latitude"), self.value(values, "longitude")
        if raw_lat in (None, "") or raw_lon in (None, ""):
            raise ValueProblem(Line("no_coordinates"))
        lat, lon = parse_coordinate(raw_lat, "latitude"), parse_coordinate(raw_lon, "longitude")
        if self.transformer is None:
            self._check_range(lon, lat, lon, lat)
            return lon, lat
        return shapely.Point(lon, lat)

    def _checked(self, shape: BaseGeometry) -> tuple[None, None, str, str | None]:
        if shape.is_empty:
            raise ValueProblem(Line("empty_geometry"))
        if _nests_collections(shape):
            # PostGIS cannot write a nested collection as GeoJSON, so every page showing it would fail.
            raise ValueProblem(Line("nested_collection"))
        if shapely.has_z(shape):
            self.counters.dropped_z += 1
        shape = shapely.force_2d(shape)
        if (transformer := self.transformer) is not None:
            shape = shapely.transform(shape, lambda coords: _reproject(transformer, coords))
        coords = shapely.get_coordinates(shape)
        if not np.isfinite(coords).all():
            raise ValueProblem(Line("coordinates_not_finite"))
        minx, miny, maxx, maxy = shape.bounds
        self._check_range(minx, miny, maxx, maxy)
        self.anchor = ((minx + maxx) / 2, (miny + maxy) / 2)
        note = None
        if not shape.is_valid:
            shape, note = _repair(shape)
        return None, None, shapely.to_wkb(shapely.set_srid(shape, STORAGE_SRID), hex=True, include_srid=True), note

    def _check_range(self, minx: float, miny: float, maxx: float, maxy: float) -> None:
        if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
            raise ValueProblem(Line("outside_the_world", x=f"{minx:.6g}", y=f"{miny:.6g}"))
        if not _overlaps((minx, miny, maxx, maxy), JERSEY_BBOX):
            self.counters.outside_aoi += 1
        if self.crs_area and not _overlaps((minx, miny, maxx, maxy), self.crs_area):
            self.counters.outside_crs_area += 1


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _repair(shape: BaseGeometry) -> tuple[BaseGeometry, Line]:
    """The repaired geometry and its report line (whose English is the note the record keeps)."""
    what = geometry_problem(shape)
    try:
        repaired, _ = repair(shape)
    except Unrepairable:
        raise ValueProblem(Line("unrepairable", kind=shape.geom_type, what=what)) from None
    return repaired, Line("repaired", kind=shape.geom_type, what=what, into=repaired.geom_type)


def _nests_collections(shape: BaseGeometry) -> bool:
    parts = getattr(shape, "geoms", ())
    return shape.geom_type == "GeometryCollection" and any(p.geom_type == "GeometryCollection" for p in parts)


def _mentions_position(value: str, lon: float, lat: float) -> bool:
    """Does free text quote the record's coordinates (e.g. a KML description 'Latitude: 45.77')?"""
    for number in _DECIMAL.findall(value):
        n = float(number)
        if abs(n - lat) < 0.01 or abs(n - lon) < 0.01:
            return True
    return False


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _uncertainty(raw: Any) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueProblem(Line("uncertainty_not_number", value=quoted(raw))) from None
    if not math.isfinite(value) or value < 0:
        raise ValueProblem(Line("uncertainty_negative", value=quoted(raw)))
    problem = rules.UNCERTAINTY.problem(value)
    if problem:
        raise ValueProblem(text_line(problem))
    return value


def now_day() -> datetime:
    today = datetime.now(UTC)
    return datetime(today.year, today.month, today.day, tzinfo=UTC)


def _reproject(transformer: Transformer, coords: np.ndarray) -> np.ndarray:
    x, y = transformer.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])
