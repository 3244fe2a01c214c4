"""The named parts of the document: component schemas, error answers and security schemes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from fieldapp.accounts.schemas import ApiTokenListSchema, ApiTokenSchema
from fieldapp.annotations.schemas import AnnotationListSchema, AnnotationSchema, AnnotationStatusSchema, ResponseSchema
from fieldapp.comparison.schemas import ComparisonSchema
from fieldapp.contributors.schemas import PseudonymReadSchema, PseudonymSchema
from fieldapp.datasets.schemas import DatasetListSchema, DatasetReadSchema, DatasetSchema
from fieldapp.errors import ErrorSchema
from fieldapp.forms.definition import FormSchema
from fieldapp.forms.schemas import FormAnswerSchema
from fieldapp.geo.fields import GeometrySchema
from fieldapp.observations.answers import (
    BatchResultSchema,
    DatasetSummarySchema,
    FeatureCollectionReadSchema,
    FeatureReadSchema,
    LinkSchema,
    ListedFeatureSchema,
    MediaSchema,
    PropertiesReadSchema,
)
from fieldapp.observations.schemas import (
    FeatureCollectionInputSchema,
    FeaturePatchSchema,
    FeatureSchema,
    PropertiesSchema,
)
from fieldapp.projects.schemas import (
    CheckinSchema,
    CommentSchema,
    EvaluationSchema,
    ProjectEditSchema,
    ProjectListSchema,
    ProjectReadSchema,
    ProjectSchema,
    PublishSchema,
    ThanksSchema,
)


def component_schemas() -> dict[str, type[Schema] | Schema]:
    """Each schema the document names, under its name; a schema is named before the schemas nesting it."""
    return {
        "Error": ErrorSchema,
        "Geometry": GeometrySchema,
        "ObservationProperties": PropertiesSchema,
        "ObservationPropertiesPatch": PropertiesSchema(partial=True),
        "ObservationPropertiesRead": PropertiesReadSchema,
        "FeatureInput": FeatureSchema,
        "FeatureCollectionInput": FeatureCollectionInputSchema,
        "FeaturePatch": FeaturePatchSchema,
        "Feature": FeatureReadSchema,
        "Link": LinkSchema,
        "ListedObservationProperties": PropertiesReadSchema(partial=True),
        "ListedFeature": ListedFeatureSchema,
        "DatasetSummary": DatasetSummarySchema,
        "FeatureCollection": FeatureCollectionReadSchema,
        "BatchResult": BatchResultSchema,
        "DatasetInput": DatasetSchema,
        "Dataset": DatasetReadSchema,
        "DatasetList": DatasetListSchema,
        "Comparison": ComparisonSchema,
        "AnnotationInput": AnnotationSchema,
        "AnnotationStatus": AnnotationStatusSchema,
        "AnnotationList": AnnotationListSchema,
        "AnnotationResponseInput": ResponseSchema,
        "Media": MediaSchema,
        "PseudonymInput": PseudonymSchema,
        "Pseudonym": PseudonymReadSchema,
        "ApiToken": ApiTokenSchema,
        "ApiTokenList": ApiTokenListSchema,
        "ProjectInput": ProjectSchema,
        "ProjectEdit": ProjectEditSchema,
        "Project": ProjectReadSchema,
        "ProjectList": ProjectListSchema,
        "ProtocolCommentInput": CommentSchema,
        "ProtocolPublishInput": PublishSchema,
        "WellbeingCheckinInput": CheckinSchema,
        "WellbeingThanks": ThanksSchema,
        "ProjectEvaluation": EvaluationSchema,
        "FormInput": FormSchema,
        "Form": FormAnswerSchema,
    }


ERROR_TEXT = {
    400: "Malformed request: bad JSON, an unknown or malformed query parameter, "
    "or a write signed in by cookie without its CSRF token.",
    401: "No credential, or an invalid API token.",
    403: "Signed in, but not allowed to do this.",
    404: "No such record.",
    409: "The id is already stored with different content, or by another account.",
    413: "The request body is larger than the limit.",
    422: "The input is not valid; details name each field (and feature index) that is wrong.",
}

CSRF_PARAMETER: dict[str, Any] = {
    "name": "X-CSRFToken",
    "required": False,
    "schema": {"type": "string"},
    "description": "Required on writes authenticated by the session cookie; "
    "the page's csrf-token meta tag holds it. Not needed with a bearer token.",
}

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token, made on the /account/tokens page or by "
        "`fieldapp users create EMAIL --token`; list and revoke them under /tokens.",
    },
    "cookieAuth": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The session cookie set by signing in at /login; writes need X-CSRFToken.",
    },
}
