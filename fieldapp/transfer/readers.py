"""Readers for survey files: GDAL (through pyogrio) for the GIS formats, the csv module for text tables."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from fieldapp.errors import Invalid
from fieldapp.transfer.archives import UNCONFIGURED, ArchiveLimits, safe_extract
from fieldapp.transfer.report_lines import Line, quoted, text_line

VECTOR_SUFFIXES = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".shp": "shapefile",
    ".kml": "kml",
    ".kmz": "kml",
    ".gpx": "gpx",
}
TEXT_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv"}
FORMATS = ("geojson", "csv", "shapefile", "gpkg", "kml", "gpx", "dwca")
# GPX point layers that only repeat the vertices of routes and tracks.
GPX_LAYERS = ("waypoints", "routes", "tracks")
_CHUNK = 5000


@dataclass
class Record:
    """One row or feature as read: its number for the report, a default reference and its values."""

    number: int
    ref: str
    values: dict[str, Any]
    geometry: BaseGeometry | None = None
    missing_geometry: bool = False
    layer: str | None = None
    # Why the row cannot be read at all (e.g. more values than columns).
    problem: str | None = None


@dataclass
class Source:
    """An opened file: its columns, CRS, the records (an iterator) and what was decided while reading."""

    format: str
    columns: list[str]
    records: Iterator[Record]
    crs: str | None = None
    has_geometry: bool = False
    readings: dict[str, str] = field(default_factory=dict)
    warnings: list[Line] = field(default_factory=list)
    progress: Callable[[], float] = lambda: 0.0
    # Releases the open file when the import stops early (a bad mapping, a rejected file).
    close: Callable[[], None] = lambda: None


def bad_file(message: str) -> Invalid:
    """A file that cannot be imported at all; a Line `message` is worded again in the reader's language."""
    return Invalid(message, [{"path": "file", "message": str(message)}])


def nul_problem(values: dict[str, Any]) -> str | None:
    """Why a row cannot be stored if a value holds a NUL character (PostgreSQL text refuses it)."""
    for name, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            return Line("nul_character", column=quoted(name))
    return None


