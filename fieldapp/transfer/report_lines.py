"""The import report's lines as codes and parameters, worded in the language of whoever reads the report.

An importer line is a `Line`: a str holding its English sentence (the CLI, the API's `message` and the
tests read it), made from a code of LINES and its parameters. The report stores each line as
{"code", "params", "message"} (`as_json`); the page words it in the viewer's language (`word`). Reports
stored before lines had codes hold plain English sentences: `word` shows them as they were written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

from fieldapp.i18n import format_number


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated when a line is worded (`word`)."""
    return message


# Every line an import report can hold, by code. English here is the message id.
LINES: dict[str, str] = {
    # Values that cannot be read (a row is rejected with one of these).
    "interval_ends_before": N_("the interval %(value)s ends before it starts"),
    "not_a_real_date": N_("%(value)s is not a real date (%(why)s)"),
    "unknown_month_or_zone": N_("%(value)s has an unknown month or time zone"),
    "unreadable_date": N_("%(value)s is not a date this importer reads (ISO 8601, d/m/y or m/d/y)"),
    "latitude": N_("latitude"),
    "longitude": N_("longitude"),
    "not_finite": N_("%(axis)s %(value)s is not a finite number"),
    "not_degrees": N_("%(axis)s %(value)s is neither decimal degrees nor degrees-minutes-seconds"),
    "minutes_over_60": N_("%(axis)s %(value)s has minutes or seconds of 60 or more"),
    "other_hemisphere": N_("%(axis)s %(value)s has the hemisphere letter of the other axis"),
    "count_not_number": N_("count %(value)s is not a number"),
    "count_not_whole": N_("count %(value)s is not a whole number of zero or more"),
    "unknown_status": N_("occurrence status %(value)s is neither present nor absent"),
    "too_long": N_("%(name)s is longer than %(limit)s characters"),
    "field_problems": N_("the dataset's form refuses its values (%(problems)s)"),
    "date_refused": N_("its date %(value)s: %(problem)s"),
    "end_date_refused": N_("its end date %(value)s: %(problem)s"),
    "end_before_start": N_("the end %(end)s is before the start %(start)s"),
    "no_geometry": N_("it has no geometry"),
    "unreadable_wkt": N_("the WKT cannot be read (%(why)s)"),
    "no_coordinates": N_("it has no coordinates"),
    "empty_geometry": N_("its geometry is empty"),
    "nested_collection": N_("its GeometryCollection holds another GeometryCollection: flatten it into one"),
    "coordinates_not_finite": N_("its geometry has coordinates that are not finite numbers"),
    "outside_the_world": N_(
        "its coordinates (%(x)s, %(y)s) are outside longitude -180..180 and latitude -90..90: is the CRS right?"
    ),
    "unrepairable": N_("its %(kind)s is invalid (%(what)s) and cannot be repaired without changing its kind"),
    "uncertainty_not_number": N_("coordinate uncertainty %(value)s is not a number"),
    "uncertainty_negative": N_("coordinate uncertainty %(value)s is not a distance of zero or more"),
    "row_width": N_("it has %(values)s values where the header names %(columns)s columns"),
    "nul_character": N_("its value in column %(column)s holds a NUL character"),
    "repeated_id": N_("its id %(ref)s repeats row %(first)s's: ids must be unique in a file"),
    # A geometry made valid.
    "repaired": N_("Invalid %(kind)s (%(what)s) repaired with make_valid into a %(into)s."),
    # Warnings about the whole file.
    "no_date": N_(
        "%(count)s rows have no date, so observed_start is %(date)s (day precision); give default_date or map"
        " time (rows %(rows)s...)."
    ),
    "no_subject": N_(
        "%(count)s rows have no subject, so their subject_text is %(subject)s; map subject to a column or a"
        " constant (=text)."
    ),
    "unknown_licence": N_(
        "%(count)s rows name a licence this platform does not know; they take the dataset's licence %(licence)s."
    ),
    "outside_aoi": N_(
        "%(count)s features lie outside the deployment's area of interest (lon %(west)s..%(east)s, lat"
        " %(south)s..%(north)s)."
    ),
    "outside_crs_area": N_("%(count)s features lie outside the area of use of the source CRS %(area)s: check the CRS."),
    "withheld_values": N_(
        "%(count)s text values quoting the record's coordinates were left out of attributes, so a generalised"
        " record cannot leak its position."
    ),
    "dropped_z": N_(
        "%(count)s features have heights (Z coordinates); records are stored in 2-D, so the heights were dropped"
        " (the source file keeps them)."
    ),
    "unscaled_abundance": N_(
        "%(count)s abundance values have no scale; they are kept as abundance_verbatim only; map abundance_scale"
        " (e.g. =SACFOR)."
    ),
    "rows_under_licence": N_("%(count)s under %(licence)s"),
    "other_licences": N_(
        "Rows carry their own licence, not the dataset's %(licence)s: %(licences)s. They keep it (exports give"
        " each record's licence), so whoever reuses the dataset must follow those terms too; check the dataset's"
        " licence and citation say so."
    ),
    "no_prj": N_("The shapefile %(file)s has no .prj file: its coordinate system is unknown."),
    "geometry_kind": N_("geometry kind"),
    "subject": N_("subject"),
    "would_change": N_(
        "CHECK THIS: %(count)s updates would change a record's %(what)s (%(examples)s). If this file is not a new"
        " version of %(files)s, it is another source with the same ids: name a source key to import it beside"
        " them instead of over them."
    ),
    "changed": N_(
        "CHECK THIS: %(count)s updates changed a record's %(what)s (%(examples)s). If this file is not a new"
        " version of %(files)s, it is another source with the same ids: name a source key to import it beside"
        " them instead of over them."
    ),
    "change_example": N_("row %(row)s: %(before)s -> %(after)s"),
    "import_of_file": N_("%(file)s (import %(id)s)"),
    "earlier_records": N_("earlier records"),
    "same_name_earlier": N_(
        "A different file named %(name)s was imported on %(date)s. This file has no id column, so its rows are new"
        " records beside that file's, not updates of them: to update records from a changed file, give the file"
        " an id column or name the same source key each time."
    ),
    "legacy_records": N_(
        "%(count)s records in this dataset were imported before imports recorded their files, keyed by bare row"
        " numbers; rows of a file without ids no longer match them, so importing their file again creates new"
        " records beside them."
    ),
    # Why a whole file cannot be imported (the job fails; nothing is written).
    "empty_file": N_("The file is empty: there is nothing to import."),
    "empty_header": N_("The first line (the header) is empty; the first line must name the columns."),
    "no_rows": N_("The file holds no rows or features to import; nothing was written."),
    "no_features": N_("The file holds no features."),
    "header_encoding": N_("The header line is not in the file's encoding."),
    "the_file": N_("the file"),
    "the_core_file": N_("the core file"),
    "unreadable_row": N_("Row %(row)s of %(what)s cannot be read (%(why)s); nothing was written."),
    "gdal_unreadable": N_("GDAL cannot read this %(format)s file: %(why)s"),
    "gdal_unreadable_layer": N_("GDAL cannot read layer %(layer)s: %(why)s"),
    "not_a_zip": N_("The file is not a readable zip archive (%(why)s)."),
    "file_no_geometry": N_(
        "The file has no geometry: no latitude/longitude columns and no WKT column were found among %(columns)s;"
        " map them, e.g. --map latitude=COLUMN."
    ),
    "unknown_crs": N_("Unknown coordinate reference system %(crs)s; give e.g. EPSG:27700."),
    "missing_crs": N_(
        "The file does not say which coordinate reference system it uses (a shapefile without its .prj?); give it"
        " explicitly, e.g. --crs EPSG:27700. Nothing was written."
    ),
    # How the file was read.
    "column_detected": N_("column %(column)s (detected)"),
    "column_given": N_("column %(column)s (given)"),
    "constant": N_("constant %(value)s"),
    "dates_read_as": N_("%(order)s (%(why)s)"),
    "given": N_("given"),
    "no_numeric_dates": N_("no numeric day/month dates seen"),
    "first_above_12": N_("a first number above 12 shows day/month/year"),
    "second_above_12": N_("a second number above 12 shows month/day/year"),
    "ambiguous_dates": N_("ambiguous day/month dates read as day/month/year (the European form)"),
    "crs_given": N_("%(crs)s (given)"),
    "crs_from_file": N_("%(crs)s (%(name)s, read from the file)"),
    "crs_assumed": N_("EPSG:4326 (assumed: a table of coordinates says no CRS)"),
    "by_id_column": N_("by their id in column %(column)s"),
    "by_number": N_("by row or feature number"),
    "within_key": N_("%(ids)s, within the source key %(key)s"),
    "rows_without_id": N_("%(ids)s (rows without an id: by their number within this file)"),
    "within_this_file": N_("%(ids)s within this very file (SHA-256 %(sha)s...): only the same file updates them"),
}
# A line that is text from elsewhere (a library's message, a rule's sentence), shown as it is.
TEXT = "text"
# Parameters joined into a sentence: a list of lines or values.
_JOIN = "; "


