"""Darwin Core Archives: the core file read with the columns and format its meta.xml declares."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from fieldapp.transfer.csvreader import CountingReader, rows_of
from fieldapp.transfer.readers import Record, Source, bad_file, nul_problem
from fieldapp.transfer.report_lines import Line

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


def _number(element: ElementTree.Element, attribute: str, default: int, where: str) -> int:
    """A whole-number attribute of meta.xml (a column index, a count of header lines), or a clear error."""
    raw = (element.get(attribute) or "").strip()
    if element.get(attribute) is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise bad_file(f"meta.xml: {where} has {attribute}={raw[:40]!r}; it must be a whole number of 0 or more.")
    return int(raw)


def _character(core: ElementTree.Element, attribute: str, default: str, may_be_empty: bool) -> str:
    """A one-character attribute of the core (delimiter, quote), with the escapes meta.xml uses."""
    value = _unescape(core.get(attribute), default)
    if len(value) > 1 or (not value and not may_be_empty) or value in ("\n", "\r", "\0"):
        raise bad_file(f"meta.xml: the core's {attribute}={core.get(attribute)!r} must be one character.")
    return value


def _columns(core: ElementTree.Element) -> tuple[dict[int, str], dict[str, str]]:
    columns: dict[int, str] = {}
    defaults: dict[str, str] = {}
    id_element = core.find(f"{TEXT_NS}id")
    for element in core.findall(f"{TEXT_NS}field"):
        name = term_name(element.get("term", ""))
        if element.get("index") is not None:
            columns[_number(element, "index", 0, f"the field {name!r}")] = name
        elif (default := element.get("default")) is not None:
            defaults[name] = default
    if id_element is not None and id_element.get("index") is not None:
        columns.setdefault(_number(id_element, "index", 0, "the core's id"), "id")
    return columns, defaults


def _source(core: ElementTree.Element, data_path: Path, columns: dict[int, str], defaults: dict[str, str]) -> Source:
    encoding = core.get("encoding") or "utf-8"
    delimiter = _character(core, "fieldsTerminatedBy", ",", may_be_empty=False)
    quote = _character(core, "fieldsEnclosedBy", '"', may_be_empty=True)
    if quote == delimiter:
        raise bad_file("meta.xml: the core's fieldsEnclosedBy is the same character as its fieldsTerminatedBy.")
    skip = _number(core, "ignoreHeaderLines", 0, "the core")
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
        # Counted as rows are read, so a huge ignoreHeaderLines ends with the file.
        for number, row in enumerate(rows_of(reader, Line("the_core_file"))):
            if number < skip or not row or (len(row) == 1 and not row[0].strip()):
                continue
            values: dict[str, str | None] = dict(defaults)
            for index, name in columns.items():
                value = row[index].strip() if index < len(row) else ""
                if value or name not in values:
                    values[name] = value or None
            line = reader.line_num
            yield Record(number=line, ref=f"row:{line}", values=values, problem=nul_problem(values))
    finally:
        raw.close()