def open_source(
    path: Path,
    workdir: Path,
    fmt: str | None = None,
    layer: str | None = None,
    limits: ArchiveLimits = UNCONFIGURED,
) -> Source:
    """Open a file in any supported format (zips are unpacked safely into workdir first, within limits)."""
    if not path.exists() or path.stat().st_size == 0:
        raise bad_file(Line("empty_file"))
    if fmt is not None and fmt not in FORMATS:
        raise bad_file(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if path.suffix.lower() == ".zip" or (fmt in ("shapefile", "dwca") and path.suffix.lower() != ".shp"):
        return _open_zip(path, workdir, fmt, layer, limits)
    fmt = fmt or _format_of(path)
    if fmt == "csv":
        from fieldapp.transfer.csvreader import open_csv

        return open_csv(path)
    if fmt == "dwca":
        from fieldapp.transfer.dwca import open_dwca

        return open_dwca(path.parent)
    if fmt == "shapefile":
        return _open_shapefile([path], layer)
    return open_vector(path, fmt, layer)


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in VECTOR_SUFFIXES:
        return VECTOR_SUFFIXES[suffix]
    if suffix in TEXT_SUFFIXES:
        return "csv"
    raise bad_file(f"Cannot tell the format of {path.name!r} from its name; give the format ({', '.join(FORMATS)}).")


def _open_zip(path: Path, workdir: Path, fmt: str | None, layer: str | None, limits: ArchiveLimits) -> Source:
    files = [f for f in safe_extract(path, workdir, limits) if f.is_file()]
    if not files:
        raise bad_file("The zip archive holds no files.")
    names = {f.name.lower() for f in files}
    if fmt == "dwca" or "meta.xml" in names:
        from fieldapp.transfer.dwca import open_dwca

        meta = next((f for f in files if f.name.lower() == "meta.xml"), None)
        if meta is None:
            raise bad_file("A Darwin Core Archive needs a meta.xml describing its core file; this zip has none.")
        return open_dwca(meta.parent)
    shapefiles = [f for f in files if f.suffix.lower() == ".shp"]
    if shapefiles:
        return _open_shapefile(shapefiles, layer)
    inner = [f for f in files if f.suffix.lower() in VECTOR_SUFFIXES or f.suffix.lower() in TEXT_SUFFIXES]
    if len(inner) != 1:
        raise bad_file(
            "The zip holds no shapefile, no Darwin Core archive and not exactly one other data file;"
            f" it holds: {', '.join(sorted(names)[:20])}."
        )
    return open_source(inner[0], workdir / "inner", None, layer)


def _open_shapefile(shapefiles: list[Path], layer: str | None) -> Source:
    if layer:
        shapefiles = [s for s in shapefiles if s.stem == layer]
    if len(shapefiles) != 1:
        raise bad_file(
            "The zip holds several shapefiles; choose one as the layer: "
            f"{', '.join(sorted(s.stem for s in shapefiles))}."
        )
    shp = shapefiles[0]
    siblings = {p.suffix.lower() for p in shp.parent.glob(shp.stem + ".*")}
    missing = {".shx", ".dbf"} - siblings
    if missing:
        raise bad_file(f"The shapefile {shp.name} lacks its {' and '.join(sorted(missing))} file(s).")
    source = open_vector(shp, "shapefile", None)
    if ".prj" not in siblings:
        source.crs = None
        source.warnings.append(Line("no_prj", file=shp.name))
    return source


def _layers(path: Path, fmt: str, layer: str | None) -> list[str]:
    try:
        available = [str(name) for name, _ in _quiet(_gdal().list_layers, path)]
    except _gdal_errors() as exc:
        raise bad_file(Line("gdal_unreadable", format=fmt, why=text_line(_gdal_message(exc, path)))) from None
    if layer is not None:
        if layer not in available:
            raise bad_file(f"No layer {layer!r}; the file's layers are: {', '.join(available)}.")
        return [layer]
    if fmt == "gpx":
        return [name for name in GPX_LAYERS if name in available]
    if fmt == "gpkg" and len(available) > 1:
        raise bad_file(f"The GeoPackage holds several layers; choose one: {', '.join(available)}.")
    return available


def _gdal():
    """pyogrio, loaded on the first GIS file: GDAL adds about 50 MB to a process, which a web worker that
    never reads one should not carry (the photo decoder's memory budget, tests/integration/test_photo_memory)."""
    import pyogrio
    import pyogrio.raw

    return pyogrio


def _gdal_errors() -> tuple[type[Exception], ...]:
    """GDAL's refusals of a file (evaluated only when an exception is being matched)."""
    from pyogrio.errors import DataLayerError, DataSourceError

    return (DataSourceError, DataLayerError)


def _gdal_message(exc: Exception, path: Path) -> str:
    """GDAL's reason, without the server's folders (it quotes the full path of the upload)."""
    return str(exc).replace(str(path.parent) + "/", "")[:500]


def _quiet(function: Callable, *args, **kwargs):
    """Call GDAL through pyogrio, turning its warnings into nothing (they are reported otherwise)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def open_vector(path: Path, fmt: str, layer: str | None) -> Source:
    """Open a GIS file with GDAL; every layer chosen is read in chunks."""
    names = _layers(path, fmt, layer)
    infos = {name: _quiet(_gdal().read_info, path, layer=name) for name in names}
    names = [n for n in names if infos[n]["features"] != 0]
    if not names:
        raise bad_file(Line("no_features"))
    crs_values = {infos[n]["crs"] for n in names}
    columns: list[str] = []
    for name in names:
        columns.extend(str(c) for c in infos[name]["fields"] if str(c) not in columns)
    total = sum(max(infos[n]["features"], 0) for n in names) or 1
    counter = [0]
    source = Source(
        format=fmt,
        columns=columns,
        records=_vector_records(path, names, counter),
        crs=crs_values.pop() if len(crs_values) == 1 else None,
        has_geometry=True,
        progress=lambda: min(counter[0] / total, 1.0),
    )
    source.readings["layers"] = ", ".join(names)
    return source


def _vector_records(path: Path, layers: list[str], counter: list[int]) -> Iterator[Record]:
    several = len(layers) > 1
    for layer in layers:
        offset = 0
        while True:
            meta, fids, geometries, data = _read_chunk(path, layer, offset)
            if len(geometries) == 0:
                break
            names = [str(n) for n in meta["fields"]]
            columns = [column.tolist() for column in data]
            shapes = shapely.from_wkb(geometries)
            for i, shape in enumerate(shapes):
                counter[0] += 1
                values = {name: clean_value(columns[j][i]) for j, name in enumerate(names)}
                ref = f"{layer}:{fids[i]}" if several else str(fids[i])
                yield Record(
                    number=offset + i + 1,
                    ref=ref,
                    values=values,
                    geometry=shape,
                    missing_geometry=shape is None,
                    layer=layer,
                    problem=nul_problem(values),
                )
            offset += len(geometries)
            if len(geometries) < _CHUNK:
                break


def _read_chunk(path: Path, layer: str, offset: int):
    try:
        meta, fids, geometries, data = _quiet(
            _gdal().raw.read,
            path,
            layer=layer,
            skip_features=offset,
            max_features=_CHUNK,
            return_fids=True,
            datetime_as_string=True,
        )
    except _gdal_errors() as exc:
        why = text_line(_gdal_message(exc, path))
        raise bad_file(Line("gdal_unreadable_layer", layer=quoted(layer), why=why)) from None
    if geometries is None:
        geometries = [None] * len(fids)
    return meta, fids, geometries, data


def clean_value(value: Any) -> Any:
    """A JSON-ready value: NaN and empty strings become None, dates become ISO text."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str) and value.strip() in ("", "NaT"):
        return None
    return value