class Line(str):
    """A report line: the str is its English sentence; `code` and `params` word it in another language."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Line:
        english = str(params["text"]) if code == TEXT else LINES[code] % {k: _english(v) for k, v in params.items()}
        line = super().__new__(cls, english)
        line.code, line.params = code, params
        return line

    def __reduce__(self):  # copy.deepcopy (dataclasses.asdict) keeps the code
        return (_rebuild, (self.code, self.params))

    def as_json(self) -> dict[str, Any]:
        """The line as the report stores it: code, parameters (lines within as lines) and the English message."""
        return {"code": self.code, "params": {k: _json(v) for k, v in self.params.items()}, "message": str(self)}


def _rebuild(code: str, params: dict[str, Any]) -> Line:
    return Line(code, **params)


def text_line(text: Any) -> Line:
    """A line of someone else's words (kept as they are, in English): a library's message, a rule's sentence."""
    return text if isinstance(text, Line) else Line(TEXT, text=str(text))


def quoted(value: Any) -> str:
    """A value from the file as the report quotes it (Python's repr, as the English lines always did)."""
    return repr(value)


def _english(value: Any) -> Any:
    if isinstance(value, list):
        return _JOIN.join(str(v) for v in value)
    return value


def _json(value: Any) -> Any:
    if isinstance(value, Line):
        return value.as_json()
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def as_stored(value: Any) -> Any:
    """A report (or a part of it) with every Line turned into its stored form, for JSON."""
    if isinstance(value, Line):
        return value.as_json()
    if isinstance(value, dict):
        return {k: as_stored(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_stored(v) for v in value]
    return value


def word(line: Any) -> str:
    """A stored line in the request's language; an old report's plain sentence (or any value) as it is."""
    if not isinstance(line, Mapping) or "code" not in line:
        return "" if line is None else str(line)
    code, params = line["code"], line.get("params") or {}
    if code == TEXT:
        return str(params.get("text", line.get("message", "")))
    if code not in LINES:  # a line of a later version than this code: its English words
        return str(line.get("message", ""))
    return gettext(LINES[code], **{k: _worded(v) for k, v in params.items()})


def _worded(value: Any) -> Any:
    if isinstance(value, Mapping) and "code" in value:
        return word(value)
    if isinstance(value, list):
        return _JOIN.join(str(_worded(v)) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return value


# The names of what the readers found out about a file (the report's `readings`).
READINGS: dict[str, str] = {
    "dates": N_("Dates read as"),
    "encoding": N_("Encoding"),
    "delimiter": N_("Delimiter"),
    "core": N_("Core file"),
    "header lines skipped": N_("Header lines skipped"),
    "layers": N_("Layers"),
}


def reading_name(name: str) -> str:
    """A reading's name in the request's language (an unknown one as it is)."""
    return gettext(READINGS[name]) if name in READINGS else name
