"""Field rules (limits, ranges, tolerances): one home feeding schemas, the importer and CHECK constraints."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marshmallow import fields, validate

from fieldapp.vocab import (  # noqa: F401  (the words are rules too; vocab.py stays their home)
    ABUNDANCE_SCALES,
    CONFIDENCES,
    LICENCES,
    OCCURRENCE_STATUSES,
    TIME_PRECISIONS,
    TRENDS,
    VISIBILITIES,
)

# PostgreSQL's integer columns are int4 (ids in URLs too: fieldapp/guard.py); numbers in JSON bodies at most bigint.
INT4_MAX = 2_147_483_647
BIGINT_MAX = 9_223_372_036_854_775_807

# Historical records go back centuries; before this no date is a plausible observation, and the
# bound keeps every stored date readable by PostgreSQL, Python (year 1..9999) and JSON alike.
EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
# Clocks on phones drift; anything further ahead than this is a mistake.
FUTURE_TOLERANCE = timedelta(days=1)


def latest() -> datetime:
    """The latest instant an observation may have: now plus the clock tolerance."""
    return datetime.now(UTC) + FUTURE_TOLERANCE


def date_problem(value: datetime) -> str | None:
    """Why a date is refused (before EARLIEST, or in the future), or None."""
    if value < EARLIEST:
        return f"This date is before {EARLIEST.year}: no record goes back that far."
    if value > latest():
        return "This date is in the future."
    return None


@dataclass(frozen=True)
class Range:
    """A numeric column's bounds (inclusive); whole numbers only when `whole`."""

    column: str
    minimum: float
    maximum: float
    whole: bool = False
    what: str = "value"

    def validators(self) -> list[validate.Validator]:
        """Marshmallow validators, one per bound so the message says which one was crossed."""
        what, low, high = self.what[0].upper() + self.what[1:], _say(self.minimum), _say(self.maximum)
        return [
            validate.Range(min=self.minimum, error=f"{what} cannot be below {low}."),
            validate.Range(max=self.maximum, error=f"{what} cannot exceed {high}."),
        ]

    def problem(self, value: float) -> str | None:
        """Why a value is refused (the importer's wording), or None."""
        if self.whole and value != int(value):
            return f"{self.what} {value!r} is not a whole number"
        if not self.minimum <= value <= self.maximum:
            return f"{self.what} {value!r} is outside {_say(self.minimum)}..{_say(self.maximum)}"
        return None

    def check(self) -> str:
        """The CHECK constraint's SQL."""
        return f"{self.column} IS NULL OR {self.column} BETWEEN {_sql(self.minimum)} AND {_sql(self.maximum)}"


