"""The one reader of import options: the command line, the API and the import page all parse with it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from fieldapp import rules
from fieldapp.errors import BadRequest, FieldAppError
from fieldapp.transfer.identity import check_source_key
from fieldapp.transfer.readers import FORMATS
from fieldapp.transfer.values import ValueProblem, parse_when

TEXT_FIELDS = ("format", "layer", "crs", "date_order", "default_date", "source_key")
FLAGS = ("dry_run", "skip_rejected")
FIELDS = (*TEXT_FIELDS, *FLAGS, "map")
DATE_ORDERS = ("dmy", "mdy")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclass
class ImportOptions:
    """What the user chose for one import."""

    dataset: str
    format: str | None = None
    layer: str | None = None
    crs: str | None = None
    # Overrides as "target=column" strings (command line, form) or a dict (API JSON).
    mapping: list[str] | dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    skip_rejected: bool = False
    date_order: str | None = None
    default_date: str | None = None
    # Names the source when the file's rows have no ids of their own (or to keep its ids apart).
    source_key: str | None = None
    user_id: int | None = None


def _bad(path: str, message: str) -> BadRequest:
    return BadRequest(f"{path}: {message}", [{"path": path, "message": message}])


def parse_options(
    fields: Mapping[str, list[str]], dataset: str, user_id: int | None, ignored: Iterable[str] = ()
) -> ImportOptions:
    """Read import options from form fields (name -> values); refuse unknown, repeated or bad ones."""
    unknown = sorted(set(fields) - set(FIELDS) - set(ignored))
    if unknown:
        raise BadRequest(
            f"Unknown import option(s): {', '.join(unknown)}; the options are {', '.join(FIELDS)}.",
            [{"path": name, "message": "unknown field"} for name in unknown],
        )
    text = {name: _single(fields, name).strip() or None for name in TEXT_FIELDS}
    options = ImportOptions(
        dataset=dataset,
        mapping=_mapping(fields.get("map", [])),
        user_id=user_id,
        dry_run=parse_flag("dry_run", _single(fields, "dry_run")),
        skip_rejected=parse_flag("skip_rejected", _single(fields, "skip_rejected")),
        format=text["format"],
        layer=text["layer"],
        crs=text["crs"],
        date_order=text["date_order"],
        default_date=text["default_date"],
        source_key=text["source_key"],
    )
    check_options(options)
    return options


def check_options(options: ImportOptions) -> None:
    """Refuse option values no import can use, naming the option (every entry point calls this)."""
    if options.format is not None and options.format not in FORMATS:
        raise _bad("format", f"Unknown format {options.format!r}; use one of {', '.join(FORMATS)}")
    if options.date_order is not None and options.date_order not in DATE_ORDERS:
        raise _bad("date_order", "dmy (day/month/year) or mdy (month/day/year)")
    if options.default_date is not None:
        try:
            parse_when(options.default_date)
        except ValueProblem as exc:
            raise _bad("default_date", str(exc)) from None
    try:
        check_source_key(options.source_key)
    except FieldAppError as exc:
        raise BadRequest(exc.message, exc.details) from None


def _single(fields: Mapping[str, list[str]], name: str) -> str:
    given = fields.get(name) or []
    if len(given) > 1:
        raise _bad(name, "given more than once")
    value = given[0] if given else ""
    if not isinstance(value, str):
        raise _bad(name, "must be text")
    if "\x00" in value or len(value) > rules.IMPORT_OPTION_TEXT_MAX:
        raise _bad(name, f"must be text of at most {rules.IMPORT_OPTION_TEXT_MAX} characters, without NUL")
    return value


def parse_flag(name: str, value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _bad(name, f"{value[:40]!r} is not a yes/no value (true, false, 1, 0, on, off)")


def _mapping(given: list[str]) -> list[str] | dict[str, str]:
    """Overrides as target=column lines (one per value or per line), or one JSON object."""
    if any("\x00" in value for value in given):
        raise _bad("map", "must not contain NUL characters")
    if len(given) == 1 and given[0].lstrip().startswith("{"):
        try:
            loaded = json.loads(given[0])
        except ValueError:
            loaded = None
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            raise _bad("map", "a JSON object of target: column strings, or target=column lines")
        return {str(k): v for k, v in loaded.items()}
    return [line.strip() for value in given for line in value.splitlines() if line.strip()]
