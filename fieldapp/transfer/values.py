"""Reading the values people put in survey files: dates in their common forms, coordinates, counts."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from fieldapp import rules
from fieldapp.transfer.report_lines import Line, quoted, text_line

# Zone abbreviations found in Java-style dates (GBIF downloads: "Tue Apr 01 00:00:00 CET 1930").
_ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3}
_MONTHS = {
    m: n
    for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}
_JAVA = re.compile(r"^[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]{1,5}) (\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ValueProblem(ValueError):
    """A value that cannot be read; the message says why, for the import report (a report line)."""

    def __init__(self, line: Line):
        super().__init__(line)
        self.line = line


@dataclass(frozen=True)
class When:
    """A parsed time: start, optional end, and how precise the source was."""

    start: datetime
    end: datetime | None
    precision: str


def numeric_date_parts(raw: str) -> tuple[int, int] | None:
    """The first two numbers of a d/m/y or m/d/y date, to choose the reading of a column."""
    match = _NUMERIC.match(raw.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def choose_date_order(samples: list[str]) -> tuple[str, Line]:
    """Decide 'dmy' or 'mdy' for slash dates from sample values, with the reason."""
    pairs = [p for p in (numeric_date_parts(s) for s in samples) if p]
    if not pairs:
        return "dmy", Line("no_numeric_dates")
    if any(first > 12 for first, _ in pairs):
        return "dmy", Line("first_above_12")
    if any(second > 12 for _, second in pairs):
        return "mdy", Line("second_above_12")
    return "dmy", Line("ambiguous_dates")


def parse_when(raw: str, order: str = "dmy") -> When:
    """Parse an ISO 8601 date, time or interval, a d/m/y (or m/d/y) date, or a Java-style date."""
    text = raw.strip()
    if "/" in text and text.count("/") == 1 and not _NUMERIC.match(text):
        first, _, second = text.partition("/")
        start, end = parse_when(first, order), parse_when(second, order)
        end_at = _end_of(end)
        if end_at < start.start:
            raise ValueProblem(Line("interval_ends_before", value=quoted(text)))
        return When(start.start, end_at, start.precision)
    if _YEAR.match(text):
        return When(datetime(int(text), 1, 1, tzinfo=UTC), None, "year")
    match = _YEAR_MONTH.match(text)
    if match:
        return When(_date(int(match.group(1)), int(match.group(2)), 1, text), None, "month")
    match = _NUMERIC.match(text)
    if match:
        return _numeric(match, order, text)
    match = _JAVA.match(text)
    if match:
        return _java(match, text)
    return _iso(text)


def _end_of(when: When) -> datetime:
    """The last instant an end value stands for ('2020' as an end means the end of 2020)."""
    if when.end is not None:
        return when.end
    start = when.start
    if when.precision == "year":
        return start.replace(year=start.year + 1) - timedelta(microseconds=1)
    if when.precision == "month":
        following = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        return following - timedelta(microseconds=1)
    if when.precision == "day":
        return start + timedelta(days=1) - timedelta(microseconds=1)
    return start


def _date(
    year: int, month: int, day: int, raw: str, hour: int = 0, minute: int = 0, second: int = 0, tz: timezone = UTC
) -> datetime:
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError as exc:
        raise ValueProblem(Line("not_a_real_date", value=quoted(raw), why=text_line(exc))) from None


def _numeric(match: re.Match, order: str, raw: str) -> When:
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    day, month = (first, second) if order == "dmy" else (second, first)
    if match.group(4) is None:
        return When(_date(year, month, day, raw), None, "day")
    hour, minute, sec = int(match.group(4)), int(match.group(5)), int(match.group(6) or 0)
    return When(_date(year, month, day, raw, hour, minute, sec), None, "instant")


def _java(match: re.Match, raw: str) -> When:
    month = _MONTHS.get(match.group(1).lower())
    if month is None or match.group(6) not in _ZONES:
        raise ValueProblem(Line("unknown_month_or_zone", value=quoted(raw)))
    tz = timezone(timedelta(hours=_ZONES[match.group(6)]))
    hour, minute, second = int(match.group(3)), int(match.group(4)), int(match.group(5))
    start = _date(int(match.group(7)), month, int(match.group(2)), raw, hour, minute, second, tz)
    # Java prints dates without a time as midnight: that is a day, not an instant.
    precision = "day" if (hour, minute, second) == (0, 0, 0) else "instant"
    return When(start, None, precision)


def _iso(text: str) -> When:
    try:
        value = datetime.fromisoformat(text.replace(" UTC", "Z"))
    except ValueError:
        raise ValueProblem(Line("unreadable_date", value=quoted(text))) from None
    if len(text) == 10:
        return When(value.replace(tzinfo=UTC), None, "day")
    return When(value if value.tzinfo else value.replace(tzinfo=UTC), None, "instant")


_DMS = re.compile(
    r"^\s*([NSEW])?\s*(-?\d+(?:[.,]\d+)?)\s*[°d:\s]\s*(?:(\d+(?:[.,]\d+)?)\s*['′m:\s]?\s*)?"
    r"(?:(\d+(?:[.,]\d+)?)\s*(?:\"|″|''|s)?\s*)?([NSEW])?\s*$",
    re.IGNORECASE,
)


def parse_coordinate(raw: object, axis: str) -> float:
    """Read decimal degrees or degrees-minutes-seconds ('49°11'13.2"N', '2 9 15 W') as a number."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = str(raw).strip()
        try:
            value = float(text)
        except ValueError:
            value = _dms(text, axis)
    if not math.isfinite(value):
        raise ValueProblem(Line("not_finite", axis=Line(axis), value=quoted(raw)))
    return value


def _dms(text: str, axis: str) -> float:
    match = _DMS.match(text)
    if not match or (match.group(3) is None and match.group(1) is None and match.group(5) is None):
        raise ValueProblem(Line("not_degrees", axis=Line(axis), value=quoted(text)))
    degrees = float(match.group(2).replace(",", "."))
    minutes = float((match.group(3) or "0").replace(",", "."))
    seconds = float((match.group(4) or "0").replace(",", "."))
    if minutes >= 60 or seconds >= 60:
        raise ValueProblem(Line("minutes_over_60", axis=Line(axis), value=quoted(text)))
    value = abs(degrees) + minutes / 60 + seconds / 3600
    hemisphere = (match.group(1) or match.group(5) or "").upper()
    if hemisphere and hemisphere in ("NS" if axis == "longitude" else "EW"):
        raise ValueProblem(Line("other_hemisphere", axis=Line(axis), value=quoted(text)))
    negative = degrees < 0 or hemisphere in ("S", "W")
    return -value if negative else value


def parse_count(raw: object) -> int:
    """A whole, non-negative number of individuals ('3', '3.0')."""
    try:
        number = float(str(raw).strip())
    except ValueError:
        raise ValueProblem(Line("count_not_number", value=quoted(raw))) from None
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise ValueProblem(Line("count_not_whole", value=quoted(raw)))
    problem = rules.COUNT.problem(number)
    if problem:
        raise ValueProblem(text_line(problem))
    return int(number)


_PRESENT = {"present", "presence", "p", "1", "yes", "y", "true", "detected"}
_ABSENT = {"absent", "absence", "a", "0", "no", "n", "false", "not detected"}


def parse_status(raw: object) -> str:
    """'present' or 'absent' from the words surveys use."""
    word = str(raw).strip().lower()
    if word in _PRESENT:
        return "present"
    if word in _ABSENT:
        return "absent"
    raise ValueProblem(Line("unknown_status", value=quoted(raw)))


_LICENCE_WORDS = {
    "cc0": "CC0-1.0",
    "cc01.0": "CC0-1.0",
    "cc010": "CC0-1.0",
    "publicdomain": "CC0-1.0",
    "ccby": "CC-BY-4.0",
    "ccby4.0": "CC-BY-4.0",
    "ccby40": "CC-BY-4.0",
    "ccbync": "CC-BY-NC-4.0",
    "ccbync4.0": "CC-BY-NC-4.0",
    "ccbync40": "CC-BY-NC-4.0",
    "ccbysa": "CC-BY-SA-4.0",
    "ccbysa4.0": "CC-BY-SA-4.0",
    "ccbysa40": "CC-BY-SA-4.0",
    "ogl": "OGL-UK-3.0",
    "oglv3": "OGL-UK-3.0",
    "oglv3.0": "OGL-UK-3.0",
    "ogluk3.0": "OGL-UK-3.0",
    "ogluk30": "OGL-UK-3.0",
    "opengovernmentlicence": "OGL-UK-3.0",
    "opengovernmentlicencev3.0": "OGL-UK-3.0",
    "opengovernmentlicenceversion3.0": "OGL-UK-3.0",
    "opengovernmentlicenceforpublicsectorinformation": "OGL-UK-3.0",
}


def parse_licence(raw: object) -> str | None:
    """Our licence code for a licence name or URI ('CC_BY_4_0', 'CC-BY 4.0', 'OGL v3', a licence URI)."""
    text = str(raw).strip().lower()
    if "open-government-licence" in text:
        return "OGL-UK-3.0" if "version/3" in text or "version" not in text else None
    if "creativecommons.org" in text:
        if "/zero/" in text or "publicdomain" in text:
            return "CC0-1.0"
        if "/by-nc/" in text:
            return "CC-BY-NC-4.0"
        if "/by-sa/" in text:
            return "CC-BY-SA-4.0"
        if "/by/" in text:
            return "CC-BY-4.0"
        return None
    key = re.sub(r"[^a-z0-9.]", "", text.replace("_", ""))
    return _LICENCE_WORDS.get(key)
