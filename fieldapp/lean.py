"""Loading many valid inputs with a schema's own fields, without marshmallow's per-call machinery.

`schema.load` walks every declared field of a schema for every input (PropertiesSchema has 30; a
typical feature gives 7), through an error store, a getter closure and a setter per field: for a batch
of 1,000 features that was most of the request (issue 12 target 6). A `LeanLoader` does the same work
with the same objects: each field present is deserialised by the schema's own field (its type, its
validators, its messages), required and defaulted fields are handled as marshmallow handles them,
nested schemas the same way, then the schema's own `@validates_schema` methods run. There is no second
copy of any rule.

Only valid input takes that path. When anything is wrong (a field refuses its value, a required field
is missing, an unknown member, a schema check fails) the input is loaded again by `schema.load`
itself, so every error, its path and its wording are exactly marshmallow's. A schema whose hooks the
lean path does not perform (pre/post-load processors, field validators, schema checks that want the
original data or the whole collection, unknown=INCLUDE) is refused when the loader is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, missing
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA


class _Unsure(Exception):
    """The lean path cannot vouch for this input: let schema.load decide, with its own errors."""


@dataclass(frozen=True)
class _Slot:
    key: str  # the member's name in the input (the field's data_key, else its name)
    attribute: str  # where the loaded value goes
    field: fields.Field
    nested: _Plan | None  # a Nested field's schema, loaded the lean way too


class _Plan:
    """What loading one schema takes, worked out once."""

    def __init__(self, schema: Schema):
        hooks = schema._hooks  # marshmallow's own record of the decorated methods
        refused = [kind for kind in (PRE_LOAD, POST_LOAD, VALIDATES) if hooks.get(kind)]
        if refused or schema.unknown not in (RAISE, EXCLUDE):
            raise TypeError(f"{type(schema).__name__}: a LeanLoader cannot follow its {refused or schema.unknown}")
        self.validators = []
        for name, many, options in hooks.get(VALIDATES_SCHEMA, []):
            if many or options.get("pass_original"):
                raise TypeError(f"{type(schema).__name__}.{name}: a LeanLoader runs per-item checks on loaded data")
            self.validators.append(getattr(schema, name))
        if schema.partial not in (None, False, True):
            raise TypeError(f"{type(schema).__name__}: a LeanLoader follows partial=True or none, not a list")
        self.schema = schema
        self.partial = schema.partial
        self.raise_unknown = schema.unknown == RAISE
        self.by_key: dict[str, _Slot] = {}
        self.absent: list[_Slot] = []  # required members, and members with a default
        for name, field in schema.load_fields.items():
            nested = None
            if type(field) is fields.Nested and not field.validators and not field.many and field.unknown is None:
                nested = _Plan(field.schema)  # its own partial and unknown, as marshmallow passes none down
            slot = _Slot(field.data_key if field.data_key is not None else name, field.attribute or name, field, nested)
            if "." in slot.attribute:
                raise TypeError(f"{type(schema).__name__}.{name}: dotted attributes are not followed")
            self.by_key[slot.key] = slot
            if field.required or field.load_default is not missing:
                self.absent.append(slot)

    def load(self, data: Any) -> dict[str, Any]:
        if type(data) is not dict:
            raise _Unsure
        out: dict[str, Any] = {}
        by_key = self.by_key
        for key, value in data.items():
            slot = by_key.get(key)
            if slot is None:
                if self.raise_unknown:
                    raise _Unsure
                continue
            if slot.nested is not None and value is not None:
                out[slot.attribute] = slot.nested.load(value)
                continue
            try:
                loaded = slot.field.deserialize(value, key, data)
            except ValidationError:
                raise _Unsure from None
            if loaded is not missing:
                out[slot.attribute] = loaded
        # Absent members, as marshmallow takes them: partial skips them; a required one is its error; a
        # field with a default gets it.
        if not self.partial:
            for slot in self.absent:
                if slot.key not in data:
                    if slot.field.required:
                        raise _Unsure
                    out[slot.attribute] = slot.field.deserialize(missing, slot.key, data)
        for check in self.validators:
            try:
                check(out, partial=self.partial, many=False, unknown=self.schema.unknown)
            except ValidationError:
                raise _Unsure from None
        return out


class LeanLoader:
    """`loader.load(data)` gives what `schema.load(data)` gives, and raises what it raises."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self._plan = _Plan(schema)

    def load(self, data: Any) -> Any:
        try:
            return self._plan.load(data)
        except _Unsure:
            return self.schema.load(data)
