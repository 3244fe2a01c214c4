"""Marshmallow schemas for projects: what a create, an edit, a comment and a publication take, and what is answered."""

from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from fieldapp import rules
from fieldapp.datasets.schemas import SLUG
from fieldapp.rules import PROJECT_TEXT_MAX, describe
from fieldapp.vocab import CO_PRODUCERS


def _text(name: str, what: str, required: bool = False, minimum: int | None = None, default: bool = True):
    kwargs: dict = {"required": True} if required else ({"load_default": ""} if default else {})
    return fields.String(
        validate=validate.Length(min=minimum, max=PROJECT_TEXT_MAX[name]), metadata=describe(what), **kwargs
    )


def _who(what: str, required: bool = True) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.OneOf(CO_PRODUCERS, error="Say community, professionals or both."),
        metadata=describe(what),
    )


class PartnerSchema(Schema):
    class Meta:
        unknown = RAISE

    contributor_id = rules.whole_number(
        rules.ROW_ID, required=True, metadata=describe("The partner (person or group).")
    )
    role = _text("role", "Their role in the project, in their own words.")


def _project_fields(new: bool) -> dict[str, fields.Field]:
    """A project's fields: required or defaulted for a new one, each optional (and never defaulted) for an edit."""
    lists: dict[str, Any] = {"load_default": list} if new else {}
    return {
        "title": _text("title", "The title.", required=new, minimum=1, default=new),
        "purpose": _text("purpose", "What the project is for.", default=new),
        "designed_by": _who("Who designed it: community, professionals or both.", required=new),
        "delivered_by": _who("Who delivers it: community, professionals or both.", required=new),
        "steward_id": rules.whole_number(
            rules.ROW_ID, metadata=describe("The stewarding contributor (default: yours).")
        ),
        "draft_protocol": _text("protocol", "The protocol as drafted (published as versions).", default=new),
        "partners": fields.List(fields.Nested(PartnerSchema), metadata=describe("Partners and their roles."), **lists),
        "datasets": fields.List(fields.String(), metadata=describe("Slugs of the datasets it gathers."), **lists),
    }


class ProjectSchema(Schema.from_dict(_project_fields(new=True))):  # type: ignore[misc]
    """A new project."""

    class Meta:
        unknown = RAISE

    slug = fields.String(
        required=True,
        validate=validate.Regexp(SLUG, error="Use 2-80 lower-case letters, digits and hyphens."),
        metadata=describe("Short name in URLs."),
    )


class ProjectEditSchema(Schema.from_dict(_project_fields(new=False))):  # type: ignore[misc]
    """What a project's stewards change: only the fields given (partners and datasets are replaced)."""

    class Meta:
        unknown = RAISE


class CommentSchema(Schema):
    class Meta:
        unknown = RAISE

    body = _text("comment", "The comment.", required=True, minimum=1)
    proposed_text = fields.String(
        allow_none=True,
        validate=validate.Length(max=PROJECT_TEXT_MAX["protocol"]),
        metadata=describe("A proposed wording of the whole protocol (optional)."),
    )
    contributor_id = rules.whole_number(
        rules.ROW_ID, metadata=describe("Credit it to you (default), a pseudonym of yours or a group you belong to.")
    )


class PublishSchema(Schema):
    class Meta:
        unknown = RAISE

    text = fields.String(
        validate=validate.Length(min=1, max=PROJECT_TEXT_MAX["protocol"]),
        metadata=describe("The protocol to publish (default: the current draft)."),
    )


class CheckinSchema(Schema):
    """The four ONS personal wellbeing questions, each 0 to 10 (anxiety: 0 is not at all anxious)."""

    class Meta:
        unknown = RAISE

    life_satisfaction = rules.whole_number(
        rules.WELLBEING["life_satisfaction"],
        required=True,
        metadata=describe("Overall, how satisfied are you with your life nowadays? (0-10)"),
    )
    worthwhile = rules.whole_number(
        rules.WELLBEING["worthwhile"],
        required=True,
        metadata=describe("Overall, to what extent do you feel the things you do in your life are worthwhile? (0-10)"),
    )
    happiness = rules.whole_number(
        rules.WELLBEING["happiness"],
        required=True,
        metadata=describe("Overall, how happy did you feel yesterday? (0-10)"),
    )
    anxiety = rules.whole_number(
        rules.WELLBEING["anxiety"],
        required=True,
        metadata=describe("Overall, how anxious did you feel yesterday? (0-10)"),
    )


class ThanksSchema(Schema):
    message = fields.String(metadata=describe("What happens to the answers."))


class EvaluationArgsSchema(Schema):
    year = fields.Integer(
        validate=validate.Range(min=2000, max=2100, error="give a year such as 2025"),
        metadata=describe("Only this year (a yearly report); default the whole project."),
    )


class EvaluationSchema(Schema):
    """Aggregates only: records, coverage and people by kind, by month, comparisons, review, wellbeing."""

    year = fields.Integer(allow_none=True, metadata=describe("The year reported on, or null for all."))
    by_kind = fields.List(fields.Dict(), metadata=describe("Per knowledge kind: records, people, minutes, cells."))
    by_month = fields.List(fields.Dict(), metadata=describe("Per month: people, returning people, records, minutes."))
    comparisons = fields.Integer(metadata=describe("Comparisons run on the project's datasets."))
    review = fields.List(fields.Dict(), metadata=describe("Annotations by annotator's kind, record's kind and kind."))
    wellbeing = fields.Dict(metadata=describe("Means of at least five people per half-year and their change."))


class ProjectPathSchema(Schema):
    slug = fields.String(required=True, metadata=describe("The project's slug."))


# --- what the API answers (built in queries.py; these describe it) ------------------------------------


class CreditSchema(Schema):
    id = fields.Integer(metadata=describe("The contributor's id."))
    display_name = fields.String(metadata=describe("As they chose to be named."))
    kind = fields.String(metadata=describe("person or group."))


class ProjectReadSchema(Schema):
    slug = fields.String(metadata=describe("Short name in URLs."))
    title = fields.String(metadata=describe("The title."))
    purpose = fields.String(metadata=describe("What it is for."))
    designed_by = fields.String(validate=validate.OneOf(CO_PRODUCERS), metadata=describe("Who designed it."))
    delivered_by = fields.String(validate=validate.OneOf(CO_PRODUCERS), metadata=describe("Who delivers it."))
    cell = fields.String(metadata=describe("Its cell of the design-by-delivery matrix."))
    steward = fields.Nested(CreditSchema, metadata=describe("Who stewards it."))
    partners = fields.List(fields.Dict(), metadata=describe("Partners with their roles."))
    datasets = fields.List(fields.Dict(), metadata=describe("Datasets it gathers."))
    draft_protocol = fields.String(metadata=describe("The protocol being drafted, in the open."))
    protocol = fields.Dict(allow_none=True, metadata=describe("The latest published version, or null."))
    versions = fields.List(fields.Dict(), metadata=describe("Every published version with who shaped it."))
    comments = fields.List(fields.Dict(), metadata=describe("The discussion, credited as each author chose."))


class ProjectListSchema(Schema):
    projects = fields.List(fields.Nested(ProjectReadSchema), metadata=describe("Every project."))
