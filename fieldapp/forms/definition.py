"""A form definition: its custom fields, checked once when a steward publishes it (or imports an XLSForm).

Types: integer, decimal (with a unit), text, select_one, select_multiple (choices with labels),
boolean, date, note (text shown, no value). Each field may be required, have a range (min, max), a
constraint and a relevant condition in the small language of conditions.py, a hint, labels and hints
in several languages ({language code: text}), and a `sensitive` flag: a sensitive field's value is
withheld from other viewers exactly like a precise location (observations.columns.record_columns).
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from fieldapp.forms.conditions import ConditionError, fields_named, parse
from fieldapp.rules import FORM_MAX_FIELDS, describe

FIELD_TYPES = ("integer", "decimal", "text", "select_one", "select_multiple", "boolean", "date", "note")
# Names a custom field cannot take: they are the common fields every record has.
COMMON_NAMES = frozenset(
    (
        "dataset",
        "subject",
        "subject_text",
        "geometry",
        "observed_start",
        "observed_end",
        "count",
        "visibility",
        "licence",
        "notes",
        "fields",
        "id",
    )
)
NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"


def _texts(what: str, required: bool = False) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=35)),
        values=fields.String(validate=validate.Length(max=2000)),
        required=required,
        metadata=describe(f"{what}, by language code (e.g. en, fr)."),
    )


class ChoiceSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata=describe("Stored value."))
    label = _texts("The choice's label", required=True)


class FieldSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(
        required=True,
        validate=validate.Regexp(NAME, error="Use letters, digits and _, 64 at most."),
        metadata=describe("The field's name in the record's `fields`."),
    )
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES), metadata=describe("The field's type."))
    label = _texts("The question", required=True)
    hint = _texts("A hint")
    required = fields.Boolean(load_default=False, metadata=describe("Must be answered (when relevant)."))
    min = fields.Float(allow_none=True, metadata=describe("Least value (integer, decimal)."))
    max = fields.Float(allow_none=True, metadata=describe("Greatest value (integer, decimal)."))
    unit = fields.String(allow_none=True, validate=validate.Length(max=40), metadata=describe("Unit of a decimal."))
    choices = fields.List(fields.Nested(ChoiceSchema), metadata=describe("The choices of a select field."))
    constraint = fields.String(
        allow_none=True,
        validate=validate.Length(max=500),
        metadata=describe("A condition the value must meet, e.g. `. <= 100`."),
    )
    relevant = fields.String(
        allow_none=True,
        validate=validate.Length(max=500),
        metadata=describe("Ask only when this holds, e.g. `${berried} = 'yes'`."),
    )
    sensitive = fields.Boolean(load_default=False, metadata=describe("Withheld from others like a precise place."))

    @validates("name")
    def _not_common(self, name: str, **kwargs) -> None:
        if name in COMMON_NAMES:
            raise ValidationError(f"{name!r} is a common field of every record; choose another name.")

    @validates_schema
    def _consistent(self, field: dict[str, Any], **kwargs) -> None:
        kind = field["type"]
        if kind in ("select_one", "select_multiple") and not field.get("choices"):
            raise ValidationError("a select field needs its choices", "choices")
        if kind not in ("select_one", "select_multiple") and field.get("choices"):
            raise ValidationError("only select fields have choices", "choices")
        if (field.get("min") is not None or field.get("max") is not None) and kind not in ("integer", "decimal"):
            raise ValidationError("only numbers have a range", "min")
        if field.get("min") is not None and field.get("max") is not None and field["min"] > field["max"]:
            raise ValidationError("min is above max", "min")
        for key in ("constraint", "relevant"):
            if field.get(key):
                try:
                    parse(field[key])
                except ConditionError as exc:
                    raise ValidationError(str(exc), key) from None


class FormSchema(Schema):
    """A whole form: its fields in the order they are asked, and the languages it is written in."""

    class Meta:
        unknown = RAISE

    title = fields.String(load_default="", validate=validate.Length(max=200), metadata=describe("The form's title."))
    languages = fields.List(
        fields.String(validate=validate.Length(min=1, max=35)),
        load_default=list,
        metadata=describe("Languages of its labels, the first the default."),
    )
    # Named apart from the module (a Schema's own `fields` is its field table); the key is "fields".
    field_list = fields.List(
        fields.Nested(FieldSchema),
        required=True,
        data_key="fields",
        validate=validate.Length(max=FORM_MAX_FIELDS),
        metadata=describe("The custom fields, in order."),
    )

    @post_load
    def _named(self, form: dict[str, Any], **kwargs) -> dict[str, Any]:
        form["fields"] = form.pop("field_list")
        return form

    @validates_schema
    def _references(self, form: dict[str, Any], **kwargs) -> None:
        names = [f["name"] for f in form["field_list"]]
        if len(set(names)) != len(names):
            repeated = next(n for n in names if names.count(n) > 1)
            raise ValidationError(f"the field name {repeated!r} is used twice", "fields")
        for i, field in enumerate(form["field_list"]):
            for key in ("constraint", "relevant"):
                unknown = fields_named(field[key]) - set(names) if field.get(key) else set()
                if unknown:
                    raise ValidationError({f"fields.{i}.{key}": [f"names no field {sorted(unknown)[0]!r}"]})


def sensitive_names(definition: dict[str, Any]) -> list[str]:
    return [f["name"] for f in definition.get("fields", []) if f.get("sensitive")]