def _sql(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def _say(number: float) -> str:
    return "zero" if number == 0 else _sql(number)


COUNT = Range("count", 0, INT4_MAX, whole=True, what="a count")
UNCERTAINTY = Range("coordinate_uncertainty_m", 0, 100_000, what="the coordinate uncertainty (m)")
# The four ONS personal wellbeing questions, each answered 0 to 10.
WELLBEING_QUESTIONS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
WELLBEING = {q: Range(q, 0, 10, whole=True, what=q.replace("_", " ")) for q in WELLBEING_QUESTIONS}
# Wellbeing is shown only as aggregates of at least this many people, never per person.
WELLBEING_MIN_PEOPLE = 5
# One check-in per person and project in this many days: a person cannot weigh an aggregate down alone.
WELLBEING_INTERVAL_DAYS = 30
TIME_SPENT = Range("time_spent_min", 0, 24 * 60, whole=True, what="the time spent (minutes)")
SEASON_MONTH = Range("season_months", 1, 12, whole=True, what="a month")  # its CHECK is on the array
# Integer ids that name a row: int4 columns.
ROW_ID = Range("id", 1, INT4_MAX, whole=True, what="an id")


class WholeNumber(fields.Integer):
    """An integer that refuses a fraction (1.5) instead of truncating it, as marshmallow's Integer does."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def whole_number(rule: Range, **kwargs) -> WholeNumber:
    """A marshmallow field for a whole-number rule."""
    return WholeNumber(validate=rule.validators(), **kwargs)


# Longest text per observation column. varchar columns get their length from here; text columns a CHECK.
TEXT_MAX = {
    "dataset": 80,
    "recorded_by_text": 500,
    "subject_text": 300,
    "abundance_verbatim": 100,
    "source_ref": 200,
    "method": 5_000,
    "notes": 20_000,
}
# The longest name a contributor (person, group or pseudonym) may be credited under.
CONTRIBUTOR_NAME_MAX = 200
# The longest note of consent a facilitator keeps with a person without an account they add.
CONSENT_NOTE_MAX = 2000
# A dataset's recording form: at most this many custom fields, each text answer at most this long.
FORM_MAX_FIELDS = 200
FORM_TEXT_MAX = 2000
# An XLSForm is a few kilobytes; these bound what a hostile file may make pyxform read (a zip that
# unpacks to gigabytes would hold a worker for minutes).
XLSFORM_MAX_BYTES = 5 * 1024 * 1024
XLSFORM_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Longest texts of a project and its protocol discussion (bounded by CHECKs on their tables too).
PROJECT_TEXT_MAX = {"title": 200, "purpose": 20_000, "protocol": 100_000, "comment": 20_000, "role": 200}
# A name's language: an ISO 639 code (en, fr, pt, nrf for Jèrriais), optionally with a region or script.
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
LANGUAGE_CHECK = f"language ~ '{LANGUAGE_PATTERN}'"
NAME_MAX = 200
COMMUNITY_MAX = 100
# The text columns (no length in their type) bounded by a CHECK.
CHECKED_TEXT = ("method", "notes")


def describe(text: str) -> dict[str, str]:
    """A field's metadata giving its description in the OpenAPI document."""
    return {"description": text}


def length(name: str, minimum: int | None = None) -> validate.Length:
    """The marshmallow validator of a text field's length."""
    return validate.Length(min=minimum, max=TEXT_MAX[name])


def text_check(column: str) -> str:
    return f"{column} IS NULL OR char_length({column}) <= {TEXT_MAX[column]}"


def date_check(column: str) -> str:
    """Dates from EARLIEST to now plus the tolerance, by the database's clock at the time of writing."""
    days = FUTURE_TOLERANCE.days
    return (
        f"{column} IS NULL OR ({column} >= '{EARLIEST.isoformat()}'::timestamptz"
        f" AND {column} <= clock_timestamp() + interval '{days} day')"
    )


# Characters no text may hold: PostgreSQL refuses NUL, and a lone UTF-16 surrogate cannot be UTF-8.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a text is refused (a NUL character or a lone surrogate), or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character"
    return f"contains a lone UTF-16 surrogate (U+{ord(found.group()):04X})"


# JSON bodies: deeper nesting is no data anyone records, and recursion on it costs the stack.
MAX_JSON_DEPTH = 32
# A GeometryCollection inside a GeometryCollection (RFC 7946 3.1.8 advises against nesting them).
MAX_COLLECTION_DEPTH = 2
# Vertices one geometry may have (checked before any shape is built): no survey draws more, and
# every output, tile and comparison costs in proportion.
MAX_VERTICES = 100_000
# The grid cell a comparison may ask for, in metres (its cell_m argument).
COMPARISON_CELL_M = (100, 10_000)

_WHOLE = re.compile(r"-?[0-9]+")


_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def form_decimal(raw: str) -> float | str:
    """A form's decimal number as a float (ASCII digits only: float() takes '٤٩', 'nan' and 'inf'); else the text."""
    return float(raw) if _DECIMAL.fullmatch(raw) else raw


def form_integer(raw: str) -> int | str:
    """A form's whole number as an int (ASCII digits only: '²'.isdigit() is True); else the text, for the error."""
    return int(raw) if _WHOLE.fullmatch(raw) else raw


# The longest text an import option (layer, CRS, column mapping, source key...) may hold.
IMPORT_OPTION_TEXT_MAX = 300

# The longest a steward may grant precise access to a dataset for (datasets/grants.py): about a year.
GRANT_DAYS_MAX = 366
