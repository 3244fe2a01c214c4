"""Schema-driven fuzzing of /api/v1 from its own OpenAPI document: no 5xx, no answer that breaks its schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from fieldapp.api import API_PREFIX
from fieldapp.app import register_api
from fieldapp.openapi import document

# Bounded and derandomised (a fixed seed), so every run tries the same examples and stays fast.
EXAMPLES = 10
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def api_document() -> dict:
    """The document generated from the API's routes, on an app that holds only them (nothing connects).

    schemathesis' lazy schemas (from a fixture) do not run under pytest 9, so it is built here at import.
    """
    app = Flask("fieldapp-api-document")
    register_api(app)
    return document(app, API_PREFIX)


schema = schemathesis.openapi.from_dict(api_document())
# The boundary-value pass (every property at and past its limits: about 2,500 requests) runs on demand.
schema.config.phases.coverage.enabled = os.environ.get("FIELDAPP_FUZZ_COVERAGE") == "1"


@pytest.fixture
def author(make):
    """An account whose token goes with every call, so writes reach their validation."""
    account = make.account()
    make.dataset(account, slug="fuzz")
    return account


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_answers_match_the_document(case, app, connection, author):
    # Uncompressed: the WSGI transport hands the body over as sent, without undoing gzip.
    headers = author.headers | {"Accept-Encoding": "identity"}
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
