"""XLSForm in and out (the format of ODK, KoboToolbox and Survey123), read with pyxform, written with openpyxl.

Import keeps what the forms of this platform can hold and names every row it cannot, with what was
done with it: groups are flattened (their questions kept in order), metadata (start, end, today,
device ids) and location questions are the record's own, photo questions are the record's photos,
and repeats, calculations, other media and selects from a file are left out. A condition outside
the small language of conditions.py is dropped from its question and named. Export writes the form
back; importing the exported file gives the same form (ranges and the sensitive flag travel in
`bind::fieldapp:*` columns, which ODK ignores; ranges are also written into the constraint).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp.forms.conditions import ConditionError, parse
from fieldapp.forms.definition import NAME
from fieldapp.i18n import _, _l
from fieldapp.rules import XLSFORM_MAX_BYTES, XLSFORM_MAX_UNPACKED_BYTES

TYPES = {
    "integer": "integer",
    "decimal": "decimal",
    "text": "text",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "date": "date",
    "note": "note",
    "acknowledge": "boolean",
}
_KEPT_ITSELF = _l("metadata the platform keeps itself (when the record was made)")
_DEVICE = _l("device metadata, not kept")
_PLACE = _l("the record's own place is its location")
_PHOTOS = _l("photos are the record's own photos")
OWN = {
    "start": _KEPT_ITSELF,
    "end": _KEPT_ITSELF,
    "today": _KEPT_ITSELF,
    "deviceid": _DEVICE,
    "subscriberid": _DEVICE,
    "simserial": _DEVICE,
    "phonenumber": _DEVICE,
    "username": _l("the account is the record's contributor"),
    "email": _l("the account is the record's contributor"),
    "audit": _DEVICE,
    "geopoint": _PLACE,
    "geotrace": _PLACE,
    "geoshape": _PLACE,
    "image": _PHOTOS,
    "photo": _PHOTOS,
}
LANGUAGE_NAMES = {"en": "English", "fr": "French", "pt": "Portuguese", "sw": "Swahili", "nrf": "Jèrriais"}
_CODE = re.compile(r"\(([^()]+)\)\s*$")


class XLSFormError(ValueError):
    """A file pyxform cannot read at all (the report names the row where it can)."""


@dataclass(frozen=True)
class Note:
    """A row not kept as it is: the row (its XLSForm type and name) and what was done with it."""

    row: str
    what: str

    def __str__(self) -> str:
        return f"{self.row}: {self.what}"


@dataclass
class ImportReport:
    """The form as read, and a note per row that was not kept as it is (in the request's language)."""

    definition: dict[str, Any] = field(default_factory=lambda: {"title": "", "languages": [], "fields": []})
    left: list[Note] = field(default_factory=list)

    def note(self, kind: str, where: str, what: str) -> None:
        self.left.append(Note(f"{kind} {where!r}", what))

    @property
    def notes(self) -> list[str]:
        """The notes as lines ("group 'intro': flattened, ...")."""
        return [str(n) for n in self.left]


def language_code(name: str) -> str:
    """'English (en)' -> 'en'; a name without a code stands for itself, lower-cased."""
    found = _CODE.search(name)
    return (found.group(1) if found else name).strip().lower()


def read_xlsform(path: Path) -> ImportReport:
    """Read an .xlsx XLSForm into a form definition and its report."""
    # Imported here, not with the module: pyxform and openpyxl add about 40 MB to a worker that loads
    # them, which the photo decoder's memory budget has no room for; only a form import pays it.
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    check_file(path)
    warnings: list[str] = []
    try:
        survey = parse_file_to_json(str(path), warnings=warnings)
    except PyXFormError as exc:
        raise XLSFormError(_("pyxform cannot read this XLSForm: %(reason)s", reason=str(exc))) from None
    except Exception as exc:  # openpyxl and zipfile errors: not an xlsx file
        raise XLSFormError(_("This is not an .xlsx XLSForm (%(reason)s).", reason=type(exc).__name__)) from None
    default = language_code(survey.get("default_language") or "default")
    report = ImportReport()
    report.definition["title"] = str(survey.get("title") or "")
    _walk(survey.get("children", []), default, report, prefix="")
    languages = {code for f in report.definition["fields"] for code in f["label"]}
    report.definition["languages"] = (
        [default, *sorted(languages - {default})] if default in languages else sorted(languages)
    )
    return report


def check_file(path: Path) -> None:
    """Refuse, before pyxform reads it, a file too large to be a form or one that is not an .xlsx (a zip) at all."""
    size = path.stat().st_size
    if size > XLSFORM_MAX_BYTES:
        raise XLSFormError(
            _(
                "The file is %(size)s MB; an XLSForm is at most %(limit)s MB.",
                size=_mb(size),
                limit=_mb(XLSFORM_MAX_BYTES),
            )
        )
    try:
        with zipfile.ZipFile(path) as book:
            unpacked = sum(member.file_size for member in book.infolist())
    except (zipfile.BadZipFile, OSError):
        raise XLSFormError(_("This is not an .xlsx XLSForm: the file is not a spreadsheet.")) from None
    if unpacked > XLSFORM_MAX_UNPACKED_BYTES:
        raise XLSFormError(
            _(
                "The spreadsheet unpacks to %(size)s MB; an XLSForm unpacks to at most %(limit)s MB.",
                size=_mb(unpacked),
                limit=_mb(XLSFORM_MAX_UNPACKED_BYTES),
            )
        )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}" if size >= 1024 * 1024 else f"{size / 1024 / 1024:.1f}"


_REFERENCE = re.compile(r"\$\{([^}]*)\}")


