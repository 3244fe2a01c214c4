"""Darwin Core Archives: the core file read with the columns and format its meta.xml declares."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from fieldapp.transfer.csvreader import CountingReader
from fieldapp.transfer.readers import Record, Source, bad_file

TEXT_NS = "{http://rs.tdwg.org/dwc/text/}"
OCCURRENCE = "http://rs.tdwg.org/dwc/terms/Occurrence"


def term_name(uri: str) -> str:
    """The short name of a term URI ('http://rs.tdwg.org/dwc/terms/eventDate' -> 'eventDate')."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _unescape(value: str | None, default: str) -> str:
    if value is None:
        return default
    return value.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r")


def open_dwca(folder: Path) -> Source:
    """Open an unpacked archive: parse meta.xml and stream the occurrence core."""
    meta_path = folder / "meta.xml"
    try:
        root = ElementTree.parse(meta_path).getroot()
    except (ElementTree.ParseError, OSError) as exc:
        raise bad_file(f"The archive's meta.xml cannot be read: {exc}.") from None
    core = root.find(f"{TEXT_NS}core")
    if core is None:
        raise bad_file("The archive's meta.xml declares no core file.")
    row_type = core.get("rowType", "")
    if row_type != OCCURRENCE:
        raise bad_file(
            f"The archive's core is {term_name(row_type) or 'unknown'}, not Occurrence: it holds no"
            " observations to import (only occurrence-core archives can be imported)."
        )
    location = core.findtext(f"{TEXT_NS}files/{TEXT_NS}location")
    data_path = (folder / (location or "")).resolve()
    if not location or folder.resolve() not in data_path.parents or not data_path.is_file():
        raise bad_file(f"The core file {location!r} named in meta.xml is not in the archive.")
    columns, defaults = _columns(core)
    return _source(core, data_path, columns, defaults)


def _columns(core: ElementTree.Element) -> tuple[dict[int, str], dict[str, str]]:
    columns: dict[int, str] = {}
    defaults: dict[str, str] = {}
    id_element = core.find(f"{TEXT_NS}id")
    for element in core.findall(f"{TEXT_NS}field"):
        name = term_name(element.get("term", ""))
        if (index := element.get("index")) is not None:
            columns[int(index)] = name
        elif (default := element.get("default")) is not None:
            defaults[name] = default
    if id_element is not None and (index := id_element.get("index")) is not None:
        columns.setdefault(int(index), "id")
    return columns, defaults


def _source(core: ElementTree.Element, data_path: Path, columns: dict[int, str], defaults: dict[str, str]) -> Source:
    encoding = core.get("encoding") or "utf-8"
    delimiter = _unescape(core.get("fieldsTerminatedBy"), ",")
    quote = _unescape(core.get("fieldsEnclosedBy"), '"')
    skip = int(core.get("ignoreHeaderLines") or 0)
    names = list(dict.fromkeys([*columns.values(), *defaults]))
    size = max(data_path.stat().st_size, 1)
    raw = data_path.open("rb")
    counting = CountingReader(raw)
    try:
        stream = io.TextIOWrapper(io.BufferedReader(counting), encoding=encoding, errors="replace", newline="")
    except LookupError:
        raw.close()
        raise bad_file(f"meta.xml declares an unknown encoding {encoding!r}.") from None
    options = (
        {"delimiter": delimiter, "quoting": csv.QUOTE_NONE}
        if not quote
        else {"delimiter": delimiter, "quotechar": quote}
    )
    reader = csv.reader(stream, **options)
    source = Source(
        format="dwca",
        columns=names,
        records=_rows(reader, skip, columns, defaults, raw),
        progress=lambda: counting.count / size,
        close=raw.close,
    )
    source.readings.update(
        {"core": data_path.name, "encoding": encoding, "delimiter": repr(delimiter), "header lines skipped": str(skip)}
    )
    return source


def _rows(reader, skip: int, columns: dict[int, str], defaults: dict[str, str], raw) -> Iterator[Record]:
    try:
        for _ in range(skip):
            next(reader, None)
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            values: dict[str, str | None] = dict(defaults)
            for index, name in columns.items():
                value = row[index].strip() if index < len(row) else ""
                if value or name not in values:
                    values[name] = value or None
            line = reader.line_num
            yield Record(number=line, ref=f"row:{line}", values=values)
    finally:
        raw.close()
