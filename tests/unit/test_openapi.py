"""The OpenAPI document is valid, covers every /api/v1 route and property, and matches real answers."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Blueprint, Flask
from marshmallow import fields, validate
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker
from openapi_spec_validator import validate as validate_spec

from fieldapp.api import API_PREFIX
from fieldapp.datasets.schemas import DatasetSchema
from fieldapp.observations.schemas import LIST_PARAMETERS, FeatureSchema, PropertiesSchema
from fieldapp.openapi import document
from tests.factories import feature

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def doc(app) -> dict:
    return document(app, API_PREFIX)


def schema_of(doc: dict, name: str) -> dict:
    return doc["components"]["schemas"][name]


def validator(doc: dict, name: str, cls=OAS30ReadValidator):
    """A validator for one component schema, resolving $refs inside the document."""
    wrapper = {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "components": doc["components"]}
    return cls(wrapper, format_checker=oas30_format_checker)


def assert_valid(doc: dict, name: str, instance, cls=OAS30ReadValidator) -> None:
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator(doc, name, cls).iter_errors(instance)]
    assert problems == [], f"{name} does not describe the answer: {problems}"


# --- the document itself ----------------------------------------------------------------------


def test_document_is_valid_openapi_303(doc):
    assert doc["openapi"] == "3.0.3"
    validate_spec(doc)


def test_every_api_route_and_method_is_documented(app, doc):
    def normalise(path: str) -> str:
        return re.sub(r"<(?:[^:>]+:)?[^>]+>", "{}", path)

    routes = {
        (normalise(rule.rule[len(PREFIX) :]), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        for method in rule.methods - IGNORED_METHODS
    }
    documented = {
        (re.sub(r"\{[^}]+\}", "{}", path), method)
        for path, item in doc["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert routes, "no /api/v1 routes found"
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "the document describes routes the app does not have"


# Every operation, parameter ("!" when required), answer status and body media type the hand-written
# document had when the document became generated (session 21): none may go missing, none appear unseen.
DOCUMENTED_OPERATIONS = {
    (
        "GET /comparisons",
        "getComparison",
        "query:a! query:a_datetime query:a_field query:a_subject query:b! query:b_datetime query:b_field "
        "query:b_subject query:background query:cell_m query:datetime query:field query:format query:shape "
        "query:subject",
        "200 202 400 401",
        "",
    ),
    ("GET /comparisons/jobs/{job}", "getComparisonJob", "path:job!", "200 404", ""),
    ("GET /comparisons/jobs/{job}/file", "downloadComparisonJob", "path:job!", "200 404 409", ""),
    (
        "POST /comparisons/jobs/{job}/cancel",
        "cancelComparisonJob",
        "header:X-CSRFToken path:job!",
        "200 404 409",
        "",
    ),
    ("GET /contributors/{contributor_id}/withdrawal", "getWithdrawal", "path:contributor_id!", "200 400 401 404", ""),
    (
        "POST /contributors/{contributor_id}/withdrawal",
        "withdrawRecords",
        "header:X-CSRFToken path:contributor_id!",
        "200 400 401 403 404 413 422",
        "application/json",
    ),
    (
        "POST /consents/facilitated",
        "recordFacilitatedConsent",
        "header:X-CSRFToken",
        "201 400 401 403 404 413 422",
        "application/json",
    ),
    (
        "POST /contributors/pseudonyms",
        "createPseudonym",
        "header:X-CSRFToken",
        "200 201 400 401 413 422",
        "application/json",
    ),
    ("GET /datasets", "listDatasets", "", "200 400", ""),
    ("POST /datasets", "createDataset", "header:X-CSRFToken", "201 400 401 403 409 413 422", "application/json"),
    ("GET /datasets/{slug}", "getDataset", "path:slug!", "200 400 404", ""),
    (
        "PATCH /datasets/{slug}",
        "updateDataset",
        "header:X-CSRFToken path:slug!",
        "200 400 401 403 404 409 413 422",
        "application/json",
    ),
    ("GET /datasets/{slug}/access-requests", "listDatasetAccessRequests", "path:slug!", "200 400 401 404", ""),
    (
        "POST /datasets/{slug}/access-requests",
        "requestDatasetAccess",
        "header:X-CSRFToken path:slug!",
        "201 400 401 404 413 422",
        "application/json",
    ),
    (
        "POST /datasets/{slug}/access-requests/{request_id}/decision",
        "decideDatasetAccess",
        "header:X-CSRFToken path:request_id! path:slug!",
        "200 400 401 403 404 409 413 422",
        "application/json",
    ),
    ("GET /datasets/{slug}/agreement", "getDatasetAgreement", "path:slug!", "200 400 404", ""),
    (
        "PUT /datasets/{slug}/agreement",
        "putDatasetAgreement",
        "header:X-CSRFToken path:slug!",
        "200 400 401 403 404 413 422",
        "application/json",
    ),
    (
        "GET /datasets/{slug}/export",
        "exportDataset",
        "path:slug! query:background query:format!",
        "200 202 400 404",
        "",
    ),
    ("GET /exports/{job}", "getExport", "path:job!", "200 401 404", ""),
    ("POST /exports/{job}/cancel", "cancelExport", "header:X-CSRFToken path:job!", "200 401 404 409", ""),
    ("GET /exports/{job}/file", "downloadExport", "path:job!", "200 401 404 409", ""),
    (
        "POST /datasets/{slug}/imports",
        "importFile",
        "header:X-CSRFToken path:slug!",
        "200 201 202 400 401 403 404 413 422",
        "multipart/form-data",
    ),
    ("GET /imports/{job}", "getImport", "path:job!", "200 401 404", ""),
    ("POST /imports/{job}/cancel", "cancelImport", "header:X-CSRFToken path:job!", "200 401 404 409", ""),
    (
        "GET /observations",
        "listObservations",
        "query:bbox query:count query:cursor query:dataset query:datetime query:field query:kind query:limit "
        "query:properties query:review query:subject",
        "200 400 401",
        "",
    ),
    (
        "POST /observations",
        "createObservations",
        "header:X-CSRFToken",
        "200 201 400 401 403 409 413 422",
        "application/geo+json application/json",
    ),
    ("DELETE /observations/{id}", "deleteObservation", "header:X-CSRFToken path:id!", "204 400 401 403 404", ""),
    ("GET /observations/{id}", "getObservation", "path:id!", "200 400 401 404", ""),
    (
        "PATCH /observations/{id}",
        "patchObservation",
        "header:X-CSRFToken path:id!",
        "200 400 401 403 404 413 422",
        "application/json",
    ),
    ("GET /observations/{id}/annotations", "listAnnotations", "path:id!", "200 400 401 403 404", ""),
    (
        "POST /observations/{id}/annotations",
        "createAnnotation",
        "header:X-CSRFToken path:id!",
        "201 400 401 403 404 422",
        "application/json",
    ),
    (
        "POST /observations/{id}/annotations/{annotation_id}/response",
        "respondToAnnotation",
        "header:X-CSRFToken path:annotation_id! path:id!",
        "200 400 401 403 404 409 422",
        "application/json",
    ),
    (
        "POST /observations/{id}/media",
        "uploadMedia",
        "header:X-CSRFToken path:id!",
        "200 201 400 401 403 404 409 413 422",
        "multipart/form-data",
    ),
    ("GET /openapi.json", "getOpenAPI", "", "200", ""),
    (
        "GET /sensing",
        "getSensing",
        "query:area query:bbox query:bin query:cell query:dataset query:format query:from query:kind query:place"
        " query:season query:subject! query:to",
        "200 400 401 422",
        "",
    ),
    # Added with the projects capability (issue 14).
    ("GET /projects", "listProjects", "", "200 400", ""),
    ("GET /projects/{slug}", "getProject", "path:slug!", "200 400 404", ""),
    (
        "PATCH /projects/{slug}",
        "editProject",
        "header:X-CSRFToken path:slug!",
        "200 400 401 403 404 413 422",
        "application/json",
    ),
    ("POST /projects", "createProject", "header:X-CSRFToken", "201 400 401 403 409 413 422", "application/json"),
    (
        "POST /projects/{slug}/comments",
        "commentOnProtocol",
        "header:X-CSRFToken path:slug!",
        "201 400 401 403 404 413 422",
        "application/json",
    ),
    (
        "POST /projects/{slug}/versions",
        "publishProtocol",
        "header:X-CSRFToken path:slug!",
        "201 400 401 403 404 413 422",
        "application/json",
    ),
    ("GET /projects/{slug}/evaluation", "getProjectEvaluation", "path:slug! query:year", "200 400 404", ""),
    (
        "POST /projects/{slug}/wellbeing",
        "checkIn",
        "header:X-CSRFToken path:slug!",
        "201 400 401 404 409 413 422",
        "application/json",
    ),
    ("GET /datasets/{slug}/form", "getDatasetForm", "path:slug! query:version", "200 400 404", ""),
    ("GET /me/forms", "getMyForms", "", "200 400 401", ""),
    (
        "PUT /datasets/{slug}/form",
        "publishDatasetForm",
        "header:X-CSRFToken path:slug!",
        "201 400 401 403 404 413 422",
        "application/json",
    ),
    (
        "POST /datasets/{slug}/form/xlsform",
        "importXLSForm",
        "header:X-CSRFToken path:slug!",
        "200 201 400 401 403 404 413 422",
        "multipart/form-data",
    ),
    ("GET /datasets/{slug}/form.xlsx", "exportXLSForm", "path:slug!", "200 400 404", ""),
    # Names of living things as contributed knowledge (issue 16).
    ("GET /subjects", "searchSubjects", "query:limit query:q!", "200 400", ""),
    ("GET /subjects/{subject_id}", "getSubject", "path:subject_id! query:sort", "200 400 404", ""),
    (
        "POST /subjects/{subject_id}/names",
        "addSubjectName",
        "header:X-CSRFToken path:subject_id!",
        "201 400 401 404 409 422",
        "application/json",
    ),
    (
        "POST /names/{name_id}/preferred",
        "preferName",
        "header:X-CSRFToken path:name_id!",
        "200 400 401 403 404 422",
        "application/json",
    ),
    ("GET /names/{name_id}/annotations", "listNameAnnotations", "path:name_id!", "200 400 404", ""),
    (
        "POST /names/{name_id}/annotations",
        "createNameAnnotation",
        "header:X-CSRFToken path:name_id!",
        "201 400 401 404 422",
        "application/json",
    ),
    # The gazetteer of places (issue 16).
    ("GET /places", "listPlaces", "query:bbox query:dataset query:kind query:limit query:q", "200 400", ""),
    ("GET /places/{place_id}", "getPlace", "path:place_id!", "200 400 404", ""),
    ("GET /places/export", "exportPlaces", "query:bbox query:dataset query:format query:kind query:q", "200 400", ""),
    ("POST /places", "createPlace", "header:X-CSRFToken", "201 400 401 403 422", "application/json"),
    (
        "POST /places/{place_id}/names",
        "addPlaceName",
        "header:X-CSRFToken path:place_id!",
        "201 400 401 404 409 422",
        "application/json",
    ),
    (
        "GET /places/{place_id}/names/{place_name_id}/annotations",
        "listPlaceNameAnnotations",
        "path:place_id! path:place_name_id!",
        "200 400 404",
        "",
    ),
    (
        "POST /places/{place_id}/names/{place_name_id}/annotations",
        "createPlaceNameAnnotation",
        "header:X-CSRFToken path:place_id! path:place_name_id!",
        "201 400 401 404 422",
        "application/json",
    ),
    ("POST /places/imports", "importPlaces", "header:X-CSRFToken", "200 201 400 401 403 422", "multipart/form-data"),
    ("GET /tokens", "listApiTokens", "query:email", "200 400 401 403 404", ""),
    ("DELETE /tokens/{token_id}", "revokeApiToken", "header:X-CSRFToken path:token_id!", "204 400 401 404", ""),
    # Self-service by API (issue 13): the inbox.
    ("GET /me/notifications", "listMyNotifications", "query:unread", "200 400 401", ""),
    (
        "POST /me/notifications/read",
        "markMyNotificationsRead",
        "header:X-CSRFToken",
        "200 400 401 413 422",
        "application/json",
    ),
    ("GET /me/records", "listMyRecords", "query:cursor query:limit", "200 400 401", ""),
    ("GET /contributors/to-credit", "findPeopleToCredit", "query:q!", "200 400 401 403", ""),
    (
        "POST /contributors/people",
        "addPersonToCredit",
        "header:X-CSRFToken",
        "201 400 401 403 413 422",
        "application/json",
    ),
    # Staff's people by API (issue 13).
    ("GET /people", "listPeople", "query:q", "200 400 401 403", ""),
    ("GET /people/{user_id}", "getPerson", "path:user_id!", "200 400 401 403 404", ""),
    ("POST /invitations", "invitePerson", "header:X-CSRFToken", "201 400 401 403 409 413 422", "application/json"),
    (
        "POST /people/{user_id}/password-reset",
        "resetPassword",
        "header:X-CSRFToken path:user_id!",
        "200 400 401 403 404",
        "",
    ),
    (
        "PATCH /people/{user_id}",
        "updatePerson",
        "header:X-CSRFToken path:user_id!",
        "200 400 401 403 404 413 422",
        "application/json",
    ),
    # Groups by API (issue 13): the /groups pages' rules.
    ("GET /groups", "listMyGroups", "", "200 400 401", ""),
    ("POST /groups", "createGroup", "header:X-CSRFToken", "201 400 401 403 413 422", "application/json"),
    ("GET /groups/{group_id}", "getGroup", "path:group_id!", "200 400 401 403 404", ""),
    (
        "POST /groups/{group_id}/members",
        "addGroupMember",
        "header:X-CSRFToken path:group_id!",
        "201 400 401 403 404 409 413 422",
        "application/json",
    ),
    (
        "DELETE /groups/{group_id}/members/{member_id}",
        "removeGroupMember",
        "header:X-CSRFToken path:group_id! path:member_id!",
        "204 400 401 403 404 409",
        "",
    ),
    (
        "PUT /groups/{group_id}/membership",
        "setMyGroupListing",
        "header:X-CSRFToken path:group_id!",
        "200 400 401 404 413 422",
        "application/json",
    ),
}
DOCUMENTED_SCHEMAS = {
    "AnnotationInput", "AnnotationList", "AnnotationResponseInput", "AnnotationStatus", "ApiToken", "ApiTokenList",
    "BatchResult", "Comparison", "Dataset", "DatasetInput", "DatasetList", "DatasetSummary", "Error", "Feature",
    "FeatureCollection", "FeatureCollectionInput", "FeatureInput", "FeaturePatch", "Geometry", "Link", "ListedFeature",
    "ListedObservationProperties", "Media", "ObservationProperties",
    "ObservationPropertiesPatch", "ObservationPropertiesRead", "Pseudonym", "PseudonymInput",
    # Added with the projects capability (issue 14).
    "Project", "ProjectEdit", "ProjectInput", "ProjectList", "ProtocolCommentInput", "ProtocolPublishInput",
    "ProjectEvaluation", "WellbeingCheckinInput", "WellbeingThanks", "Form", "FormInput",
}  # fmt: skip


def operations_of(doc: dict) -> set[tuple[str, str, str, str, str]]:
    found = set()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            parameters = [resolved(doc, p) for p in item.get("parameters", []) + operation.get("parameters", [])]
            names = " ".join(sorted(f"{p['in']}:{p['name']}{'!' if p.get('required') else ''}" for p in parameters))
            body = " ".join(sorted(operation.get("requestBody", {}).get("content", {})))
            statuses = " ".join(sorted(operation["responses"]))
            found.add((f"{method.upper()} {path}", operation["operationId"], names, statuses, body))
    return found


def test_the_generated_document_keeps_every_operation_parameter_and_answer(doc):
    assert operations_of(doc) == DOCUMENTED_OPERATIONS
    assert set(doc["components"]["schemas"]) == DOCUMENTED_SCHEMAS
    assert set(doc["components"]["responses"]) == {f"E{code}" for code in (400, 401, 403, 404, 409, 413, 422)}


def test_a_route_without_a_declaration_stops_the_document():
    app = Flask("undeclared")
    blueprint = Blueprint("undeclared", __name__)
    blueprint.add_url_rule("/undeclared", view_func=lambda: "")
    app.register_blueprint(blueprint, url_prefix=API_PREFIX)
    with pytest.raises(LookupError, match=f"{API_PREFIX}/undeclared"):
        document(app, API_PREFIX)


def test_security_schemes_are_bearer_and_cookie(doc):
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    post = doc["paths"]["/observations"]["post"]
    assert {} not in post["security"], "writes must not be documented as anonymous"
    assert {} in doc["paths"]["/observations"]["get"]["security"]


def resolved(doc: dict, parameter: dict) -> dict:
    if "$ref" in parameter:
        return doc["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
    return parameter


def test_list_parameters_match_the_endpoint(doc):
    documented = {resolved(doc, p)["name"] for p in doc["paths"]["/observations"]["get"]["parameters"]}
    assert documented == LIST_PARAMETERS


def test_post_observations_documents_its_error_statuses(doc):
    responses = doc["paths"]["/observations"]["post"]["responses"]
    for status in ("200", "201", "400", "401", "409", "413", "422"):
        assert status in responses, status
    error = doc["components"]["responses"]["E422"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}


# --- properties: every accepted field documented, enums the schemas' own ---------------------


def choices_of(field: fields.Field) -> list | None:
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            return list(rule.choices)
    return None


def check_fields_documented(schema, documented: dict) -> None:
    props = documented["properties"]
    # A field is accepted under its data_key when it has one (e.g. "fields", a name a Schema keeps for itself).
    accepted = {field.data_key or name: field for name, field in schema.fields.items()}
    assert set(accepted) == set(props), "accepted and documented fields differ"
    required = {name for name, field in accepted.items() if field.required}
    assert required == set(documented.get("required", [])), "required fields differ"
    for name, field in accepted.items():
        choices = choices_of(field)
        if choices is not None:
            enum = [v for v in props[name]["enum"] if v is not None]
            assert enum == choices, f"{name}: enum {enum} but the schema accepts {choices}"
        if field.allow_none and "enum" in props[name]:
            assert None in props[name]["enum"], f"{name} accepts null but its enum does not list it"


def test_every_observation_property_is_documented(doc):
    check_fields_documented(PropertiesSchema(), schema_of(doc, "ObservationProperties"))
    assert schema_of(doc, "ObservationProperties")["additionalProperties"] is False


def test_every_feature_member_is_documented(doc):
    assert set(FeatureSchema().fields) == set(schema_of(doc, "FeatureInput")["properties"])


def test_every_dataset_field_is_documented(doc):
    documented = schema_of(doc, "DatasetInput")
    assert set(DatasetSchema().fields) == set(documented["properties"])
    required = {name for name, field in DatasetSchema().fields.items() if field.required}
    assert required == set(documented["required"])


def test_enums_follow_the_vocabulary(app, monkeypatch):
    # Built from what the schema accepts at call time, not copied: a new word appears in the document.
    trend_field = PropertiesSchema._declared_fields["trend"]
    one_of = next(rule for rule in trend_field.validators if isinstance(rule, validate.OneOf))
    monkeypatch.setattr(one_of, "choices", (*one_of.choices, "fluctuating"))
    trend = schema_of(document(app, API_PREFIX), "ObservationProperties")["properties"]["trend"]
    assert "fluctuating" in trend["enum"]


def test_documented_input_accepts_a_valid_feature_and_rejects_an_unknown_property(doc):
    good = feature(
        "a-dataset",
        count=3,
        trend=None,
        abundance_scale="SACFOR",
        abundance_value="C",
        observed_start="2024-05-01",
        season_months=[3, 4, 5],
    )
    assert_valid(doc, "FeatureInput", good, OAS30WriteValidator)
    bad = feature("a-dataset", colour="red")
    assert not validator(doc, "FeatureInput", OAS30WriteValidator).is_valid(bad)


# --- the document describes what the app really answers --------------------------------------


def test_openapi_json_is_served(client, doc):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == doc


def test_real_feature_and_collection_match_the_document(client, make, doc):
    warden = make.account()
    dataset = make.dataset(warden)
    body = feature(
        dataset.slug,
        feature_id=str(uuid.uuid4()),
        count=4,
        abundance_scale="SACFOR",
        abundance_value="common",
        season_months=[6, 7],
        confidence="probable",
    )
    created = client.post(f"{PREFIX}/observations", json=body, headers=warden.headers)
    assert created.status_code == 201, created.get_json()
    assert_valid(doc, "Feature", created.get_json())
    listed = client.get(f"{PREFIX}/observations?dataset={dataset.slug}&limit=1", headers=warden.headers)
    assert listed.status_code == 200
    assert_valid(doc, "FeatureCollection", listed.get_json())
    anonymous = client.get(f"{PREFIX}/observations?dataset={dataset.slug}")
    assert_valid(doc, "FeatureCollection", anonymous.get_json())


def test_real_batch_result_matches_the_document(client, make, doc):
    warden = make.account()
    dataset = make.dataset(warden)
    batch = {"type": "FeatureCollection", "features": [feature(dataset.slug), feature(dataset.slug, count=1)]}
    assert_valid(doc, "FeatureCollectionInput", batch, OAS30WriteValidator)
    answer = client.post(f"{PREFIX}/observations", json=batch, headers=warden.headers)
    assert answer.status_code == 201, answer.get_json()
    assert_valid(doc, "BatchResult", answer.get_json())


def test_real_datasets_match_the_document(client, make, doc):
    steward = make.account(role="steward")
    dataset = make.dataset(steward, generalise_m=500)
    one = client.get(f"{PREFIX}/datasets/{dataset.slug}")
    assert one.status_code == 200
    assert_valid(doc, "Dataset", one.get_json())
    assert_valid(doc, "DatasetList", client.get(f"{PREFIX}/datasets").get_json())
    new = {"slug": f"doc-{uuid.uuid4().hex[:8]}", "title": "Documented", "knowledge_kind": "local"}
    assert_valid(doc, "DatasetInput", new, OAS30WriteValidator)
    created = client.post(f"{PREFIX}/datasets", json=new, headers=steward.headers)
    assert created.status_code == 201, created.get_json()
    assert_valid(doc, "Dataset", created.get_json())


def test_real_errors_match_the_error_schema(client, make, doc):
    warden = make.account()
    unknown_parameter = client.get(f"{PREFIX}/observations?colour=red")
    invalid = client.post(f"{PREFIX}/observations", json=feature("no-such-dataset", count=-1), headers=warden.headers)
    anonymous = client.post(f"{PREFIX}/observations", json=feature("x"))
    for answer, status in ((unknown_parameter, 400), (invalid, 422), (anonymous, 401)):
        assert answer.status_code == status
        assert_valid(doc, "Error", answer.get_json())


def test_comparison_parameters_match_the_endpoint(doc):
    from fieldapp.comparison.schemas import PARAMETERS

    documented = {p["name"] for p in doc["paths"]["/comparisons"]["get"]["parameters"]}
    assert documented == PARAMETERS


def test_real_comparison_matches_the_document(client, make, doc):
    steward = make.account(role="steward")
    first, second = make.dataset(steward), make.dataset(steward, knowledge_kind="local")
    for dataset in (first, second):
        answer = client.post(f"{PREFIX}/observations", json=feature(dataset.slug), headers=steward.headers)
        assert answer.status_code == 201, answer.get_json()
    compared = client.get(f"{PREFIX}/comparisons?a={first.slug}&b=dataset:{second.slug}&cell_m=500")
    assert compared.status_code == 200, compared.get_json()
    assert_valid(doc, "Comparison", compared.get_json())
    assert compared.get_json()["summary"]["classes"]["both_present"] == 1


def test_every_annotation_field_is_documented(doc):
    from fieldapp.annotations.schemas import AnnotationSchema, ResponseSchema

    check_fields_documented(AnnotationSchema(), schema_of(doc, "AnnotationInput"))
    check_fields_documented(ResponseSchema(), schema_of(doc, "AnnotationResponseInput"))


def test_real_annotations_match_the_document(client, make, doc):
    warden, reader = make.account(), make.account()
    dataset = make.dataset(warden)
    created = client.post(f"{PREFIX}/observations", json=feature(dataset.slug), headers=warden.headers)
    assert created.status_code == 201, created.get_json()
    annotations = f"{PREFIX}/observations/{created.get_json()['id']}/annotations"
    body = {"kind": "question", "body": "Spider crab this far up the shore in May?"}
    assert_valid(doc, "AnnotationInput", body, OAS30WriteValidator)
    asked = client.post(annotations, json=body, headers=reader.headers)
    assert asked.status_code == 201, asked.get_json()
    assert_valid(doc, "AnnotationStatus", asked.get_json())
    listed = client.get(annotations)
    assert listed.status_code == 200
    assert_valid(doc, "AnnotationList", listed.get_json())
    assert len(listed.get_json()["annotations"]) == 1
