"""Marshmallow schemas for subjects and their names: search arguments, a new name, a preference, the answers."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldapp import rules
from fieldapp.i18n import _l
from fieldapp.rules import describe
from fieldapp.subjects.queries import NAME_SORTS, SEARCH_LIMIT

# The languages the forms offer first; any ISO 639 code is accepted (rules.LANGUAGE_PATTERN).
NAME_LANGUAGES = {"en": _l("English"), "fr": _l("French"), "pt": _l("Portuguese"), "nrf": _l("Jèrriais")}


def _text(maximum: int, minimum: int = 1) -> list:
    """A length and no control characters (NUL and friends are refused at the edge)."""
    return [
        validate.Length(min=minimum, max=maximum),
        validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="No control characters."),
    ]


class SubjectSearchArgsSchema(Schema):
    q = fields.String(
        required=True,
        validate=_text(200),
        metadata=describe("Any part of any name (scientific or in any language), accents and case ignored."),
    )
    limit = fields.Integer(
        load_default=SEARCH_LIMIT, validate=validate.Range(1, 100), metadata=describe("At most this many subjects.")
    )


class SubjectArgsSchema(Schema):
    sort = fields.String(
        load_default="name",
        validate=validate.OneOf(tuple(NAME_SORTS)),
        metadata=describe("The order of the names, as the reader chooses: name, language, recent, corroborated."),
    )


class SubjectPathSchema(Schema):
    subject_id = fields.Integer(required=True, metadata=describe("The subject's id."))


class NamePathSchema(Schema):
    name_id = fields.Integer(required=True, metadata=describe("The name's id."))


class NameSchema(Schema):
    """A name someone gives a subject, in a language and optionally a community's own usage."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=_text(rules.NAME_MAX), metadata=describe("The name, as it is said."))
    language = fields.String(
        required=True,
        validate=validate.Regexp(rules.LANGUAGE_PATTERN, error="Use an ISO 639 code such as en, fr, pt or nrf."),
        metadata=describe("ISO 639 code of its language: en, fr, pt, nrf (Jèrriais), ..."),
    )
    community = fields.String(
        load_default=None,
        allow_none=True,
        validate=_text(rules.COMMUNITY_MAX, 0),
        metadata=describe(
            "The community that uses it, if not the language's speakers in general (e.g. a fishers' association)."
        ),
    )
    contributor_id = rules.whole_number(
        rules.ROW_ID, metadata=describe("Who is credited, if not the account (a pseudonym or a group).")
    )


class PreferSchema(Schema):
    class Meta:
        unknown = RAISE

    dataset = fields.String(
        required=True, validate=_text(80), metadata=describe("The dataset (slug) that prefers this name.")
    )


# --- what the API answers (built by SQL in queries.py; these describe it) ---------------------------


class NameBriefSchema(Schema):
    name = fields.String(metadata=describe("The name."))
    language = fields.String(allow_none=True, metadata=describe("Its language (ISO 639)."))
    community = fields.String(allow_none=True, metadata=describe("The community that uses it."))


class SubjectFoundSchema(Schema):
    id = fields.Integer(metadata=describe("The subject's id."))
    scientific_name = fields.String(allow_none=True, metadata=describe("Its scientific name, where there is one."))
    kind = fields.String(metadata=describe("taxon, habitat or other."))
    matched = fields.Nested(NameBriefSchema, metadata=describe("The name that matched the query."))
    names = fields.List(fields.Nested(NameBriefSchema), metadata=describe("All its names."))


class SubjectSearchSchema(Schema):
    query = fields.String(metadata=describe("The query as given."))
    subjects = fields.List(fields.Nested(SubjectFoundSchema), metadata=describe("Best match first."))
    message = fields.String(allow_none=True, metadata=describe("Said when nothing matches."))


class NameReadSchema(Schema):
    id = fields.Integer(allow_none=True, metadata=describe("The name's id (none for the scientific name)."))
    name = fields.String(metadata=describe("The name."))
    language = fields.String(metadata=describe("Its language (ISO 639; la for the scientific name)."))
    community = fields.String(allow_none=True, metadata=describe("The community that uses it."))
    scientific = fields.Boolean(metadata=describe("Whether this is the scientific name."))
    credit = fields.Dict(allow_none=True, metadata=describe("Who gave it, as they are credited."))
    created_at = fields.DateTime(allow_none=True, metadata=describe("When it was added."))
    corroborated = fields.Integer(metadata=describe("People who corroborated it."))
    questioned = fields.Integer(metadata=describe("People who questioned it."))
    context = fields.Integer(metadata=describe("People who added context."))
    preferred_in = fields.List(fields.Dict(), metadata=describe("Datasets whose stewards prefer it."))


class SubjectReadSchema(Schema):
    id = fields.Integer(metadata=describe("The subject's id."))
    scientific_name = fields.String(allow_none=True)
    kind = fields.String()
    aphia_id = fields.Integer(allow_none=True)
    eunis_code = fields.String(allow_none=True)
    names = fields.List(fields.Nested(NameReadSchema), metadata=describe("Every name, in the order asked for."))


class NameCreatedSchema(Schema):
    id = fields.Integer(metadata=describe("The new name's id."))
    subject_id = fields.Integer(metadata=describe("Its subject."))