def _texts(value: Any, default: str) -> dict[str, str]:
    """Texts by language code; `${name}` (ODK fills in another answer) is kept as `[name]`, which it cannot be here."""
    if isinstance(value, dict):
        texts = {language_code(k if k != "default" else default): str(v) for k, v in value.items() if v}
    else:
        texts = {default: str(value)} if value else {}
    return {code: _REFERENCE.sub(r"[\1]", text) for code, text in texts.items()}


def _walk(children: list[dict[str, Any]], default: str, report: ImportReport, prefix: str) -> None:
    for child in children:
        kind, name = child.get("type", ""), child.get("name", "")
        where = f"{prefix}{name}"
        if kind == "group" and name == "meta" and not prefix:
            continue  # pyxform adds this group (the submission's instanceID) to every form it reads
        if kind == "group":
            report.note(kind, where, _("flattened, its questions kept in order"))
            _walk(child.get("children", []), default, report, f"{where}/")
        elif kind == "repeat":
            report.note(kind, where, _("not supported, left out with its questions"))
        elif kind in OWN:
            report.note(kind, where, _("%(reason)s; left out", reason=OWN[kind]))
        elif kind == "calculate":
            report.note(kind, where, _("calculations are not supported; left out"))
        elif kind in ("audio", "video", "file", "background-audio"):
            report.note(kind, where, _("only photos are supported as media; left out"))
        elif child.get("itemset", "").endswith((".csv", ".xml", ".geojson")) or "from file" in kind:
            report.note(kind, where, _("a select from a file needs the file; left out"))
        elif kind in TYPES:
            _question(child, TYPES[kind], default, report, where)
        else:
            report.note(kind or "row", where, _("type not supported; left out"))


def _question(child: dict[str, Any], kind: str, default: str, report: ImportReport, where: str) -> None:
    name = child["name"]
    if not re.match(NAME, name):
        report.note(kind, where, _("the name is not a plain identifier; left out"))
        return
    bind = child.get("bind", {})
    question: dict[str, Any] = {
        "name": name,
        "type": kind,
        "label": _texts(child.get("label"), default) or {default: name},
    }
    hint = _texts(child.get("hint"), default)
    if hint:
        question["hint"] = hint
    if str(bind.get("required", "")).lower() in ("yes", "true", "true()"):
        question["required"] = True
    for key in ("min", "max"):
        if bind.get(f"fieldapp:{key}") not in (None, ""):
            question[key] = float(bind[f"fieldapp:{key}"])
    if bind.get("fieldapp:unit"):
        question["unit"] = str(bind["fieldapp:unit"])
    if str(bind.get("fieldapp:sensitive", "")).lower() in ("yes", "true"):
        question["sensitive"] = True
    constraint = _without_range(str(bind.get("constraint") or ""), question)
    for key, text in (("relevant", str(bind.get("relevant") or "")), ("constraint", constraint)):
        if not text:
            continue
        try:
            parse(text)
            question[key] = text
        except ConditionError:
            what = _(
                "its %(column)s %(condition)s is beyond the supported conditions; dropped",
                column=key,
                condition=repr(text),
            )
            report.note(kind, where, what)
    if kind in ("select_one", "select_multiple"):
        question["choices"] = [
            {"name": str(c["name"]), "label": _texts(c.get("label"), default) or {default: str(c["name"])}}
            for c in child.get("choices", [])
        ]
    report.definition["fields"].append(question)


def _range_terms(question: dict[str, Any]) -> list[str]:
    terms = []
    if question.get("min") is not None:
        terms.append(f". >= {question['min']:g}")
    if question.get("max") is not None:
        terms.append(f". <= {question['max']:g}")
    return terms


def _without_range(constraint: str, question: dict[str, Any]) -> str:
    """A constraint without the range terms export writes in front of it (min and max say them)."""
    for term in _range_terms(question):
        if constraint == term:
            return ""
        if constraint.startswith(term + " and "):
            constraint = constraint[len(term) + 5 :]
    return constraint


def write_xlsform(definition: dict[str, Any]) -> bytes:
    """The form as an .xlsx XLSForm: survey, choices and settings sheets."""
    import openpyxl  # see read_xlsform: only an export pays for it

    languages = definition.get("languages") or sorted({c for f in definition["fields"] for c in f["label"]}) or ["en"]
    named = [f"{LANGUAGE_NAMES.get(code, code)} ({code})" for code in languages]
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            *(f"label::{n}" for n in named),
            *(f"hint::{n}" for n in named),
            "required",
            "relevant",
            "constraint",
            "bind::fieldapp:min",
            "bind::fieldapp:max",
            "bind::fieldapp:unit",
            "bind::fieldapp:sensitive",
        ]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{n}" for n in named)])
    types = {v: k for k, v in TYPES.items()}
    for f in definition["fields"]:
        kind = types[f["type"]].replace(" ", "_") if f["type"] != "select_multiple" else "select_multiple"
        if f["type"] in ("select_one", "select_multiple"):
            kind = f"{kind} {f['name']}_choices"
            for c in f["choices"]:
                choices.append([f"{f['name']}_choices", c["name"], *(c["label"].get(code, "") for code in languages)])
        constraint = " and ".join([*_range_terms(f), *([f["constraint"]] if f.get("constraint") else [])])
        survey.append(
            [
                kind,
                f["name"],
                *(f["label"].get(code, "") for code in languages),
                *((f.get("hint") or {}).get(code, "") for code in languages),
                "yes" if f.get("required") else "",
                f.get("relevant") or "",
                constraint,
                _number(f.get("min")),
                _number(f.get("max")),
                f.get("unit") or "",
                "yes" if f.get("sensitive") else "",
            ]
        )
    settings = book.create_sheet("settings")
    settings.append(["form_title", "default_language"])
    settings.append([definition.get("title") or "form", named[0]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
